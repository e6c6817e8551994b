"""The sweep against the database, with frozen time: what it records, for whom, once."""

import datetime
import zoneinfo

import pytest
import time_machine

from agreements.models import ActionLine, Person, Reminder, SweepRun
from agreements.reminders.sweep import run_sweep
from agreements.tasks import queue_digests

pytestmark = pytest.mark.django_db

CARACAS = zoneinfo.ZoneInfo("America/Caracas")
D = datetime.date


def at(day, hour=7, minute=0):
    """Travel to `day` at 07:00 in Caracas, when beat runs the sweep."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CARACAS), tick=False
    )


def sweep_on(day, **kwargs):
    with at(day, **kwargs):
        return run_sweep(queue=False)


def rows(**filters):
    return sorted(
        Reminder.objects.filter(**filters).values_list("recipient__full_name", "kind", "days_from_deadline", "due_date")
    )


@pytest.fixture
def people(make):
    coordinator_boss = make.person("Vice-minister")
    return {
        "ours": make.person("Ours"),
        "theirs": make.person("Theirs"),  # counterpart staff: no login account
        "coordinator": make.person("Coordinator", superior=coordinator_boss),
        "superior": coordinator_boss,
    }


@pytest.fixture
def line(make, people):
    agreement = make.agreement(coordinator=people["coordinator"])
    return make.action_line(
        agreement, due_date=D(2026, 3, 31), responsible_person=people["ours"], counterpart_person=people["theirs"]
    )


def test_both_responsible_people_are_reminded_14_days_before(line):
    result = sweep_on(D(2026, 3, 17))
    assert rows() == [("Ours", "before", -14, D(2026, 3, 31)), ("Theirs", "before", -14, D(2026, 3, 31))]
    assert result.owed == 2 and result.lines_checked == 1
    assert all(reminder.status == Reminder.Status.PENDING for reminder in Reminder.objects.all())


def test_the_sweep_uses_the_date_in_caracas_not_in_utc(line):
    # 23:30 on 30 March in Caracas is already 31 March in UTC: the line is due tomorrow, not today.
    sweep_on(D(2026, 3, 30), hour=23, minute=30)
    assert {kind for _, kind, _, _ in rows()} == {"before"}
    assert SweepRun.objects.get().run_date == D(2026, 3, 30)


def test_a_day_without_a_milestone_records_nothing(line):
    assert sweep_on(D(2026, 3, 18)).owed == 0
    assert not Reminder.objects.exists()


def test_running_the_sweep_twice_the_same_day_records_each_reminder_once(line):
    sweep_on(D(2026, 3, 31))
    sweep_on(D(2026, 3, 31))
    assert rows() == [("Ours", "due_today", 0, D(2026, 3, 31)), ("Theirs", "due_today", 0, D(2026, 3, 31))]
    assert SweepRun.objects.count() == 1


def test_after_missed_days_the_next_sweep_records_the_latest_reminder_once(line):
    sweep_on(D(2026, 3, 20))
    result = sweep_on(D(2026, 3, 31))  # the server was down from 21 to 30 March: -7 and -1 were missed
    assert result.covered == [D(2026, 3, 21) + datetime.timedelta(days=n) for n in range(11)]
    assert rows() == [("Ours", "due_today", 0, D(2026, 3, 31)), ("Theirs", "due_today", 0, D(2026, 3, 31))]
    assert (
        list(SweepRun.objects.order_by("run_date").values_list("run_date", flat=True))
        == [D(2026, 3, 20)] + result.covered
    )
    assert SweepRun.objects.get(run_date=D(2026, 3, 31)).reminders_recorded == 2


def test_escalations_at_14_and_30_days_overdue(line):
    sweep_on(D(2026, 4, 14))
    assert rows(recipient__full_name="Coordinator") == [("Coordinator", "escalation_coordinator", 14, D(2026, 3, 31))]
    sweep_on(D(2026, 4, 30))
    assert rows(recipient__full_name="Vice-minister") == [("Vice-minister", "escalation_superior", 30, D(2026, 3, 31))]
    # The second sweep also covered 15–29 April: the weekly reminder of the 28th, once.
    assert rows(kind="overdue", recipient__full_name="Ours") == [
        ("Ours", "overdue", 14, D(2026, 3, 31)),
        ("Ours", "overdue", 28, D(2026, 3, 31)),
    ]


@pytest.mark.parametrize("status", [ActionLine.Status.DONE, ActionLine.Status.CANCELLED])
def test_done_and_cancelled_lines_get_nothing(line, status):
    line.status = status
    if status == ActionLine.Status.DONE:
        line.percent_complete, line.completed_date = 100, D(2026, 3, 30)
    line.save()
    for day in (D(2026, 3, 30), D(2026, 3, 31), D(2026, 4, 14), D(2026, 4, 30)):
        sweep_on(day)
    assert not Reminder.objects.exists()


def test_blocked_and_in_progress_lines_are_still_reminded(line, make, people):
    make.action_line(line.agreement, due_date=D(2026, 3, 31), status="blocked", responsible_person=people["ours"])
    line.status = ActionLine.Status.IN_PROGRESS
    line.save()
    assert sweep_on(D(2026, 3, 31)).owed == 3


def test_inactive_people_get_nothing(line, people):
    people["ours"].is_active = False
    people["ours"].save()
    people["theirs"].is_active = False
    people["theirs"].save()
    assert sweep_on(D(2026, 3, 31)).owed == 0
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("address", ["", 'quote"@example.org'])
def test_a_person_without_a_usable_address_gets_a_failed_row_with_the_reason(line, people, address):
    # Saved before addresses were checked, or written straight to the table: the sweep must not trust it.
    Person.objects.filter(pk=people["theirs"].pk).update(email=address)
    result = sweep_on(D(2026, 3, 31))
    assert (result.owed, result.unreachable) == (2, 1)
    assert result.recipients == [people["ours"].pk]
    failed = Reminder.objects.get(recipient=people["theirs"])
    assert failed.status == Reminder.Status.FAILED
    assert "email address" in failed.last_error and "resend" in failed.last_error
    assert Reminder.objects.get(recipient=people["ours"]).status == Reminder.Status.PENDING


def test_a_deadline_moved_later_starts_the_schedule_over(line):
    sweep_on(D(2026, 3, 17))
    with at(D(2026, 3, 20)):
        line.change_deadline(D(2026, 4, 14), "Parts arrive late")
    sweep_on(D(2026, 3, 24))  # -7 for the old date: no longer owed
    sweep_on(D(2026, 3, 31))  # -14 for the new date
    assert rows(recipient__full_name="Ours") == [
        ("Ours", "before", -14, D(2026, 3, 31)),
        ("Ours", "before", -14, D(2026, 4, 14)),
    ]


def test_a_deadline_moved_earlier_starts_the_schedule_over(line):
    sweep_on(D(2026, 3, 17))
    with at(D(2026, 3, 20)):
        line.change_deadline(D(2026, 3, 23), "The minister wants it sooner")
    sweep_on(D(2026, 3, 22))
    sweep_on(D(2026, 3, 23))
    sweep_on(D(2026, 3, 31))  # covers 24–31 March: +7 for the new date on the 30th; nothing for the old date
    assert rows(recipient__full_name="Ours") == [
        ("Ours", "before", -14, D(2026, 3, 31)),
        ("Ours", "before", -1, D(2026, 3, 23)),
        ("Ours", "due_today", 0, D(2026, 3, 23)),
        ("Ours", "overdue", 7, D(2026, 3, 23)),
    ]


def test_a_deadline_moved_back_does_not_repeat_a_reminder_already_owed(line):
    sweep_on(D(2026, 3, 17))
    with at(D(2026, 3, 17), hour=9):
        line.change_deadline(D(2026, 4, 14), "Postponed")
        line.change_deadline(D(2026, 3, 31), "Not postponed after all")
    sweep_on(D(2026, 3, 17))
    assert Reminder.objects.filter(recipient__full_name="Ours").count() == 1


def test_queueing_happens_after_commit_one_task_per_person(line, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("agreements.tasks.send_reminder_digest.delay", queued.append)
    with at(D(2026, 3, 31)), django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_sweep(queue=queue_digests)
        assert queued == []
    for callback in callbacks:
        callback()
    assert sorted(queued) == sorted([line.responsible_person_id, line.counterpart_person_id])
