"""CSV and XLSX exports: the list's filters, every matching row, streamed, safe to open in a spreadsheet."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import exports
from agreements.models import Agreement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today", "in_english")]

TODAY = datetime.date(2026, 4, 15)
AGREEMENTS_CSV = reverse("agreements:agreement_export_csv")
AGREEMENTS_XLSX = reverse("agreements:agreement_export_xlsx")
LINES_CSV = reverse("agreements:action_line_export_csv")
LINES_XLSX = reverse("agreements:action_line_export_xlsx")


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    assert response["Content-Type"] == exports.XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_agreement_csv_has_localized_headers_and_every_matching_row(viewer, make):
    for number in range(30):
        make.agreement(title=f"Proposed {number}", status="proposed")
    make.agreement(title="Agreed", status="agreed")
    response = viewer.get(AGREEMENTS_CSV, {"status": "proposed", "page": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="agreements-2026-04-15.csv"'
    rows = read_csv(response)
    assert rows[0][:3] == ["Reference code", "Title", "Commission"]
    assert len(rows) == 1 + 30  # every row, not one page
    assert {row[1] for row in rows[1:]} == {f"Proposed {number}" for number in range(30)}
    assert {row[6] for row in rows[1:]} == {"Proposed"}


def test_agreement_xlsx_opens_with_header_and_one_row_per_agreement(viewer, make):
    veneminsk = make.institution("Veneminsk")
    agreement = make.agreement(
        title="Reactivación de la fábrica de tractores Veneminsk",
        kind="contract",
        status="signed",
        signed_date=datetime.date(2026, 1, 16),
        coordinator=make.person("María Pérez"),
    )
    agreement.our_institutions.add(veneminsk, make.institution("Mazven"))
    make.action_line(agreement, due_date=TODAY - datetime.timedelta(days=2), percent_complete=40)
    make.action_line(agreement, due_date=TODAY, percent_complete=60)
    make.agreement(title="Other")
    response = viewer.get(AGREEMENTS_XLSX, {"institution": "veneminsk"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="agreements-2026-04-15.xlsx"'
    rows = read_xlsx(response)
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert header[0] == "Reference code"
    assert row["Title"] == agreement.title
    assert row["Status"] == "Signed"
    assert row["Signed"] == datetime.datetime(2026, 1, 16)  # a real date cell
    assert row["Institutions (our side)"] == "Mazven; Veneminsk"
    assert row["Coordinator"] == "María Pérez"
    assert (row["Action lines"], row["Overdue action lines"], row["Progress (%)"]) == (2, 1, 50)


def test_action_line_exports_use_the_list_filters(viewer, make):
    make.action_line(title="Late", due_date=TODAY - datetime.timedelta(days=1), target_quantity=80, target_unit="x")
    make.action_line(title="On time", due_date=TODAY + datetime.timedelta(days=10))
    rows = read_csv(viewer.get(LINES_CSV, {"overdue": "yes"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert [row[2] for row in rows] == ["Action line", "Late"]
    assert dict(zip(rows[0], rows[1], strict=True))["Overdue"] == "Yes"
    rows = read_xlsx(viewer.get(LINES_XLSX, {"sort": "-deadline"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert [row[2] for row in rows] == ["Action line", "On time", "Late"]
    assert dict(zip(rows[0], rows[2], strict=True))["Target quantity"] == 80


@pytest.mark.parametrize("url", [AGREEMENTS_CSV, AGREEMENTS_XLSX, LINES_CSV, LINES_XLSX])
def test_an_empty_result_is_a_file_with_only_the_header(viewer, make, url):
    make.action_line()
    response = viewer.get(url, {"q": "nothing-matches-this"})
    assert response.status_code == 200
    rows = read_xlsx(response) if url.endswith("xlsx") else read_csv(response)
    assert len(rows) == 1 and rows[0][0]


@pytest.mark.parametrize("url", [AGREEMENTS_CSV, AGREEMENTS_XLSX, LINES_CSV, LINES_XLSX])
@pytest.mark.parametrize("query", [{"status": "zzz"}, {"commission": "xyz"}])
def test_bad_parameters_answer_400(viewer, url, query):
    response = viewer.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_restricted_agreements_are_not_exported_to_a_viewer(viewer, make):
    make.agreement(title="Secret", confidentiality="restricted")
    make.agreement(title="Internal")
    assert [row[1] for row in read_csv(viewer.get(AGREEMENTS_CSV))[1:]] == ["Internal"]


def test_cells_that_look_like_formulas_stay_text(viewer, make):
    make.agreement(title='=HYPERLINK("http://evil.example","click")', description="x")
    make.agreement(title="Bell\x07 and tab")
    csv_titles = sorted(row[1] for row in read_csv(viewer.get(AGREEMENTS_CSV))[1:])
    assert csv_titles == ['\'=HYPERLINK("http://evil.example","click")', "Bell\x07 and tab"]
    response = viewer.get(AGREEMENTS_XLSX)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = sorted((row[1] for row in workbook.active.iter_rows(min_row=2)), key=lambda cell: str(cell.value))
    assert [cell.value for cell in cells] == ['=HYPERLINK("http://evil.example","click")', "Bell and tab"]
    assert [cell.data_type for cell in cells] == ["s", "s"]


def test_rows_are_read_in_chunks_with_their_institutions(make, monkeypatch):
    """The export walks an iterator in chunks; each chunk fetches its own institutions."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    for number in range(25):
        agreement = make.agreement()
        agreement.our_institutions.add(make.institution(f"Ours {number}"))
        agreement.counterpart_institutions.add(make.institution(f"Theirs {number}", acronym=f"T{number}"))
    from agreements.filters import AgreementFilter

    queryset = AgreementFilter.rows(make.user(groups=["Viewer"]), TODAY).order_by("id")
    columns, rows = exports.agreement_export(queryset)
    with CaptureQueriesContext(connection) as queries:
        rows = read_csv(exports.csv_response(columns, rows, "agreements.csv"))
    assert len(rows) == 26
    assert [row[10:12] for row in rows[1:3]] == [["Ours 0", "Theirs 0 (T0)"], ["Ours 1", "Theirs 1 (T1)"]]
    institution_queries = [q for q in queries if '"agreements_institution"' in q["sql"]]
    assert len(institution_queries) == 2 * 3  # ours and theirs, for each of 3 chunks


