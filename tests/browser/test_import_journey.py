"""An editor imports the demo commission's spreadsheet in a real browser: the template downloaded from the page,
filled in, a file with one bad row refused whole, the good file previewed and applied, then imported again.

Locators read addresses, names and classes, not words, so the same journey runs in Spanish and English.
"""

import datetime
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from agreements.imports.columns import COLUMNS, column_letter, normalise
from agreements.models import ActionLine, Agreement, SectoralMeeting, Session, SpreadsheetImport

from .conftest import screenshot, serious_violations
from .test_phone_lists import TOO_WIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COMMISSION = "Venezuela–Belarús"
# Agreement external references the file brings in: two in the session's industry meeting, one in a new energy one.
REFERENCES = ("MPPIPN-2027-001", "MPPP-2027-001", "MPPIPN-2027-002")
SCROLLING_TABLES = """() => [...document.querySelectorAll("#main .table-scroll")]
  .filter((scroller) => scroller.scrollWidth > scroller.clientWidth + 1)
  .map((scroller) => scroller.getAttribute("aria-label"))"""


def demo_rows(session):
    """Four action lines of three agreements of session VIII, keyed like the template's columns."""
    energy_day = (session.start_date + datetime.timedelta(days=1)).isoformat()
    common = {"commission": COMMISSION, "session": "VIII"}
    tractors = {
        **common, "sector": "Industria", "agreement_external_reference": REFERENCES[0],
        "reference_code": "VE-BY-VIII-IND-31", "agreement_title": "Ensamblaje de cosechadoras en Santa Inés",
    }  # fmt: skip
    return [
        {**tractors, "line_external_reference": "MPPIPN-2027-001-1", "line_title": "Recibir los kits de cosechadoras",
         "responsible_person": "Carmen Elena Pacheco", "counterpart_person": "Aliaksandr Karpovich",
         "deadline": "2027-04-30", "target_quantity": "20", "target_unit": "cosechadoras"},
        {**tractors, "line_external_reference": "MPPIPN-2027-001-2", "line_title": "Formar a los mecánicos",
         "responsible_person": "Luis Alberto Rondón", "deadline": "2027-06-30"},
        {**common, "sector": "Energía", "meeting_date": energy_day, "agreement_external_reference": REFERENCES[1],
         "reference_code": "VE-BY-VIII-ENE-31", "agreement_title": "Mantenimiento de turbinas en Planta Centro",
         "line_external_reference": "MPPP-2027-001-1", "line_title": "Inspeccionar las turbinas de la unidad 2",
         "responsible_person": "Andrés Eloy Briceño", "counterpart_person": "Pavel Zhuk", "deadline": "2027-05-15"},
        {**common, "sector": "Industria", "agreement_external_reference": REFERENCES[2],
         "reference_code": "VE-BY-VIII-IND-32", "agreement_title": "Repuestos para camiones Mazven",
         "line_external_reference": "MPPIPN-2027-002-1", "line_title": "Entregar el primer lote de repuestos",
         "responsible_person": "Héctor Villarroel", "deadline": "2027-03-31"},
    ]  # fmt: skip


def fill_template(template, rows, path):
    """The downloaded template with `rows` written under its own headers, whatever their language."""
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    by_header = {normalise(column.header_in(language)): column.key for column in COLUMNS for language in ("en", "es")}
    keys = [by_header[normalise(cell.value)] for cell in sheet[1]]
    for values in rows:
        sheet.append([values.get(key) for key in keys])
    workbook.save(path)
    return path


