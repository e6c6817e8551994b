"""Celery entry points: thin, they load by id and call the plain functions in agreements.reminders."""

from celery import shared_task
from django.conf import settings

from .imports import runs as import_runs
from .reminders import delivery, sweep


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_reminders():
    """Beat runs this once a day. Safe to run twice: rows are unique, digests claim them."""
    result = sweep.run_sweep()
    return {"covered": [day.isoformat() for day in result.covered], "owed": result.owed}


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=delivery.TRANSIENT_ERRORS,
    retry_backoff=settings.REMINDER_RETRY_BACKOFF,
    # Kept below the broker's visibility timeout (settings), or Redis would hand the waiting retry to a second worker.
    retry_backoff_max=settings.REMINDER_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.REMINDER_MAX_RETRIES,
)
def send_reminder_digest(self, recipient_id):
    """One digest for one person; on the last attempt an SMTP failure marks the rows failed instead of raising."""
    done = delivery.deliver_digest(recipient_id, last_attempt=self.request.retries >= self.max_retries)
    return {"sent": done.sent, "failed": done.failed, "dropped": done.dropped}


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
