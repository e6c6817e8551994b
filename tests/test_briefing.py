"""The follow-up matrix of a commission's sessions: the page, the XLSX file and the PDF briefing pack."""

import datetime
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import exports
from agreements.models import ActionLine, ProgressUpdate, Session
from agreements.progress import report_progress
from tests.conftest import require_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = datetime.date(2026, 4, 15)


@pytest.fixture
def commission(make):
    """Session VII (held in 2025) and session VIII (held in January 2026): agreements in industry and food."""
    made = make.commission("Comisión Mixta de Alto Nivel Venezuela–Belarús")
    vii = make.session(made, 7, start_date=datetime.date(2025, 3, 10), city="Minsk", status=Session.Status.HELD)
    viii = make.session(
        made,
        8,
        start_date=datetime.date(2026, 1, 15),
        end_date=datetime.date(2026, 1, 17),
        city="Caracas",
        status=Session.Status.HELD,
    )
    industry, food = make.sector("Industria"), make.sector("Alimentación")
    old = make.agreement(make.meeting(vii, industry, date=datetime.date(2025, 3, 11)), title="Tractores (VII)")
    tractors = make.agreement(
        make.meeting(viii, industry),
        reference_code="VE-BY-VIII-IND-01",
        title="Reactivación de la fábrica de tractores Veneminsk",
        carried_over_from=old,
    )
    milk = make.agreement(make.meeting(viii, food), reference_code="VE-BY-VIII-ALI-01", title="Leche en polvo")
    veneminsk = make.institution("Veneminsk", acronym="VMK")
    owner = make.person("Luis Alberto Rondón", institution=veneminsk)
    late = make.action_line(
        tractors,
        title="Ensamblaje de 80 tractores",
        responsible_person=owner,
        responsible_institution=veneminsk,
        counterpart_person=make.person("Dzmitry Savitski"),
        due_date=TODAY - datetime.timedelta(days=12),
        target_quantity=80,
        target_unit="tractores",
        achieved_quantity=32,
        status="in_progress",
        percent_complete=40,
    )
    late.change_deadline(TODAY - datetime.timedelta(days=5), "Piezas retenidas en aduana")
    late.change_deadline(TODAY - datetime.timedelta(days=12), "Nueva fecha del proveedor")
    report_progress(late, author=None, note="Llegaron 32 tractores; faltan repuestos de cabina.", percent_complete=40)
    make.action_line(milk, title="Primer embarque de leche", due_date=TODAY + datetime.timedelta(days=20))
    make.agreement(make.meeting(viii, make.sector("Transporte")), title="Flota de camiones MAZ")  # no lines
    made.sessions_by_number = {7: vii, 8: viii}
    return made


@pytest.fixture
def editor(client, make):
    client.force_login(make.user(groups=["Editor"], is_staff=True))
    return client


def matrix_url(commission, name="follow_up"):
    return reverse(f"agreements:{name}", args=[commission.pk])


def restricted(make, commission):
    session = commission.sessions_by_number[8]
    secret = make.agreement(
        make.meeting(session, make.sector("Petroquímica")),
        reference_code="VE-BY-VIII-PET-01",
        title="Acuerdo reservado de fertilizantes",
        confidentiality="restricted",
    )
    make.action_line(secret, title="Línea reservada de urea", due_date=TODAY - datetime.timedelta(days=3))
    return secret


def pdf_text(response):
    require_service("pdftotext", shutil.which("pdftotext"), "install Debian's poppler-utils (make setup does)")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.worksheets) == 1
    return workbook.active


# ---------- The page ----------


