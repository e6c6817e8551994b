"""A person or an institution missing from the lists, added from the outcomes page without leaving it."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from ..models import Country, Institution, Person
from . import lookups

SUGGEST_INSTITUTIONS = {"data-suggest": "institutions"}


class NewPersonForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter the person's full name.")},
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )
    institution = forms.CharField(
        label=_("Institution"),
        required=False,
        max_length=300,
        help_text=_("Optional. Their action lines take it when no institution is given."),
        widget=forms.TextInput(
            attrs={"class": "input", "autocomplete": "off", "list": "outcomes-institutions"} | SUGGEST_INSTITUTIONS
        ),
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("Optional. Reminders of their deadlines go to this address."),
        validators=[EmailValidator(message=_("Enter an email address in the right format, like name@example.org."))],
        widget=forms.EmailInput(attrs={"class": "input", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter the person's full name."))
        return name

    def clean_institution(self):
        text = self.cleaned_data["institution"].strip()
        return lookups.find_institution(text) if text else None

    def clean(self):
        cleaned = super().clean()
        name, institution = cleaned.get("full_name"), cleaned.get("institution")
        twin = Person.objects.filter(full_name__iexact=name, institution=institution)
        if name and "institution" in cleaned and twin.exists():
            self.add_error("full_name", _("This person is already on the list: type their name in the row."))
        return cleaned

    def save(self):
        data = self.cleaned_data
        return Person.objects.create(full_name=data["full_name"], institution=data["institution"], email=data["email"])


class NewInstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["name", "acronym", "country"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
            "acronym": forms.TextInput(attrs={"class": "input input-width-10", "autocomplete": "off"}),
            "country": forms.Select(attrs={"class": "select"}),
        }
        error_messages = {
            "name": {"required": _("Enter the institution's name.")},
            "country": {"required": _("Choose the institution's country.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")
        self.fields["acronym"].required = False
