"""Figures kept by the database (agreements/tallies.py) agree with a count of the rows, under every kind of write,
and the figures the pages show from them agree with the figures counted from the rows for every kind of reader."""

import datetime
import functools
import io
import random

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agreements import access, tallies
from agreements.models import ActionLine, Agreement, AgreementAccess
from agreements.views import figures

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 3, 10)
LEVELS = ("public", "internal", "restricted")
OPEN = ("not_started", "in_progress", "blocked")


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("the tallies are PostgreSQL's: run the suite with DATABASE_URL=postgres://…")


def line_fields(rng, today=TODAY):
    status = rng.choice([*OPEN, "done", "cancelled"])
    fields = {"status": status, "due_date": today + rng.randint(-40, 40) * DAY}
    if status == "done":
        fields.update(percent_complete=100, completed_date=today - DAY)
    else:
        fields.update(percent_complete=rng.randrange(0, 100, 5), completed_date=None)
    return fields


@pytest.fixture
def world(make):
    """Two commissions, three sessions, agreements of each level and forty lines with people on both sides."""
    rng = random.Random(12)
    sessions = [make.session(make.commission("Comisión A"), 8), make.session(make.commission("Comisión B"), 3)]
    sessions.append(make.session(sessions[0].commission, 9))
    sectors = [make.sector("Industria"), make.sector("Agricultura")]
    meetings = [make.meeting(session, sector) for session in sessions for sector in sectors]
    people = [make.person(f"Persona {n}") for n in range(5)]
    agreements = [
        make.agreement(
            meeting, confidentiality=level, status=rng.choice(Agreement.Status.values), coordinator=people[0]
        )
        for meeting in meetings
        for level in LEVELS[: 1 + meetings.index(meeting) % 3]
    ]
    for n in range(40):
        make.action_line(
            rng.choice(agreements),
            title=f"Línea {n}",
            responsible_person=rng.choice([*people, None]),
            counterpart_person=rng.choice([people[4], None]),
            **line_fields(rng),
        )
    return rng, meetings, people, agreements


def tallied(what, table, where="TRUE"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {what} FROM {table} WHERE {where}")
        return cursor.fetchone()[0]


def assert_kept():
    assert tallies.differences() == {}


def test_every_kind_of_write_keeps_the_tallies_right(world, make):
    rng, meetings, people, agreements = world
    assert_kept()
    lines = list(ActionLine.objects.order_by("pk"))
    for line in lines[:10]:  # save(): status, percent, deadline, person
        for name, value in line_fields(rng).items():
            setattr(line, name, value)
        line.responsible_person = rng.choice([*people, None])
        line.save()
    assert_kept()
    # QuerySet.update() over many rows at once, and a move to another agreement (of another level and session).
    ActionLine.objects.filter(pk__in=[line.pk for line in lines[10:20]]).update(due_date=TODAY - 100 * DAY)
    ActionLine.objects.filter(pk=lines[20].pk).update(agreement=agreements[-1])
    assert_kept()
    # An agreement changing level, status and meeting: its lines follow through the placement cascade.
    moved = agreements[0]
    moved.confidentiality, moved.status, moved.meeting = "restricted", "completed", meetings[-1]
    moved.save()
    Agreement.objects.filter(pk=agreements[1].pk).update(confidentiality="public")
    assert_kept()
    # A meeting moved to another session moves its agreements and their lines.
    meetings[1].session = make.session(meetings[-1].session.commission, 10)
    meetings[1].save()
    assert_kept()
    # Deletes: one line, and an agreement with its lines.
    lines[30].delete()
    agreements[2].delete()
    assert_kept()
    # Raw SQL, as an import or a repair might write.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_actionline SET status = 'cancelled', completed_date = NULL, "
            "percent_complete = 0 WHERE id % 3 = 0"
        )
    assert_kept()
    assert ActionLine.objects.exists()


