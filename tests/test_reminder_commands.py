"""The commands and the schedule: send_reminders and beat's one daily entry."""

import datetime
import io

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.management import CommandError, call_command

from agreements.clock import local_today
from agreements.models import Reminder
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
