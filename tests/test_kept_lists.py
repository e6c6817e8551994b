"""A list's count and page ids by SQL kept per reader and filter values (agreements/kept_lists.py): the same rows and
counts as the queryset gives, no SQL written again for the same values, nothing of the data kept, and a statement
whose writing read the database never kept."""

import datetime

import pytest

from agreements import kept_lists, list_bases, roles
from agreements.filters import ActionLineFilter
from agreements.models import AgreementAccess, Person
from agreements.views import lists

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def none_kept():
    kept_lists._statements.clear()
    list_bases._kept.clear()
    yield
    kept_lists._statements.clear()


@pytest.fixture
def written(monkeypatch):
    """The count and ids statements written, as ("count" or "ids", SQL)."""
    found = []
    write = kept_lists.ListStatements._written

    def recording(self, queryset):
        statement = write(self, queryset)
        found.append(statement and statement[0])
        return statement

    monkeypatch.setattr(kept_lists.ListStatements, "_written", recording)
    return found


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["paginator"].count, [line.pk for line in response.context["page_obj"]]


def expected(user, data, bottom=0, top=lists.PER_PAGE):
    rows = ActionLineFilter(data, queryset=ActionLineFilter.rows(user)).qs
    return rows.count(), list(rows.values_list("pk", flat=True)[bottom:top])


def test_the_count_and_the_pages_are_the_querysets(client, make):
    viewer = make.user(groups=[roles.VIEWER])
    sector = make.sector()
    for n in range(30):
        make.action_line(
            sector=sector if n % 3 else None, due_date=DAY + datetime.timedelta(days=n), status="in_progress"
        )
    client.force_login(viewer)
    for url, data in [
        ("/action-lines/", {}),
        (f"/action-lines/?sector={sector.pk}", {"sector": sector.pk}),
        ("/action-lines/?page=2", {}),
        ("/action-lines/?sort=-deadline", {"sort": "-deadline"}),
    ]:
        bottom = lists.PER_PAGE if "page=2" in url else 0
        # Twice: written, then kept.
        for _ in range(2):
            assert page(client, url) == expected(viewer, data, bottom, bottom + lists.PER_PAGE), url


def test_the_same_filter_values_write_no_count_or_ids_sql_again(client, make, written):
    for _ in range(30):
        make.action_line(status="in_progress")
    client.force_login(make.user(groups=[roles.VIEWER]))
    first = page(client, "/action-lines/?status=in_progress")
    assert len(written) == 2  # the count and the page's ids
    # The same values again: nothing written, the same page.
    assert page(client, "/action-lines/?status=in_progress") == first
    assert len(written) == 2
    # Another page: its ids only. Other values: both again.
    page(client, "/action-lines/?status=in_progress&page=2")
    assert len(written) == 3
    page(client, "/action-lines/?status=all")
    assert len(written) == 5


def test_new_rows_and_grants_count_at_once(client, make):
    restricted = make.agreement(confidentiality="restricted")
    viewer = make.user(groups=[roles.VIEWER])
    client.force_login(viewer)
    make.action_line(status="in_progress")
    assert page(client, "/action-lines/")[0] == 1
    line = make.action_line(status="in_progress")
    hidden = make.action_line(restricted, status="in_progress")
    count, ids = page(client, "/action-lines/")
    assert count == 2 and line.pk in ids and hidden.pk not in ids
    AgreementAccess.objects.create(agreement=restricted, user=viewer)
    count, ids = page(client, "/action-lines/")
    assert count == 3 and hidden.pk in ids


def test_each_reader_has_their_own_statements(client, make):
    hidden = make.action_line(make.agreement(confidentiality="restricted"), status="in_progress")
    make.action_line(status="in_progress")
    client.force_login(make.user(groups=[roles.EDITOR]))
    count, ids = page(client, "/action-lines/")
    assert count == 2 and hidden.pk in ids
    client.force_login(make.user(groups=[roles.VIEWER]))
    count, ids = page(client, "/action-lines/")
    assert count == 1 and hidden.pk not in ids


def test_a_statement_whose_writing_read_the_database_is_not_kept(client, make, monkeypatch):
    """A filter that read data to write its SQL would be stale after a write: it is written on every request."""
    ana = make.person("Ana Pérez")
    make.action_line(responsible_person=ana, status="in_progress")

    def by_ids_read_now(self, queryset, name, value):
        people = list(Person.objects.filter(full_name__icontains=value).values_list("pk", flat=True))
        return queryset.filter(responsible_person__in=people)

    monkeypatch.setattr(ActionLineFilter, "filter_person", by_ids_read_now)
    client.force_login(make.user(groups=[roles.VIEWER]))
    assert page(client, "/action-lines/?person=Ana")[0] == 1
    assert not kept_lists._statements
    other = make.person("Ana Gómez")
    make.action_line(responsible_person=other, status="in_progress")
    assert page(client, "/action-lines/?person=Ana")[0] == 2


def test_an_invalid_form_matches_nothing_and_keeps_nothing(client, make):
    make.action_line(status="in_progress")
    client.force_login(make.user(groups=[roles.VIEWER]))
    assert page(client, "/action-lines/?due_after=not-a-date") == (0, [])
    assert not kept_lists._statements
