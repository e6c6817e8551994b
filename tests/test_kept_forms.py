"""A list's filter form is rendered once per state of what it shows and kept (agreements/kept_forms.py): the same
HTML as rendered afresh, and never stale when the reference data, the values or the language change."""

import pytest
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.test import Client

from agreements import kept_forms, page_cache, roles
from agreements.models import Sector
from tests.conftest import require_service

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def postgresql_and_nothing_kept(monkeypatch):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")
    # Whole pages are kept too; here every page is rendered, so that only the form can come from a kept copy.
    monkeypatch.setattr(page_cache, "cache", DummyCache("none", {}))
    kept_forms._kept.clear()
    yield
    kept_forms._kept.clear()


@pytest.fixture
def reader(make):
    client = Client(headers={"accept-language": "en"})
    user = make.user(groups=[roles.VIEWER])
    make.person(user=user)  # for "My action items", which shows its filters to a reader with lines of their own
    client.force_login(user)
    return client


def form_of(page):
    html = page.content.decode()
    assert page.status_code == 200
    return html[html.index('<form method="get"') : html.index("</form>", html.index('<form method="get"'))]


def test_a_kept_form_is_the_form_rendered_afresh(reader, make, monkeypatch):
    make.sector(name="Agricultura")
    paths = ["/action-lines/?status=in_progress&q=tractores", "/agreements/?sort=-signed", "/action-lines/mine/"]
    kept = [reader.get(path) for path in paths]
    assert len(kept_forms._kept) == 3
    again = [reader.get(path) for path in paths]
    monkeypatch.setattr(kept_forms, "form_key", lambda request, filterset: None)
    afresh = [reader.get(path) for path in paths]
    for first, second, third in zip(kept, again, afresh, strict=True):
        assert form_of(first) == form_of(second) == form_of(third)
    assert 'value="tractores"' in form_of(kept[0]) and "Agricultura" in form_of(kept[0])


def test_the_page_number_shares_a_form_and_other_values_do_not(reader, make):
    for _ in range(2):
        make.action_line()
    reader.get("/action-lines/?status=all")
    reader.get("/action-lines/?status=all&page=2")
    assert len(kept_forms._kept) == 1
    chosen = form_of(reader.get("/action-lines/?status=done"))
    assert len(kept_forms._kept) == 2
    assert '<option value="done" selected>' in chosen


def test_new_reference_data_and_another_language_render_it_again(reader, make):
    make.sector(name="Agricultura")
    assert "Ciencia y tecnología" not in form_of(reader.get("/agreements/"))
    Sector.objects.create(name="Ciencia y tecnología")
    assert "Ciencia y tecnología" in form_of(reader.get("/agreements/"))
    spanish = Client(headers={"accept-language": "es"})
    spanish.force_login(make.user(groups=[roles.VIEWER]))
    assert "Aplicar filtros" in form_of(spanish.get("/agreements/"))
    assert "Apply filters" in form_of(reader.get("/agreements/"))


def test_an_invalid_value_shows_its_error_from_a_kept_form_too(reader):
    first = form_of(reader.get("/action-lines/?due_after=not-a-date"))
    second = form_of(reader.get("/action-lines/?due_after=not-a-date"))
    assert first == second and "Enter a valid date" in first
    assert "Enter a valid date" not in form_of(reader.get("/action-lines/"))