def test_page_defaults_to_the_latest_session_held_grouped_by_sector(editor, commission):
    response = editor.get(matrix_url(commission), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensamblaje de 80 tractores" in page
    assert "Luis Alberto Rondón, VMK" in page and "Dzmitry Savitski" in page
    assert "12 days overdue" in page
    assert "moved 2 times" in page
    assert "32 of 80 tractores" in page
    assert "Llegaron 32 tractores" in page
    assert "carried over from VII" in page
    assert "Flota de camiones MAZ" in page  # an agreement without lines
    assert "Tractores (VII)" not in page  # session VII is not chosen
    assert page.index("Alimentación") < page.index("Industria") < page.index("Transporte")


def test_page_shows_several_chosen_sessions(editor, commission):
    sessions = [session.pk for session in commission.sessions_by_number.values()]
    page = editor.get(matrix_url(commission), {"session": sessions}).content.decode()
    assert "Tractores (VII)" in page and "Ensamblaje de 80 tractores" in page


def test_commission_page_links_the_matrix_the_file_and_the_pack(editor, commission):
    page = editor.get(commission.get_absolute_url()).content.decode()
    for name in ("follow_up", "follow_up_xlsx", "follow_up_pdf"):
        assert f'href="{matrix_url(commission, name)}"' in page


@pytest.mark.parametrize("name", ["follow_up", "follow_up_xlsx", "follow_up_pdf"])
@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.5", ""])
def test_bad_session_parameters_answer_400_or_an_empty_matrix(editor, commission, make, name, value):
    response = editor.get(matrix_url(commission, name), {"session": value})
    assert response.status_code in (200, 400)
    if response.status_code == 200 and name == "follow_up":
        assert "Ensamblaje" not in response.content.decode() or value == ""


@pytest.mark.parametrize("name", ["follow_up", "follow_up_xlsx", "follow_up_pdf"])
def test_a_session_of_another_commission_answers_400(editor, commission, make, name):
    other = make.session(make.commission(), 1)
    assert editor.get(matrix_url(commission, name), {"session": other.pk}).status_code == 400


def test_an_unknown_language_answers_400(editor, commission):
    assert editor.get(matrix_url(commission, "follow_up_pdf"), {"lang": "xx"}).status_code == 400


def test_a_commission_without_sessions_gives_an_empty_matrix(editor, make):
    empty = make.commission()
    assert editor.get(matrix_url(empty)).status_code == 200
    assert read_xlsx(editor.get(matrix_url(empty, "follow_up_xlsx"))).max_row == 2


@pytest.mark.parametrize("name", ["follow_up", "follow_up_xlsx"])
def test_query_count_does_not_grow_with_the_lines(editor, make, name):
    def queries(count):
        made = make.commission()
        session = make.session(made, 1, status=Session.Status.HELD)
        for number in range(count):
            agreement = make.agreement(make.meeting(session, make.sector()))
            line = make.action_line(agreement, responsible_person=make.person(), carried_over_from=None)
            line.change_deadline(TODAY + datetime.timedelta(days=number + 1), "Moved")
            report_progress(line, author=None, note=f"Update {number}")
        with CaptureQueriesContext(connection) as captured:
            response = editor.get(matrix_url(made, name))
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(captured)

    assert queries(5) == queries(50)


# ---------- XLSX ----------


def test_xlsx_has_a_frozen_header_filters_and_one_row_per_line(editor, commission):
    sheet = read_xlsx(editor.get(matrix_url(commission, "follow_up_xlsx"), HTTP_ACCEPT_LANGUAGE="en"))
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[1]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(len(header))}{len(rows)}"
    assert "Venezuela–Belarús" in rows[0][0]
    assert header[:3] == ["Sector", "Session", "Agreement reference"]
    lines = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    assert len(lines) == 3  # two lines, and one row for the agreement without lines
    late = next(row for row in lines if row["Action line"] == "Ensamblaje de 80 tractores")
    assert late["Overdue"] == "Yes"
    assert late["Deadline changes"] == 2
    assert late["Responsible person (our side)"] == "Luis Alberto Rondón"
    assert (late["Target quantity"], late["Achieved quantity"]) == (80, 32)
    assert late["Carried over from"] == "VII"
    assert late["Latest update"].startswith("Llegaron 32 tractores")
    assert next(row for row in lines if row["Agreement"] == "Flota de camiones MAZ")["Action line"] is None


def test_xlsx_cells_that_look_like_formulas_stay_text(editor, commission, make):
    agreement = make.agreement(
        make.meeting(commission.sessions_by_number[8], make.sector("Vivienda")), title="x", description="y"
    )
    make.action_line(agreement, title='=HYPERLINK("http://evil.example","click")')
    sheet = read_xlsx(editor.get(matrix_url(commission, "follow_up_xlsx")))
    titles = [row[5].value for row in sheet.iter_rows(min_row=3)]
    assert '=HYPERLINK("http://evil.example","click")' in titles
    cell = next(row[5] for row in sheet.iter_rows(min_row=3) if row[5].value and row[5].value.startswith("="))
    assert cell.data_type == "s"


# ---------- The PDF briefing pack ----------


def test_pack_in_english_names_the_commission_session_overdue_line_and_owner(editor, commission):
    text = pdf_text(editor.get(matrix_url(commission, "follow_up_pdf"), {"lang": "en"}))
    assert "Comisión Mixta de Alto Nivel Venezuela–Belarús" in text
    assert "Session VIII, Caracas" in text
    assert "Ensamblaje de 80 tractores" in text
    assert "Luis Alberto Rondón" in text
    assert "12 days overdue" in text
    assert "Briefing pack" in text
    assert "INTERNAL" in text and "RESTRICTED" not in text


