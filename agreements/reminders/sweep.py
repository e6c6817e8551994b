"""The daily sweep: decide from the database which reminders are owed and record them in bulk, in the outbox."""

import datetime
import time
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ..clock import local_today
from ..models import ActionLine, Person, Reminder, SweepRun
from ..models.reference import email_problem
from . import rules


@dataclass
class SweepResult:
    covered: list[datetime.date]
    lines_checked: int = 0
    owed: int = 0
    # Of the owed: rows recorded as failed at once, for people without a usable email address.
    unreachable: int = 0
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
    """Open lines due on one of `due_dates`, read from the covering index action_line_open_due alone."""
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


def active_people(person_ids):
    """{id: why no email can reach them, or ""} for the active people among `person_ids`; inactive people get none."""
    people = {}
    for ids in chunks(sorted(person_ids)):
        rows = Person.objects.filter(pk__in=ids, is_active=True).values_list("pk", "email")
        people.update({pk: email_problem(email) for pk, email in rows})
    return people


def decide(covered, config):
    """(lines checked, reminders owed, {person id: address problem}) for the covered days."""
    facts = add_coordinators(load_line_facts(rules.due_dates_to_check(covered, config)), covered, config)
    people = set()
    for line in facts:
        people.update((line.responsible_id, line.counterpart_id, line.coordinator_id, line.superior_id))
    people.discard(None)
    active = active_people(people)
    return len(facts), rules.owed_reminders(facts, covered, set(active), config), active


def record(owed, problems=None):
    """Insert one row per owed reminder; rows already there (an earlier or concurrent sweep) are left alone.

    A reminder to someone without a usable address is recorded as failed, with the reason, for the admin.
    """
    problems = problems or {}
    Reminder.objects.bulk_create(
        [
            Reminder(
                action_line_id=item.action_line_id,
                recipient_id=item.recipient_id,
                kind=item.kind,
                days_from_deadline=item.days_from_deadline,
                due_date=item.due_date,
                status=Reminder.Status.FAILED if problems.get(item.recipient_id) else Reminder.Status.PENDING,
                last_error=problems.get(item.recipient_id, ""),
            )
            for item in owed
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )


def run_sweep(today=None, queue=None):
    """Decide and record the reminders owed on every day since the last sweep.

    `queue`, if given, is called with no arguments once the rows are committed, to ring for their digests
    (agreements.tasks.queue_digests); a failure there leaves the rows pending for the dispatcher.
    """
    today = today or local_today()
    config = config_from_settings()
    with transaction.atomic():
        last_run = SweepRun.objects.filter(run_date__lt=today).aggregate(last=Max("run_date"))["last"]
        result = SweepResult(covered=rules.days_to_cover(last_run, today, config))
        started = time.perf_counter()
        result.lines_checked, owed, people = decide(result.covered, config)
        problems = {pk: problem for pk, problem in people.items() if problem}
        result.owed = len(owed)
        result.unreachable = sum(1 for item in owed if item.recipient_id in problems)
        result.recipients = sorted({item.recipient_id for item in owed} - set(problems))
        result.decide_seconds = time.perf_counter() - started
        started = time.perf_counter()
        record(owed, problems)
        SweepRun.objects.bulk_create([SweepRun(run_date=day) for day in result.covered], ignore_conflicts=True)
        SweepRun.objects.filter(run_date__in=result.covered).update(finished_at=timezone.now())
        # The whole catch-up counts on today's row: one sweep recorded them all.
        SweepRun.objects.filter(run_date=today).update(reminders_recorded=result.owed)
        result.record_seconds = time.perf_counter() - started
        if queue:
            # After commit, so a worker never looks for rows it cannot see yet.
            transaction.on_commit(queue, robust=True)
    return result


def missed_today(now=None):
    """True when today's sweep should have finished by now (its hour plus a dispatch interval) and has not."""
    now = timezone.localtime(now)
    due = now.replace(hour=settings.REMINDER_SWEEP_HOUR, minute=settings.REMINDER_SWEEP_MINUTE, second=0)
    due += datetime.timedelta(minutes=settings.REMINDER_DISPATCH_MINUTES)
    done = SweepRun.objects.filter(run_date=now.date(), finished_at__isnull=False).exists()
    return now >= due and not done
