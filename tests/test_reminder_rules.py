"""The reminder rules as plain functions: which reminders are owed on which days, with no database or clock."""

import datetime

import pytest

from agreements.reminders import rules
from agreements.reminders.rules import LineFacts, ReminderConfig, days_to_cover, due_dates_to_check, owed_reminders

CONFIG = ReminderConfig()
D = datetime.date
RESPONSIBLE, COUNTERPART, COORDINATOR, SUPERIOR = 1, 2, 3, 4
EVERYONE = {RESPONSIBLE, COUNTERPART, COORDINATOR, SUPERIOR}


def line(due, **fields):
    fields.setdefault("responsible_id", RESPONSIBLE)
    fields.setdefault("counterpart_id", COUNTERPART)
    fields.setdefault("coordinator_id", COORDINATOR)
    fields.setdefault("superior_id", SUPERIOR)
    return LineFacts(id=fields.pop("id", 10), due_date=due, **fields)


def owed_on(day, *lines, reachable=EVERYONE, config=CONFIG):
    return owed_reminders(lines, [day], reachable, config)


def kinds_for(owed, person):
    return [(item.kind, item.days_from_deadline) for item in owed if item.recipient_id == person]


def test_milestones_are_14_7_1_days_before_the_day_and_weekly_after():
    assert sorted(CONFIG.milestones)[:8] == [-14, -7, -1, 0, 7, 14, 21, 28]
    assert max(CONFIG.milestones) == 364
    assert CONFIG.escalations == {14: rules.ESCALATION_COORDINATOR, 30: rules.ESCALATION_SUPERIOR}


def test_the_sweep_checks_an_explicit_list_of_deadlines_not_every_overdue_day():
    today = D(2026, 3, 31)
    dates = due_dates_to_check([today], CONFIG)
    for days in (14, 7, 1, 0, -7, -14, -21, -30, -364):
        assert today + datetime.timedelta(days=days) in dates
    for days in (2, -1, -3, -8, -29, -371):
        assert today + datetime.timedelta(days=days) not in dates
    assert len(dates) == 3 + 1 + 52 + 1  # before, the day, weekly up to the horizon, the superior's +30


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2026, 3, 17), [("before", -14)]),
        (D(2026, 3, 24), [("before", -7)]),
        (D(2026, 3, 30), [("before", -1)]),
        (D(2026, 3, 31), [("due_today", 0)]),
        (D(2026, 4, 7), [("overdue", 7)]),
        (D(2026, 4, 14), [("overdue", 14)]),
        (D(2026, 4, 28), [("overdue", 28)]),
        (D(2026, 4, 1), []),
        (D(2026, 4, 30), []),
    ],
)
def test_a_deadline_on_the_last_day_of_march(day, expected):
    owed = owed_on(day, line(D(2026, 3, 31)))
    assert kinds_for(owed, RESPONSIBLE) == expected
    assert kinds_for(owed, COUNTERPART) == expected


@pytest.mark.parametrize(
    "due, day, person, expected",
    [
        (D(2026, 3, 1), D(2026, 2, 28), RESPONSIBLE, [("before", -1)]),  # across a 28-day February
        (D(2026, 3, 1), D(2026, 2, 15), RESPONSIBLE, [("before", -14)]),
        (D(2028, 3, 1), D(2028, 2, 29), RESPONSIBLE, [("before", -1)]),  # a leap day
        (D(2027, 1, 3), D(2026, 12, 27), RESPONSIBLE, [("before", -7)]),  # across the end of the year
        (D(2026, 1, 31), D(2026, 2, 28), RESPONSIBLE, [("overdue", 28)]),
        (D(2026, 4, 30), D(2026, 5, 30), SUPERIOR, [("escalation_superior", 30)]),  # a 30-day month
        (D(2026, 4, 30), D(2026, 5, 31), SUPERIOR, []),
        (D(2026, 2, 28), D(2026, 3, 14), COORDINATOR, [("escalation_coordinator", 14)]),
    ],
)
def test_month_and_year_ends(due, day, person, expected):
    assert kinds_for(owed_on(day, line(due)), person) == expected


def test_escalation_goes_to_the_coordinator_at_14_days_and_to_the_superior_at_30():
    due = D(2026, 3, 31)
    at_14 = owed_on(D(2026, 4, 14), line(due))
    assert kinds_for(at_14, COORDINATOR) == [("escalation_coordinator", 14)]
    assert kinds_for(at_14, SUPERIOR) == []
    at_30 = owed_on(D(2026, 4, 30), line(due))
    assert kinds_for(at_30, SUPERIOR) == [("escalation_superior", 30)]
    assert kinds_for(at_30, COORDINATOR) == []
    # 30 days overdue is not a weekly milestone: the people responsible hear nothing that day.
    assert kinds_for(at_30, RESPONSIBLE) == []