def test_a_write_that_changes_nothing_counted_writes_no_tally_row(world):
    def versions():
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(f"SELECT '{table}', ctid::text FROM {table}" for table in tallies.TABLES))
            return sorted(cursor.fetchall())

    before = versions()
    ActionLine.objects.update(title="Otro título", description="Otra descripción")
    for line in ActionLine.objects.all()[:5]:
        line.save()
    assert versions() == before
    ActionLine.objects.filter(status="in_progress").update(percent_complete=55)
    assert versions() != before


@pytest.mark.django_db(transaction=True)
def test_advance_moves_the_boundary_and_the_lines_due_in_between(make):
    meeting = make.meeting()
    public = make.agreement(meeting, confidentiality="public")
    for offset in (-20, -3, 0, 2, 15):
        make.action_line(public, due_date=TODAY + offset * DAY, status="in_progress", percent_complete=10)
    make.action_line(public, due_date=TODAY - 5 * DAY, status="done", percent_complete=100, completed_date=TODAY)
    for day in (TODAY - 10 * DAY, TODAY + 10 * DAY, TODAY):
        assert tallies.advance(day)
        assert tallies.boundary() == day
        assert_kept()
        assert (
            tallied("SUM(lines)", tallies.LINES_BY_SECTOR, "class = 'overdue'")
            == ActionLine.objects.filter(status="in_progress", due_date__lt=day).count()
        )


@pytest.mark.django_db(transaction=True)
def test_advance_gives_way_to_a_writer_and_the_writer_counts_with_the_boundary_it_sees(make, settings):
    line = make.action_line(due_date=TODAY, status="in_progress", percent_complete=10)
    assert tallies.advance(TODAY - DAY)
    database = settings.DATABASES["default"]
    other = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=database["USER"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
        password=database["PASSWORD"] or None,
    )
    try:
        with other.cursor() as cursor:  # a writer's open transaction holds the shared lock
            cursor.execute("UPDATE agreements_actionline SET percent_complete = 20 WHERE id = %s", [line.pk])
            assert not tallies.advance(TODAY + DAY)
            assert tallies.boundary() == TODAY - DAY
        other.commit()
        assert tallies.advance(TODAY + DAY)
    finally:
        other.close()
    assert_kept()


def readers(make, world):
    """Every kind of reader: the secretariat, staff, staff named on a list, as coordinator or as responsible,
    and a counterpart."""
    _rng, _meetings, people, agreements = world
    restricted = next(agreement for agreement in agreements if agreement.confidentiality == "restricted")
    listed = make.user("listed", groups=["Viewer"])
    AgreementAccess.objects.create(agreement=restricted, user=listed)
    coordinator = make.user("coordinator", groups=["Viewer"])
    people[0].user = coordinator
    people[0].save()
    responsible = make.user("responsible", groups=["Viewer"])
    people[1].user = responsible
    people[1].save()
    counterpart = make.user("counterpart", groups=["Counterpart"])
    people[4].user = counterpart
    people[4].save()
    return {
        "editor": make.user("editor", groups=["Editor"]),
        "viewer": make.user("viewer", groups=["Viewer"]),
        "listed": listed,
        "coordinator": coordinator,
        "responsible": responsible,
        "counterpart": counterpart,
    }


def test_a_readers_levels_and_named_clearance_add_up_to_what_they_see(make, world):
    for name, user in readers(make, world).items():
        named = access.named_clearance(user)
        if access.is_secretariat(user):
            assert named is None
            continue
        levels = access.open_levels(user)
        for model, kind in ((Agreement, "agreements"), (ActionLine, "action_lines")):
            by_level = set(model.objects.filter(confidentiality__in=levels).values_list("pk", flat=True))
            by_name = set(model.objects.filter(getattr(named, kind)).values_list("pk", flat=True)) if named else set()
            visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
            assert not by_level & by_name, name
            assert by_level | by_name == visible, (name, model.__name__)
        for model, resolved in ((ActionLine, access.resolved_action_lines), (Agreement, access.resolved_agreements)):
            expected = set(model.objects.visible_to(user).values_list("pk", flat=True))
            assert set(resolved(user).values_list("pk", flat=True)) == expected, (name, model.__name__)
        # The same rows by the statements compiled once per reader.
        for model, kind in ((Agreement, "agreements"), (ActionLine, "action_lines")):
            by_name = set(model.objects.filter(getattr(named, kind)).values_list("pk", flat=True)) if named else set()
            assert set(access.named_rows(user, kind, "test", functools.partial(pks, model))) == by_name, name
            visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
            assert set(access.resolved_rows(user, kind, "test", pks)) == visible, (name, kind)


