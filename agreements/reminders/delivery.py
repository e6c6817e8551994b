"""Deliver a person's owed reminders as one digest, each Reminder row at most once per claim.

The Reminder table is the outbox and the broker only its doorbell: a task names a person, claims that
person's deliverable rows (pending → sending) in one conditional UPDATE, sends one email and marks the rows
sent. Whatever the broker loses, the rows stay owed, and the dispatcher (agreements.tasks, every
REMINDER_DISPATCH_MINUTES) rings again for them.

A claim belongs to the task that made it (claim_token is the Celery task id). The same task delivered again
— its worker was killed and the broker redelivered it, or it is retrying — takes over its own rows at once;
any other task waits until the claim is older than REMINDER_CLAIM_TIMEOUT, which only happens when the task
itself is gone for good.

What a crash costs: the SMTP connection is opened, the message sent, the rows marked sent in one UPDATE,
and only then is the connection closed (QUIT). A worker that dies, or a database that cannot be reached,
between the server's "250 accepted" and that UPDATE leaves rows claimed but not marked: the re-run sends the
digest a second time, with the same Message-ID, so mail clients that collapse duplicates show it once. That
window is the one UPDATE (retried for a few seconds on a broken database connection); a connection lost
at QUIT, after the UPDATE, costs nothing. Never re-claiming would instead lose every digest whose worker died
anywhere before marking.
"""

import datetime
import hashlib
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from ..clock import local_today
from ..following import digest as followed
from ..following import outbox as notices
from ..models import Person, Reminder
from ..models.reference import email_problem
from .digest import build_digest

logger = logging.getLogger(__name__)

# Worth retrying: the SMTP server or the network is down or busy (SMTPException is an OSError too).
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# Worth retrying too: the database restarted or the connection to it broke.
DATABASE_ERRORS = (OperationalError, InterfaceError)

# Seconds between attempts to mark a sent digest's rows after a database error: the message is out, and
# every second the database needs to come back here is a duplicate avoided.
MARK_SENT_WAITS = (0.5, 1, 2, 4, 8)

# Django's update() says how many rows changed, not which; RETURNING says which, in the same atomic
# statement, so two workers never share a row and each sends exactly the rows it claimed.
CLAIM_SQL = """
UPDATE {table} SET status = %(sending)s, claimed_at = %(now)s, claim_token = %(token)s, retry_at = NULL,
    attempts = attempts + 1
WHERE recipient_id = %(recipient)s AND (
    (status = %(pending)s AND (claim_token = '' OR claim_token = %(token)s OR retry_at IS NULL OR retry_at < %(stale)s))
    OR (status = %(sending)s AND (claim_token = %(token)s OR claimed_at < %(stale)s))
)
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


@dataclass(frozen=True)
class Claim:
    """Rows taken by one task at one moment; the pair (token, at) tells whether they are still ours."""

    token: str
    at: datetime.datetime
    ids: tuple[int, ...]
    # FollowNotice rows claimed in the same transaction, for the digest's "Agreements you follow".
    notice_ids: tuple[int, ...] = ()

    def rows(self, ids=None):
        return Reminder.objects.filter(pk__in=self.ids if ids is None else ids).held_by(self.token, self.at)


def stale_claims_before(now):
    return now - datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def recipients_waiting(now=None):
    """People with reminders a new task may deliver: pending rows, or rows whose task has not come back; and
    people whose account follows agreements with news due (agreements/following/outbox.py)."""
    now = now or timezone.now()
    waiting = Reminder.objects.waiting(stale_claims_before(now))
    return sorted(set(waiting.values_list("recipient_id", flat=True)) | notices.people_waiting(now))


def new_token():
    return uuid.uuid4().hex


def claim(recipient_id, now, token):
    """Mark this person's deliverable rows as held by `token` (claimed_at = now) and return the Claim."""
    adapt = connection.ops.adapt_datetimefield_value
    sql = CLAIM_SQL.format(table=connection.ops.quote_name(Reminder._meta.db_table))
    params = {
        "sending": Reminder.Status.SENDING,
        "pending": Reminder.Status.PENDING,
        "now": adapt(now),
        "token": token,
        "recipient": recipient_id,
        "stale": adapt(stale_claims_before(now)),
    }
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Claim(token, now, tuple(sorted(row[0] for row in cursor.fetchall())))


def mark_sent(held, ids=None, notice_ids=()):
    """Record that the rows (and notices) went out; retried briefly on a broken connection, since the message
    already left."""
    ids = list(held.ids if ids is None else ids)
    for wait in (*MARK_SENT_WAITS, None):
        try:
            with transaction.atomic(savepoint=False):
                now = timezone.now()
                changed = held.rows(ids).update(status=Reminder.Status.SENT, sent_at=now, last_error="")
                notices.mark_sent(notice_ids, held.at, now)
            break
        except DATABASE_ERRORS:
            if wait is None or connection.in_atomic_block:
                raise
            logger.warning("Could not mark reminders %s sent; trying again in %s s", ids, wait)
            connection.close()  # the next query opens a new connection
            time.sleep(wait)
    if changed != len(ids):
        logger.warning("Reminders %s were claimed again while this digest was being sent", ids)