def upload(page, path):
    page.locator('#main input[name="file"]').set_input_files(path)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    return SpreadsheetImport.objects.latest("pk")


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 375), ("es", 1280), ("en", 375)])
def test_editor_imports_the_demo_spreadsheet_previewed_applied_and_again_unchanged(
    open_page, live_server, demo, settings, tmp_path, language, width
):
    settings.MEDIA_ROOT = tmp_path / "media"
    session = Session.objects.get(commission__short_name=COMMISSION, number=8)
    agreements_before, lines_before = Agreement.objects.count(), ActionLine.objects.count()
    page = open_page("editor", language=language, width=width)

    # From the main navigation to the upload page, and the template from there. On a phone the navigation is
    # folded behind its "Menu" button.
    if width == 375:
        page.locator(".service-nav-toggle").click()
    page.locator(f'.service-nav a[href="{reverse("agreements:import_list")}"]').click()
    page.locator(f'#main a[href="{reverse("agreements:import_upload")}"]').click()
    with page.expect_download() as download:
        page.locator(f'#main a[href="{reverse("agreements:import_template_xlsx")}"]').click()
    assert download.value.suggested_filename.endswith(".xlsx")
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    rows = demo_rows(session)
    bad = [dict(row) for row in rows]
    bad[1]["responsible_person"] = "Persona Que No Existe"
    good = fill_template(template, rows, tmp_path / "good.xlsx")

    # One bad row: the file is refused whole, the row and column named on the page, nothing written.
    record = upload(page, fill_template(template, bad, tmp_path / "bad.xlsx"))
    assert record.status == SpreadsheetImport.Status.INVALID
    problem = page.locator(".import-errors tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("3")
    person = next(index for index, column in enumerate(COLUMNS) if column.key == "responsible_person")
    header = COLUMNS[person].header_in(language)
    expect(problem.locator(".import-error-column")).to_have_text(f"{column_letter(person)} · {header}")
    assert (Agreement.objects.count(), ActionLine.objects.count()) == (agreements_before, lines_before)
    assert not Agreement.objects.filter(external_reference__in=REFERENCES).exists()
    fits(page, width)
    screenshot(page, f"import-problems-{language}-{width}")

    # The good file: a preview that counts what it will create, and nothing written until it is applied.
    page.locator(f'#main a.button[href="{reverse("agreements:import_upload")}"]').click()
    record = upload(page, good)
    assert (record.status, record.created_count, record.changed_count, record.unchanged_count) == ("ready", 4, 0, 0)
    expect(page.locator(".preview-created tbody tr")).to_have_count(4)
    expect(page.locator(".import-counts")).to_contain_text("4")
    assert Agreement.objects.count() == agreements_before
    assert serious_violations(page) == []
    fits(page, width)
    screenshot(page, f"import-preview-{language}-{width}")

    page.locator("form.import-apply button[type=submit]").click()
    expect(page.locator(".notification-success").first).to_be_visible()
    record.refresh_from_db()
    assert (record.status, record.created_count) == ("applied", 4)
    assert Agreement.objects.count() == agreements_before + 3
    assert ActionLine.objects.count() == lines_before + 4
    assert SectoralMeeting.objects.filter(session=session, sector__name="Energía").count() == 1
    fits(page, width)
    screenshot(page, f"import-result-{language}-{width}")

    # The result links to what was written: the new agreement with its lines.
    page.locator(".preview-created tbody tr").first.locator("a").first.click()
    imported = Agreement.objects.get(external_reference=REFERENCES[0])
    page.wait_for_url(re.compile(rf".*{re.escape(imported.get_absolute_url())}$"))
    expect(page.locator("h1")).to_contain_text("Ensamblaje de cosechadoras en Santa Inés")
    expect(page.locator("#main")).to_contain_text("Recibir los kits de cosechadoras")

    # The same file again: every row unchanged, nothing to create or change.
    page.goto(live_server.url + reverse("agreements:import_upload"))
    again = upload(page, good)
    assert (again.status, again.created_count, again.changed_count, again.unchanged_count) == ("ready", 0, 0, 4)
    expect(page.locator(".preview-created")).to_have_count(0)
    expect(page.locator(".preview-unchanged")).to_be_visible()


def fits(page, width):
    """At phone width nothing is wider than the window, and no table of the page needs scrolling sideways."""
    if width < 1280:
        assert page.evaluate(TOO_WIDE) == []
        assert page.evaluate(SCROLLING_TABLES) == []
