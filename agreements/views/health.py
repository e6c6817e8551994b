"""/healthz for load balancers and monitoring: the database, Redis and the daily reminder sweep, each ok or fail.

Open to anyone, so it names the checks and nothing else: no versions, host names or error text.
"""

import datetime

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..models import SweepRun

# Seconds a probe waits for Redis; load balancers give up after a few seconds.
REDIS_TIMEOUT = 2


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means this host cannot serve
        return False, ""
    return True, ""


def check_redis():
    if not settings.REDIS_URL:
        # Without a broker, tasks run in-process (`make run`): nothing to reach.
        return True, "not configured"
    try:
        with redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        ) as client:
            client.ping()
    except Exception:  # refused, timed out, wrong password: all the same to a probe
        return False, ""
    return True, ""


def check_sweep():
    """How long ago the latest day's sweep finished; one row per day, read backwards on the unique date index."""
    try:
        finished_at = (
            SweepRun.objects.filter(finished_at__isnull=False)
            .order_by("-run_date")
            .values_list("finished_at", flat=True)
            .first()
        )
    except Exception:  # the database check reports the cause
        return False, ""
    if finished_at is None:
        # A fresh laptop has never swept; a production site that never has is not sending reminders.
        return settings.DEBUG, "never"
    age = timezone.now() - finished_at
    hours = max(0, int(age.total_seconds() // 3600))
    return age <= datetime.timedelta(hours=settings.HEALTHZ_SWEEP_MAX_AGE_HOURS), f"{hours}h"


CHECKS = {"database": check_database, "redis": check_redis, "sweep": check_sweep}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    lines = []
    healthy = True
    for name, check in CHECKS.items():
        ok, detail = check()
        healthy = healthy and ok
        lines.append(" ".join(filter(None, [name, "ok" if ok else "fail", detail])))
    body = "\n".join(lines) + "\n"
    return HttpResponse(body, status=200 if healthy else 503, content_type="text/plain; charset=utf-8")
