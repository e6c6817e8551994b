"""Importing agreements and action lines from a spreadsheet: template, upload, preview, apply, history."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from agreements.imports import apply, check, runs
from agreements.imports.columns import COLUMNS
from agreements.models import ActionLine, Agreement, DeadlineChange, SectoralMeeting, SpreadsheetImport
from commission.celery import app as celery_app

pytestmark = pytest.mark.django_db
Status = SpreadsheetImport.Status
HEADERS = [column.english for column in COLUMNS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(make):
    """A commission with session VIII (no meeting yet), two sectors, our people and the counterpart's."""
    commission = make.commission(name="Venezuela–Belarus High-Level Joint Commission", short_name="VE-BY")
    session = make.session(commission, number=8, start_date=datetime.date(2026, 3, 2),
                           end_date=datetime.date(2026, 3, 6))  # fmt: skip
    industry = make.sector("Industry")
    make.sector("Agriculture")
    ministry = make.institution("Ministry of Industry", acronym="MINDI")
    belarus = make.country("BY", "Belarus")
    mtz = make.institution("Minsk Tractor Works", acronym="MTZ", country=belarus)
    make.person("Ana Pérez", institution=ministry)
    make.person("Andrés Pereira", institution=ministry)
    make.person("Ivan Petrov", institution=mtz)
    return {"commission": commission, "session": session, "industry": industry, "ministry": ministry, "mtz": mtz}


@pytest.fixture
def editor(client, make, in_english):
    user = make.user(groups=["Editor"], first_name="Elena", last_name="Editor")
    client.force_login(user)
    return user


def row(**changes):
    """One action line of agreement EXT-A1, as an editor would fill it in, by English header."""
    values = {
        "Commission": "VE-BY",
        "Session number": "VIII",
        "Sector": "Industry",
        "Meeting date": "2026-03-03",
        "Agreement external reference": "EXT-A1",
        "Agreement reference code": "VE-BY-VIII-IND-01",
        "Agreement title": "Tractor assembly at Santa Inés",
        "Kind": "Contract",
        "Agreement status": "Signed",
        "Confidentiality": "Internal",
        "Signed date": "2026-03-04",
        "Line external reference": "EXT-L1",
        "Action line title": "Deliver tractor kits",
        "Responsible person (our side)": "Ana Pérez",
        "Responsible institution (our side)": "",
        "Counterpart person": "Ivan Petrov",
        "Counterpart institution": "MTZ",
        "Deadline": "2026-09-30",
        "Target quantity": "80",
        "Unit": "tractors",
        "Line status": "In progress",
        "Percent complete": "25",
        "Completed date": "",
    }
    values.update(changes)
    return [values[header] for header in HEADERS]


GOOD_ROWS = [
    row(),
    row(**{"Line external reference": "EXT-L2", "Action line title": "Train mechanics", "Target quantity": "",
           "Unit": "", "Percent complete": "0", "Line status": "Not started"}),
    row(**{"Agreement external reference": "EXT-A2", "Agreement reference code": "VE-BY-VIII-IND-02",
           "Agreement title": "Truck plant feasibility", "Kind": "Commitment", "Agreement status": "Agreed",
           "Signed date": "", "Confidentiality": "Restricted", "Line external reference": "EXT-L3",
           "Action line title": "Feasibility study", "Target quantity": "", "Unit": "", "Percent complete": "",
           "Line status": ""}),
]  # fmt: skip


