"""The dashboard for managers: who owns what is overdue, what is due soon, and the commissions a user follows first."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Follow

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
    """Ana owns three overdue lines, Beto one plus one of a restricted agreement; two lines are due soon."""
    commission = make.commission("Comisión Mixta Venezuela–Belarús")
    meeting = make.meeting(make.session(commission, 8))
    agreement = make.agreement(meeting, title="Tractores Veneminsk", reference_code="VE-BY-VIII-IND-01")
    secret = make.agreement(meeting, title="Acuerdo reservado", confidentiality="restricted")
    ana = make.person("Ana Pérez", institution=make.institution("Ministerio de Industrias", acronym="MPPIPN"))
    beto = make.person("Beto Gil")
    for days in (30, 12, 2):
        make.action_line(agreement, title=f"Ana atrasada {days}", due_date=TODAY - days * DAY, responsible_person=ana)
    make.action_line(
        agreement,
        title="Ana terminada",
        due_date=TODAY - 40 * DAY,
        responsible_person=ana,
        status="done",
        percent_complete=100,
        completed_date=TODAY - 41 * DAY,
    )
    make.action_line(agreement, title="Beto atrasada", due_date=TODAY - 5 * DAY, responsible_person=beto)
    make.action_line(secret, title="Beto reservada", due_date=TODAY - 50 * DAY, responsible_person=beto)
    make.action_line(agreement, title="Vence hoy", due_date=TODAY, responsible_person=beto)
    make.action_line(agreement, title="Vence en tres días", due_date=TODAY + 3 * DAY)
    make.action_line(agreement, title="Vence más adelante", due_date=TODAY + 20 * DAY)
    editor = make.user("editor", groups=["Editor"], is_staff=True)
    viewer = make.user("viewer", groups=["Viewer"])
    return SimpleNamespace(**locals())


def dashboard(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert response.status_code == 200
    return response


def owners(response):
    shown = response.context["overdue_owners"]
    return [(owner["name"], owner["institution"], owner["count"], owner["oldest"]) for owner in shown]


# ---------- Overdue, by owner ----------


def test_overdue_by_owner_names_people_with_their_count_and_oldest_deadline(client, world):
    response = dashboard(client, world.editor)
    assert owners(response) == [
        ("Ana Pérez", "MPPIPN", 3, TODAY - 30 * DAY),
        ("Beto Gil", "", 2, TODAY - 50 * DAY),
    ]
    page = response.content.decode()
    assert "Overdue, by owner" in page
    assert "MPPIPN" in page


def test_overdue_by_owner_leaves_out_lines_the_viewer_is_not_cleared_for(client, world):
    assert owners(dashboard(client, world.viewer)) == [
        ("Ana Pérez", "MPPIPN", 3, TODAY - 30 * DAY),
        ("Beto Gil", "", 1, TODAY - 5 * DAY),
    ]


def test_overdue_by_owner_shows_the_ten_with_most_overdue_lines(client, world, make):
    for n in range(11):
        person = make.person(f"Persona {n:02d}")
        for _ in range(4):
            make.action_line(world.agreement, due_date=TODAY - DAY, responsible_person=person)
    names = [name for name, *_ in owners(dashboard(client, world.editor))]
    assert len(names) == 10
    assert "Ana Pérez" not in names


def test_each_owner_links_to_the_list_of_their_overdue_lines(client, world):
    ana = dashboard(client, world.editor).context["overdue_owners"][0]
    assert ana["url"].startswith("/action-lines/?")
    listed = client.get(ana["url"]).content.decode()
    for days in (30, 12, 2):
        assert f"Ana atrasada {days}" in listed
    assert "Ana terminada" not in listed
    assert "Beto atrasada" not in listed


def test_nothing_overdue_says_so(client, world):
    client.force_login(world.editor)
    client.cookies["django_language"] = "en"
    world.agreement.action_lines.update(due_date=TODAY + 40 * DAY)
    world.secret.action_lines.update(due_date=TODAY + 40 * DAY)
    assert "Nothing is overdue." in client.get("/").content.decode()


# ---------- Due soon ----------


def test_due_soon_counts_and_lists_the_first_lines_nearest_first(client, world):
    response = dashboard(client, world.viewer)
    assert response.context["due_soon_count"] == 2
    assert [line["title"] for line in response.context["due_soon"]] == ["Vence hoy", "Vence en tres días"]
    page = response.content.decode()
    assert "See all 2 action lines due soon" in page
    listed = client.get(response.context["due_soon_url"]).content.decode()
    assert "Vence hoy" in listed and "Vence en tres días" in listed
    assert "Vence más adelante" not in listed


# ---------- Your commissions ----------


def test_commissions_of_followed_agreements_come_first(client, world, make):
    other = make.agreement(make.meeting(make.session(make.commission("Comisión Venezuela–China"), 1)))
    Follow.objects.create(user=world.viewer, agreement=world.agreement)
    response = dashboard(client, world.viewer)
    [commission] = response.context["your_commissions"]
    assert commission.name == "Comisión Mixta Venezuela–Belarús"
    assert (commission.open_count, commission.overdue_count) == (7, 4)
    page = response.content.decode()
    assert page.index("Your commissions") < page.index("Overdue, by owner")
    assert other.commission.name not in page


def test_no_commissions_block_without_follows(client, world):
    response = dashboard(client, world.viewer)
    assert response.context["your_commissions"] == []
    assert "Your commissions" not in response.content.decode()


def test_a_followed_agreement_no_longer_visible_does_not_bring_its_commission(client, world):
    Follow.objects.create(user=world.viewer, agreement=world.secret)
    assert dashboard(client, world.viewer).context["your_commissions"] == []


# ---------- Charts ----------


def test_chart_bars_are_links_with_a_link_label(client, world):
    page = dashboard(client, world.viewer).content.decode()
    assert '<text class="bar-label"' in page
    assert 'href="/action-lines/?overdue=yes"' in page


# ---------- Cost ----------


def add_lines(world, make, count):
    for n in range(count):
        person = make.person(institution=make.institution())
        make.action_line(world.agreement, due_date=TODAY - (n % 9) * DAY, responsible_person=person)
        make.action_line(world.secret, due_date=TODAY + (n % 5) * DAY, responsible_person=person)
        Follow.objects.create(
            user=world.viewer if n % 2 else world.editor, agreement=make.agreement(make.meeting(make.session()))
        )


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_dashboard_query_count_is_the_same_with_5_and_50_lines(client, world, make, who):
    client.force_login(getattr(world, who))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    add_lines(world, make, 5)
    with_5 = queries()
    add_lines(world, make, 45)
    assert queries() == with_5
