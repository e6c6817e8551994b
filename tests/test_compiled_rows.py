"""Statements the ORM compiles once per reader (agreements/compiled_rows.py): a list page's rows by id
(list_bases.lookup) and an object page's statements. The same rows as the queryset gives, never a row the reader
may not see, and no new SQL; a statement whose SQL holds anything but its ids is refused."""

import datetime
from decimal import Decimal

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from agreements import access, compiled_rows, list_bases, roles
from agreements.compiled_rows import Compiled
from agreements.filters import ActionLineFilter, AgreementFilter
from agreements.models import ActionLine, Agreement, AgreementAccess, ProgressUpdate
from agreements.table_rows import action_line_rows, agreement_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def none_kept():
    for kept in (list_bases._kept, compiled_rows._kept):
        kept.clear()
    yield
    for kept in (list_bases._kept, compiled_rows._kept):
        kept.clear()


def fields(rows):
    """Each row's fields, nested rows as their own fields, by id."""
    return {row.pk: {name: getattr(value, "__dict__", value) for name, value in vars(row).items()} for row in rows}


@pytest.fixture
def compilations(monkeypatch):
    """How many times the ORM writes a statement's SQL."""
    written = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: written.append(1) or as_sql(self, *a, **k))
    return written


def test_the_rows_are_those_the_queryset_gives_with_their_types(make):
    editor = make.user(groups=[roles.EDITOR])
    agreement = make.agreement(signed_date=datetime.date(2025, 3, 14))
    lines = [
        make.action_line(
            agreement, due_date=datetime.date(2026, 1, 5), target_quantity=Decimal("12.50"), target_unit="t"
        ),
        make.action_line(agreement, due_date=datetime.date(2024, 7, 1)),
    ]
    ids = [line.pk for line in lines]
    base = ActionLineFilter.rows(editor)
    looked_up = ActionLineFilter.lookup(editor, action_line_rows)(ids)
    assert fields(looked_up) == fields(action_line_rows(base.filter(pk__in=ids)))
    by_id = {row.pk: row for row in looked_up}
    # Converted as the ORM converts them, on SQLite too: a date, not the text the database holds.
    assert by_id[ids[0]].due_date == datetime.date(2026, 1, 5)
    assert by_id[ids[0]].target_quantity == Decimal("12.50")

    day = datetime.date(2026, 1, 1)
    rows = AgreementFilter.lookup(editor, day, agreement_rows)([agreement.pk])
    assert fields(rows) == fields(agreement_rows(AgreementFilter.rows(editor, day).filter(pk=agreement.pk)))
    assert rows[0].signed_date == datetime.date(2025, 3, 14) and rows[0].overdue_count == 1


def test_the_statement_is_compiled_once_per_reader_and_number_of_ids(make, compilations):
    viewer = make.user(groups=[roles.VIEWER])
    lines = [make.action_line() for _ in range(4)]
    lookup = ActionLineFilter.lookup(viewer, action_line_rows)
    assert {row.pk for row in lookup([lines[0].pk, lines[1].pk])} == {lines[0].pk, lines[1].pk}
    compiled = len(compilations)
    assert compiled >= 1
    # Other ids, as many: the same statement with new values; no SQL written again, even from a new request's lookup.
    assert {row.pk for row in ActionLineFilter.lookup(viewer, action_line_rows)([lines[2].pk, lines[3].pk])} == {
        lines[2].pk,
        lines[3].pk,
    }
    assert len(compilations) == compiled
    # Three ids make another statement, and another reader another one.
    assert len(lookup([line.pk for line in lines[:3]])) == 3
    assert len(compilations) > compiled
    other = make.user(groups=[roles.VIEWER])
    ActionLineFilter.lookup(other, action_line_rows)([lines[0].pk])
    assert len(compiled_rows._kept) == 3


def test_a_row_the_reader_may_not_see_is_never_read_whatever_ids_are_asked(make):
    restricted = make.agreement(title="Acuerdo reservado", confidentiality="restricted")
    hidden = make.action_line(restricted, title="Línea reservada")
    shown = make.action_line(title="Línea pública")
    viewer = make.user(groups=[roles.VIEWER])
    rows = ActionLineFilter.lookup(viewer, action_line_rows)([hidden.pk, shown.pk])
    assert [row.title for row in rows] == ["Línea pública"]
    assert AgreementFilter.lookup(viewer, datetime.date(2026, 1, 1), agreement_rows)([restricted.pk]) == []
    # The secretariat reads both.
    editor = make.user(groups=[roles.EDITOR])
    assert len(ActionLineFilter.lookup(editor, action_line_rows)([hidden.pk, shown.pk])) == 2


def test_a_list_page_shows_the_same_rows_in_the_same_order(client, make):
    editor = make.user(groups=[roles.EDITOR])
    agreement = make.agreement(title="Acuerdo de tractores")
    for day in (3, 1, 2):
        make.action_line(agreement, title=f"Línea del día {day}", due_date=datetime.date(2027, 1, day))
    client.force_login(editor)
    page = client.get("/action-lines/").content.decode()
    places = [page.index(f"Línea del día {day}") for day in (1, 2, 3)]
    assert places == sorted(places)
    assert "Acuerdo de tractores" in client.get("/agreements/").content.decode()


def test_the_wrong_number_of_ids_is_refused(make):
    editor = make.user(groups=[roles.EDITOR])
    line = make.action_line()
    statement = Compiled(lambda *ids: action_line_rows(ActionLineFilter.rows(editor).filter(pk__in=ids)), 2)
    with pytest.raises(ValueError):
        statement(line.pk)


