"""The outbox: the dispatcher rings again for what is owed, queuing failures are told truthfully,
addresses are checked before anything is sent, and the rows are marked sent before the SMTP goodbye."""

import datetime
import smtplib
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerUnreachable

from agreements.models import Reminder, SweepRun
from agreements.models.reminders import ReminderDispatch
from agreements.reminders import delivery
from agreements.reminders.sweep import missed_today, run_sweep
from agreements.tasks import dispatch_reminders, queue_digests, send_reminder_digest
from commission.celery import app as celery_app

pytestmark = pytest.mark.django_db

CARACAS = zoneinfo.ZoneInfo("America/Caracas")
TODAY = datetime.date(2026, 3, 31)
NOW = datetime.datetime(2026, 3, 31, 7, 0, tzinfo=CARACAS)
CHANGELIST = reverse("admin:agreements_reminder_changelist")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def eager(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def queued(monkeypatch):
    """Digests queued, by person id, instead of published."""
    published = []
    monkeypatch.setattr("agreements.tasks.send_reminder_digest.delay", published.append)
    return published


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(recipient_id):
        raise BrokerUnreachable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("agreements.tasks.send_reminder_digest.delay", refuse)


@pytest.fixture
def ana(make):
    return make.person("Ana Rojas", email="ana@example.org", language="en")


@pytest.fixture
def owed(make, ana):
    ben = make.person("Ben Ito", email="ben@example.org", language="en")
    make.action_line(title="Supply parts", due_date=TODAY, responsible_person=ana)
    make.action_line(title="Ship tractors", due_date=TODAY, responsible_person=ben)
    run_sweep(TODAY)
    return [ana, ben]


def test_the_dispatcher_queues_everyone_with_pending_rows_and_records_its_run(owed, queued):
    assert dispatch_reminders() == {"queued": 2, "not_queued": 0}
    assert sorted(queued) == sorted(person.pk for person in owed)
    run = ReminderDispatch.latest()
    assert (run.finished_at, run.recipients_queued) == (NOW, 2)


def test_the_dispatcher_leaves_a_retry_to_its_task_until_that_task_is_late(owed, ana, queued, frozen, settings):
    held = delivery.claim(ana.pk, delivery.timezone.now(), "task-1")
    delivery.release(held, held.ids, ConnectionRefusedError(111, "refused"), failed=False, retry_within=60)
    dispatch_reminders()
    assert ana.pk not in queued
    frozen.shift(60 + settings.REMINDER_CLAIM_TIMEOUT + 1)  # the retry was lost with the broker's data
    queued.clear()
    dispatch_reminders()
    assert ana.pk in queued


def test_the_dispatcher_picks_up_claims_older_than_the_claim_timeout(owed, ana, queued, frozen, settings):
    delivery.claim(ana.pk, delivery.timezone.now(), "task-1")
    dispatch_reminders()
    assert ana.pk not in queued
    frozen.shift(settings.REMINDER_CLAIM_TIMEOUT + 1)
    dispatch_reminders()
    assert ana.pk in queued


def test_queuing_with_the_broker_down_is_logged_and_left_to_the_dispatcher(owed, broker_down, caplog):
    outcome = queue_digests()
    assert (outcome.queued, outcome.not_queued) == (0, 2)
    assert "left for the dispatcher" in caplog.text
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.PENDING}


def test_a_sweep_whose_queuing_fails_still_commits_its_rows(make, ana, broker_down, django_capture_on_commit_callbacks):
    make.action_line(due_date=TODAY, responsible_person=ana)
    with django_capture_on_commit_callbacks(execute=True):
        result = run_sweep(TODAY, queue=queue_digests)
    assert result.owed == 1
    assert Reminder.objects.get().status == Reminder.Status.PENDING


def test_the_dispatcher_starts_a_sweep_missed_today(make, ana, frozen, monkeypatch, queued):
    started = []
    monkeypatch.setattr("agreements.tasks.sweep_reminders.delay", lambda: started.append(True))
    frozen.move_to(datetime.datetime(2026, 3, 31, 6, 59, tzinfo=CARACAS))
    assert not missed_today()
    frozen.move_to(datetime.datetime(2026, 3, 31, 7, 6, tzinfo=CARACAS))  # the 07:00 sweep plus 5 minutes
    assert missed_today()
    dispatch_reminders()
    assert started == [True]
    SweepRun.objects.create(run_date=TODAY, finished_at=delivery.timezone.now())
    assert not missed_today()


@pytest.fixture
def administrator(client, make, in_english):
    client.force_login(make.user("root", is_staff=True, groups=["Administrator"]))
    return client


def failed_rows():
    Reminder.objects.update(status=Reminder.Status.FAILED, last_error="ConnectionRefusedError")
    return list(Reminder.objects.values_list("pk", flat=True))


