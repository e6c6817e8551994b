"""Plans kept between requests (agreements/kept_plans.py): the same rows, values of the same types, and nothing
broken when PostgreSQL cannot prepare a statement."""

import datetime
import decimal
import re

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from agreements import kept_plans
from agreements.kept_plans import rows_by_ids
from agreements.models import ActionLine
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_statements_kept():
    """Prepared statements outlive transactions: each test starts from a connection that keeps none."""
    require_service("PostgreSQL", connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    if hasattr(connection, "kept_plans"):
        del connection.kept_plans


def prepared_statements():
    """{statement text: generic plans used} of this connection's kept statements."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements WHERE name LIKE 'kept_plan_%%'")
        return dict(cursor.fetchall())


@pytest.fixture
def lines(make):
    agreement = make.agreement()
    return [make.action_line(agreement, due_date=datetime.date(2026, 5, day)) for day in (3, 1, 2, 4)]


def test_a_statement_run_again_is_executed_from_its_kept_plan(lines):
    rows = ActionLine.objects.filter(pk=lines[0].pk).select_related("agreement", "responsible_person")
    with CaptureQueriesContext(connection) as captured, kept_plans.kept_plans():
        found = [list(rows.all()) for _ in range(7)]
    assert all(run == [lines[0]] for run in found)
    assert found[-1][0].agreement.title == lines[0].agreement.title
    # PREPARE is bookkeeping on the raw connection: each run counts as the one query it is.
    assert len(captured) == 7
    assert all(query["sql"].startswith("EXECUTE kept_plan_") for query in captured)
    [(statement, generic_plans)] = prepared_statements().items()
    assert '"agreements_actionline"."id" = $1' in statement
    # After five runs planned for their values, PostgreSQL runs the plan made without them.
    assert generic_plans >= 1


def test_values_come_back_with_the_types_they_have_unprepared(lines):
    values = {
        "number": Value(7),
        "yes": Value(True),
        "day": Value(datetime.date(2026, 1, 2)),
        "word": Value("palabra"),
        "amount": Value(decimal.Decimal("1.50")),
    }
    rows = ActionLine.objects.filter(pk=lines[0].pk).annotate(**values).values("title", "due_date", *values)
    plain = list(rows.all())
    with kept_plans.kept_plans():
        kept = [list(rows.all()) for _ in range(7)]
    assert plain == [
        {
            "title": lines[0].title,
            "due_date": datetime.date(2026, 5, 3),
            "number": 7,
            "yes": True,
            "day": datetime.date(2026, 1, 2),
            "word": "palabra",
            "amount": decimal.Decimal("1.50"),
        }
    ]
    for run in kept:
        assert run == plain
        assert [type(value) for value in run[0].values()] == [type(value) for value in plain[0].values()]


def test_a_statement_postgresql_cannot_prepare_runs_as_usual_and_the_transaction_goes_on(lines, monkeypatch):
    offered = []
    run = kept_plans._run
    monkeypatch.setattr(kept_plans, "_run", lambda db, sql: offered.append(sql) or run(db, sql))
    with kept_plans.kept_plans(), connection.cursor() as cursor:
        # Nothing says what type the parameter is: PostgreSQL refuses to prepare it, and is not asked again.
        for _ in range(3):
            cursor.execute("SELECT %s IS NULL", [None])
            assert cursor.fetchone() == (True,)
        assert len(offered) == 1 and offered[0].endswith("AS SELECT $1 IS NULL")
        cursor.execute("SELECT count(*) FROM agreements_actionline WHERE title LIKE 'x%%' OR id = %s", [lines[0].pk])
        assert cursor.fetchone() == (1,)
    # The refused PREPARE ran in a savepoint: the test's transaction is still usable.
    assert ActionLine.objects.count() == 4
    # The second was prepared, its `%%` written as the `%` it stands for.
    [statement] = prepared_statements()
    assert statement.endswith("(bigint) AS SELECT count(*) FROM agreements_actionline WHERE title LIKE 'x%' OR id = $1")


def test_a_connection_keeps_only_the_statements_used_last(lines, monkeypatch):
    monkeypatch.setattr(kept_plans, "KEPT", 2)
    queries = [
        ActionLine.objects.filter(title=lines[0].title),
        ActionLine.objects.filter(pk=lines[0].pk),
        ActionLine.objects.filter(due_date=lines[0].due_date),
    ]
    with kept_plans.kept_plans():
        for query in queries:
            assert list(query.all()) == [lines[0]]
        assert len(prepared_statements()) == 2
        assert not any('"title" = $1' in statement for statement in prepared_statements())
        # The one deallocated is prepared again when it comes back.
        assert list(queries[0].all()) == [lines[0]]
    assert any('"title" = $1' in statement for statement in prepared_statements())


def test_a_statement_is_named_after_what_it_is_and_found_again_under_that_name(lines):
    rows = ActionLine.objects.filter(pk=lines[1].pk)
    with kept_plans.kept_plans():
        assert list(rows.all()) == [lines[1]]
        [name] = connection.kept_plans.names.values()
        # As after a reconnection behind a pooler: this process keeps no statements, the server still has one.
        connection.kept_plans.raw = object()
        assert list(rows.all()) == [lines[1]]
        assert list(connection.kept_plans.names.values()) == [name]
        # Other values, the same statement and name; another statement, another name.
        assert list(ActionLine.objects.filter(pk=lines[2].pk)) == [lines[2]]
        assert list(ActionLine.objects.filter(title=lines[2].title)) == [lines[2]]
    assert len(set(connection.kept_plans.names.values())) == 2
    assert len(prepared_statements()) == 2


def test_rows_by_ids_reads_a_page_in_the_lists_order_without_the_rows_deleted_meanwhile(lines):
    ordered = ActionLine.objects.order_by("due_date", "id")
    assert rows_by_ids(ordered, 0, 3) == [lines[1], lines[2], lines[0]]
    assert rows_by_ids(ordered, 3, 10) == [lines[3]]
    assert rows_by_ids(ordered, 10, 20) == []

    def deleting_one(rows):
        ActionLine.objects.filter(pk=lines[2].pk).delete()
        return rows

    assert rows_by_ids(ordered, 0, 3, deleting_one) == [lines[1], lines[0]]


def test_statements_the_server_forgot_are_run_as_usual_and_prepared_anew(lines):
    rows = ActionLine.objects.filter(pk=lines[2].pk)
    with kept_plans.kept_plans():
        assert list(rows.all()) == [lines[2]]
        # As a connection pooler in front of PostgreSQL may do between two clients (DISCARD ALL).
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        assert list(rows.all()) == [lines[2]]
        assert list(rows.all()) == [lines[2]]
    assert len(prepared_statements()) == 1
    assert ActionLine.objects.count() == 4


def test_the_dashboard_runs_its_statements_from_kept_plans_and_shows_the_same(client, make):
    from agreements import roles

    user = make.user(groups=[roles.VIEWER])
    person = make.person(user=user, full_name="Rosa Angélica Mejías")
    make.action_line(title="Convenio con Pedro Camejo", responsible_person=person)
    client.force_login(user)
    # The same page each time, but for the CSRF token, masked anew for each response.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    pages = [token.sub("", client.get("/", headers={"accept-language": "es"}).text) for _ in range(7)]
    assert "Convenio con Pedro Camejo" in pages[0] and all(page == pages[0] for page in pages)
    kept = prepared_statements()
    # The tallies, the reader's own lines and the names they are counted under are among them.
    assert len(kept) >= 5 and any(plans >= 1 for plans in kept.values())
