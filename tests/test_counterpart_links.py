"""Counterpart updates without an account: signed links sent by editors, updates held for approval, digests that
carry the link to people who cannot sign in."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerUnreachable

from agreements import roles
from agreements.counterpart import emails, links, review
from agreements.counterpart.forms import LinkUpdateForm
from agreements.forms import ProgressUpdateForm
from agreements.models import Agreement, Document, ProgressUpdate, Reminder, UpdateLink
from agreements.reminders.digest import build_digest
from agreements.tasks import dispatch_reminders
from commission.celery import app as celery_app

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today", "in_english")]

LINK_PATH = re.compile(r"https?://[^/\s]+(/u/[^/\s\"]+/)")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in this process even when REDIS_URL is set (as in CI)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def editor(make):
    return make.user("editor", groups=[roles.EDITOR], is_staff=True)


@pytest.fixture
def outsider(make):
    """The counterpart's responsible person: no account, reminded by email in Spanish."""
    return make.person("Iván Petrov", email="ivan@example.by", language="es")


@pytest.fixture
def line(make, outsider):
    agreement = make.agreement(reference_code="VB-7", title="Tractor assembly in Santa Inés")
    return make.action_line(
        agreement,
        title="Deliver 80 tractor kits",
        due_date=datetime.date(2026, 5, 30),
        counterpart_person=outsider,
        target_quantity=80,
        target_unit="kits",
    )


@pytest.fixture
def link(line, outsider, editor):
    return links.create_link(line, outsider, sent_by=editor)


def page_url(link):
    return reverse("agreements:update_link_page", args=[links.signer().sign(link.token)])


def post_update(client, link, **fields):
    data = {"note": "Forty kits shipped from Minsk.", "percent_complete": 50, "achieved_quantity": "40", **fields}
    return client.post(page_url(link), data)