def test_resend_with_the_broker_down_says_the_digests_wait_for_the_dispatcher(administrator, owed, broker_down):
    selected = failed_rows()
    response = administrator.post(CHANGELIST, {"action": "resend", "_selected_action": selected}, follow=True)
    page = response.content.decode()
    assert "queued again" not in page
    assert "2 failed reminders are pending again, but the queue could not be reached for 2 people" in page
    assert "within 5 minutes" in page
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.PENDING}


def test_resend_says_queued_again_when_the_broker_took_them(administrator, owed, queued):
    selected = failed_rows()
    response = administrator.post(CHANGELIST, {"action": "resend", "_selected_action": selected}, follow=True)
    assert "2 failed reminders queued again." in response.content.decode()
    assert len(queued) == 2


def test_the_reminders_list_shows_delivery_at_a_glance(administrator, owed, ana, frozen):
    delivery.deliver_digest(ana.pk)
    Reminder.objects.filter(recipient__full_name="Ben Ito").update(status=Reminder.Status.FAILED)
    ReminderDispatch.record(1, 0)
    frozen.shift(datetime.timedelta(minutes=3))
    page = administrator.get(CHANGELIST).content.decode()
    assert "Delivery at a glance" in page
    glance = page[page.index("Delivery at a glance") : page.index("</section>")]
    cells = [cell.split("<")[0].strip() for cell in glance.split("<td>")[1:]]
    assert cells[:4] == ["0", "0", "1", ""]
    assert ">1</a>" in glance  # failed, linked to the failed rows
    assert "3\xa0minutes ago" in glance and "Late:" not in glance


def test_the_glance_warns_when_the_dispatcher_has_not_run(administrator, owed):
    page = administrator.get(CHANGELIST).content.decode()
    assert "never" in page and "Late: is Celery beat running" in page


def test_an_address_is_checked_when_a_person_is_saved(make):
    with pytest.raises(ValidationError):
        make.person(email='quote"@example.org')
    assert make.person(email="  ana@example.org ").email == "ana@example.org"
    assert make.person(email="").email == ""


def test_the_send_path_refuses_a_malformed_address_before_smtp(owed, ana):
    Reminder.objects.update(status=Reminder.Status.PENDING)
    type(ana).objects.filter(pk=ana.pk).update(email='quote"@example.org')
    assert delivery.deliver_digest(ana.pk).failed == 1
    assert mail.outbox == []
    row = Reminder.objects.get(recipient=ana)
    assert row.status == Reminder.Status.FAILED and "not valid" in row.last_error


class RecordingConnection:
    """An SMTP connection that notes what happened, in order."""

    def __init__(self, events, fail_on_close=None):
        self.events, self.fail_on_close = events, fail_on_close

    def open(self):
        self.events.append("open")

    def send_messages(self, messages):
        sent = Reminder.objects.filter(status=Reminder.Status.SENT).count()
        self.events.append(f"send ({sent} rows marked sent)")
        return len(messages)

    def close(self):
        marked = Reminder.objects.filter(status=Reminder.Status.SENT).count()
        self.events.append(f"quit ({marked} rows marked sent)")
        if self.fail_on_close:
            raise self.fail_on_close


@pytest.mark.parametrize("cut", [None, ConnectionResetError(104, "reset"), smtplib.SMTPServerDisconnected("gone")])
def test_rows_are_marked_sent_before_the_smtp_goodbye_which_may_fail(owed, ana, monkeypatch, cut):
    events = []
    monkeypatch.setattr(delivery, "get_connection", lambda: RecordingConnection(events, cut))
    assert delivery.deliver_digest(ana.pk).sent == 1
    assert events == ["open", "send (0 rows marked sent)", "quit (1 rows marked sent)"]
    assert Reminder.objects.get(recipient=ana).status == Reminder.Status.SENT


def test_a_database_error_is_retried_by_the_task(owed, ana, monkeypatch, eager):
    from django.db import OperationalError

    calls = []

    def claim_once_broken(recipient_id, now, token):
        calls.append(token)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(recipient_id, now, token)

    original = delivery.claim
    monkeypatch.setattr(delivery, "claim", claim_once_broken)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # eager retries run one inside the other
    result = send_reminder_digest.apply(args=[ana.pk])
    assert result.result == {"sent": 1, "failed": 0, "dropped": 0}
    assert len(calls) == 2 and calls[0] == calls[1]  # the retry keeps the task's id, and so its claim


def test_workers_drop_broken_database_connections_around_every_task():
    from celery import signals

    from commission.celery import drop_broken_database_connections

    assert drop_broken_database_connections in [receiver() for _, receiver in signals.task_prerun.receivers]
    assert drop_broken_database_connections in [receiver() for _, receiver in signals.task_postrun.receivers]
    assert "CELERY_DB_REUSE_MAX" not in dir(__import__("django.conf").conf.settings)
