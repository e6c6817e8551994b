"""Celery entry points: thin, they load by id and call the plain functions in agreements.reminders.

Queuing lives here too, so that the domain never imports a task: the sweep task, the dispatcher and the
admin's Resend ask `queue_digests` to ring for the digests the Reminder table (the outbox) says are owed.
"""

import logging
from dataclasses import dataclass

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from .briefing import packs as briefing_packs
from .counterpart import emails as update_link_emails
from .following import delivery as following_delivery
from .following import outbox as following_outbox
from .imports import runs as import_runs
from .models.reminders import ReminderDispatch
from .reminders import delivery, sweep

logger = logging.getLogger(__name__)

RETRY_ERRORS = (*delivery.TRANSIENT_ERRORS, *delivery.DATABASE_ERRORS)


@dataclass
class Queued:
    """How many digests were handed to the broker, and how many are left for the next dispatch."""

    queued: int = 0
    not_queued: int = 0


def queue_digests(recipient_ids=None):
    """One task per person (by default everyone with reminders or followed-agreement news waiting, and every
    account with news and no person to carry it); a task too many sends nothing twice.

    If the broker cannot be reached, this says so in the log and in its result and stops: the rows stay
    pending in the outbox and the dispatcher queues them once the broker is back.
    """
    accounts = []
    if recipient_ids is None:
        recipient_ids = delivery.recipients_waiting()
        accounts = sorted(following_outbox.accounts_waiting(timezone.now()))
    calls = [(send_reminder_digest, pk) for pk in recipient_ids] + [(send_follow_digest, pk) for pk in accounts]
    for done, (task, pk) in enumerate(calls):
        try:
            task.delay(pk)
        except BrokerUnreachable as error:
            left = len(calls) - done
            logger.warning("Could not queue %d reminder digests, left for the dispatcher: %s", left, error)
            return Queued(done, left)
    return Queued(len(calls), 0)


def retry_within(retries):
    """The longest wait Celery's backoff can pick before attempt `retries + 1` (its jitter only shortens it)."""
    return get_exponential_backoff_interval(
        factor=settings.REMINDER_RETRY_BACKOFF, retries=retries, maximum=settings.REMINDER_RETRY_BACKOFF_MAX
    )


# Waits are kept below the broker's visibility timeout (settings), or Redis would hand the waiting retry to a
# second worker.
RETRYING = {
    "retry_backoff": settings.REMINDER_RETRY_BACKOFF,
    "retry_backoff_max": settings.REMINDER_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": settings.REMINDER_MAX_RETRIES,
}


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=delivery.DATABASE_ERRORS, **RETRYING)
def sweep_reminders():
    """Beat runs this once a day. Safe to run twice: rows are unique, digests claim them.

    A database fault retries it the same day; if it still fails, the dispatcher starts it again.
    """
    result = sweep.run_sweep(queue=queue_digests)
    return {"covered": [day.isoformat() for day in result.covered], "owed": result.owed}


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=RETRY_ERRORS, **RETRYING)
def send_reminder_digest(self, recipient_id):
    """One digest for one person, under a claim named by this task's id (the same across retries and
    redeliveries); on the last attempt an SMTP failure marks the rows failed instead of raising."""
    done = delivery.deliver_digest(
        recipient_id,
        last_attempt=self.request.retries >= self.max_retries,
        token=self.request.id,
        retry_within=retry_within(self.request.retries),
    )
    return {"sent": done.sent, "failed": done.failed, "dropped": done.dropped}


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=RETRY_ERRORS, **RETRYING)
def send_follow_digest(self, user_id):
    """The digest of an account that follows agreements and has no person to carry its news."""
    done = following_delivery.deliver_account_digest(user_id, last_attempt=self.request.retries >= self.max_retries)
    return {"sent": done.sent, "failed": done.failed, "dropped": done.dropped}


@shared_task(ignore_result=True)
def dispatch_reminders():
    """Beat runs this every REMINDER_DISPATCH_MINUTES: ring again for every digest and update link email still
    owed, start a missed sweep.

    Nothing owed waits longer than this interval plus REMINDER_CLAIM_TIMEOUT once the services are back.
    """
    if sweep.missed_today():
        try:
            sweep_reminders.delay()
        except BrokerUnreachable as error:
            logger.warning("Could not start the missed reminder sweep: %s", error)
    outcome = queue_digests()
    ReminderDispatch.record(outcome.queued, outcome.not_queued)
    queue_link_emails(update_link_emails.waiting())
    return {"queued": outcome.queued, "not_queued": outcome.not_queued}


# Spreadsheet imports: checking a file into a preview, and applying it, for files too long for a request.
# Not retried: a failure is recorded on the import and shown on its page; the editor uploads again.


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_spreadsheet_import(import_id, language=None):
    import_runs.check_import(import_id, language)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_spreadsheet_import(import_id, language=None):
    """Redelivered after a lost worker, it re-checks and applies again: the first attempt's transaction wrote
    nothing, or it committed the import as applied and this one stops."""
    import_runs.apply_import(import_id, language)


# Update links: the email that hands a line's responsible person their signed link, through the reminders' mail path.


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=RETRY_ERRORS, **RETRYING)
def send_update_link(self, link_id):
    """The link's email, once: the UpdateLink row is its outbox, claimed like a reminder's; on the last attempt an
    SMTP failure marks it failed instead of raising."""
    return {"sent": update_link_emails.send_link_email(link_id, last_attempt=self.request.retries >= self.max_retries)}


def queue_link_emails(link_ids):
    """Ring for each link's email; stop at the first broker fault, the rows staying owed for the dispatcher."""
    for done, link_id in enumerate(link_ids):
        try:
            send_update_link.delay(link_id)
        except BrokerUnreachable as error:
            left = len(link_ids) - done
            logger.warning("Could not queue %d update link emails, left for the dispatcher: %s", left, error)
            return Queued(done, left)
    return Queued(len(link_ids), 0)


def queue_update_link(link_id):
    """Ring for the link's email once the transaction that made the link commits. If the broker cannot be
    reached, the email stays owed on the link and the reminders' dispatcher sends it."""
    transaction.on_commit(lambda: queue_link_emails([link_id]))


# Briefing packs too large to draw in a request. Not retried: a failure is recorded on the pack and shown on its page.


@shared_task(acks_late=True, reject_on_worker_lost=True)
def draw_briefing_pack(pack_id):
    """Redelivered after a lost worker, it draws the pack again; a pack done or failed is left as it is."""
    briefing_packs.produce(pack_id)


def queue_briefing_pack(pack_id):
    """Ring for the pack once the transaction that recorded it commits; if the broker does not answer, draw it
    here and now (slow, but the requester gets their pack rather than a page that waits for ever)."""

    def queue():
        try:
            draw_briefing_pack.delay(pack_id)
        except BrokerUnreachable as error:
            logger.warning("Could not queue briefing pack %s, drawing it in the request: %s", pack_id, error)
            briefing_packs.produce(pack_id)

    transaction.on_commit(queue)
