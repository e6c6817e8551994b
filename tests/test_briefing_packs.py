"""Briefing packs too large for a request (BRIEFING_PDF_MAX_LINES): asked for with a POST, drawn by the Celery
task (in-process here), followed on a page that refreshes itself, downloaded by the person who asked and no one else.
"""

import datetime
import os

import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from agreements import roles, tasks
from agreements.briefing import pdf
from agreements.models import BriefingPack
from commission.celery import app as celery_app
from tests import test_briefing as briefing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
State = BriefingPack.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def small_cap(settings):
    """Session VIII of the commission has 2 action lines: over this cap, its pack is prepared in the background."""
    settings.BRIEFING_PDF_MAX_LINES = 1


@pytest.fixture(autouse=True)
def eager(monkeypatch):
    # The Celery app read its settings at start-up: with REDIS_URL set (as in CI) tasks would go to the broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def commission(make):
    return briefing.commission.__wrapped__(make)


@pytest.fixture
def editor(client, make):
    client.force_login(make.user("editor", groups=[roles.EDITOR], is_staff=True))
    return client


def request_url(commission):
    return reverse("agreements:briefing_pack_request", args=[commission.pk])


def ask(client, commission, capture, language="es", execute=True):
    """POST for the pack of session VIII; the pack, and the on-commit callbacks that queue its task."""
    session = commission.sessions_by_number[8]
    with capture(execute=execute) as queued:
        response = client.post(request_url(commission), {"session": [session.pk], "lang": language})
    assert response.status_code == 302
    pack = BriefingPack.objects.get()
    assert response["Location"] == pack.get_absolute_url()
    return pack, queued


def pdf_text(response):
    """The text of a downloaded pack: the download streams the file, the PDF reader wants its bytes."""
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return briefing.pdf_text(HttpResponse(content, content_type=response["Content-Type"]))


def download_url(pack):
    return reverse("agreements:briefing_pack_download", args=[pack.pk])


def test_over_the_cap_the_page_offers_to_prepare_the_pdf_with_a_post_form(editor, commission, in_english):
    page = " ".join(editor.get(reverse("agreements:follow_up", args=[commission.pk])).text.split())
    assert "briefing.pdf" not in page
    assert f'<form method="post" action="{request_url(commission)}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'<input type="hidden" name="session" value="{commission.sessions_by_number[8].pk}">' in page
    assert "Prepare the PDF (Spanish)" in page and "Prepare the PDF (English)" in page
    assert "These sessions have 2 action lines: a briefing pack of more than 1 takes too long" in page
    # An old link straight to the PDF gets the same offer, not a refusal.
    direct = editor.get(reverse("agreements:follow_up_pdf", args=[commission.pk]), {"lang": "es"})
    assert direct.status_code == 200 and direct["Content-Type"].startswith("text/html")
    assert request_url(commission) in direct.text and not BriefingPack.objects.exists()


def test_a_pack_waits_shows_its_progress_then_links_its_pdf(
    editor, commission, in_english, django_capture_on_commit_callbacks
):
    pack, queued = ask(editor, commission, django_capture_on_commit_callbacks, execute=False)
    assert len(queued) == 1 and pack.state == State.WAITING and pack.lines_count == 2
    page = editor.get(pack.get_absolute_url()).text
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress class="import-progress-bar"' in page and "Waiting for its turn" in page
    assert download_url(pack) not in page
    assert editor.get(download_url(pack)).status_code == 404

    queued[0]()  # the commit: the task runs (eagerly, in-process)
    pack.refresh_from_db()
    assert pack.state == State.DONE and pack.finished_at is not None
    assert pack.file.name.startswith("briefing-packs/") and not pack.file.name.startswith("media")
    page = editor.get(pack.get_absolute_url()).text
    assert "http-equiv" not in page and "Your briefing pack is ready" in page
    assert f'href="{download_url(pack)}"' in page

    response = editor.get(download_url(pack))
    assert pack.download_name == "briefing-comision-mixta-de-alto-nivel-venezuelabelarus-VIII-2026-04-15.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{pack.download_name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response)
    assert "Comisión Mixta de Alto Nivel Venezuela–Belarús" in text
    assert "Sesión VIII, Caracas" in text and "Ensamblaje de 80 tractores" in text


