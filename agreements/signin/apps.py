from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignInConfig(AppConfig):
    name = "agreements.signin"
    label = "signin"
    verbose_name = _("Sign-in")

    def ready(self):
        from . import events, sessions  # noqa: F401 (connects the signal receivers)
