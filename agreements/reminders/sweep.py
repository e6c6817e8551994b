"""The daily sweep: decide from the database which reminders are owed, record them in bulk, queue the digests."""

import datetime
import time
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ..clock import local_today
from ..models import ActionLine, Person, Reminder, SweepRun
from . import rules
from .delivery import queue_digests


@dataclass
class SweepResult:
    covered: list[datetime.date]
    lines_checked: int = 0
    owed: int = 0
    recipients: list[int] = field(default_factory=list)
    decide_seconds: float = 0.0
    record_seconds: float = 0.0


def config_from_settings():
    return rules.ReminderConfig(
        days_before=tuple(settings.REMINDER_DAYS_BEFORE),
        overdue_every_days=settings.REMINDER_OVERDUE_EVERY_DAYS,
        overdue_horizon_days=settings.REMINDER_OVERDUE_HORIZON_DAYS,
        escalate_coordinator_after_days=settings.REMINDER_ESCALATE_COORDINATOR_AFTER_DAYS,
        escalate_superior_after_days=settings.REMINDER_ESCALATE_SUPERIOR_AFTER_DAYS,
        catch_up_days=settings.REMINDER_CATCH_UP_DAYS,
    )


def chunks(items):
    """Slices of `items` small enough for one IN (...) list: SQLite limits query parameters, PostgreSQL does not."""
    items = list(items)
    size = (connection.features.max_query_params or 50_001) - 1
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_line_facts(due_dates):
    """Open lines due on one of `due_dates`, read from the covering index action_line_open_due_sweep alone."""
    rows = ActionLine.objects.due_on_any(due_dates).values_list(
        "id", "due_date", "responsible_person_id", "counterpart_person_id"
    )
    return [rules.LineFacts(*row) for row in rows.iterator(chunk_size=5000)]


def add_coordinators(facts, covered, config):
    """Fill coordinator and superior, only for the few lines that owe an escalation."""
    deadlines = rules.escalation_deadlines(covered, config)
    escalating = [line.id for line in facts if line.due_date in deadlines]
    found = {}
    for ids in chunks(escalating):
        rows = ActionLine.objects.filter(pk__in=ids).values_list(
            "id", "agreement__coordinator_id", "agreement__coordinator__superior_id"
        )
        found.update({line_id: (coordinator, superior) for line_id, coordinator, superior in rows})
    return [
        replace(line, coordinator_id=found[line.id][0], superior_id=found[line.id][1]) if line.id in found else line
        for line in facts
    ]


def reachable_people(person_ids):
    """The ids among `person_ids` of people who are active and have an email address."""
    reachable = set()
    for ids in chunks(sorted(person_ids)):
        reachable.update(
            Person.objects.filter(pk__in=ids, is_active=True).exclude(email="").values_list("pk", flat=True)
        )
    return reachable


def decide(covered, config):
    """(lines checked, reminders owed) for the covered days."""
    facts = add_coordinators(load_line_facts(rules.due_dates_to_check(covered, config)), covered, config)
    people = set()
    for line in facts:
        people.update((line.responsible_id, line.counterpart_id, line.coordinator_id, line.superior_id))
    people.discard(None)
    return len(facts), rules.owed_reminders(facts, covered, reachable_people(people), config)


def record(owed):
    """Insert one row per owed reminder; rows already there (an earlier or concurrent sweep) are left alone."""
    Reminder.objects.bulk_create(
        [
            Reminder(
                action_line_id=item.action_line_id,
                recipient_id=item.recipient_id,
                kind=item.kind,
                days_from_deadline=item.days_from_deadline,
                due_date=item.due_date,
            )
            for item in owed
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )


def run_sweep(today=None, queue=True):
    """Decide and record the reminders owed on every day since the last sweep; queue digests after commit."""
    today = today or local_today()
    config = config_from_settings()
    with transaction.atomic():
        last_run = SweepRun.objects.filter(run_date__lt=today).aggregate(last=Max("run_date"))["last"]
        result = SweepResult(covered=rules.days_to_cover(last_run, today, config))
        started = time.perf_counter()
        result.lines_checked, owed = decide(result.covered, config)
        result.owed = len(owed)
        result.recipients = sorted({item.recipient_id for item in owed})
        result.decide_seconds = time.perf_counter() - started
        started = time.perf_counter()
        record(owed)
        SweepRun.objects.bulk_create([SweepRun(run_date=day) for day in result.covered], ignore_conflicts=True)
        SweepRun.objects.filter(run_date__in=result.covered).update(finished_at=timezone.now())
        # The whole catch-up counts on today's row: one sweep recorded them all.
        SweepRun.objects.filter(run_date=today).update(reminders_recorded=result.owed)
        result.record_seconds = time.perf_counter() - started
        if queue:
            # After commit, so a worker never looks for rows it cannot see yet; robust, so a broker
            # hiccup leaves the rows pending for the next sweep instead of failing this one.
            transaction.on_commit(queue_digests, robust=True)
    return result
