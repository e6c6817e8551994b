"""A signed-in user's permissions, role and person, read from the database once per state of the data, not per
request.

Every staff page asks whether its reader belongs to the secretariat (a permission) or is a counterpart (a group),
and which person of the directory they are (the header's "My action items", the lines they are responsible for):
four queries a request. Users, groups, memberships, permissions and people are tables the data version follows
(agreements/data_version.py), so the answers are kept per version and user: a change to any of them moves the
version, and the next request reads them afresh. Where the version is not known (inside a transaction, SQLite)
Django reads them as usual.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from agreements import data_version, roles
from agreements.models import Person

TIMEOUT = 600

# The user's side of Person.user: where Django keeps `user.person` once read (a person, or None for none).
PERSON = Person._meta.get_field("user").remote_field


def read(user):
    """(permissions, is a counterpart, person or None) of `user`, from the database."""
    permissions = frozenset(ModelBackend().get_all_permissions(user))
    person = Person.objects.filter(user=user).first()
    return permissions, user.groups.filter(name=roles.COUNTERPART).exists(), person


def load(user):
    """Put the user's permissions and role where Django's backend and access.is_counterpart look for them."""
    version = data_version.current()
    if version is None:
        return
    key = f"reader:{version}:{user.pk}"
    found = cache.get(key)
    if found is None:
        found = read(user)
        cache.set(key, found, TIMEOUT)
    permissions, counterpart, person = found
    # ModelBackend.get_all_permissions() returns this set instead of querying (django.contrib.auth.backends).
    user._perm_cache = set(permissions)
    user._is_counterpart = counterpart
    # What `user.person` returns, or raises Person.DoesNotExist for, without a query; as Django does, the person's
    # `user` is this user.
    PERSON.set_cached_value(user, person)
    if person is not None:
        PERSON.field.set_cached_value(person, user)


class CachedPermissionsMiddleware:
    """After AuthenticationMiddleware: an active signed-in user's permissions come from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_active:
            load(user)
        return self.get_response(request)
