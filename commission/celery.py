"""The Celery app. Broker from REDIS_URL; without it, settings make tasks run eagerly in-process."""

import datetime
import os

from celery import Celery, signals, signature
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commission.settings")

app = Celery("commission")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SWEEP_TASK = "agreements.tasks.sweep_reminders"
DISPATCH_TASK = "agreements.tasks.dispatch_reminders"


@app.on_after_configure.connect
def schedule_reminders(sender, **kwargs):
    """Two beat entries, never one per deadline: the daily sweep at REMINDER_SWEEP_HOUR:MINUTE in TIME_ZONE,
    and the outbox dispatcher every REMINDER_DISPATCH_MINUTES."""
    from django.conf import settings

    # Read here, not at import: this module is imported while Django's settings are still loading.
    sender.add_periodic_task(
        crontab(hour=settings.REMINDER_SWEEP_HOUR, minute=settings.REMINDER_SWEEP_MINUTE),
        signature(SWEEP_TASK),
        name="reminder sweep",
    )
    every = datetime.timedelta(minutes=settings.REMINDER_DISPATCH_MINUTES)
    # A dispatch that waited in the queue past the next one is dropped: the next one does the same work.
    sender.add_periodic_task(
        every, signature(DISPATCH_TASK, options={"expires": every.total_seconds()}), name="reminder dispatch"
    )


@signals.task_prerun.connect
@signals.task_postrun.connect
def drop_broken_database_connections(sender=None, **kwargs):
    """Django's close_old_connections around every task, as around every request: a connection that broke
    (the database restarted) or outlived CONN_MAX_AGE is closed, and the next query opens a fresh one."""
    if getattr(sender.request, "is_eager", False):
        return  # in-process: the caller's connection, perhaps mid-transaction, is not ours to close
    from django.db import close_old_connections

    close_old_connections()
