"""The story the commission's secretariat lives before a session, on the demo data and through the real pages:
the VIII session's pending items carried into IX, the IX briefing pack in Spanish and English, a counterpart's
update through a signed link held until an editor approves it, and a follower told of it once in a daily digest.
"""

import datetime
import io
import re
import shutil
import subprocess

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from agreements import carry_over
from agreements.briefing import matrix
from agreements.clock import local_today
from agreements.models import ActionLine, Commission, Country, FollowNotice, ProgressUpdate
from agreements.tasks import sweep_reminders
from commission.celery import app as celery_app
from tests.conftest import require_service

pytestmark = pytest.mark.django_db

LINK_PATH = re.compile(r"https?://[^/\s]+(/u/[^/\s\"]+/)")
NOTE = "Llegaron a Barinas las piezas de la caja de cambios; el montaje sigue la próxima semana."


@pytest.fixture(autouse=True)
def in_process_tasks(monkeypatch):
    """Tasks run in this process even when REDIS_URL is set (as in CI)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    return Commission.objects.get(short_name="Venezuela–Belarús")


def signed_in(username):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def words(text):
    return " ".join(text.split())


def pdf_words(response):
    """The pack's text in drawing order, its whitespace collapsed: a title wrapped in a table cell reads whole."""
    require_service("pdftotext", shutil.which("pdftotext"), "install Debian's poppler-utils (make setup does)")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.content, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return words(result.stdout.decode("utf-8"))


def carry_viii_into_ix(commission, editor):
    viii = commission.sessions.get(number=8)
    pending = carry_over.candidates(viii, editor, None)
    outcome = carry_over.carry_over(
        viii,
        editor,
        [candidate.agreement.pk for candidate in pending],
        [line.pk for candidate in pending for line in candidate.lines],
        new_session={
            "city": "Minsk",
            "country": Country.objects.get(code="BY"),
            "start_date": local_today() + datetime.timedelta(days=30),
            "end_date": local_today() + datetime.timedelta(days=32),
        },
    )
    assert outcome.session.number == 9
    assert outcome.lines > 0
    return outcome


def a_followed_overdue_line(ix, editor):
    """An overdue line carried into IX whose agreement the demo viewer may see, with a counterpart to write to."""
    built = matrix.build(ix.commission, [ix], editor, local_today())
    for agreement in built.agreements:
        if agreement.confidentiality == "restricted":
            continue
        for row in agreement.lines:
            line = ActionLine.objects.select_related("counterpart_person").get(pk=row.pk)
            person = line.counterpart_person
            if row.is_overdue and person and person.email and not person.user_id:
                return built, row, line
    raise AssertionError("The demo has no overdue line with a counterpart to write to in session IX")


def run_daily_digest(django_capture_on_commit_callbacks):
    """Beat's daily sweep task, which queues one digest task per person once its rows commit."""
    with django_capture_on_commit_callbacks(execute=True):
        sweep_reminders.delay()


def test_before_the_next_session(demo, django_capture_on_commit_callbacks):
    commission = demo
    editor, viewer = signed_in("editor"), signed_in("viewer")
    outcome = carry_viii_into_ix(commission, get_user_model().objects.get(username="editor"))
    ix = outcome.session
    built, row, line = a_followed_overdue_line(ix, get_user_model().objects.get(username="editor"))
    assert len(built.lines) == outcome.lines
    assert all(carried.carried_from_number == 8 for carried in built.lines)

    # The briefing pack for IX, in both languages, through the real URL.
    pack_url = reverse("agreements:follow_up_pdf", args=[commission.pk])
    owner = row.ours.person or row.theirs.person
    expected = {
        "es": ("Sesión IX, Minsk", "días de retraso", f"Total {outcome.lines}", "trasladado desde VIII"),
        "en": ("Session IX, Minsk", "days overdue", f"Total {outcome.lines}", "carried over from VIII"),
    }
    for language, phrases in expected.items():
        text = pdf_words(editor.get(pack_url, {"session": ix.pk, "lang": language}))
        assert commission.name in text
        assert words(row.title) in text
        assert owner in text
        for phrase in phrases:
            assert phrase in text, (language, phrase)

    # The demo viewer follows the line's agreement.
    response = viewer.post(reverse("agreements:follow", args=[line.agreement_id]))
    assert response.status_code == 302

    # The editor sends the counterpart a signed link through the line's page; the link arrives by email.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("agreements:update_link_send", args=[line.pk]), {"recipient": "counterpart"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert line.counterpart_person.email in message.to[0]
    link_path = LINK_PATH.search(message.body).group(1)

    # The counterpart reports through it without an account: nothing changes on the line yet.
    before = (line.status, line.percent_complete, line.achieved_quantity)
    counterpart = Client()
    assert counterpart.get(link_path).status_code == 200
    percent = min(line.percent_complete + 30, 95)
    report = {"note": NOTE, "percent_complete": percent}
    if line.target_quantity is not None:
        report["achieved_quantity"] = str(line.target_quantity / 2)
    response = counterpart.post(link_path, report)
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.percent_complete, line.achieved_quantity) == before
    update = ProgressUpdate.objects.get(note=NOTE)
    assert update.review == ProgressUpdate.Review.PENDING
    assert NOTE not in viewer.get(line.get_absolute_url()).text
    assert not FollowNotice.objects.filter(progress_update=update).exists()

    # The editor approves it through the approval view: it counts once, as the counterpart's, with their name.
    approve_url = reverse("agreements:update_approve", args=[update.pk])
    assert editor.post(approve_url).status_code == 302
    assert editor.post(approve_url).status_code == 302
    line.refresh_from_db()
    assert line.percent_complete == percent
    update.refresh_from_db()
    assert update.review == ProgressUpdate.Review.APPROVED
    assert line.progress_updates.filter(note=NOTE).count() == 1
    page = words(viewer.get(line.get_absolute_url()).text)
    assert f"from the counterpart: {line.counterpart_person.full_name}" in page
    assert page.count(NOTE) == 1

    # The next daily digest tells the follower once; the next day's tells nothing again.
    mail.outbox.clear()
    run_daily_digest(django_capture_on_commit_callbacks)
    to_viewer = [sent for sent in mail.outbox if "viewer@demo.example" in sent.to[0]]
    assert len(to_viewer) == 1
    assert to_viewer[0].body.count(NOTE) == 1
    assert line.title in words(to_viewer[0].body)
    mail.outbox.clear()
    with time_machine.travel(datetime.datetime.now().astimezone() + datetime.timedelta(days=1)):
        run_daily_digest(django_capture_on_commit_callbacks)
    assert not any(NOTE in sent.body for sent in mail.outbox)
    assert not [sent for sent in mail.outbox if "viewer@demo.example" in sent.to[0]]
