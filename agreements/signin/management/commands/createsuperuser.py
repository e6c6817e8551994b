"""Django's createsuperuser, except that no password gets past the validators.

Django checks a typed password but offers "Bypass password validation?", and never checks one given in
DJANGO_SUPERUSER_PASSWORD. Here the offer is declined and the environment's password is checked too.
"""

import builtins
import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            self.validate_environment_password(password, options)
        # Django asks about the bypass through the module's `input`; answer "no" for as long as this runs.
        createsuperuser.input = self.answer
        try:
            return super().handle(*args, **options)
        finally:
            del createsuperuser.input

    def validate_environment_password(self, password, options):
        field = self.UserModel.USERNAME_FIELD
        fields = {field: options[field] or os.environ.get(f"DJANGO_SUPERUSER_{field.upper()}")}
        for name in self.UserModel.REQUIRED_FIELDS:
            fields[name] = options.get(name) or os.environ.get(f"DJANGO_SUPERUSER_{name.upper()}")
        try:
            validate_password(password, self.UserModel(**fields))
        except ValidationError as error:
            raise CommandError("DJANGO_SUPERUSER_PASSWORD is refused: " + " ".join(error.messages)) from error

    def answer(self, prompt):
        if not prompt.startswith("Bypass password validation"):
            return builtins.input(prompt)
        self.stderr.write("Choose another password: the password rules apply to every account.")
        return "n"
