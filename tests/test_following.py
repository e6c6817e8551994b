"""Following an agreement: the button, the Following page, and the news told once in the daily digest."""

import datetime
import email
import email.policy
import zoneinfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.urls import reverse

from agreements.following import outbox
from agreements.following.delivery import deliver_waiting_accounts
from agreements.following.notices import record_status_changes
from agreements.models import ActionLine, Agreement, AgreementAccess, Follow, FollowNotice, ProgressUpdate
from agreements.progress import report_progress
from agreements.reminders import delivery
from agreements.reminders.sweep import run_sweep
from agreements.tasks import queue_digests
from bench.ports import free_port
from commission.celery import app as celery_app

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 31)
NOW = datetime.datetime(2026, 3, 31, 7, 0, tzinfo=zoneinfo.ZoneInfo("America/Caracas"))
Level = Agreement.Confidentiality


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(make):
    commission = make.commission("Venezuela–Belarus High-Level Joint Commission")
    agreement = make.agreement(
        make.meeting(make.session(commission, number=8)),
        title="Reactivate the Veneminsk tractor factory",
        reference_code="VB-8-01",
    )
    line = make.action_line(agreement, title="Deliver 80 tractors", due_date=TODAY + datetime.timedelta(days=60))
    editor = make.user("editor", groups=["Editor"], email="editor@example.org")
    reader = make.user("reader", groups=["Viewer"], email="reader-account@example.org")
    make.person("Rosa Reader", email="rosa@example.org", language="en", user=reader)
    return type("World", (), {"agreement": agreement, "line": line, "editor": editor, "reader": reader})


def follow(user, agreement):
    return Follow.objects.create(user=user, agreement=agreement)


def report(world, note="Forty tractors delivered to Barinas.", author=None, **changes):
    return report_progress(world.line, author=author or world.editor, note=note, **changes)


def send_digests(day=TODAY):
    """The day's sweep, then every digest delivered in this process."""
    run_sweep(day, queue=False)
    return delivery.deliver_waiting(today=day) + deliver_waiting_accounts(today=day)


def messages_to(address):
    return [message for message in mail.outbox if any(address in to for to in message.to)]


# ---------- Following and unfollowing ----------


