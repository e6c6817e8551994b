"""The stored copies of session, commission and sector agree with the meeting → session chain on every write path."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from agreements import carry_over, placement
from agreements.models import ActionLine, Agreement, SectoralMeeting, Session

pytestmark = pytest.mark.django_db


def assert_no_drift():
    assert placement.drift() == {"agreements": (0, []), "action_lines": (0, [])}


@pytest.fixture
def chain(make):
    """Two commissions, two sessions, two sectors; one agreement with two lines in the first meeting."""
    first, second = make.commission(), make.commission()
    session = make.session(first, 7)
    other_session = make.session(second, 3)
    sector, other_sector = make.sector("Industria"), make.sector("Agricultura")
    meeting = make.meeting(session, sector)
    other_meeting = make.meeting(other_session, other_sector)
    agreement = make.agreement(meeting)
    lines = [make.action_line(agreement), make.action_line(agreement)]
    return SimpleNamespace(
        commissions=(first, second),
        session=session,
        other_session=other_session,
        sector=sector,
        other_sector=other_sector,
        meeting=meeting,
        other_meeting=other_meeting,
        agreement=agreement,
        lines=lines,
    )


def placement_of(agreement):
    return Agreement.objects.values_list("session_id", "commission_id", "sector_id").get(pk=agreement.pk)


def line_placements(agreement):
    return set(ActionLine.objects.filter(agreement=agreement).values_list("commission_id", "sector_id"))


def test_save_sets_the_copies_in_the_database_and_in_memory(chain):
    agreement = chain.agreement
    assert (agreement.session_id, agreement.commission_id, agreement.sector_id) == (
        chain.session.pk,
        chain.commissions[0].pk,
        chain.sector.pk,
    )
    assert placement_of(agreement) == (chain.session.pk, chain.commissions[0].pk, chain.sector.pk)
    assert line_placements(agreement) == {(chain.commissions[0].pk, chain.sector.pk)}
    assert_no_drift()


def test_moving_an_agreement_with_save_carries_its_lines(chain):
    chain.agreement.meeting = chain.other_meeting
    chain.agreement.save()
    assert chain.agreement.sector_id == chain.other_sector.pk
    assert line_placements(chain.agreement) == {(chain.commissions[1].pk, chain.other_sector.pk)}
    assert_no_drift()


def test_saving_a_line_with_stale_copies_is_put_right(chain):
    line = ActionLine.objects.get(pk=chain.lines[0].pk)
    Agreement.objects.filter(pk=chain.agreement.pk).update(meeting=chain.other_meeting)
    line.title = "Edited after its agreement moved"
    line.save()  # writes the commission and sector it loaded before the move
    assert_no_drift()


def test_bulk_create_with_wrong_copies_is_put_right(chain, make):
    wrong = {
        "session_id": chain.other_session.pk,
        "commission_id": chain.commissions[1].pk,
        "sector_id": chain.other_sector.pk,
    }
    made = Agreement.objects.bulk_create(
        [Agreement(meeting=chain.meeting, reference_code=f"BULK-{n}", title="Bulk", **wrong) for n in range(3)]
    )
    ActionLine.objects.bulk_create(
        [
            ActionLine(
                agreement=made[0],
                title=f"Bulk line {n}",
                due_date=datetime.date(2026, 5, 1),
                original_due_date=datetime.date(2026, 5, 1),
                commission_id=chain.commissions[1].pk,
                sector_id=chain.other_sector.pk,
            )
            for n in range(3)
        ]
    )
    assert placement_of(made[0]) == (chain.session.pk, chain.commissions[0].pk, chain.sector.pk)
    assert line_placements(made[0]) == {(chain.commissions[0].pk, chain.sector.pk)}
    assert_no_drift()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite checks NOT NULL before its triggers run")
def test_bulk_create_without_copies_gets_them_from_the_database(chain):
    made = Agreement(meeting=chain.meeting, reference_code="BULK-BARE", title="Bare")
    Agreement.objects.bulk_create([made])
    line = ActionLine(agreement=Agreement.objects.get(reference_code="BULK-BARE"), title="Bare line")
    line.due_date = line.original_due_date = datetime.date(2026, 5, 1)
    ActionLine.objects.bulk_create([line])
    assert_no_drift()


def test_update_moving_a_meeting_to_another_session_and_sector(chain, make):
    transport = make.sector("Transporte")
    SectoralMeeting.objects.filter(pk=chain.meeting.pk).update(session=chain.other_session, sector=transport)
    assert placement_of(chain.agreement) == (chain.other_session.pk, chain.commissions[1].pk, transport.pk)
    assert line_placements(chain.agreement) == {(chain.commissions[1].pk, transport.pk)}
    assert_no_drift()


def test_update_moving_a_session_to_another_commission(chain):
    Session.objects.filter(pk=chain.session.pk).update(commission=chain.commissions[1], number=99)
    assert placement_of(chain.agreement)[1] == chain.commissions[1].pk
    assert line_placements(chain.agreement) == {(chain.commissions[1].pk, chain.sector.pk)}
    assert_no_drift()


def test_update_moving_agreements_to_another_meeting(chain):
    Agreement.objects.filter(pk=chain.agreement.pk).update(meeting=chain.other_meeting)
    assert placement_of(chain.agreement) == (chain.other_session.pk, chain.commissions[1].pk, chain.other_sector.pk)
    assert line_placements(chain.agreement) == {(chain.commissions[1].pk, chain.other_sector.pk)}
    assert_no_drift()


def test_update_writing_the_copies_directly_is_refused_quietly(chain):
    Agreement.objects.filter(pk=chain.agreement.pk).update(sector=chain.other_sector, commission=chain.commissions[1])
    ActionLine.objects.filter(pk=chain.lines[0].pk).update(sector=chain.other_sector)
    assert placement_of(chain.agreement) == (chain.session.pk, chain.commissions[0].pk, chain.sector.pk)
    assert_no_drift()


def test_raw_sql_inserts_get_the_copies_from_the_chain(chain):
    now = timezone.now()
    table, lines = Agreement._meta.db_table, ActionLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (meeting_id, reference_code, external_reference, title, description, kind, status,"
            " confidentiality, session_id, commission_id, sector_id, created_at, updated_at)"
            " VALUES (%s, 'RAW-1', '', 'Raw', '', 'commitment', 'agreed', 'internal', %s, %s, %s, %s, %s)",
            [chain.meeting.pk, chain.other_session.pk, chain.commissions[1].pk, chain.other_sector.pk, now, now],
        )
        raw = Agreement.objects.get(reference_code="RAW-1")
        cursor.execute(
            f"INSERT INTO {lines} (agreement_id, title, description, external_reference, original_due_date, due_date,"
            " status, percent_complete, target_unit, commission_id, sector_id, created_at, updated_at)"
            " VALUES (%s, 'Raw line', '', '', '2026-05-01', '2026-05-01', 'not_started', 0, '', %s, %s, %s, %s)",
            [raw.pk, chain.commissions[1].pk, chain.other_sector.pk, now, now],
        )
    assert placement_of(raw) == (chain.session.pk, chain.commissions[0].pk, chain.sector.pk)
    assert line_placements(raw) == {(chain.commissions[0].pk, chain.sector.pk)}
    assert_no_drift()


def test_raw_sql_update_of_a_meeting_cascades(chain):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SectoralMeeting._meta.db_table} SET sector_id = %s WHERE id = %s",
            [chain.other_sector.pk, chain.meeting.pk],
        )
    assert line_placements(chain.agreement) == {(chain.commissions[0].pk, chain.other_sector.pk)}
    assert_no_drift()


def test_carry_over_leaves_no_drift(chain, make):
    editor = make.user(groups=["Editor"], is_staff=True)
    outcome = carry_over.carry_over(
        chain.session,
        editor,
        [chain.agreement.pk],
        [line.pk for line in chain.lines],
        new_session={
            "city": "Minsk",
            "country": make.country("BY", "Belarus"),
            "start_date": datetime.date(2027, 5, 4),
            "end_date": datetime.date(2027, 5, 6),
        },
    )
    assert (outcome.agreements, outcome.lines) == (1, 2)
    assert_no_drift()


def line_levels(agreement):
    return set(ActionLine.objects.filter(agreement=agreement).values_list("confidentiality", flat=True))


def test_lines_copy_their_agreements_confidentiality_when_made(chain):
    assert line_levels(chain.agreement) == {chain.agreement.confidentiality}
    assert {line.confidentiality for line in chain.lines} == {chain.agreement.confidentiality}


@pytest.mark.parametrize("how", ["save", "update", "raw sql"])
def test_a_change_of_an_agreements_confidentiality_reaches_its_lines(chain, how):
    restricted = Agreement.Confidentiality.RESTRICTED
    if how == "save":
        chain.agreement.confidentiality = restricted
        chain.agreement.save()
    elif how == "update":
        Agreement.objects.filter(pk=chain.agreement.pk).update(confidentiality=restricted)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Agreement._meta.db_table} SET confidentiality = %s WHERE id = %s",
                [restricted, chain.agreement.pk],
            )
    assert line_levels(chain.agreement) == {restricted}
    assert_no_drift()


def test_a_line_cannot_be_given_another_level_than_its_agreements(chain):
    ActionLine.objects.filter(pk=chain.lines[0].pk).update(confidentiality=Agreement.Confidentiality.PUBLIC)
    assert line_levels(chain.agreement) == {chain.agreement.confidentiality}


def test_a_line_moved_to_another_agreement_takes_that_agreements_level(chain, make):
    public = make.agreement(chain.other_meeting, confidentiality=Agreement.Confidentiality.PUBLIC)
    ActionLine.objects.filter(pk=chain.lines[0].pk).update(agreement=public)
    assert line_levels(public) == {Agreement.Confidentiality.PUBLIC}
    assert_no_drift()


def test_a_line_bulk_created_without_a_level_starts_restricted_until_the_trigger_copies_it(chain):
    line = ActionLine(agreement=chain.agreement, title="Bulk line", commission_id=0, sector_id=0)
    assert line.confidentiality == Agreement.Confidentiality.RESTRICTED  # closed, were a trigger missing
    line.due_date = line.original_due_date = datetime.date(2026, 5, 1)
    ActionLine.objects.bulk_create([line])
    assert line_levels(chain.agreement) == {chain.agreement.confidentiality}


def test_check_placement_repairs_a_drifted_confidentiality(chain, capsys):
    placement.drop_triggers(connection)
    try:
        ActionLine.objects.filter(pk=chain.lines[0].pk).update(confidentiality=Agreement.Confidentiality.PUBLIC)
    finally:
        placement.install_triggers(connection)
    assert placement.drift()["action_lines"] == (1, [chain.lines[0].pk])
    call_command("check_placement", "--repair")
    assert_no_drift()


def drift_behind_the_triggers_back(chain):
    """Make drift the way an old database or a load with triggers off would have it."""
    placement.drop_triggers(connection)
    try:
        Agreement.objects.filter(pk=chain.agreement.pk).update(sector=chain.other_sector)
        ActionLine.objects.filter(pk=chain.lines[1].pk).update(commission=chain.commissions[1])
    finally:
        placement.install_triggers(connection)


def test_check_placement_says_all_is_well(chain, capsys):
    call_command("check_placement")
    out = capsys.readouterr().out
    assert "agreements: 0 drifted" in out
    assert "action lines: 0 drifted" in out


def test_check_placement_reports_drift_with_examples_and_fails(chain, capsys):
    drift_behind_the_triggers_back(chain)
    with pytest.raises(CommandError, match="disagree"):
        call_command("check_placement")
    out = capsys.readouterr().out
    assert f"agreements: 1 drifted (e.g. ids {chain.agreement.pk})" in out
    assert f"action lines: 1 drifted (e.g. ids {chain.lines[1].pk})" in out


def test_check_placement_repair_puts_rows_right(chain, capsys):
    drift_behind_the_triggers_back(chain)
    call_command("check_placement", "--repair")
    assert "Repaired 1 agreements" in capsys.readouterr().out
    assert_no_drift()


def assert_check_placement_agrees(capsys):
    call_command("check_placement")
    out = capsys.readouterr().out
    assert "agreements: 0 drifted" in out
    assert "action lines: 0 drifted" in out


def assert_history_has_the_placement(model, fields):
    """The newest history entry of every row records the placement the database keeps on the row."""
    for row in model.objects.all():
        assert [getattr(row.history.latest(), name) for name in fields] == [getattr(row, name) for name in fields]


def test_a_spreadsheet_import_applied_leaves_no_drift(client, settings, tmp_path, import_world, import_editor, capsys):
    from tests.test_imports import GOOD_ROWS, apply_import, upload, xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    record = apply_import(client, upload(client, xlsx(GOOD_ROWS)))
    assert record.status == "applied"
    assert Agreement.objects.count() == 2
    assert set(Agreement.objects.values_list("sector_id", flat=True)) == {import_world["industry"].pk}
    assert_no_drift()
    assert_check_placement_agrees(capsys)
    assert_history_has_the_placement(Agreement, ("session_id", "commission_id", "sector_id"))
    assert_history_has_the_placement(ActionLine, ("commission_id", "sector_id"))


def test_a_spreadsheet_import_moving_an_agreement_takes_all_its_lines(
    client, settings, tmp_path, import_world, import_editor, capsys
):
    from tests.test_imports import GOOD_ROWS, apply_import, row, upload, xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    apply_import(client, upload(client, xlsx(GOOD_ROWS)))
    # Only its first line is in the file; the agreement moves to a new agriculture meeting of the session.
    record = apply_import(client, upload(client, xlsx([row(Sector="Agriculture")], name="moved.xlsx")))
    assert record.status == "applied", record.errors
    agreement = Agreement.objects.get(external_reference="EXT-A1")
    assert agreement.meeting.sector.name == "Agriculture"
    assert agreement.sector_id == agreement.meeting.sector_id
    assert line_placements(agreement) == {(import_world["commission"].pk, agreement.sector_id)}
    assert agreement.action_lines.count() == 2
    assert_no_drift()
    assert_check_placement_agrees(capsys)
    assert_history_has_the_placement(Agreement, ("session_id", "commission_id", "sector_id"))


@pytest.fixture
def import_world(make):
    from tests.test_imports import world

    return world.__wrapped__(make)


@pytest.fixture
def import_editor(client, make, in_english):
    client.force_login(make.user(groups=["Editor"]))
