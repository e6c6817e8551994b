"""The digest of a follower without a person record (or whose person has no address): their notices alone, sent
to their account's email address, claimed and marked sent like a reminder digest (agreements.reminders.delivery).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..clock import local_today
from ..models import Person
from ..models.reference import email_problem
from ..reminders.delivery import (
    DATABASE_ERRORS,
    TRANSIENT_ERRORS,
    Delivery,
    describe,
    is_permanent,
    message_id,
    send_then_quit,
)
from ..reminders.digest import build_digest
from . import digest, outbox

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Addressee:
    """What the digest needs of its reader, for an account: accounts keep no language, so the site's is used."""

    full_name: str
    email: str
    language: str = ""
    is_active: bool = True


def addressee(user):
    return Addressee(user.get_full_name() or user.get_username(), user.email, settings.LANGUAGE_CODE, user.is_active)


def deliver_account_digest(user_id, last_attempt=False, today=None):
    """Claim one account's due notices, send them as one digest, mark them sent; see deliver_digest for errors."""
    now = timezone.now()
    with transaction.atomic():
        if Person.objects.filter(user_id=user_id).exclude(email="").exists():
            return Delivery()  # their notices go with the person's reminders
        ids = outbox.claim(user_id, now)
    if not ids:
        return Delivery()
    user = get_user_model().objects.filter(pk=user_id).first()
    told, untold = digest.load(ids, user)
    if untold:
        outbox.drop(untold, now)
    if not told:
        return Delivery(dropped=len(untold))
    told_ids = [notice.pk for notice in told]
    reader = addressee(user)
    problem = email_problem(reader.email)
    if problem:
        outbox.drop(told_ids, now)
        logger.warning("Followed-agreement digest to account %s not sent: %s", user_id, problem)
        return Delivery(failed=len(told_ids), dropped=len(untold))
    try:
        ids = [f"n{pk}" for pk in told_ids]
        message = build_digest(reader, [], today or local_today(), message_id(f"user{user_id}", ids), followed=told)
        send_then_quit(message, lambda: outbox.mark_sent(told_ids, now, timezone.now()))
    except DATABASE_ERRORS:
        raise
    except TRANSIENT_ERRORS as error:
        give_up = last_attempt or is_permanent(error)
        with transaction.atomic():
            (outbox.drop if give_up else outbox.release)(told_ids, now)
        if not give_up:
            raise
        logger.warning("Followed-agreement digest to account %s failed: %s", user_id, describe(error))
        return Delivery(failed=len(told_ids), dropped=len(untold))
    except Exception:
        outbox.drop(told_ids, now)
        logger.exception("Followed-agreement digest to account %s failed", user_id)
        return Delivery(failed=len(told_ids), dropped=len(untold))
    return Delivery(sent=len(told_ids), dropped=len(untold))


def deliver_waiting_accounts(today=None):
    """Every account digest waiting, in this process, no retries (send_reminders)."""
    total = Delivery()
    for user_id in sorted(outbox.accounts_waiting(timezone.now())):
        total += deliver_account_digest(user_id, last_attempt=True, today=today)
    return total
