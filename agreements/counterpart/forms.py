"""The forms of update links: sending one from a line's page, and the progress form on the link's page."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ..forms import ProgressUpdateForm
from ..uploads import allowed_summary, check_upload


def responsible_people(line):
    """(field value, person) for each responsible person the line has, ours first."""
    sides = (("ours", line.responsible_person), ("counterpart", line.counterpart_person))
    return [(side, person) for side, person in sides if person is not None]


class SendLinkForm(forms.Form):
    """Whom to send a link to: one of the line's responsible people."""

    recipient = forms.ChoiceField(
        label=_("Send to"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whom to send the link to.")},
    )

    def __init__(self, *args, line, **kwargs):
        self.people = dict(responsible_people(line))
        labels = {"ours": _("%(name)s (our side)"), "counterpart": _("%(name)s (counterpart)")}
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [
            (side, labels[side] % {"name": person.full_name}) for side, person in self.people.items()
        ]
        if "counterpart" in self.people:
            self.fields["recipient"].initial = "counterpart"

    def clean_recipient(self):
        person = self.people[self.cleaned_data["recipient"]]
        if not person.email:
            raise ValidationError(
                _("%(name)s has no email address. Add one to the person in the administration, then send the link."),
                params={"name": person.full_name},
            )
        return person


class LinkUpdateForm(ProgressUpdateForm):
    """A progress report through a signed link: the line page's progress form without status and deadline, which a
    link cannot change, and with evidence. Derived from it, so labels, messages and widgets cannot drift apart."""

    NOT_THROUGH_A_LINK = ("status", "new_due_date", "deadline_reason")

    attachment = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "file-upload"}),
    )

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        for name in self.NOT_THROUGH_A_LINK:
            del self.fields[name]
        self.content_type = ""
        self.fields["attachment"].help_text = allowed_summary()

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        if isinstance(uploaded, UploadedFile):
            # The document rules: size limit and content allow-list (agreements/uploads.py).
            self.content_type = check_upload(uploaded)
        return uploaded or None
