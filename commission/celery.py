"""The Celery app. Broker from REDIS_URL; without it, settings make tasks run eagerly in-process."""

import os

from celery import Celery, signature
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commission.settings")

app = Celery("commission")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SWEEP_TASK = "agreements.tasks.sweep_reminders"


@app.on_after_configure.connect
def schedule_reminder_sweep(sender, **kwargs):
    """One beat entry: the daily sweep, at REMINDER_SWEEP_HOUR:MINUTE in TIME_ZONE (never one entry per deadline)."""
    from django.conf import settings

    # Read here, not at import: this module is imported while Django's settings are still loading.
    sender.add_periodic_task(
        crontab(hour=settings.REMINDER_SWEEP_HOUR, minute=settings.REMINDER_SWEEP_MINUTE),
        signature(SWEEP_TASK),
        name="reminder sweep",
    )
