"""The access list of an agreement: editors clear named users for it, and take the clearance back."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import AgreementAccess


class GrantForm(forms.Form):
    """Whom to clear, by their sign-in name: a text box works for any number of users, with or without JavaScript."""

    username = forms.CharField(
        label=_("Sign-in name of the user to clear"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, agreement, *args, **kwargs):
        self.agreement = agreement
        super().__init__(*args, **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user signs in as “%(name)s”."), params={"name": username})
        if AgreementAccess.objects.filter(agreement=self.agreement, user=user).exists():
            raise forms.ValidationError(_("%(name)s is already on the access list."), params={"name": user.username})
        self.cleaned_data["user"] = user
        return username


def grant(agreement, user, granted_by):
    return AgreementAccess.objects.create(agreement=agreement, user=user, granted_by=granted_by)


def grants_of(agreement):
    return agreement.access_grants.select_related("user__person", "granted_by").order_by("user__username")