def test_model_instances_come_back_with_their_related_rows(make, django_assert_num_queries):
    line = make.action_line(title="Repuestos para tractores")
    statement = Compiled(lambda pk: ActionLine.objects.select_related("agreement__session").filter(pk=pk), 1)
    with django_assert_num_queries(1):
        [found] = statement(line.pk)
        assert found == line and found.title == "Repuestos para tractores"
        assert found.agreement.session.pk == line.agreement.session_id
    assert statement(line.pk + 1000) == []


def test_ids_no_row_can_have_find_nothing_without_asking_the_database(make, django_assert_num_queries):
    statement = Compiled(lambda pk: Agreement.objects.filter(pk=pk), 1)
    with django_assert_num_queries(0):
        assert statement(2**63) == [] and statement(0) == [] and statement(-5) == [] and statement("7") == []


def test_a_statement_holding_more_than_its_ids_is_refused(make):
    # An id used in a sum, the current time: values of one request that must not be kept for the next.
    with pytest.raises(ValueError):
        Compiled(lambda pk: Agreement.objects.filter(pk=pk + 1), 1)
    with pytest.raises(ValueError):
        Compiled(lambda pk: ProgressUpdate.objects.filter(action_line_id=pk, created_at__lte=timezone.now()), 1)
    with pytest.raises(ValueError):
        Compiled(lambda pk: Agreement.objects.all(), 1)


def test_an_id_used_twice_takes_both_places(make):
    line = make.action_line()
    twice = Compiled(lambda pk: ActionLine.objects.filter(pk=pk).exclude(carried_over_from_id=pk), 1)
    assert twice(line.pk) == [line] and len(twice.places[0]) == 2
    # Its negative is a value computed from it, not the id: refused.
    with pytest.raises(ValueError):
        Compiled(lambda pk: ActionLine.objects.filter(pk=pk).exclude(carried_over_from_id=-pk), 1)


def test_an_object_page_seen_by_the_secretariat_stays_closed_to_a_viewer(client, make):
    restricted = make.agreement(title="Acuerdo reservado", confidentiality="restricted")
    line = make.action_line(restricted, title="Línea reservada")
    client.force_login(make.user(groups=[roles.EDITOR]))
    assert "Acuerdo reservado" in client.get(restricted.get_absolute_url()).content.decode()
    assert "Línea reservada" in client.get(line.get_absolute_url()).content.decode()
    client.force_login(make.user(groups=[roles.VIEWER]))
    assert client.get(restricted.get_absolute_url()).status_code == 404
    assert client.get(line.get_absolute_url()).status_code == 404
    assert len(compiled_rows._kept) >= 4


def test_object_pages_write_their_sql_once(client, make, compilations):
    agreement = make.agreement()
    lines = [make.action_line(agreement) for _ in range(2)]
    client.force_login(make.user(groups=[roles.VIEWER]))
    assert client.get(lines[0].get_absolute_url()).status_code == 200
    assert client.get(agreement.get_absolute_url()).status_code == 200
    written = len(compilations)
    # Another line and the same agreement again: the statements kept serve them.
    assert client.get(lines[1].get_absolute_url()).status_code == 200
    assert client.get(agreement.get_absolute_url()).status_code == 200
    assert len(compilations) - written < written / 3


def test_a_statement_of_no_ids_is_compiled_once_too(make, compilations):
    first = make.agreement(title="Primero")
    statement = Compiled(lambda: Agreement.objects.order_by("pk").values_list("title", flat=True), 0)
    make.agreement(title="Segundo")
    written = len(compilations)
    assert statement() == ["Primero", "Segundo"] and first.title == "Primero"
    assert len(compilations) == written


def test_a_readers_rows_follow_a_new_grant_at_once_without_writing_sql_again(make):
    """resolved_rows: what the reader sees, by a statement written once per reader and number of ids they are
    named for; a new grant is another number of ids, so it counts on the next request."""
    viewer = make.user(groups=[roles.VIEWER])
    restricted = [make.agreement(confidentiality="restricted") for _ in range(3)]
    lines = [make.action_line(agreement) for agreement in restricted]
    public = make.action_line(make.agreement(confidentiality="public"))

    def seen(user=viewer):
        return set(access.resolved_rows(user, "action_lines", "test", lambda rows: rows.values_list("pk", flat=True)))

    def fresh(user):
        return type(user).objects.get(pk=user.pk)  # a new request's user, its clearance read anew

    assert seen() == {public.pk}
    AgreementAccess.objects.create(agreement=restricted[0], user=viewer)
    assert seen(fresh(viewer)) == {public.pk, lines[0].pk}
    AgreementAccess.objects.create(agreement=restricted[2], user=viewer)
    assert seen(fresh(viewer)) == {public.pk, lines[0].pk, lines[2].pk}
    kept = set(compiled_rows._kept)
    # Another grant of the same number: the same statements with other ids.
    AgreementAccess.objects.filter(agreement=restricted[2]).update(agreement=restricted[1])
    assert seen(fresh(viewer)) == {public.pk, lines[0].pk, lines[1].pk}
    assert set(compiled_rows._kept) == kept
    # The secretariat sees every line, by a statement of its own.
    assert seen(make.user(groups=[roles.EDITOR])) == {line.pk for line in (*lines, public)}
