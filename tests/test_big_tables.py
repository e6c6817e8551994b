"""What keeps pages fast at a million action lines: capped counts in the lists and the admin, no ranking
past the cap, and summed figures kept until the data changes."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.admin.action_lines import ActionLineAdmin
from agreements.admin.counting import CappedAdminPaginator, CappedCount
from agreements.models import ActionLine
from agreements.pagination import CappedPaginator
from agreements.views import figures
from tests.conftest import require_service

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)
ACTION_LINES = reverse("agreements:action_line_list")
ADMIN_LINES = reverse("admin:agreements_actionline_changelist")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def english_client():
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def viewer(english_client, make):
    english_client.force_login(make.user("viewer", groups=["Viewer"]))
    return english_client


@pytest.fixture
def superuser(english_client, make):
    english_client.force_login(make.user("root", is_staff=True, is_superuser=True))
    return english_client


def lines_due(make, count):
    agreement = make.agreement()
    return [
        make.action_line(agreement, title=f"Line {day}", due_date=TODAY + datetime.timedelta(days=day))
        for day in range(1, count + 1)
    ]


# ---------- Lists past the cap ----------


def test_a_page_past_the_cap_links_back_to_the_page_before(viewer, make, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr("agreements.views.lists.PER_PAGE", 1)
    lines_due(make, 6)
    response = viewer.get(ACTION_LINES, {"page": 5})
    assert response.status_code == 200
    assert [line.title for line in response.context["action_lines"]] == ["Line 5"]
    assert 'href="?page=4"' in response.text
    assert 'href="?page=6"' in response.text


def needs_postgresql():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")


def test_text_matching_more_than_the_cap_is_listed_by_deadline_not_by_rank(viewer, make, monkeypatch):
    needs_postgresql()
    agreement = make.agreement()
    make.action_line(agreement, title="Repuestos para tractores", due_date=TODAY + datetime.timedelta(days=9))
    make.action_line(agreement, title="Misión técnica", description="Lista de repuestos", due_date=TODAY)

    def listed():
        return [line.title for line in viewer.get(ACTION_LINES, {"q": "repuestos"}).context["action_lines"]]

    assert listed() == ["Repuestos para tractores", "Misión técnica"]  # best match first
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    assert listed() == ["Misión técnica", "Repuestos para tractores"]  # too many to rank: by deadline


# ---------- The admin's capped count ----------


def test_admin_changelist_counts_at_most_the_cap(superuser, make, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(ActionLineAdmin, "list_per_page", 2)
    lines_due(make, 5)
    with CaptureQueriesContext(connection) as queries:
        response = superuser.get(ADMIN_LINES)
    assert response.status_code == 200
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
    assert len(counts) == 1 and "LIMIT 4" in counts[0]
    assert "3+ action lines" in response.text
    assert "…" in response.text  # the last page is not known

    last = superuser.get(ADMIN_LINES, {"p": 3})
    assert last.status_code == 200
    assert [line.title for line in last.context["cl"].result_list] == ["Line 5"]


def test_admin_changelist_under_the_cap_counts_exactly(superuser, make, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    lines_due(make, 2)
    response = superuser.get(ADMIN_LINES)
    assert "2 action lines" in response.text
    assert "+ action lines" not in response.text


def test_capped_admin_pages_run_open_ended(make):
    lines_due(make, 30)

    class Small(CappedAdminPaginator):
        cap = 10

    paginator = Small(ActionLine.objects.order_by("due_date", "id"), 2)
    assert isinstance(paginator.count, CappedCount) and paginator.count == 11 and str(paginator.count) == "10+"
    paginator.page(1)
    assert list(paginator.get_elided_page_range(1)) == [1, 2, 3, 4, Small.ELLIPSIS]
    assert paginator.page(9).object_list[0].title == "Line 17"  # past the five pages the cap vouches for
    assert list(paginator.get_elided_page_range(9)) == [1, 2, Small.ELLIPSIS, 6, 7, 8, 9, 10, Small.ELLIPSIS]


# ---------- Figures kept until the data changes ----------


def test_figures_are_not_kept_inside_a_transaction(make):
    # Tests run in a transaction, as does a view that writes: there the snapshot hides their own writes.
    assert figures.data_version() is None
    calls = []
    figures.cached(lambda: calls.append(1), "test")
    figures.cached(lambda: calls.append(1), "test")
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dashboard_figures_are_kept_until_a_write_commits(make):
    needs_postgresql()
    lines_due(make, 2)
    make.action_line(title="Overdue", due_date=TODAY - datetime.timedelta(days=3))
    client = Client(headers={"accept-language": "en"})
    client.force_login(get_user_model().objects.create_user("reader", password="pw"))

    def dashboard():
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/").text
        return page, any("FILTER (WHERE" in query["sql"] for query in queries)

    before = figures.data_version()
    page, counted = dashboard()
    assert counted and 'aria-label="Overdue: 1"' in page
    page, counted = dashboard()
    # Served from the cache, unless something else committed meanwhile (autovacuum, another client).
    assert not counted or figures.data_version() != before
    assert 'aria-label="Overdue: 1"' in page

    make.action_line(title="Also overdue", due_date=TODAY - datetime.timedelta(days=1))
    page, counted = dashboard()
    assert counted and 'aria-label="Overdue: 2"' in page