def test_pack_in_spanish_from_the_request_language(editor, commission):
    text = pdf_text(editor.get(matrix_url(commission, "follow_up_pdf"), HTTP_ACCEPT_LANGUAGE="es"))
    assert "Comisión Mixta de Alto Nivel Venezuela–Belarús" in text
    assert "Sesión VIII, Caracas" in text
    assert "Ensamblaje de 80 tractores" in text and "Luis Alberto Rondón" in text
    assert "Fecha límite" in text and "Línea de acción" in text
    assert "INTERNO" in text


def test_pack_lang_parameter_wins_over_the_request_language(editor, commission):
    text = pdf_text(editor.get(matrix_url(commission, "follow_up_pdf"), {"lang": "es"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Sesión VIII, Caracas" in text


def test_pack_summary_counts_what_changed_since_the_last_session(editor, commission):
    text = pdf_text(editor.get(matrix_url(commission, "follow_up_pdf"), {"lang": "en"}))
    assert "1 progress update" in text
    assert "2 deadline changes" in text
    assert "Progress by sector" in text


def test_a_pack_over_the_cap_is_not_drawn_in_the_request_but_offered_in_the_background(
    editor, commission, settings, in_english
):
    settings.BRIEFING_PDF_MAX_LINES = 1
    page = editor.get(matrix_url(commission))
    assert page.status_code == 200
    assert "follow_up_pdf" not in page.text and "briefing.pdf" not in page.text
    message = "These sessions have 2 action lines: a briefing pack of more than 1 takes too long to draw while you wait"
    assert message in " ".join(page.text.split())
    assert matrix_url(commission, "briefing_pack_request") in page.text
    response = editor.get(matrix_url(commission, "follow_up_pdf"), {"lang": "es"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in " ".join(response.text.split())
    assert "follow-up.xlsx" in response.text


def test_a_pack_at_the_cap_is_drawn(editor, commission, settings):
    settings.BRIEFING_PDF_MAX_LINES = 2
    assert "briefing.pdf" in editor.get(matrix_url(commission)).text
    assert "Ensamblaje de 80 tractores" in pdf_text(editor.get(matrix_url(commission, "follow_up_pdf"), {"lang": "es"}))


# ---------- Confidentiality ----------


def test_restricted_item_is_left_out_for_a_viewer_and_said_so(viewer, commission, make):
    restricted(make, commission)
    page = viewer.get(matrix_url(commission), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    note = "This pack leaves out 2 items you are not cleared to see."
    assert "Acuerdo reservado" not in page and "urea" not in page and note in page
    sheet = read_xlsx(viewer.get(matrix_url(commission, "follow_up_xlsx"), HTTP_ACCEPT_LANGUAGE="en"))
    cells = " ".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row if value)
    assert "Acuerdo reservado" not in cells and "urea" not in cells and note in cells
    text = pdf_text(viewer.get(matrix_url(commission, "follow_up_pdf"), {"lang": "en"}))
    assert "Acuerdo reservado" not in text and "urea" not in text
    assert "leaves out 2 items" in text
    assert "RESTRICTED" not in text and "INTERNAL" in text


def test_restricted_item_is_in_an_editors_pack_marked_restricted(editor, commission, make):
    restricted(make, commission)
    page = editor.get(matrix_url(commission), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Acuerdo reservado" in page and "leaves out" not in page
    sheet = read_xlsx(editor.get(matrix_url(commission, "follow_up_xlsx"), HTTP_ACCEPT_LANGUAGE="en"))
    assert any(row[3] == "Acuerdo reservado de fertilizantes" for row in sheet.iter_rows(values_only=True))
    text = pdf_text(editor.get(matrix_url(commission, "follow_up_pdf"), {"lang": "en"}))
    assert "Acuerdo reservado de fertilizantes" in text and "Línea reservada de urea" in text
    assert "RESTRICTED" in text and "leaves out" not in text


def test_responsible_person_sees_their_restricted_line_only(client, commission, make):
    secret = restricted(make, commission)
    user = make.user(groups=["Focal point"])
    person = make.person("Focal Responsable", user=user)
    make.action_line(secret, title="Línea propia del punto focal", responsible_person=person)
    client.force_login(user)
    page = client.get(matrix_url(commission), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Línea propia del punto focal" in page
    assert "Línea reservada de urea" not in page
    assert reverse("agreements:agreement_detail", args=[secret.pk]) not in page  # named, not linked
    assert "leaves out 1 item " in page


def test_an_update_awaiting_approval_is_not_the_latest_update(viewer, commission):
    line = ActionLine.objects.get(title="Ensamblaje de 80 tractores")
    ProgressUpdate.objects.create(action_line=line, note="Nota de la contraparte sin aprobar", review="pending")
    page = viewer.get(matrix_url(commission), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Llegaron 32 tractores" in page and "sin aprobar" not in page
    text = pdf_text(viewer.get(matrix_url(commission, "follow_up_pdf"), {"lang": "en"}))
    assert "sin aprobar" not in text and "1 progress update" in text