def pks(rows, condition=None):
    """The ids of `rows` (a model: its rows meeting `condition`)."""
    if condition is not None:
        rows = rows.objects.filter(condition)
    return rows.values_list("pk", flat=True)


def counted_from_rows(monkeypatch, compute):
    """What `compute()` gives when every figure is counted from the rows, as on SQLite."""
    with monkeypatch.context() as patched:
        patched.setattr(
            figures,
            "_parts",
            lambda user: (
                None,
                figures.Rows.of(Agreement.objects.visible_to(user), ActionLine.objects.visible_to(user)),
            ),
        )
        return compute()


@pytest.mark.parametrize("boundary_offset", [-12, 0, 9])
def test_figures_from_the_tallies_are_the_figures_counted_from_the_rows(make, world, monkeypatch, boundary_offset):
    _rng, meetings, _people, _agreements = world
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {tallies.BOUNDARY} SET day = %s", [TODAY + boundary_offset * DAY])
    tallies.rebuild(connection)
    commission = meetings[0].session.commission_id
    for name, user in readers(make, world).items():
        for today in (TODAY, TODAY + 4 * DAY):
            for compute in (
                lambda user=user, today=today: figures.dashboard(user, today),
                lambda user=user, today=today: figures.per_commission(user, today),
                lambda user=user, today=today: figures.per_session(user, commission, today),
                lambda user=user, today=today: figures.overdue_by_owner(user, today, limit=2),
                lambda user=user, today=today: figures.overdue_by_owner(user, today, limit=10),
            ):
                assert compute() == counted_from_rows(monkeypatch, compute), (name, today)


@pytest.mark.django_db(transaction=True)
def test_a_truncated_table_empties_its_tallies(make):
    make.action_line(due_date=TODAY - DAY, status="in_progress", responsible_person=make.person("Ana"))
    assert tallied("COUNT(*)", tallies.LINES_BY_SECTOR) == tallied("COUNT(*)", tallies.OWNERS) == 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE agreements_actionline CASCADE")
    for table in (tallies.LINES_BY_SECTOR, tallies.LINES_BY_SESSION, tallies.OWNERS):
        assert tallied("COUNT(*)", table) == 0


def test_check_tallies_finds_a_drifted_figure_and_repairs_it(world):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {tallies.LINES_BY_SECTOR} SET lines = lines + 1")
    with pytest.raises(CommandError, match="--repair"):
        call_command("check_tallies", stdout=io.StringIO())
    output = io.StringIO()
    call_command("check_tallies", "--repair", stdout=output)
    assert "agree" in output.getvalue()
    assert_kept()


@pytest.mark.django_db(transaction=True)
def test_a_filled_database_migrates_to_kept_figures_and_back(make):
    """The session copy is filled by an UPDATE, whose deferred trigger events must not stop the migration's own
    index on the same table; going back and forth leaves the copies and the figures right."""
    line = make.action_line(due_date=TODAY - DAY, status="in_progress", responsible_person=make.person("Ana"))
    executor = MigrationExecutor(connection)
    executor.migrate([("agreements", "0017_figures_indexes")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert ActionLine.objects.get(pk=line.pk).session_id == line.agreement.session_id
    assert tallied("SUM(lines)", tallies.LINES_BY_SESSION, f"session_id = {line.agreement.session_id}") == 1
    assert_kept()
