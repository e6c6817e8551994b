"""Sessions end after SESSION_IDLE_TIMEOUT without activity, and at once when their user is deactivated."""

import json
import logging
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

log = logging.getLogger("agreements.signin")

LAST_SEEN = "signin_last_seen"


def refresh_every():
    """Seconds between two writes of a busy session: often enough to keep it alive, rarely enough to be cheap."""
    return min(300, max(1, settings.SESSION_IDLE_TIMEOUT // 10))


class IdleSessionMiddleware:
    """Signs out a session idle longer than SESSION_IDLE_TIMEOUT.

    Activity is written to the session at most every few minutes rather than on every request; each write
    also pushes the stored session's expiry (SESSION_COOKIE_AGE, the idle time) forward.
    Goes after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session:
            self.track(request)
        return self.get_response(request)

    def track(self, request):
        now = int(time.time())
        # Sign-in starts the clock (start_idle_clock below); a session from before it starts now.
        last_seen = request.session.get(LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
        elif now - last_seen >= refresh_every() or LAST_SEEN not in request.session:
            request.session[LAST_SEEN] = now


@receiver(user_logged_in, dispatch_uid="signin_start_idle_clock")
def start_idle_clock(sender, request, user, **kwargs):
    request.session[LAST_SEEN] = int(time.time())


def end_sessions_of(user):
    """Delete every stored session of `user`; returns how many. Cookie-only sessions cannot be reached,
    but Django's ModelBackend already refuses an inactive user on their next request."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    rows = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    ended = 0
    # Sessions are stored encoded, so finding one user's means reading them all; deactivations are rare.
    for key, data in rows.values_list("session_key", "session_data").iterator():
        if str(store().decode(data).get(SESSION_KEY)) == str(user.pk):
            store(session_key=key).delete()
            ended += 1
    return ended


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="signin_end_sessions_of_inactive_user")
def end_sessions_of_inactive_user(sender, instance, update_fields=None, **kwargs):
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    ended = end_sessions_of(instance)
    if ended:
        log.info("sessions ended username=%s count=%d reason=deactivated", json.dumps(instance.get_username()), ended)
