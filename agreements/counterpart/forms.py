"""The forms of update links: sending one from a line's page, and the progress form on the link's page."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MinValueValidator
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from ..forms import plain_number
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


class LinkUpdateForm(forms.Form):
    """A progress report through a signed link: a note, the new percent and quantity, and evidence."""

    note = forms.CharField(
        label=_("What has happened"),
        error_messages={"required": _("Write a note about the progress.")},
        help_text=_("Say what was done, what is blocking, and what comes next."),
        widget=forms.Textarea(attrs={"rows": 5, "class": "textarea"}),
    )
    percent_complete = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Enter the percent complete, a whole number from 0 to 100."),
            "invalid": _("Enter the percent complete as a whole number from 0 to 100."),
            "min_value": _("The percent complete cannot be less than 0."),
            "max_value": _("The percent complete cannot be more than 100."),
        },
        widget=forms.NumberInput(attrs={"class": "input-width-4", "min": 0, "max": 100}),
    )
    achieved_quantity = forms.DecimalField(
        label=_("Quantity achieved"),
        required=False,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0, message=_("The quantity achieved cannot be negative."))],
        error_messages={"invalid": _("Enter the quantity achieved as a number, like 20 or 12.5.")},
        widget=forms.NumberInput(attrs={"class": "input-width-10", "min": 0, "step": "any"}),
    )
    attachment = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "file-upload"}),
    )

    def __init__(self, *args, line, **kwargs):
        kwargs.setdefault(
            "initial",
            {"percent_complete": line.percent_complete, "achieved_quantity": plain_number(line.achieved_quantity)},
        )
        super().__init__(*args, **kwargs)
        self.content_type = ""
        self.fields["attachment"].help_text = allowed_summary()
        if line.target_quantity is None:
            del self.fields["achieved_quantity"]
        else:
            self.fields["achieved_quantity"].help_text = _("Target: %(target)s %(unit)s.") % {
                "target": floatformat(line.target_quantity, -2),
                "unit": line.target_unit,
            }

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise ValidationError(_("Write a note about the progress."))
        return note

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        if isinstance(uploaded, UploadedFile):
            # The document rules: size limit and content allow-list (agreements/uploads.py).
            self.content_type = check_upload(uploaded)
        return uploaded or None
