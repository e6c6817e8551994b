"""Delivering digests in-process (mail.outbox): one email per person, claims, retries, failures, resends."""

import datetime
import smtplib
import zoneinfo

import pytest
import time_machine
from django.core import mail

from agreements.counterpart.links import link_url
from agreements.models import Reminder, UpdateLink
from agreements.reminders import delivery
from agreements.reminders.sweep import run_sweep
from agreements.tasks import queue_digests, send_reminder_digest
from commission.celery import app as celery_app

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 31)
NOW = datetime.datetime(2026, 3, 31, 7, 0, tzinfo=zoneinfo.ZoneInfo("America/Caracas"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in this process even when REDIS_URL is set (as in CI)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def focal(make):
    return make.person("Ana Rojas", email="ana@example.org", language="en")


@pytest.fixture
def lines(make, focal):
    commission = make.commission("Venezuela–Belarus High-Level Joint Commission")
    session = make.session(commission, number=8)
    agreement = make.agreement(make.meeting(session), title="Reactivate the Veneminsk tractor factory")
    days = {"overdue": -7, "today": 0, "soon": 7}
    return {
        name: make.action_line(
            agreement,
            title=f"Line {name}",
            due_date=TODAY + datetime.timedelta(days=offset),
            responsible_person=focal,
        )
        for name, offset in days.items()
    }


def owed_today():
    run_sweep(TODAY, queue=False)


def statuses():
    return sorted(Reminder.objects.values_list("status", flat=True))


def fail_smtp(monkeypatch, error):
    def send(message, fail_silently=False):
        raise error

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", send)


def test_one_digest_per_person_grouped_with_everything_a_reader_needs(lines, focal):
    owed_today()
    done = delivery.deliver_digest(focal.pk)
    assert done.sent == 3
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Ana Rojas <ana@example.org>"]
    assert message.subject == "Deadlines: 3 action lines, 1 overdue"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    text = message.body
    assert text.index("Overdue") < text.index("Line overdue") < text.index("Due today") < text.index("Line today")
    assert text.index("Coming up") < text.index("Line soon")
    assert "7 days overdue" in text and "due today" in text and "7 days left" in text
    assert "Venezuela–Belarus High-Level Joint Commission, session VIII" in text
    assert "Reactivate the Veneminsk tractor factory" in text
    assert "March 24, 2026" in text
    # Ana has no account: each line comes with her signed update link, which needs no sign-in.
    links = {link.action_line_id: link_url(link) for link in UpdateLink.objects.filter(person=focal)}
    assert set(links) == {line.pk for line in lines.values()}
    assert all(url.startswith("http://127.0.0.1:8000/u/") for url in links.values())
    assert "/action-lines/" not in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://127.0.0.1:8000/u/' in html
    assert '<html lang="en">' in html
    assert set(statuses()) == {Reminder.Status.SENT}
    assert all(reminder.sent_at for reminder in Reminder.objects.all())


def test_the_digest_speaks_the_persons_language(lines, focal):
    focal.language = "es"
    focal.save()
    owed_today()
    delivery.deliver_digest(focal.pk)
    message = mail.outbox[0]
    assert "24 de marzo de 2026" in message.body
    assert '<html lang="es">' in message.alternatives[0][0]


def test_subject_counts_one_item_none_overdue(make, focal):
    make.action_line(title="Only one", due_date=TODAY + datetime.timedelta(days=1), responsible_person=focal)
    owed_today()
    delivery.deliver_digest(focal.pk)
    assert mail.outbox[0].subject == "Deadlines: 1 action line, none overdue"


def test_an_escalation_names_the_person_responsible(make, focal):
    coordinator = make.person("Coordinator", language="en")
    agreement = make.agreement(coordinator=coordinator)
    make.action_line(agreement, due_date=TODAY - datetime.timedelta(days=14), responsible_person=focal)
    owed_today()
    delivery.deliver_digest(coordinator.pk)
    assert "Escalated to you; responsible: Ana Rojas" in mail.outbox[0].body
    assert "14 days overdue" in mail.outbox[0].body


def test_a_second_delivery_sends_nothing(lines, focal):
    owed_today()
    delivery.deliver_digest(focal.pk)
    assert delivery.deliver_digest(focal.pk) == delivery.Delivery()
    assert len(mail.outbox) == 1


def test_claimed_rows_belong_to_one_worker_until_the_claim_goes_stale(lines, focal, frozen, settings):
    owed_today()
    first = delivery.claim(focal.pk, delivery.timezone.now(), "task-1")
    assert len(first.ids) == 3
    assert delivery.claim(focal.pk, delivery.timezone.now(), "task-2").ids == ()
    frozen.shift(settings.REMINDER_CLAIM_TIMEOUT + 1)
    # The first worker died mid-send: its claim is stale, so the digest goes (once) after all.
    assert delivery.deliver_digest(focal.pk).sent == 3
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(attempts=2).count() == 3


def test_a_redelivered_task_takes_over_its_own_claim_at_once(lines, focal, frozen):
    owed_today()
    delivery.claim(focal.pk, delivery.timezone.now(), "task-1")
    frozen.shift(5)
    # The worker's child was killed mid-send; the broker hands the same task (same id) to another child.
    assert delivery.deliver_digest(focal.pk, token="task-2").sent == 0
    assert delivery.deliver_digest(focal.pk, token="task-1").sent == 3
    assert len(mail.outbox) == 1
    assert set(Reminder.objects.values_list("claim_token", flat=True)) == {"task-1"}


def test_a_worker_that_outlived_its_claim_does_not_mark_the_rows_of_the_next_one(lines, focal, frozen, settings):
    owed_today()
    slow = delivery.claim(focal.pk, delivery.timezone.now(), "slow")
    frozen.shift(settings.REMINDER_CLAIM_TIMEOUT + 1)
    assert delivery.claim(focal.pk, delivery.timezone.now(), "next").ids == slow.ids
    delivery.mark_sent(slow)
    assert set(statuses()) == {Reminder.Status.SENDING}


def test_smtp_trouble_releases_the_rows_for_a_retry(lines, focal, monkeypatch):
    owed_today()
    fail_smtp(monkeypatch, smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        delivery.deliver_digest(focal.pk)
    reminder = Reminder.objects.first()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.attempts == 1
    assert "Connection unexpectedly closed" in reminder.last_error


def test_smtp_trouble_on_the_last_attempt_marks_the_rows_failed(lines, focal, monkeypatch):
    owed_today()
    fail_smtp(monkeypatch, ConnectionRefusedError(111, "Connection refused"))
    assert delivery.deliver_digest(focal.pk, last_attempt=True).failed == 3
    assert set(statuses()) == {Reminder.Status.FAILED}


def test_a_refused_recipient_fails_at_once_without_retrying(lines, focal, monkeypatch):
    owed_today()
    fail_smtp(monkeypatch, smtplib.SMTPRecipientsRefused({"ana@example.org": (550, b"No such user")}))
    assert delivery.deliver_digest(focal.pk).failed == 3
    assert set(statuses()) == {Reminder.Status.FAILED}


def test_the_task_retries_then_marks_failed(lines, focal, monkeypatch, eager):
    owed_today()
    fail_smtp(monkeypatch, ConnectionRefusedError(111, "Connection refused"))
    # Eager retries run at once, one inside the other; only the outcome of the last one matters here.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    result = send_reminder_digest.apply(args=[focal.pk])
    assert result.successful()
    assert result.result == {"sent": 0, "failed": 3, "dropped": 0}
    assert set(statuses()) == {Reminder.Status.FAILED}
    assert Reminder.objects.first().attempts == send_reminder_digest.max_retries + 1


def test_the_task_is_safe_against_lost_workers_and_waits_less_than_the_visibility_timeout(settings):
    assert send_reminder_digest.acks_late and send_reminder_digest.reject_on_worker_lost
    assert smtplib.SMTPException in send_reminder_digest.autoretry_for or OSError in send_reminder_digest.autoretry_for
    assert send_reminder_digest.retry_backoff_max < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.REMINDER_CLAIM_TIMEOUT


def test_resending_failed_rows_delivers_them(lines, focal, monkeypatch, eager):
    owed_today()
    with monkeypatch.context() as patch:
        fail_smtp(patch, ConnectionRefusedError(111, "Connection refused"))
        delivery.deliver_digest(focal.pk, last_attempt=True)
    count, recipients = delivery.requeue_failed(Reminder.objects.all())
    assert (count, recipients) == (3, [focal.pk])
    assert queue_digests(recipients).queued == 1
    assert len(mail.outbox) == 1
    assert set(statuses()) == {Reminder.Status.SENT}
    assert Reminder.objects.first().last_error == ""


def test_a_line_closed_after_the_sweep_is_not_sent(lines, focal):
    owed_today()
    line = lines["today"]
    line.status, line.percent_complete, line.completed_date = "done", 100, TODAY
    line.save()
    lines["soon"].change_deadline(TODAY + datetime.timedelta(days=30), "Moved")
    done = delivery.deliver_digest(focal.pk)
    assert (done.sent, done.dropped) == (1, 2)
    assert "Line today" not in mail.outbox[0].body and "Line soon" not in mail.outbox[0].body
    assert Reminder.objects.count() == 1


def test_a_person_made_inactive_after_the_sweep_is_not_sent(lines, focal):
    owed_today()
    focal.is_active = False
    focal.save()
    assert delivery.deliver_digest(focal.pk).failed == 3
    assert mail.outbox == []
    assert "inactive" in Reminder.objects.first().last_error


def test_deliver_waiting_sends_to_everyone_once(lines, focal, make):
    other = make.person("Other")
    make.action_line(due_date=TODAY, counterpart_person=other)
    owed_today()
    assert delivery.deliver_waiting().sent == 4
    assert sorted(len(message.to) for message in mail.outbox) == [1, 1]
    assert delivery.deliver_waiting() == delivery.Delivery()


def test_the_claim_is_one_statement_that_returns_the_rows_it_took(lines, focal, django_assert_num_queries):
    owed_today()
    with django_assert_num_queries(1):
        held = delivery.claim(focal.pk, delivery.timezone.now(), "task-1")
    assert list(held.ids) == sorted(Reminder.objects.values_list("pk", flat=True))
