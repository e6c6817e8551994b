"""Reminder history and failures in the admin, and the "Resend" action."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from agreements.models import Reminder, SweepRun
from agreements.reminders.sweep import run_sweep
from commission.celery import app as celery_app

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TODAY = datetime.date(2026, 3, 31)
CHANGELIST = reverse("admin:agreements_reminder_changelist")


@pytest.fixture
def administrator(client, make):
    client.force_login(make.user("root", is_staff=True, groups=["Administrator"]))
    return client


@pytest.fixture
def reminders(make):
    ana, ben = make.person("Ana Rojas"), make.person("Ben Ito")
    make.action_line(title="Supply parts", due_date=TODAY, responsible_person=ana)
    make.action_line(title="Ship tractors", due_date=TODAY, responsible_person=ben)
    run_sweep(TODAY, queue=False)
    Reminder.objects.filter(recipient=ben).update(status="failed", attempts=6, last_error="ConnectionRefusedError")
    return Reminder.objects.order_by("recipient__full_name")


def test_the_changelist_lists_failed_reminders_with_their_error(administrator, reminders):
    response = administrator.get(CHANGELIST, {"status__exact": "failed"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ship tractors" in page and "ConnectionRefusedError" in page
    assert "Supply parts" not in page


@pytest.mark.parametrize("query", [{"kind__exact": "due_today"}, {"q": "Rojas"}, {"q": "zzz"}, {"o": "3"}])
def test_the_changelist_filters_and_searches(administrator, reminders, query):
    assert administrator.get(CHANGELIST, query).status_code == 200


def test_a_reminders_page_and_the_sweep_runs_answer(administrator, reminders):
    reminder = reminders.first()
    assert administrator.get(reverse("admin:agreements_reminder_change", args=[reminder.pk])).status_code == 200
    assert administrator.get(reverse("admin:agreements_sweeprun_changelist")).status_code == 200
    assert SweepRun.objects.get().reminders_recorded == 2


def test_resend_requeues_the_failed_rows_and_delivers_them(
    administrator, reminders, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    selected = [reminder.pk for reminder in reminders]
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator.post(CHANGELIST, {"action": "resend", "_selected_action": selected}, follow=True)
    assert "1 failed reminder queued again." in response.content.decode()
    # Only Ben's row had failed: his digest goes; Ana's pending row waits for her own task.
    ben = Reminder.objects.get(recipient__full_name="Ben Ito")
    assert [message.to[0] for message in mail.outbox] == [f"Ben Ito <{ben.recipient.email}>"]
    assert ben.status == Reminder.Status.SENT
    assert Reminder.objects.get(recipient__full_name="Ana Rojas").status == Reminder.Status.PENDING


def test_resend_says_so_when_nothing_had_failed(administrator, reminders):
    ana = reminders.get(recipient__full_name="Ana Rojas")
    response = administrator.post(CHANGELIST, {"action": "resend", "_selected_action": [ana.pk]}, follow=True)
    assert "None of the selected reminders had failed." in response.content.decode()
    assert Reminder.objects.get(pk=ana.pk).status == Reminder.Status.PENDING


def test_viewers_cannot_resend(client, make, reminders):
    client.force_login(make.user(is_staff=True, groups=["Viewer"]))
    failed = reminders.get(status="failed")
    client.post(CHANGELIST, {"action": "resend", "_selected_action": [failed.pk]})
    assert Reminder.objects.get(pk=failed.pk).status == Reminder.Status.FAILED
