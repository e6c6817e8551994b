"""The action-line admin form: a deadline moved in the admin is recorded with its reason, like any other."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import ActionLine, DeadlineChange


class ActionLineAdminForm(forms.ModelForm):
    deadline_reason = forms.CharField(
        label=_("Reason for the new deadline"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Required when you change the deadline of an existing action line."),
    )

    class Meta:
        model = ActionLine
        # The admin adds the fields of its fieldsets; the deadline is the one this form works on.
        fields = ["due_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Known before saving: once saved, a new line has a primary key like any other.
        self.adding = self.instance._state.adding

    def deadline_moved(self):
        # A new line has no deadline to move: its first deadline becomes the original one.
        return not self.adding and "due_date" in self.changed_data

    def clean(self):
        cleaned_data = super().clean()
        if self.deadline_moved() and not (cleaned_data.get("deadline_reason") or "").strip():
            self.add_error("deadline_reason", _("Say why the deadline changes; the change is kept in the history."))
        return cleaned_data

    def record_deadline_change(self, user):
        """Called after the line is saved; returns the DeadlineChange row, or None when the deadline stayed."""
        if not self.deadline_moved():
            return None
        return DeadlineChange.objects.create(
            action_line=self.instance,
            old_date=self.initial["due_date"],
            new_date=self.instance.due_date,
            reason=self.cleaned_data["deadline_reason"].strip(),
            changed_by=user,
        )
