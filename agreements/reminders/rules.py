"""Which reminders are owed: plain functions of (deadlines, days covered, configuration), no I/O.

A milestone is a number of days from a deadline on which a reminder is owed: -14, -7, -1 (before),
0 (due today), 7, 14, 21 … (overdue, weekly up to a horizon). Escalations are milestones of their own,
to other people: the agreement's coordinator at +14, the coordinator's superior at +30.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

# The kinds are Reminder.Kind values; repeated here so that this module imports nothing from Django.
BEFORE_DEADLINE = "before"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
ESCALATION_COORDINATOR = "escalation_coordinator"
ESCALATION_SUPERIOR = "escalation_superior"


@dataclass(frozen=True)
class ReminderConfig:
    days_before: tuple[int, ...] = (14, 7, 1)
    overdue_every_days: int = 7
    overdue_horizon_days: int = 364
    escalate_coordinator_after_days: int = 14
    escalate_superior_after_days: int = 30
    catch_up_days: int = 31

    @cached_property
    def milestones(self):
        """Days from the deadline on which the people responsible are reminded, e.g. -14 … 0 … 364."""
        before = [-days for days in self.days_before if days > 0]
        overdue = range(self.overdue_every_days, self.overdue_horizon_days + 1, self.overdue_every_days)
        return frozenset({*before, 0, *overdue})

    @cached_property
    def escalations(self):
        """{days overdue: kind} for the escalations."""
        return {
            self.escalate_coordinator_after_days: ESCALATION_COORDINATOR,
            self.escalate_superior_after_days: ESCALATION_SUPERIOR,
        }


@dataclass(frozen=True)
class LineFacts:
    """What the rules need to know about one open action line."""

    id: int
    due_date: datetime.date
    responsible_id: int | None
    counterpart_id: int | None
    coordinator_id: int | None = None
    superior_id: int | None = None


@dataclass(frozen=True)
class Owed:
    """One reminder owed: becomes one Reminder row (the row's unique key is all five fields)."""

    action_line_id: int
    recipient_id: int
    kind: str
    days_from_deadline: int
    due_date: datetime.date


def kind_for(days_from_deadline):
    if days_from_deadline < 0:
        return BEFORE_DEADLINE
    if days_from_deadline == 0:
        return DUE_TODAY
    return OVERDUE


def days_to_cover(last_run, today, config):
    """The days this sweep answers for: every day since the last run, up to today, at most catch_up_days.

    A second sweep on the same day covers today again; the unique rows make that harmless.
    """
    if last_run is None or last_run >= today:
        return [today]
    first = max(last_run + datetime.timedelta(days=1), today - datetime.timedelta(days=config.catch_up_days - 1))
    return [first + datetime.timedelta(days=n) for n in range((today - first).days + 1)]


def due_dates_to_check(covered, config):
    """The explicit list of deadlines that may owe a reminder on a covered day: today+14, +7, +1, today, today-7k …"""
    offsets = {*config.milestones, *config.escalations}
    return sorted({day - datetime.timedelta(days=offset) for day in covered for offset in offsets})


def _offsets_hit(due_date, covered):
    return {(day - due_date).days for day in covered}


def latest_milestone(due_date, covered, config):
    """The latest milestone of this deadline falling on a covered day, or None.

    After missed days the line is owed ONE reminder, the latest, not one per missed day.
    """
    hit = _offsets_hit(due_date, covered).intersection(config.milestones)
    return max(hit) if hit else None


def escalations_owed(due_date, covered, config):
    """[(days overdue, kind)] of the escalations falling on a covered day."""
    hit = _offsets_hit(due_date, covered)
    return [(days, kind) for days, kind in sorted(config.escalations.items()) if days in hit]


def escalation_deadlines(covered, config):
    """The deadlines that owe an escalation on a covered day: only their lines need the coordinator looked up."""
    return {day - datetime.timedelta(days=days) for day in covered for days in config.escalations}


def owed_reminders(lines, covered, reachable, config):
    """Every reminder owed on the covered days, for open lines, to people in `reachable`.

    `reachable` is the set of person ids who may be reminded (the active ones); anyone else gets none.
    The responsible person on our side and the counterpart both get the line's latest milestone.
    """
    owed = set()
    # Thousands of lines share a few dozen deadlines: work each deadline out once.
    by_deadline = {}
    for line in lines:
        if line.due_date not in by_deadline:
            by_deadline[line.due_date] = (
                latest_milestone(line.due_date, covered, config),
                escalations_owed(line.due_date, covered, config),
            )
        milestone, escalations = by_deadline[line.due_date]
        if milestone is not None:
            for person_id in {line.responsible_id, line.counterpart_id}:
                if person_id in reachable:
                    owed.add(Owed(line.id, person_id, kind_for(milestone), milestone, line.due_date))
        for days, kind in escalations:
            person_id = line.coordinator_id if kind == ESCALATION_COORDINATOR else line.superior_id
            if person_id in reachable:
                owed.add(Owed(line.id, person_id, kind, days, line.due_date))
    return sorted(owed, key=lambda item: (item.recipient_id, item.action_line_id, item.kind))
