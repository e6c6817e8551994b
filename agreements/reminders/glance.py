"""Reminder delivery at a glance, for the top of the admin's reminders list: is anything stuck?"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from ..models import Reminder, SweepRun
from ..models.reminders import ReminderDispatch
from .delivery import stale_claims_before


@dataclass
class Glance:
    pending: int
    sending: int
    stuck: int
    sent_today: int
    failed: int
    last_sweep: datetime.datetime | None
    last_dispatch: datetime.datetime | None
    dispatch_late: bool


def at_a_glance(now=None):
    """Counts by status (sent: since midnight), and when the sweep and the dispatcher last finished.

    One grouped query over the status indexes: pending, sending and failed rows are few; sent rows are read
    only from today's part of reminder_status_sent.
    """
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    Status = Reminder.Status
    counts = dict.fromkeys(Status.values, 0)
    rows = (
        Reminder.objects.filter(
            Q(status__in=[Status.PENDING, Status.SENDING, Status.FAILED]) | Q(status=Status.SENT, sent_at__gte=midnight)
        )
        .values("status")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts.update({row["status"]: row["count"] for row in rows})
    stuck = Reminder.objects.filter(status=Status.SENDING, claimed_at__lt=stale_claims_before(now)).count()
    dispatch = ReminderDispatch.latest()
    last_dispatch = dispatch.finished_at if dispatch else None
    # Two intervals without a dispatch: beat or the workers are not running.
    late_after = datetime.timedelta(minutes=2 * settings.REMINDER_DISPATCH_MINUTES)
    return Glance(
        pending=counts[Status.PENDING],
        sending=counts[Status.SENDING],
        stuck=stuck,
        sent_today=counts[Status.SENT],
        failed=counts[Status.FAILED],
        last_sweep=SweepRun.objects.aggregate(last=Max("finished_at"))["last"],
        last_dispatch=last_dispatch,
        dispatch_late=last_dispatch is None or now - last_dispatch > late_after,
    )