def xlsx(rows, headers=HEADERS, name="outcomes.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_file(rows, delimiter=",", name="outcomes.csv"):
    lines = [delimiter.join(HEADERS)] + [delimiter.join(values) for values in rows]
    return SimpleUploadedFile(name, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def upload(client, uploaded):
    response = client.post(reverse("agreements:import_upload"), {"file": uploaded})
    assert response.status_code == 302, response.content.decode()[:2000]
    return SpreadsheetImport.objects.latest("pk")


def apply_import(client, record):
    response = client.post(reverse("agreements:import_apply", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    return record


def test_the_template_downloads_as_xlsx_with_its_meanings_and_as_csv(client, editor, world):
    response = client.get(reverse("agreements:import_template_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.worksheets) == 2
    data, meanings = workbook.worksheets
    assert [cell.value for cell in next(data.iter_rows(max_row=1))] == HEADERS
    listed = [row[3] for row in meanings.iter_rows(values_only=True) if row and len(row) > 3]
    assert "Industry" in listed and "In progress" in listed and "Restricted" in listed

    response = client.get(reverse("agreements:import_template_csv"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.lstrip("\ufeff").splitlines()[0].split(",") == HEADERS


def test_the_spanish_template_has_spanish_headers_and_either_language_is_read(client, make, world):
    client.force_login(make.user(groups=["Editor"]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    text = client.get(reverse("agreements:import_template_csv")).content.decode("utf-8")
    assert text.lstrip("\ufeff").splitlines()[0].split(";")[:3] == ["Comisión", "Número de sesión", "Sector"]
    spanish = [column.spanish for column in COLUMNS]
    record = upload(client, xlsx([row()], headers=spanish))
    assert record.status == Status.READY, record.errors


def test_a_file_with_one_bad_row_is_rejected_whole_naming_row_and_column(client, editor, world):
    bad = {"Agreement external reference": "EXT-A3", "Agreement reference code": "VE-BY-VIII-FIS-01",
           "Line external reference": "EXT-L4", "Sector": "Fisheries"}  # fmt: skip
    rows = [*GOOD_ROWS, row(**bad)]
    record = upload(client, xlsx(rows))

    assert record.status == Status.INVALID
    assert record.errors == [
        {"row": 5, "letter": "C", "column": "Sector",
         "message": "No sector called “Fisheries”."},
    ]  # fmt: skip
    page = client.get(record.get_absolute_url()).content.decode()
    assert "The file has 1 problem" in page and "No sector called “Fisheries”." in page
    assert "Apply the import" not in page
    response = client.post(reverse("agreements:import_apply", args=[record.pk]))
    assert response.status_code == 302
    assert not Agreement.objects.exists() and not ActionLine.objects.exists()
    assert not SectoralMeeting.objects.exists()


def test_every_kind_of_row_error_is_reported(client, editor, world):
    rows = [
        row(**{"Deadline": "31/02/2026"}),
        row(**{"Line external reference": "EXT-L2", "Deadline": "2150-01-01"}),
        row(**{"Line external reference": "EXT-L3", "Unit": ""}),
        row(**{"Line external reference": "EXT-L4", "Line status": "Nearly there"}),
        row(**{"Line external reference": "EXT-L5", "Percent complete": "140"}),
        row(**{"Line external reference": "EXT-L5"}),
        row(**{"Agreement external reference": "EXT-A9", "Session number": "12", "Line external reference": "L9"}),
        row(**{"Agreement external reference": "EXT-A8", "Commission": "Nowhere", "Line external reference": "L8"}),
    ]
    record = upload(client, xlsx(rows))
    found = {(error["row"], error["column"]) for error in record.errors}
    assert {
        (2, "Deadline"), (3, "Deadline"), (4, "Unit"), (5, "Line status"), (6, "Percent complete"),
        (7, "Line external reference"), (8, "Session number"), (9, "Commission"),
    } <= found  # fmt: skip
    messages = " ".join(error["message"] for error in record.errors)
    assert "between 1990 and 2100" in messages
    assert "also on row 6" in messages
    assert "has no session 12" in messages


def test_a_good_file_applied_creates_its_rows_with_history_naming_the_import(client, editor, world):
    record = upload(client, xlsx(GOOD_ROWS))
    assert record.status == Status.READY, record.errors
    assert (record.created_count, record.changed_count, record.unchanged_count) == (3, 0, 0)
    assert not Agreement.objects.exists()  # the preview writes nothing

    record = apply_import(client, record)

    assert record.status == Status.APPLIED and record.applied_at
    meeting = SectoralMeeting.objects.get()
    assert (meeting.session, meeting.sector, meeting.date) == (world["session"], world["industry"],
                                                               datetime.date(2026, 3, 3))  # fmt: skip
    contract = Agreement.objects.get(external_reference="EXT-A1")
    assert (contract.kind, contract.status, contract.signed_date) == ("contract", "signed", datetime.date(2026, 3, 4))
    # The placement copies the database keeps agree with the meeting → session → commission chain.
    assert (contract.session_id, contract.commission_id, contract.sector_id) == (
        world["session"].pk, world["commission"].pk, world["industry"].pk)  # fmt: skip
    line = ActionLine.objects.get(external_reference="EXT-L1")
    assert (line.commission_id, line.sector_id) == (world["commission"].pk, world["industry"].pk)
    assert line.responsible_person.full_name == "Ana Pérez"
    assert line.responsible_institution == world["ministry"]  # taken from the person
    assert line.counterpart_institution == world["mtz"]
    assert (line.target_quantity, line.target_unit, line.percent_complete) == (80, "tractors", 25)
    assert line.original_due_date == line.due_date == datetime.date(2026, 9, 30)
    assert Agreement.objects.get(external_reference="EXT-A2").confidentiality == "restricted"
    reason = f"Spreadsheet import {record.pk}: outcomes.xlsx"
    assert contract.history.get().history_change_reason == reason
    assert line.history.get().history_change_reason == reason
    assert line.history.get().history_user == editor

    page = client.get(reverse("agreements:import_list")).content.decode()
    assert "outcomes.xlsx" in page and "Elena Editor" in page

    # The import's page links each row to what it made, as far as the reader may see it.
    page = client.get(record.get_absolute_url()).content.decode()
    assert f'href="{contract.get_absolute_url()}"' in page
    assert f'href="{line.get_absolute_url()}"' in page
    restricted = Agreement.objects.get(external_reference="EXT-A2")
    cleared = Agreement.objects.visible_to(editor).filter(pk=restricted.pk).exists()
    assert (f'href="{restricted.get_absolute_url()}"' in page) == cleared


def test_the_same_file_imported_twice_is_all_unchanged_the_second_time(client, editor, world):
    apply_import(client, upload(client, xlsx(GOOD_ROWS)))
    again = upload(client, xlsx(GOOD_ROWS))
    assert again.status == Status.READY
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, 3)
    again = apply_import(client, again)
    assert again.status == Status.APPLIED
    assert (Agreement.objects.count(), ActionLine.objects.count()) == (2, 3)


def test_a_changed_cell_shows_old_and_new_and_is_applied(client, editor, world):
    apply_import(client, upload(client, xlsx(GOOD_ROWS)))
    changed = [row(**{"Deadline": "2026-10-31", "Line status": "Blocked"}), *GOOD_ROWS[1:]]
    record = upload(client, xlsx(changed))

    assert (record.created_count, record.changed_count, record.unchanged_count) == (0, 1, 2)
    [preview] = record.preview["changed"]
    assert preview["row"] == 2
    assert {"column": "deadline", "old": "2026-09-30", "new": "2026-10-31"} in preview["changes"]
    assert {"column": "line_status", "old": "in_progress", "new": "blocked"} in preview["changes"]
    page = client.get(record.get_absolute_url()).content.decode()
    assert "<del>2026-09-30</del> → <ins>2026-10-31</ins>" in page
    assert "<del>In progress</del> → <ins>Blocked</ins>" in page

    apply_import(client, record)
    line = ActionLine.objects.get(external_reference="EXT-L1")
    assert (line.due_date, line.status, line.original_due_date) == (
        datetime.date(2026, 10, 31), "blocked", datetime.date(2026, 9, 30))  # fmt: skip
    change = DeadlineChange.objects.get(action_line=line)
    assert change.old_date == datetime.date(2026, 9, 30) and str(record.pk) in change.reason
    assert line.history.first().history_change_reason == f"Spreadsheet import {record.pk}: outcomes.xlsx"


def test_an_agreement_recorded_by_hand_is_found_by_its_reference_code_and_its_line_by_title(client, editor, make,
                                                                                           world):  # fmt: skip
    meeting = make.meeting(world["session"], world["industry"], date=datetime.date(2026, 3, 3))
    agreement = make.agreement(meeting, reference_code="VE-BY-VIII-IND-01", title="Tractor assembly at Santa Inés")
    line = make.action_line(agreement, title="Deliver tractor kits", due_date=datetime.date(2026, 9, 30))

    record = apply_import(client, upload(client, xlsx([row()])))

    assert record.status == Status.APPLIED, record.errors
    assert Agreement.objects.get().external_reference == "EXT-A1"
    line.refresh_from_db()
    assert line.external_reference == "EXT-L1" and ActionLine.objects.count() == 1


def test_a_person_not_found_is_reported_with_the_closest_names(client, editor, world):
    record = upload(client, xlsx([row(**{"Responsible person (our side)": "Ana Peres"})]))
    [error] = record.errors
    assert (error["row"], error["letter"], error["column"]) == (2, "N", "Responsible person (our side)")
    assert error["message"].startswith("No person called “Ana Peres”. Closest names: Ana Pérez")


def test_a_csv_with_semicolons_and_a_byte_order_mark_is_read(client, editor, world):
    record = upload(client, csv_file(GOOD_ROWS, delimiter=";"))
    assert record.status == Status.READY, record.errors
    assert record.created_count == 3
    assert apply_import(client, record).status == Status.APPLIED
    assert ActionLine.objects.get(external_reference="EXT-L1").responsible_person.full_name == "Ana Pérez"


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, editor, world):
    response = client.post(reverse("agreements:import_upload"), {"file": SimpleUploadedFile("a.xlsx", b"%PDF-1.4\n")})
    assert response.status_code == 200
    assert "Upload an XLSX or CSV file" in response.content.decode()
    assert not SpreadsheetImport.objects.exists()


def test_viewers_may_not_import_nor_see_imports(client, make, world, viewer):
    record = SpreadsheetImport.objects.create(file_name="x.xlsx", file="x.xlsx", status=Status.READY)
    for name, args in [("import_list", []), ("import_upload", []), ("import_template_xlsx", []),
                       ("import_template_csv", []), ("import_detail", [record.pk])]:  # fmt: skip
        assert viewer.get(reverse(f"agreements:{name}", args=args)).status_code == 403
    assert viewer.post(reverse("agreements:import_upload"), {"file": xlsx(GOOD_ROWS)}).status_code == 403
    assert viewer.post(reverse("agreements:import_apply", args=[record.pk])).status_code == 403
    assert not SpreadsheetImport.objects.exclude(pk=record.pk).exists()
    assert "Imports" not in viewer.get(reverse("agreements:home")).content.decode()


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_long_file_is_checked_and_applied_by_the_task_with_progress(
    client, editor, world, monkeypatch, django_capture_on_commit_callbacks
):
    # The Celery app read its settings at start-up: with REDIS_URL set (as in CI) tasks would go to the broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setattr(check, "PROGRESS_EVERY", 1)
    seen = []
    recorder = runs.progress_recorder

    def watching(record):
        record_progress = recorder(record)

        def record_and_watch(done):
            record_progress(done)
            seen.append(SpreadsheetImport.objects.values_list("status", "rows_done", "rows_total").get(pk=record.pk))

        return record_and_watch

    monkeypatch.setattr(runs, "progress_recorder", watching)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        record = upload(client, xlsx(GOOD_ROWS))
    assert len(queued) == 1
    record.refresh_from_db()
    assert record.status == Status.READY
    assert seen == [("checking", 1, 3), ("checking", 2, 3), ("checking", 3, 3), ("checking", 3, 3)]

    seen.clear()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        record = apply_import(client, record)
    assert len(queued) == 1
    record.refresh_from_db()
    assert record.status == Status.APPLIED and record.rows_done == record.rows_total == 3
    assert seen[0] == ("applying", 1, 3)
    assert ActionLine.objects.count() == 3


def test_the_page_of_an_import_at_work_shows_a_progress_bar_and_refreshes_itself(client, editor):
    record = SpreadsheetImport.objects.create(
        file_name="big.xlsx", file="big.xlsx", status=Status.CHECKING, uploaded_by=editor, rows_total=400,
        rows_done=100,
    )  # fmt: skip
    page = client.get(record.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress class="import-progress-bar" max="400" value="100"' in page
    assert "100 of 400 rows checked (25%)" in page
    record.status = Status.READY
    record.save()
    assert "http-equiv" not in client.get(record.get_absolute_url()).content.decode()


def test_applying_is_one_transaction_a_failure_midway_writes_nothing(client, editor, world, monkeypatch):
    record = upload(client, xlsx(GOOD_ROWS))

    def broken(*args, **kwargs):
        assert Agreement.objects.count() == 2  # the agreements were written before the failure
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply, "write_lines", broken)
    record = apply_import(client, record)

    assert record.status == Status.FAILED
    assert record.errors[0]["message"] == "Nothing was imported: disk full"
    assert not Agreement.objects.exists() and not ActionLine.objects.exists()
    assert not SectoralMeeting.objects.exists()
    assert not Agreement.history.exists()
    assert "The import failed" in client.get(record.get_absolute_url()).content.decode()


def test_a_row_changed_after_the_check_stops_the_whole_import(client, editor, world):
    apply_import(client, upload(client, xlsx(GOOD_ROWS)))
    record = upload(client, xlsx([row(**{"Percent complete": "50"}), *GOOD_ROWS[1:]]))
    plan = check.check(runs.load(record))
    edited_meanwhile = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    ActionLine.objects.filter(external_reference="EXT-L1").update(updated_at=edited_meanwhile)
    with pytest.raises(apply.Stale), transaction.atomic():
        apply.write(plan, user=editor, reason="test")
    assert ActionLine.objects.get(external_reference="EXT-L1").percent_complete == 25


def test_an_import_cannot_be_applied_twice(client, editor, world):
    record = apply_import(client, upload(client, xlsx(GOOD_ROWS)))
    response = client.post(reverse("agreements:import_apply", args=[record.pk]), follow=True)
    assert "not ready to apply" in response.content.decode()
    assert ActionLine.objects.count() == 3