def test_follow_and_unfollow_by_post_only(client, world, in_english):
    client.force_login(world.reader)
    url = reverse("agreements:follow", args=[world.agreement.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == world.agreement.get_absolute_url()
    assert "You follow this agreement" in response.text
    assert "Unfollow" in response.text
    assert Follow.objects.filter(user=world.reader, agreement=world.agreement).count() == 1
    client.post(url)
    assert Follow.objects.count() == 1
    unfollow = reverse("agreements:unfollow", args=[world.agreement.pk])
    assert client.get(unfollow).status_code == 405
    response = client.post(unfollow, follow=True)
    assert "You no longer follow this agreement." in response.text
    assert not Follow.objects.exists()


def test_a_user_cannot_follow_an_agreement_they_cannot_see(client, world, make):
    secret = make.agreement(confidentiality=Level.RESTRICTED)
    client.force_login(world.reader)
    assert client.post(reverse("agreements:follow", args=[secret.pk])).status_code == 404
    assert client.post(reverse("agreements:unfollow", args=[secret.pk])).status_code == 404
    assert not Follow.objects.exists()


def test_the_following_page_lists_followed_agreements_within_the_rule(client, world, make, in_english):
    secret = make.agreement(confidentiality=Level.RESTRICTED, title="Confidential credit line", reference_code="S-1")
    grant = AgreementAccess.objects.create(agreement=secret, user=world.reader)
    make.agreement(title="Not followed")
    follow(world.reader, world.agreement)
    follow(world.reader, secret)
    report(world, status=ActionLine.Status.IN_PROGRESS, percent_complete=50)
    client.force_login(world.reader)
    page = client.get(reverse("agreements:following_list")).text
    assert "Reactivate the Veneminsk tractor factory" in page and "Confidential credit line" in page
    assert "Not followed" not in page
    assert "Forty tractors delivered to Barinas." in page and "50%" in page
    assert "May 30, 2026" in page  # the next deadline
    assert 'aria-current="page">Following<' in page
    grant.delete()
    page = client.get(reverse("agreements:following_list")).text
    assert "Reactivate the Veneminsk tractor factory" in page and "Confidential credit line" not in page


def test_the_following_page_costs_the_same_for_5_and_50_agreements(client, world, make, django_assert_max_num_queries):
    client.force_login(world.reader)
    for count in (5, 50):
        for _ in range(count - Follow.objects.filter(user=world.reader).count()):
            agreement = make.agreement(meeting_=world.agreement.meeting)
            make.action_line(agreement)
            follow(world.reader, agreement)
        with django_assert_max_num_queries(12):
            assert client.get(reverse("agreements:following_list")).status_code == 200


# ---------- News in the daily digest ----------


def test_a_followers_digest_lists_an_update_once(world):
    follow(world.reader, world.agreement)
    report(world, status=ActionLine.Status.IN_PROGRESS, percent_complete=50)
    done = send_digests()
    assert done.sent == 2  # the update and the status change it made, told as one
    [message] = mail.outbox
    assert message.to == ["Rosa Reader <rosa@example.org>"]
    assert message.subject == "Agreements you follow: 1 change"
    assert "Agreements you follow" in message.body
    assert "VB-8-01 — Reactivate the Veneminsk tractor factory" in message.body
    assert "Deliver 80 tractors: progress update of March 31, 2026" in message.body
    assert "Forty tractors delivered to Barinas." in message.body
    assert "Status: In progress. Progress: 50%." in message.body
    # The status change the update made is told by the update, not a second time.
    assert "status changed" not in message.body
    assert "These action lines need your attention." not in message.body
    assert f"http://127.0.0.1:8000/action-lines/{world.line.pk}/" in message.body
    assert "Forty tractors delivered to Barinas." in message.alternatives[0][0]
    assert set(FollowNotice.objects.values_list("status", flat=True)) == {FollowNotice.Status.SENT}
    # Sent twice: the second time sends nothing.
    assert send_digests() == delivery.Delivery()
    assert len(mail.outbox) == 1


def test_the_author_is_not_told_of_their_own_update(client, world):
    follow(world.editor, world.agreement)
    follow(world.reader, world.agreement)
    client.force_login(world.editor)
    form = {"note": "Factory roof repaired.", "status": "in_progress", "percent_complete": "30"}
    response = client.post(reverse("agreements:action_line_update", args=[world.line.pk]), form)
    assert response.status_code == 302
    assert not FollowNotice.objects.filter(follower=world.editor).exists()
    assert FollowNotice.objects.filter(follower=world.reader).count() == 2  # the update and the status change
    send_digests()
    assert messages_to("editor@example.org") == []
    [message] = messages_to("rosa@example.org")
    assert "Factory roof repaired." in message.body
    assert message.subject == "Agreements you follow: 1 change"


def test_a_pending_update_is_not_told_until_approved(world):
    follow(world.reader, world.agreement)
    update = ProgressUpdate.objects.create(
        action_line=world.line, note="Counterpart says 20 tractors shipped.", review=ProgressUpdate.Review.PENDING
    )
    assert not FollowNotice.objects.exists()
    assert send_digests() == delivery.Delivery()
    # An editor approves it the next day: it is told in the digest after that.
    tomorrow = TODAY + datetime.timedelta(days=1)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        update = ProgressUpdate.objects.get(pk=update.pk)
        update.review, update.reviewed_by = ProgressUpdate.Review.APPROVED, world.editor
        update.save()
        assert FollowNotice.objects.filter(progress_update=update).count() == 1
        send_digests(tomorrow)
    [message] = mail.outbox
    assert "Counterpart says 20 tractors shipped." in message.body


def test_a_deadline_change_and_a_status_change_are_told(world):
    follow(world.reader, world.agreement)
    world.line.change_deadline(TODAY + datetime.timedelta(days=90), "Customs delay in La Guaira", user=world.editor)
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    agreement.status = Agreement.Status.IN_IMPLEMENTATION
    agreement.save()
    send_digests()
    [message] = mail.outbox
    assert message.subject == "Agreements you follow: 2 changes"
    assert "Deliver 80 tractors: deadline moved from May 30, 2026 to June 29, 2026" in message.body
    assert "Reason: Customs delay in La Guaira" in message.body
    assert "The agreement: status changed from “Agreed” to “In implementation”" in message.body


def test_a_status_change_written_in_bulk_is_told(world):
    """Spreadsheet imports write past save(); they record their notices themselves."""
    follow(world.reader, world.agreement)
    line = ActionLine.objects.get(pk=world.line.pk)
    line.status = ActionLine.Status.BLOCKED
    ActionLine.objects.bulk_update([line], ["status"])
    record_status_changes([line], world.editor)
    notice = FollowNotice.objects.get()
    assert (notice.kind, notice.old_status, notice.new_status) == ("status", "not_started", "blocked")


def test_a_restricted_agreements_notices_are_not_sent_to_a_follower_who_lost_clearance(world):
    Agreement.objects.filter(pk=world.agreement.pk).update(confidentiality=Level.RESTRICTED)
    grant = AgreementAccess.objects.create(agreement=world.agreement, user=world.reader)
    follow(world.reader, world.agreement)
    report(world, note="Credit terms agreed in confidence.")
    grant.delete()
    done = send_digests()
    assert (done.sent, done.dropped) == (0, 1)
    assert mail.outbox == []
    # Dropped, not left waiting: the dispatcher has nothing more to ring for.
    assert not FollowNotice.objects.exists()
    assert delivery.recipients_waiting() == []


def test_a_person_with_reminders_and_notices_gets_one_email(world, make):
    rosa = world.reader.person
    make.action_line(world.agreement, title="Train 30 mechanics", due_date=TODAY, responsible_person=rosa)
    follow(world.reader, world.agreement)
    report(world)
    done = send_digests()
    assert done.sent == 2  # one reminder, one notice
    [message] = mail.outbox
    assert message.subject == "Deadlines: 1 action line, none overdue; 1 change to agreements you follow"
    body = message.body
    assert body.index("Due today") < body.index("Train 30 mechanics") < body.index("Agreements you follow")
    assert body.index("Agreements you follow") < body.index("Forty tractors delivered to Barinas.")
    assert send_digests() == delivery.Delivery()
    assert len(mail.outbox) == 1


def test_an_account_without_a_person_gets_a_digest_at_its_own_address(world, make):
    account = make.user("minister-office", groups=["Viewer"], email="office@example.org", first_name="Office")
    follow(account, world.agreement)
    report(world)
    done = send_digests()
    assert done.sent == 1
    [message] = messages_to("office@example.org")
    assert "Forty tractors delivered to Barinas." in message.body
    assert "Hola, Office:" in message.body  # accounts keep no language: the site's, Spanish
    assert send_digests() == delivery.Delivery()
    assert len(mail.outbox) == 1


def test_news_after_the_days_digest_waits_for_the_next_days(world, frozen):
    follow(world.reader, world.agreement)
    send_digests()
    frozen.shift(3600)
    report(world)
    # Today's digest has gone: a sweep run again today does not send a second email.
    assert send_digests() == delivery.Delivery()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert send_digests(TODAY + datetime.timedelta(days=1)).sent == 1
    assert len(mail.outbox) == 1


def test_the_dispatcher_rings_for_followers_with_news(world, make, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    account = make.user("office", groups=["Viewer"], email="office@example.org")
    follow(account, world.agreement)
    follow(world.reader, world.agreement)
    report(world)
    run_sweep(TODAY, queue=False)
    assert delivery.recipients_waiting() == [world.reader.person.pk]
    assert outbox.accounts_waiting(delivery.timezone.now()) == {account.pk}
    assert queue_digests().queued == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Rosa Reader <rosa@example.org>",
        "office <office@example.org>",
    ]
    assert queue_digests().queued == 0


def test_a_retrying_task_takes_back_the_notices_it_held(world, make, monkeypatch):
    make.action_line(world.agreement, due_date=TODAY, responsible_person=world.reader.person)
    follow(world.reader, world.agreement)
    report(world)
    run_sweep(TODAY, queue=False)

    def refuse(message, fail_silently=False):
        raise ConnectionRefusedError(111, "Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(ConnectionRefusedError):
            delivery.deliver_digest(world.reader.person.pk, token="task-1", retry_within=60)
    # Another task finds nothing to send while the first one's retry is due; the retry sends both, once.
    assert delivery.deliver_digest(world.reader.person.pk, token="task-2") == delivery.Delivery()
    assert delivery.deliver_digest(world.reader.person.pk, token="task-1").sent == 2
    assert len(mail.outbox) == 1 and "Forty tractors" in mail.outbox[0].body


# ---------- Captured from a real send ----------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    port = free_port()
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield inbox
    server.stop()


def test_a_followers_digest_lists_an_update_once_through_a_real_smtp_server(world, smtp):
    follow(world.reader, world.agreement)
    report(world)
    with transaction.atomic():
        first = send_digests()
        second = send_digests()
    assert (first.sent, second.sent) == (1, 0)
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "rosa@example.org"
    text = "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")
    assert text.count("Forty tractors delivered to Barinas.") == 2  # once in the text part, once in the HTML
