"""The commands and the schedule: send_reminders, generate_bench_data, and beat's one daily entry."""

import datetime
import io

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from agreements.clock import local_today
from agreements.models import ActionLine, Agreement, Reminder
from agreements.reminders.sweep import run_sweep
from commission.celery import DISPATCH_TASK, SWEEP_TASK
from commission.celery import app as celery_app

DAY = datetime.date(2026, 3, 31)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_beat_runs_one_sweep_a_day_at_seven_in_caracas_and_the_dispatcher_every_five_minutes(settings):
    schedule = celery_app.conf.beat_schedule
    assert len(schedule) == 2
    entry, dispatch = schedule["reminder sweep"], schedule["reminder dispatch"]
    assert dispatch["task"] == DISPATCH_TASK
    assert (
        dispatch["schedule"]
        == datetime.timedelta(minutes=5)
        == datetime.timedelta(minutes=settings.REMINDER_DISPATCH_MINUTES)
    )
    assert dispatch["options"]["expires"] == 300
    assert DISPATCH_TASK in celery_app.tasks
    assert entry["task"] == SWEEP_TASK
    assert entry["schedule"] == crontab(hour=settings.REMINDER_SWEEP_HOUR, minute=settings.REMINDER_SWEEP_MINUTE)
    assert (settings.REMINDER_SWEEP_HOUR, settings.REMINDER_SWEEP_MINUTE) == (7, 0)
    assert celery_app.conf.timezone == "America/Caracas"
    assert SWEEP_TASK in celery_app.tasks


@pytest.mark.django_db
def test_send_reminders_sweeps_and_sends_in_this_process(make):
    ana = make.person("Ana Rojas")
    make.action_line(due_date=DAY, responsible_person=ana)
    make.action_line(due_date=DAY + datetime.timedelta(days=7), responsible_person=ana)
    output = run("send_reminders", "--date", "2026-03-31")
    assert "Days covered: 2026-03-31" in output
    assert "Reminders owed: 2 for 1 people" in output
    assert "Reminders sent: 2; failed: 0" in output
    assert len(mail.outbox) == 1
    assert "Reminders sent: 0; failed: 0" in run("send_reminders", "--date", "2026-03-31")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["31/03/2026", "2026-02-30", "tomorrow"])
def test_send_reminders_refuses_a_bad_date(bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("send_reminders", "--date", bad)
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweep(make, monkeypatch):
    from agreements.tasks import sweep_reminders

    make.action_line(due_date=local_today(), responsible_person=make.person())
    monkeypatch.setattr("agreements.tasks.queue_digests", lambda: None)
    result = sweep_reminders.apply().get()
    assert result == {"covered": [local_today().isoformat()], "owed": 1}


@pytest.mark.django_db
def test_generate_bench_data_makes_consistent_rows_that_owe_reminders():
    indexes_before = index_names()
    output = run("generate_bench_data", "--action-lines", "500", "--seed", "7")
    assert "500 action lines after" in output
    assert ActionLine.objects.count() == 500
    assert Agreement.objects.count() == 100
    # The denormalised columns agree with the agreement and its meeting, as save() would have made them.
    assert not ActionLine.objects.exclude(commission_id=F("agreement__commission_id")).exists()
    assert not ActionLine.objects.exclude(sector_id=F("agreement__meeting__sector_id")).exists()
    assert not Agreement.objects.exclude(session_id=F("meeting__session_id")).exists()
    assert not ActionLine.objects.filter(original_due_date__isnull=True).exists()
    assert ActionLine.objects.open().exists() and ActionLine.objects.filter(status="done").exists()
    assert index_names() == indexes_before
    owed = run_sweep(queue=False).owed
    assert 0 < owed < 60  # about 2% of the lines
    run("generate_bench_data", "--action-lines", "50")
    assert ActionLine.objects.count() == 550
    # Explicit ids went in; the id sequence was moved past them, so ordinary inserts still work.
    assert ActionLine.objects.create(agreement=Agreement.objects.first(), title="After", due_date=DAY).pk > 550


@pytest.mark.django_db
def test_generate_bench_data_refuses_nonsense():
    with pytest.raises(CommandError):
        run("generate_bench_data", "--action-lines", "0")


def index_names():
    with connection.cursor() as cursor:
        return {
            index
            for table in ("agreements_actionline", "agreements_agreement")
            for index in connection.introspection.get_constraints(cursor, table)
        }