def test_export_query_count_does_not_grow_with_rows(viewer, make):
    def count(rows):
        Agreement.objects.all().delete()
        for _ in range(rows):
            agreement = make.agreement(coordinator=make.person())
            agreement.counterpart_institutions.add(make.institution())
            make.action_line(agreement, responsible_person=make.person(), counterpart_institution=make.institution())
        counts = []
        for url in (AGREEMENTS_CSV, LINES_CSV):
            with CaptureQueriesContext(connection) as queries:
                b"".join(viewer.get(url).streaming_content)
            counts.append(len(queries))
        return counts

    assert count(5) == count(50)


def test_action_line_xlsx_cells_read_back_with_their_types(viewer, make):
    agreement = make.agreement(title='Acuerdo <Ñandú> & "Café"')
    make.action_line(
        agreement,
        title="=1+1",
        due_date=datetime.date(2026, 5, 2),
        status="in_progress",
        percent_complete=40,
        target_quantity=Decimal("12.50"),
        target_unit="km",
        responsible_person=make.person("José Núñez\x0b"),
    )
    response = viewer.get(LINES_XLSX)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="action-lines-2026-04-15.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, cells = (
        [cell.value for cell in sheet[1]],
        dict(zip([cell.value for cell in sheet[1]], sheet[2], strict=True)),
    )
    assert sheet.title == "Action lines"
    assert header[:3] == ["Agreement reference", "Agreement", "Action line"]
    assert (cells["Agreement"].value, cells["Agreement"].data_type) == ('Acuerdo <Ñandú> & "Café"', "s")
    assert (cells["Action line"].value, cells["Action line"].data_type) == ("=1+1", "s")
    assert cells["Responsible person (our side)"].value == "José Núñez"
    assert cells["Deadline"].is_date and cells["Deadline"].value == datetime.datetime(2026, 5, 2)
    assert cells["Original deadline"].value == datetime.datetime(2026, 5, 2)
    assert (cells["Percent complete"].value, cells["Percent complete"].data_type) == (40, "n")
    assert (cells["Target quantity"].value, cells["Target quantity"].data_type) == (12.5, "n")
    assert (cells["Status"].value, cells["Overdue"].value, cells["Unit"].value) == ("In progress", "No", "km")
    assert cells["Completed"].value is None and cells["Achieved quantity"].value is None
