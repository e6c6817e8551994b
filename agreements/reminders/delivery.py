"""Deliver a person's owed reminders as one digest, each Reminder row at most once per claim.

Exactly once, and what a SIGKILL costs: a worker claims rows (pending → sending) in one conditional
UPDATE, sends one email, then marks the rows sent. If the worker dies before the SMTP server has
accepted the message, nothing went out; the claim goes stale after REMINDER_CLAIM_TIMEOUT and the
redelivered task (acks_late) claims the rows again and sends them. If it dies in the milliseconds
after the server accepted the message and before the rows are marked sent, the same re-claim sends
the digest a second time. We accept that rare duplicate rather than the alternative — never re-claim
a stale row — which would silently lose every digest whose worker died anywhere before marking, a
far wider window (the whole SMTP conversation). The repeated digest carries the same Message-ID,
so mail clients that collapse duplicates show it once.
"""

import datetime
import hashlib
import logging
import smtplib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..clock import local_today
from ..models import Reminder
from .digest import build_digest

logger = logging.getLogger(__name__)

# Worth retrying: the SMTP server or the network is down or busy (SMTPException is an OSError too).
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)

# Django's update() says how many rows changed, not which; RETURNING says which, in the same atomic
# statement, so two workers never share a row and each sends exactly the rows it claimed.
CLAIM_SQL = """
UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1
WHERE recipient_id = %s AND (status = %s OR (status = %s AND claimed_at < %s))
RETURNING id
"""


@dataclass
class Delivery:
    """What one delivery did, in rows."""

    sent: int = 0
    failed: int = 0
    dropped: int = 0

    def __add__(self, other):
        return Delivery(self.sent + other.sent, self.failed + other.failed, self.dropped + other.dropped)


def stale_claims_before(now):
    return now - datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def recipients_waiting(now=None):
    """People with reminders to deliver: pending rows, or rows claimed by a worker that died mid-send."""
    stale_before = stale_claims_before(now or timezone.now())
    waiting = Reminder.objects.filter(
        Q(status=Reminder.Status.PENDING) | Q(status=Reminder.Status.SENDING, claimed_at__lt=stale_before)
    )
    return sorted(set(waiting.values_list("recipient_id", flat=True)))


def queue_digests(recipient_ids=None):
    """One task per person. The task claims that person's rows, so a task too many sends nothing twice."""
    from ..tasks import send_reminder_digest

    for recipient_id in recipients_waiting() if recipient_ids is None else recipient_ids:
        send_reminder_digest.delay(recipient_id)


def claim(recipient_id, now):
    """Mark this person's deliverable rows as ours (claimed_at = now) and return their ids."""
    adapt = connection.ops.adapt_datetimefield_value
    sql = CLAIM_SQL.format(table=connection.ops.quote_name(Reminder._meta.db_table))
    params = [
        Reminder.Status.SENDING,
        adapt(now),
        recipient_id,
        Reminder.Status.PENDING,
        Reminder.Status.SENDING,
        adapt(stale_claims_before(now)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _ours(ids, claimed_at):
    # claimed_at is the claim's token: a row re-claimed by another worker since then is no longer ours.
    return Reminder.objects.filter(pk__in=ids, status=Reminder.Status.SENDING, claimed_at=claimed_at)


def mark_sent(ids, claimed_at):
    changed = _ours(ids, claimed_at).update(status=Reminder.Status.SENT, sent_at=timezone.now(), last_error="")
    if changed != len(ids):
        logger.warning("Reminders %s were claimed again while this digest was being sent", ids)


def release(ids, claimed_at, error, failed):
    """Give the rows back: pending for the next attempt, or failed (listed in the admin for a resend)."""
    status = Reminder.Status.FAILED if failed else Reminder.Status.PENDING
    _ours(ids, claimed_at).update(status=status, last_error=describe(error)[:2000])


def describe(error):
    return f"{type(error).__name__}: {error}"


def is_permanent(error):
    """The server refused this recipient or message for good (5xx): retrying will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def message_id(recipient_id, ids):
    """The same rows give the same Message-ID, so a digest sent twice after a crash can be collapsed."""
    fingerprint = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:20]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<reminders.{recipient_id}.{fingerprint}@{domain}>"


def still_owed(reminder):
    """A line finished, cancelled or rescheduled since the sweep no longer owes this reminder."""
    line = reminder.action_line
    return line.is_open and line.due_date == reminder.due_date


def deliver_digest(recipient_id, last_attempt=False, today=None):
    """Claim one person's rows, send them as one digest, record the outcome.

    Raises a TRANSIENT_ERRORS exception for the caller to retry, unless this is the last attempt:
    then the rows are marked failed instead.
    """
    now = timezone.now()
    ids = claim(recipient_id, now)
    if not ids:
        return Delivery()
    rows = list(
        Reminder.objects.filter(pk__in=ids).select_related(
            "recipient",
            "action_line__agreement__session__commission",
            "action_line__responsible_person",
            "action_line__counterpart_person",
        )
    )
    owed = [row for row in rows if still_owed(row)]
    gone = [row.pk for row in rows if not still_owed(row)]
    if gone:
        # Never sent and no longer owed; a new deadline has rows of its own.
        _ours(gone, now).delete()
    if not owed:
        return Delivery(dropped=len(gone))
    owed_ids = [row.pk for row in owed]
    person = owed[0].recipient
    if not person.is_active or not person.email:
        release(owed_ids, now, ValueError("the recipient is inactive or has no email address"), failed=True)
        return Delivery(failed=len(owed_ids), dropped=len(gone))
    try:
        message = build_digest(person, owed, today or local_today(), message_id(recipient_id, owed_ids))
        message.send()
    except TRANSIENT_ERRORS as error:
        give_up = last_attempt or is_permanent(error)
        release(owed_ids, now, error, failed=give_up)
        if not give_up:
            raise
        logger.warning("Reminder digest to person %s failed: %s", recipient_id, describe(error))
        return Delivery(failed=len(owed_ids), dropped=len(gone))
    except Exception as error:
        # A bug, not the network: retrying will not help; the admin lists the rows for a resend after the fix.
        release(owed_ids, now, error, failed=True)
        logger.exception("Reminder digest to person %s failed", recipient_id)
        return Delivery(failed=len(owed_ids), dropped=len(gone))
    mark_sent(owed_ids, now)
    return Delivery(sent=len(owed_ids), dropped=len(gone))


def deliver_waiting(today=None):
    """Deliver every waiting digest in this process, no retries (send_reminders, the benchmark)."""
    total = Delivery()
    for recipient_id in recipients_waiting():
        total += deliver_digest(recipient_id, last_attempt=True, today=today)
    return total


def requeue_failed(reminders):
    """Make failed rows pending again and queue their people's digests (the admin's "Resend")."""
    failed = reminders.filter(status=Reminder.Status.FAILED)
    recipient_ids = sorted(set(failed.values_list("recipient_id", flat=True)))
    count = failed.update(status=Reminder.Status.PENDING, claimed_at=None)
    transaction.on_commit(lambda: queue_digests(recipient_ids), robust=True)
    return count
