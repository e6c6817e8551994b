"""Forms of the staff pages: the progress report, and the widgets the list filters use."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import ActionLine
from .models.dates import validate_sane_date


def attributes(attrs):
    """HTML attributes in their order, as Django's widgets/attrs.html writes them: True bare, False left out."""
    return mark_safe(
        "".join(
            f" {conditional_escape(name)}" if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class InputInPython:
    """An <input> written as Django's widgets/input.html writes it, without a template per field.

    The list pages render a dozen filter fields on every request; through the template engine they cost
    more than the rest of the filter form.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, attributes(widget["attrs"])
        )


class TextInput(InputInPython, forms.TextInput):
    pass


class CheckboxInput(InputInPython, forms.CheckboxInput):
    pass


class DateInput(InputInPython, forms.DateInput):
    """The browser's date picker; the value travels as ISO 8601 whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "input-date", **(attrs or {})}, format="%Y-%m-%d")


class SuggestingTextInput(TextInput):
    """A text box matched by name on the server, with a <datalist> of names when there are few of them.

    People and institutions can run to thousands, so a <select> of them is never rendered; past a few hundred
    names the box is plain text, which works the same without JavaScript.
    """

    def __init__(self, suggestions, attrs=None):
        self.suggestions_from = suggestions
        super().__init__(attrs={"class": "input", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-suggestions"
        return context

    @property
    def suggestions(self):
        """Names for the datalist, or none when there are too many (reference_choices.SUGGESTIONS), kept with the
        filters' option lists."""
        return self.suggestions_from()


def plain_number(value):
    """80.00 → 80 and 12.50 → 12.5, for a number box; never the exponent form Decimal.normalize() gives 80."""
    if value is None:
        return None
    return value.quantize(1) if value == value.to_integral_value() else value.normalize()


class ProgressUpdateForm(forms.Form):
    """A progress report on one action line: a note, and the line's new state where it changed."""

    note = forms.CharField(
        label=_("What has happened"),
        error_messages={"required": _("Write a note about the progress.")},
        help_text=_("Say what was done, what is blocking, and what comes next."),
        widget=forms.Textarea(attrs={"rows": 5, "class": "textarea"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionLine.Status.choices,
        help_text=_("Marking the line done sets it to 100% complete, finished today."),
        widget=forms.Select(attrs={"class": "select"}),
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
    new_due_date = forms.DateField(
        label=_("New deadline"),
        required=False,
        validators=[validate_sane_date],
        error_messages={"invalid": _("Enter the new deadline as a real date.")},
        help_text=_("Leave empty to keep the current deadline."),
        widget=DateInput(),
    )
    deadline_reason = forms.CharField(
        label=_("Reason for the new deadline"),
        required=False,
        help_text=_("Required when the deadline changes; it is kept in the deadline history."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
    )

    def __init__(self, *args, line, **kwargs):
        self.line = line
        kwargs.setdefault(
            "initial",
            {
                "status": line.status,
                "percent_complete": line.percent_complete,
                "achieved_quantity": plain_number(line.achieved_quantity),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["new_due_date"].help_text = _("Current deadline: %(date)s. Leave empty to keep it.") % {
            "date": date_format(line.due_date, "DATE_FORMAT")
        }
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

    def clean(self):
        cleaned = super().clean()
        new_date = cleaned.get("new_due_date")
        if new_date and new_date != self.line.due_date and not cleaned.get("deadline_reason", "").strip():
            self.add_error("deadline_reason", _("Give a reason for the new deadline."))
        return cleaned