def test_no_escalation_without_a_coordinator_or_superior():
    due = D(2026, 3, 31)
    assert kinds_for(owed_on(D(2026, 4, 14), line(due, coordinator_id=None)), COORDINATOR) == []
    assert owed_on(D(2026, 4, 30), line(due, superior_id=None)) == []


def test_people_not_reachable_get_nothing_and_the_others_still_do():
    owed = owed_on(D(2026, 3, 31), line(D(2026, 3, 31)), reachable={COUNTERPART})
    assert [item.recipient_id for item in owed] == [COUNTERPART]


def test_a_line_without_people_owes_nothing():
    assert owed_on(D(2026, 3, 31), line(D(2026, 3, 31), responsible_id=None, counterpart_id=None)) == []


def test_the_same_person_on_both_sides_gets_one_reminder():
    owed = owed_on(D(2026, 3, 31), line(D(2026, 3, 31), counterpart_id=RESPONSIBLE))
    assert len(owed) == 1


def test_overdue_reminders_stop_after_the_horizon():
    config = ReminderConfig(overdue_horizon_days=28)
    due = D(2026, 3, 31)
    assert kinds_for(owed_on(due + datetime.timedelta(days=28), line(due), config=config), RESPONSIBLE) == [
        ("overdue", 28)
    ]
    assert owed_on(due + datetime.timedelta(days=35), line(due), config=config) == []


def test_after_missed_days_each_line_is_owed_its_latest_milestone_once():
    covered = days_to_cover(last_run=D(2026, 3, 20), today=D(2026, 3, 31), config=CONFIG)
    assert covered[0] == D(2026, 3, 21) and covered[-1] == D(2026, 3, 31) and len(covered) == 11
    lines = [
        line(D(2026, 3, 31), id=1),  # -7 and -1 and 0 were all missed: only "due today"
        line(D(2026, 3, 25), id=2),  # -1 and 0 missed: "due today" for a line now 6 days late
        line(D(2026, 4, 8), id=3),  # -14 on 3/25 was missed: that one
        line(D(2026, 3, 10), id=4),  # +14 (3/24): weekly and the coordinator's escalation
    ]
    owed = owed_reminders(lines, covered, EVERYONE, CONFIG)
    by_line = {
        line_id: sorted((i.recipient_id, i.kind, i.days_from_deadline) for i in owed if i.action_line_id == line_id)
        for line_id in (1, 2, 3, 4)
    }
    assert by_line[1] == [(RESPONSIBLE, "due_today", 0), (COUNTERPART, "due_today", 0)]
    assert by_line[2] == [(RESPONSIBLE, "due_today", 0), (COUNTERPART, "due_today", 0)]
    assert by_line[3] == [(RESPONSIBLE, "before", -14), (COUNTERPART, "before", -14)]
    assert by_line[4] == [
        (RESPONSIBLE, "overdue", 21),
        (COUNTERPART, "overdue", 21),
        (COORDINATOR, "escalation_coordinator", 14),
    ]


def test_the_days_to_cover():
    today = D(2026, 3, 31)
    assert days_to_cover(None, today, CONFIG) == [today]
    assert days_to_cover(today, today, CONFIG) == [today]  # a second sweep the same day
    assert days_to_cover(D(2026, 3, 30), today, CONFIG) == [today]
    assert days_to_cover(D(2026, 4, 2), today, CONFIG) == [today]  # swept "in the future" (send_reminders --date)
    long_outage = days_to_cover(D(2025, 12, 1), today, CONFIG)
    assert len(long_outage) == CONFIG.catch_up_days and long_outage[-1] == today


def test_a_deadline_moved_later_starts_the_schedule_over():
    # Keys carry the deadline: -7 for 31 March and -7 for 14 April are different reminders.
    before_move = owed_on(D(2026, 3, 24), line(D(2026, 3, 31)))
    after_move = owed_on(D(2026, 4, 7), line(D(2026, 4, 14)))
    assert {(i.kind, i.days_from_deadline) for i in before_move} == {(i.kind, i.days_from_deadline) for i in after_move}
    assert {i.due_date for i in before_move} == {D(2026, 3, 31)}
    assert {i.due_date for i in after_move} == {D(2026, 4, 14)}


def test_only_lines_due_14_or_30_days_ago_need_their_coordinator_looked_up():
    assert rules.escalation_deadlines([D(2026, 4, 14)], CONFIG) == {D(2026, 3, 31), D(2026, 3, 15)}
