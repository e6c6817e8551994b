"""One demo account per role, all with settings.DEMO_PASSWORD; created only when DEBUG is on."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from agreements import roles
from agreements.models import Person

# username: (role, is_staff, is_superuser, person key or None)
ACCOUNTS = {
    "admin": (roles.ADMINISTRATOR, True, True, None),
    "editor": (roles.EDITOR, True, False, "marquez"),
    "focal": (roles.FOCAL_POINT, False, False, "rondon"),
    "viewer": (roles.VIEWER, False, False, None),
}


def load_accounts(people):
    """Create or reset the demo accounts (password, role, flags) and link them to their people."""
    accounts = {}
    for username, (role, is_staff, is_superuser, person_key) in ACCOUNTS.items():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.email = f"{username}@demo.example"
        user.is_active = True
        user.is_staff = is_staff
        user.is_superuser = is_superuser
        # The demo password meets the same rules as any other (length, common passwords, likeness to the name).
        try:
            validate_password(settings.DEMO_PASSWORD, user)
        except ValidationError as error:
            raise CommandError(f"DEMO_PASSWORD is refused: {' '.join(error.messages)}") from error
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if person_key:
            person = people[person_key]
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            if person.user_id != user.pk:
                person.user = user
                person.save(update_fields=["user"])
        accounts[username] = user
    return accounts


def existing_accounts():
    return {user.username: user for user in get_user_model().objects.filter(username__in=ACCOUNTS)}
