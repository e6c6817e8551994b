"""Updates, deadline changes and reminders are credited to people: the person's name and institution, not a login."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import ProgressUpdate, Reminder
from agreements.people import credited_name

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("America/Caracas")), tick=False):
        yield


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(make):
    ministry = make.institution("Ministerio de Industrias", acronym="MPPIPN")
    focal = make.user("focal", groups=["Focal point"])
    luis = make.person("Luis Rondón", institution=ministry, user=focal)
    editor = make.user("editor", groups=["Editor"], is_staff=True, first_name="Carmen", last_name="Pacheco")
    clerk = make.user("clerk", groups=["Editor"], is_staff=True)
    line = make.action_line(title="Suministro de partes", due_date=TODAY + 10 * DAY, responsible_person=luis)
    return SimpleNamespace(**locals())


def page(client, user, url):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_account_is_named_as_its_person_then_its_full_name_then_its_login(world):
    assert credited_name(world.focal) == "Luis Rondón (MPPIPN)"
    assert credited_name(world.editor) == "Carmen Pacheco"
    assert credited_name(world.clerk) == "clerk"
    assert credited_name(None) == ""


def test_timeline_credits_the_person_and_their_institution(client, world):
    ProgressUpdate.objects.create(action_line=world.line, author=world.focal, note="Llegó el primer lote")
    for url in (world.line.get_absolute_url(), world.line.agreement.get_absolute_url(), "/"):
        shown = page(client, world.editor, url)
        assert "Luis Rondón (MPPIPN)" in shown, url
        assert "— focal" not in shown, url


def test_timeline_falls_back_to_the_full_name_then_the_login(client, world):
    ProgressUpdate.objects.create(action_line=world.line, author=world.editor, note="Revisado")
    ProgressUpdate.objects.create(action_line=world.line, author=world.clerk, note="Cargado")
    shown = page(client, world.editor, world.line.get_absolute_url())
    assert "Carmen Pacheco" in shown
    assert "— clerk" in " ".join(shown.split())


def test_deadline_changes_credit_the_person(client, world):
    world.line.change_deadline(TODAY + 20 * DAY, "El embarque se retrasó", world.focal)
    world.line.change_deadline(TODAY + 25 * DAY, "Otra vez", world.clerk)
    for url in (world.line.get_absolute_url(), world.line.agreement.get_absolute_url()):
        shown = page(client, world.editor, url)
        assert ">Luis Rondón (MPPIPN)</td>" in shown, url
        assert ">clerk</td>" in shown, url


def test_reminder_history_shows_the_recipients_institution(client, world):
    Reminder.objects.create(
        action_line=world.line,
        recipient=world.luis,
        kind=Reminder.Kind.BEFORE_DEADLINE,
        days_from_deadline=-7,
        due_date=world.line.due_date,
    )
    shown = page(client, world.editor, world.line.get_absolute_url())
    assert '>Luis Rondón<div class="secondary">MPPIPN</div></td>' in shown


def test_naming_people_costs_no_query_per_update(client, world, make):
    client.force_login(world.editor)

    def add(count):
        for _ in range(count):
            account = make.user()
            make.person(institution=make.institution(), user=account)
            ProgressUpdate.objects.create(action_line=world.line, author=account, note="Avance")
            world.line.change_deadline(world.line.due_date + DAY, "Nueva fecha", account)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = (world.line.get_absolute_url(), world.line.agreement.get_absolute_url(), "/")
    add(5)
    with_5 = [queries(url) for url in urls]
    add(45)
    assert [queries(url) for url in urls] == with_5


def test_admin_lists_credit_the_person(client, world, make):
    admin = make.user("root", is_staff=True, is_superuser=True)
    ProgressUpdate.objects.create(action_line=world.line, author=world.focal, note="Llegó el primer lote")
    world.line.change_deadline(TODAY + 20 * DAY, "El embarque se retrasó", world.focal)
    for url in ("/admin/agreements/progressupdate/", "/admin/agreements/deadlinechange/"):
        assert "Luis Rondón (MPPIPN)" in page(client, admin, url), url
