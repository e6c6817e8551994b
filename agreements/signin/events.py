"""Every sign-in success, failure and lockout goes to the `agreements.signin` log with the username and address."""

import json
import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .addresses import client_ip

log = logging.getLogger("agreements.signin")


def _quoted(value):
    # Anyone can type a username: quoting and escaping keeps each record on one line.
    return json.dumps(str(value or ""))


def _address(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="signin_log_success")
def log_success(sender, request, user, **kwargs):
    log.info("sign-in succeeded username=%s ip=%s", _quoted(user.get_username()), _address(request) or "-")


@receiver(user_login_failed, dispatch_uid="signin_log_failure")
def log_failure(sender, credentials, request=None, **kwargs):
    log.warning("sign-in failed username=%s ip=%s", _quoted(credentials.get("username")), _address(request) or "-")


@receiver(user_locked_out, dispatch_uid="signin_log_lockout")
def log_lockout(sender, request, username, ip_address, **kwargs):
    log.warning("sign-in locked out username=%s ip=%s", _quoted(username), ip_address or "-")