def release(held, ids, error, failed, retry_within=None):
    """Give the rows back: failed (listed in the admin for a resend), or pending for this task's retry,
    which is due within `retry_within` seconds; no other task takes them before that plus the claim timeout."""
    fields = {"last_error": describe(error)[:2000]}
    retry_at = held.at + datetime.timedelta(seconds=retry_within or 0)
    if failed:
        fields.update(status=Reminder.Status.FAILED, claim_token="", retry_at=None)
    else:
        fields.update(status=Reminder.Status.PENDING, retry_at=retry_at)
    with transaction.atomic(savepoint=False):
        held.rows(ids).update(**fields)
        if failed:
            # A notice has no failed state to wait in: one that cannot reach its follower is dropped.
            notices.drop(held.notice_ids, held.at)
        elif ids:
            notices.hold_for_retry(held.notice_ids, held.at, retry_at)
        else:
            notices.release(held.notice_ids, held.at)


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


def send_then_quit(message, on_accepted):
    """Send over a connection we open, call `on_accepted` once the server has taken the message, then QUIT.

    Closing is left until after `on_accepted`, so a connection cut at QUIT cannot undo a delivery;
    an error while closing is only logged.
    """
    mail = get_connection()
    mail.open()
    try:
        message.connection = mail
        message.send()
        on_accepted()
    finally:
        try:
            mail.close()
        except Exception as error:  # the message is out and recorded; the goodbye does not matter
            logger.info("Closing the SMTP connection failed after delivery: %s", describe(error))


def deliver_digest(recipient_id, last_attempt=False, today=None, token=None, retry_within=None):
    """Claim one person's rows for `token` (the task id), send them as one digest, record the outcome.

    Raises a TRANSIENT_ERRORS exception for the caller to retry within `retry_within` seconds, unless this is
    the last attempt: then the rows are marked failed instead. DATABASE_ERRORS are raised for a retry too.
    """
    now = timezone.now()
    token = token or new_token()
    with transaction.atomic():
        # Notices first: a retrying task finds the notices it held through its Reminder rows' claim.
        notice_ids = notices.claim_for_person(recipient_id, now, token)
        held = replace(claim(recipient_id, now, token), notice_ids=notice_ids)
    if not held.ids and not held.notice_ids:
        return Delivery()
    rows = list(
        Reminder.objects.filter(pk__in=held.ids).select_related(
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
        with transaction.atomic(savepoint=False):
            held.rows(gone).delete()
    person = rows[0].recipient if rows else Person.objects.select_related("user").get(pk=recipient_id)
    told, untold = followed.load(held.notice_ids, person.user) if held.notice_ids else ([], [])
    if untold:
        # Checked now, not when they followed: news of an agreement they are no longer cleared for is not told.
        notices.drop(untold, held.at)
    dropped = len(gone) + len(untold)
    if not owed and not told:
        return Delivery(dropped=dropped)
    owed_ids = [row.pk for row in owed]
    told_ids = [notice.pk for notice in told]
    count = len(owed_ids) + len(told_ids)
    problem = "The person is inactive." if not person.is_active else email_problem(person.email)
    if problem:
        # Refused before SMTP: a malformed address would otherwise be accepted by the client and "sent".
        release(held, owed_ids, ValueError(problem), failed=True)
        return Delivery(failed=count, dropped=dropped)
    try:
        ids = [*owed_ids, *(f"n{pk}" for pk in told_ids)]
        message = build_digest(person, owed, today or local_today(), message_id(recipient_id, ids), followed=told)
        send_then_quit(message, lambda: mark_sent(held, owed_ids, told_ids))
    except DATABASE_ERRORS:
        raise
    except TRANSIENT_ERRORS as error:
        give_up = last_attempt or is_permanent(error)
        release(held, owed_ids, error, failed=give_up, retry_within=retry_within)
        if not give_up:
            raise
        logger.warning("Reminder digest to person %s failed: %s", recipient_id, describe(error))
        return Delivery(failed=count, dropped=dropped)
    except Exception as error:
        # A bug, not the network: retrying will not help; the admin lists the rows for a resend after the fix.
        release(held, owed_ids, error, failed=True)
        logger.exception("Reminder digest to person %s failed", recipient_id)
        return Delivery(failed=count, dropped=dropped)
    return Delivery(sent=count, dropped=dropped)


def deliver_waiting(today=None):
    """Deliver every waiting digest in this process, no retries (send_reminders, the benchmark)."""
    total = Delivery()
    for recipient_id in recipients_waiting():
        total += deliver_digest(recipient_id, last_attempt=True, today=today)
    return total


def requeue_failed(reminders):
    """Make failed rows pending again (the admin's "Resend"); returns (rows, their people's ids) for queuing."""
    failed = reminders.filter(status=Reminder.Status.FAILED)
    recipient_ids = sorted(set(failed.values_list("recipient_id", flat=True)))
    count = failed.update(status=Reminder.Status.PENDING, claimed_at=None, claim_token="", retry_at=None)
    return count, recipient_ids
