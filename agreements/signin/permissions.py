"""A signed-in user's permissions and role, read from the database once per state of the data, not per request.

Every staff page asks whether its reader belongs to the secretariat (a permission) or is a counterpart (a group):
three queries a request. Users, groups, memberships and permissions are tables the data version follows
(agreements/data_version.py), so the answers are kept per version and user: a change to any of them moves the
version, and the next request reads them afresh. Where the version is not known (inside a transaction, SQLite)
Django's backend reads them as usual.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from agreements import data_version, roles

TIMEOUT = 600


def read(user):
    """(permissions, is a counterpart) of `user`, from the database."""
    permissions = frozenset(ModelBackend().get_all_permissions(user))
    return permissions, user.groups.filter(name=roles.COUNTERPART).exists()


def load(user):
    """Put the user's permissions and role where Django's backend and access.is_counterpart look for them."""
    version = data_version.current()
    if version is None:
        return
    key = f"clearance:{version}:{user.pk}"
    found = cache.get(key)
    if found is None:
        found = read(user)
        cache.set(key, found, TIMEOUT)
    permissions, counterpart = found
    # ModelBackend.get_all_permissions() returns this set instead of querying (django.contrib.auth.backends).
    user._perm_cache = set(permissions)
    user._is_counterpart = counterpart


class CachedPermissionsMiddleware:
    """After AuthenticationMiddleware: an active signed-in user's permissions come from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_active:
            load(user)
        return self.get_response(request)
