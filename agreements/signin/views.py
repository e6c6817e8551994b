"""The sign-in page with "remember me", and the page shown while sign-in is paused after repeated failures."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def support_contact():
    """Whom to ask for a new password or an unlock: accounts are issued by the secretariat."""
    return settings.SUPPORT_CONTACT or _("the secretariat's administrator")


def idle_time():
    """SESSION_IDLE_TIMEOUT in words: "8 hours", "30 minutes"."""
    minutes = settings.SESSION_IDLE_TIMEOUT // 60
    if minutes % 60 == 0:
        return ngettext("%(count)d hour", "%(count)d hours", minutes // 60) % {"count": minutes // 60}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


class SignInForm(AuthenticationForm):
    remember = forms.BooleanField(label=_("Keep me signed in when I close the browser"), required=False)

    # Django's own message asks for a "clave" in Spanish beside a field labelled "Contraseña", and opens with
    # "Please"; this one names the fields as the page does and says what to check.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not right. Check both: capital letters count."),
    }


class SignInView(LoginView):
    form_class = SignInForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(support_contact=support_contact(), idle_time=idle_time(), **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        # Either way the session ends after SESSION_IDLE_TIMEOUT without activity; "remember me" only
        # keeps the cookie when the browser closes.
        remember = form.cleaned_data["remember"]
        self.request.session.set_expiry(settings.SESSION_IDLE_TIMEOUT if remember else 0)
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of signing in while a username or an address is locked out."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        "support_contact": support_contact(),
    }
    return render(request, "registration/locked_out.html", context, status=429)