def test_the_pack_is_in_the_language_asked_for(editor, commission, django_capture_on_commit_callbacks):
    pack, _queued = ask(editor, commission, django_capture_on_commit_callbacks, language="en")
    assert "Session VIII, Caracas" in pdf_text(editor.get(download_url(pack)))


def test_only_the_person_who_asked_may_see_the_pack_or_download_it(
    editor, commission, make, client, django_capture_on_commit_callbacks
):
    pack, _queued = ask(editor, commission, django_capture_on_commit_callbacks)
    assert editor.get(download_url(pack)).status_code == 200
    client.force_login(make.user("another-editor", groups=[roles.EDITOR], is_staff=True))
    assert client.get(pack.get_absolute_url()).status_code == 404
    assert client.get(download_url(pack)).status_code == 404
    client.logout()
    assert client.get(download_url(pack)).status_code == 302  # to the sign-in page


def test_a_viewers_pack_leaves_out_the_restricted_agreement(
    viewer, commission, make, django_capture_on_commit_callbacks
):
    briefing.restricted(make, commission)
    pack, _queued = ask(viewer, commission, django_capture_on_commit_callbacks, language="en")
    assert pack.state == State.DONE and pack.lines_count == 2
    response = viewer.get(download_url(pack))
    text = pdf_text(response)
    assert "Acuerdo reservado" not in text and "urea" not in text
    assert "leaves out 2 items" in text and "RESTRICTED" not in text


def test_get_on_the_request_url_changes_nothing(editor, commission):
    response = editor.get(request_url(commission), {"session": commission.sessions_by_number[8].pk, "lang": "es"})
    assert response.status_code == 405
    assert not BriefingPack.objects.exists()


@pytest.mark.parametrize(
    "data", [{"session": "999999", "lang": "es"}, {"session": "x", "lang": "es"}, {"lang": "fr"}, {"lang": ""}]
)
def test_bad_sessions_or_language_answer_400_and_make_no_pack(editor, commission, data):
    assert editor.post(request_url(commission), data).status_code == 400
    assert not BriefingPack.objects.exists()


def test_under_the_cap_a_posted_pack_is_drawn_in_the_request(
    editor, commission, settings, django_capture_on_commit_callbacks
):
    settings.BRIEFING_PDF_MAX_LINES = 2
    pack, queued = ask(editor, commission, django_capture_on_commit_callbacks)
    assert not queued and pack.state == State.DONE


def test_a_pack_that_fails_says_so_and_has_nothing_to_download(
    editor, commission, monkeypatch, in_english, django_capture_on_commit_callbacks
):
    def broken(context):
        raise OSError("Pango is missing")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    pack, _queued = ask(editor, commission, django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    assert pack.state == State.FAILED and pack.error == "OSError: Pango is missing"
    page = editor.get(pack.get_absolute_url()).text
    assert "The briefing pack could not be drawn" in page and "Pango" not in page
    assert editor.get(download_url(pack)).status_code == 404


def test_without_an_answering_broker_the_pack_is_drawn_in_the_request(
    editor, commission, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise BrokerUnreachable("Connection refused")

    monkeypatch.setattr(tasks.draw_briefing_pack, "delay", unreachable)
    pack, _queued = ask(editor, commission, django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    assert pack.state == State.DONE


def test_a_pack_older_than_a_day_is_gone_and_deleted_with_its_file_on_the_next_request(
    editor, commission, django_capture_on_commit_callbacks
):
    old, _queued = ask(editor, commission, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    path = old.file.path
    BriefingPack.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    assert editor.get(old.get_absolute_url()).status_code == 404
    assert editor.get(download_url(old)).status_code == 404
    assert os.path.exists(path)  # gone from the pages, not yet from the disk
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(request_url(commission), {"lang": "es"})
    assert response.status_code == 302
    assert BriefingPack.objects.count() == 1 and not BriefingPack.objects.filter(pk=old.pk).exists()
    assert not os.path.exists(path)


def test_editors_may_list_and_revoke_update_links_in_the_admin(editor):
    editors = set(Group.objects.get(name=roles.EDITOR).permissions.values_list("codename", flat=True))
    assert {"view_updatelink", "change_updatelink"} <= editors
    assert not {"add_updatelink", "delete_updatelink"} & editors
    assert editor.get(reverse("admin:agreements_updatelink_changelist")).status_code == 200