def client_for(user=None):
    """Another browser, signed in as `user` (or no one)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def line_state(line):
    line.refresh_from_db()
    return (line.status, line.percent_complete, line.achieved_quantity)


def test_editor_sends_a_link_by_email_in_the_persons_language_and_it_works(
    client, editor, line, outsider, eager, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agreements:update_link_send", args=[line.pk]), {"recipient": "counterpart"})
    assert response.status_code == 302
    link = UpdateLink.objects.get()
    assert (link.person, link.action_line, link.created_by) == (outsider, line, editor)
    assert link.expires_at - link.created_at == datetime.timedelta(days=30)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to[0].endswith("<ivan@example.by>")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    # In Spanish, the person's language, although the editor reads English.
    assert "Fecha límite: 30 de mayo de 2026" in message.body
    assert '<html lang="es">' in message.alternatives[0][0]
    path = LINK_PATH.search(message.body).group(1)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "Deliver 80 tractor kits" in page.text
    assert "csrfmiddlewaretoken" in page.text
    listed = client_for(editor).get(line.get_absolute_url())
    assert "Iván Petrov" in listed.text and "Active" in listed.text


def test_a_link_email_survives_a_broker_fault_and_goes_with_the_next_dispatch(
    client, editor, line, outsider, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(link_id):
        raise BrokerUnreachable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    client.force_login(editor)
    with monkeypatch.context() as patch:
        patch.setattr("agreements.tasks.send_update_link.delay", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("agreements:update_link_send", args=[line.pk]), {"recipient": "counterpart"})
    assert response.status_code == 302
    assert mail.outbox == []
    link = UpdateLink.objects.get()
    assert link.email_status == UpdateLink.EmailStatus.PENDING
    assert "Email waiting to be sent" in client.get(line.get_absolute_url()).text
    # The broker is back: the reminders' dispatcher rings for the email still owed, and sends it once.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    dispatch_reminders()
    [message] = mail.outbox
    assert message.to[0].endswith("<ivan@example.by>")
    assert LINK_PATH.search(message.body)
    link.refresh_from_db()
    assert (link.email_status, link.email_sent_at is not None) == (UpdateLink.EmailStatus.SENT, True)
    dispatch_reminders()
    assert len(mail.outbox) == 1
    assert "Email waiting to be sent" not in client.get(line.get_absolute_url()).text


def test_a_link_email_is_given_back_on_an_smtp_fault_and_sent_by_the_retry(line, outsider, editor, monkeypatch):
    link = links.create_link(line, outsider, sent_by=editor, emailed=True)

    def refuse(message, fail_silently=False):
        raise ConnectionRefusedError(111, "Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(ConnectionRefusedError):
            emails.send_link_email(link.pk)
    assert emails.waiting() == [link.pk]
    assert emails.send_link_email(link.pk) is True
    assert emails.send_link_email(link.pk) is False
    assert len(mail.outbox) == 1 and emails.waiting() == []


def test_a_link_revoked_before_its_email_left_is_not_emailed(line, outsider, editor):
    link = links.create_link(line, outsider, sent_by=editor, emailed=True)
    links.revoke(link, editor)
    assert emails.send_link_email(link.pk) is False
    assert mail.outbox == []
    link.refresh_from_db()
    assert link.email_status == UpdateLink.EmailStatus.DROPPED and emails.waiting() == []


def test_links_made_for_digests_owe_no_email_of_their_own(line, outsider):
    links.reusable_link(outsider, line)
    assert emails.waiting() == []


def test_the_link_form_is_the_progress_form_without_status_and_deadline(line):
    full, through_link = ProgressUpdateForm(line=line), LinkUpdateForm(line=line)
    assert list(through_link.fields) == ["note", "percent_complete", "achieved_quantity", "attachment"]
    for name in ("note", "percent_complete", "achieved_quantity"):
        ours, theirs = through_link.fields[name], full.fields[name]
        assert (ours.label, ours.help_text, ours.error_messages) == (
            theirs.label,
            theirs.help_text,
            theirs.error_messages,
        )
        assert ours.widget.attrs == theirs.widget.attrs
    bound = LinkUpdateForm({"note": "  ", "percent_complete": "101", "achieved_quantity": "-1"}, line=line)
    assert not bound.is_valid()
    assert bound.errors == {
        "note": ["Write a note about the progress."],
        "percent_complete": ["The percent complete cannot be more than 100."],
        "achieved_quantity": ["The quantity achieved cannot be negative."],
    }


def test_a_person_without_an_email_cannot_be_sent_a_link(client, editor, make, line):
    line.counterpart_person = make.person("Olga Sidorova", email="")
    line.save()
    client.force_login(editor)
    response = client.post(
        reverse("agreements:update_link_send", args=[line.pk]), {"recipient": "counterpart"}, follow=True
    )
    assert "Olga Sidorova has no email address" in response.text
    assert not UpdateLink.objects.exists()


def test_signed_link_update_waits_for_approval_then_counts_once(client, editor, line, link, outsider):
    before = line_state(line)
    response = post_update(client, link)
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.review, update.reported_by, update.via_link, update.author) == ("pending", outsider, link, None)
    assert line_state(line) == before
    link.refresh_from_db()
    assert link.last_used_at is not None

    # The secretariat sees it waiting on the line's page.
    editor_page = client_for(editor).get(line.get_absolute_url())
    assert "Forty kits shipped" in editor_page.text and "Awaiting approval" in editor_page.text

    approve = reverse("agreements:update_approve", args=[update.pk])
    assert client_for(editor).post(approve).status_code == 302
    assert line_state(line) == ("not_started", 50, Decimal("40"))
    update.refresh_from_db()
    assert (update.review, update.reviewed_by) == ("approved", editor)

    # Approving twice applies once.
    line.percent_complete = 60
    line.save()
    client_for(editor).post(approve)
    assert line_state(line)[1] == 60

    page = client_for(editor).get(line.get_absolute_url())
    assert "from the counterpart: Iván Petrov" in page.text


def test_rejection_changes_nothing(client, editor, line, link):
    before = line_state(line)
    post_update(client, link)
    update = ProgressUpdate.objects.get()
    client_for(editor).post(reverse("agreements:update_reject", args=[update.pk]))
    update.refresh_from_db()
    assert update.review == "rejected"
    assert line_state(line) == before
    assert review.approve(update, editor) is False
    assert line_state(line) == before


def test_pending_updates_and_their_evidence_are_hidden_from_others(client, make, line, link):
    post_update(client, link, attachment=SimpleUploadedFile("kits.txt", b"40 kits shipped.\n"))
    document = Document.objects.get()
    viewer = make.user(groups=[roles.VIEWER])
    page = client_for(viewer).get(line.get_absolute_url())
    assert "Forty kits shipped" not in page.text
    assert document.get_absolute_url() not in page.text  # nor its evidence among the line's documents
    assert client_for(viewer).get(document.get_absolute_url()).status_code == 404
    editor = make.user(groups=[roles.EDITOR])
    assert document.get_absolute_url() in client_for(editor).get(line.get_absolute_url()).text


def test_an_expired_link_answers_410_and_changes_nothing(client, line, link):
    with time_machine.travel(link.expires_at + datetime.timedelta(minutes=1), tick=False):
        assert client.get(page_url(link)).status_code == 410
        assert post_update(client, link).status_code == 410
    assert not ProgressUpdate.objects.exists()


def test_a_revoked_link_answers_410(client, editor, line, link):
    response = client_for(editor).post(reverse("agreements:update_link_revoke", args=[line.pk, link.pk]))
    assert response.status_code == 302
    assert client.get(page_url(link)).status_code == 410
    assert post_update(client, link).status_code == 410
    assert not ProgressUpdate.objects.exists()
    assert "Revoked" in client_for(editor).get(line.get_absolute_url()).text


def test_a_tampered_token_answers_404_and_changes_nothing(client, line, link):
    signed = links.signer().sign(link.token)
    tampered = signed[:-3] + ("aaa" if not signed.endswith("aaa") else "bbb")
    url = reverse("agreements:update_link_page", args=[tampered])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Nothing", "percent_complete": 99}).status_code == 404
    forged = reverse("agreements:update_link_page", args=[links.signer().sign("not-a-token")])
    assert client.get(forged).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_a_viewer_cannot_send_revoke_or_review(client, make, line, link):
    post_update(client_for(), link)
    update = ProgressUpdate.objects.get()
    client.force_login(make.user(groups=[roles.VIEWER]))
    send = reverse("agreements:update_link_send", args=[line.pk])
    assert client.post(send, {"recipient": "counterpart"}).status_code == 403
    assert client.post(reverse("agreements:update_link_revoke", args=[line.pk, link.pk])).status_code == 403
    assert client.post(reverse("agreements:update_approve", args=[update.pk])).status_code == 403
    assert client.post(reverse("agreements:update_reject", args=[update.pk])).status_code == 403
    assert client.get(reverse("agreements:updates_awaiting_approval")).status_code == 403
    update.refresh_from_db()
    assert update.review == "pending"
    assert UpdateLink.objects.get().revoked_at is None


def test_an_attachment_follows_the_document_rules(client, line, link):
    client.cookies["django_language"] = "en"  # the page speaks Spanish to this person unless they switch
    html = SimpleUploadedFile("report.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    response = post_update(client, link, attachment=html)
    assert response.status_code == 200
    assert "This kind of file cannot be filed" in response.text
    assert not ProgressUpdate.objects.exists() and not Document.objects.exists()
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert post_update(client, link, attachment=pdf).status_code == 302
    document = Document.objects.get()
    assert (document.content_type, document.progress_update.review) == ("application/pdf", "pending")


def test_posts_per_link_are_limited(client, settings, line, link):
    client.cookies["django_language"] = "en"  # the page speaks Spanish to this person unless they switch
    settings.UPDATE_LINK_POSTS_PER_HOUR = 2
    assert post_update(client, link).status_code == 302
    assert post_update(client, link).status_code == 302
    response = post_update(client, link)
    assert response.status_code == 429
    assert "the most it may" in response.text
    assert ProgressUpdate.objects.count() == 2


def test_the_awaiting_approval_page_lists_pending_updates(client, editor, line, link):
    post_update(client, link)
    page = client_for(editor).get(reverse("agreements:updates_awaiting_approval"))
    assert page.status_code == 200
    assert "Deliver 80 tractor kits" in page.text and "Forty kits shipped" in page.text


def digest_for(person, line, days_from_deadline=-14):
    reminder = Reminder.objects.create(
        action_line=line,
        recipient=person,
        kind=Reminder.Kind.BEFORE_DEADLINE,
        days_from_deadline=days_from_deadline,
        due_date=line.due_date,
    )
    return build_digest(person, [reminder], datetime.date(2026, 4, 15), "<test@example.org>")


def test_a_digest_to_a_person_without_an_account_carries_the_signed_link(client, line, outsider):
    message = digest_for(outsider, line)
    path = LINK_PATH.search(message.body).group(1)
    link = UpdateLink.objects.get()
    assert (link.person, link.action_line, link.created_by) == (outsider, line, None)
    assert client.get(path).status_code == 200
    # The next digest reuses the same link.
    digest_for(outsider, line, days_from_deadline=-7)
    assert UpdateLink.objects.count() == 1


def test_a_digest_to_a_person_with_an_account_links_to_the_line_page(make, line):
    account = make.user(groups=[roles.FOCAL_POINT])
    ours = make.person("Ana Torres", user=account, language="en")
    line.responsible_person = ours
    line.save()
    message = digest_for(ours, line)
    assert f"http://127.0.0.1:8000{line.get_absolute_url()}" in message.body
    assert "/u/" not in message.body
    assert not UpdateLink.objects.exists()


def test_a_restricted_lines_link_shows_it_to_its_person_but_not_another_line(client, make, outsider):
    agreement = make.agreement(
        reference_code="RES-9", title="Confidential supply", confidentiality=Agreement.Confidentiality.RESTRICTED
    )
    line_a = make.action_line(agreement, title="Secret line A", counterpart_person=outsider)
    line_b = make.action_line(agreement, title="Secret line B", counterpart_person=outsider)
    agreement_document = Document.objects.create(
        title="Signed secret text",
        file=SimpleUploadedFile("text.txt", b"Secret.\n"),
        content_type="text/plain",
        agreement=agreement,
    )
    message = digest_for(outsider, line_a)
    assert "Secret line A" not in message.body  # email_shows_line: reference only
    path = LINK_PATH.search(message.body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert "Secret line A" in page.text and "Confidential supply" in page.text
    assert "Secret line B" not in page.text and agreement_document.title not in page.text
    # The link is to line A: nothing in it opens line B.
    link_a = UpdateLink.objects.get(action_line=line_a)
    post_update(client, link_a)
    assert ProgressUpdate.objects.get().action_line == line_a
    assert not line_b.progress_updates.exists()


def test_a_link_stops_working_when_its_person_is_no_longer_responsible(client, make, line, link):
    line.counterpart_person = make.person("Someone Else")
    line.save()
    assert client.get(page_url(link)).status_code == 410


def test_a_focal_points_direct_update_is_approved_at_once(client, make, line):
    account = make.user(groups=[roles.FOCAL_POINT])
    ours = make.person("Ana Torres", user=account)
    line.responsible_person = ours
    line.save()
    client.force_login(account)
    client.post(
        reverse("agreements:action_line_update", args=[line.pk]),
        {"note": "Started.", "status": "in_progress", "percent_complete": 10},
    )
    update = ProgressUpdate.objects.get()
    assert (update.review, update.reported_by, update.via_link) == ("approved", ours, None)
