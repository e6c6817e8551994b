"""Staff journeys in a real browser on the demo data: find, open, export, report, and be refused."""

import re

import openpyxl
import pytest
from django.urls import reverse

from agreements.models import ActionLine, Agreement, ProgressUpdate, Sector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VENEMINSK = "VE-BY-VIII-IND-01"


def test_viewer_filters_by_sector_opens_the_veneminsk_agreement_and_exports_the_list(
    open_page, live_server, demo, tmp_path
):
    page = open_page("viewer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_label("Sector").select_option(label="Industria")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*sector=\d+"))

    industry = Sector.objects.get(name="Industria")
    visible = Agreement.objects.exclude(confidentiality=Agreement.Confidentiality.RESTRICTED)
    expected = visible.filter(sector=industry).count()
    assert page.locator(".result-count").inner_text().startswith(f"{expected} agreement")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel (XLSX)").click()
    workbook_path = tmp_path / "agreements.xlsx"
    download.value.save_as(workbook_path)
    rows = list(openpyxl.load_workbook(workbook_path, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 1 + expected
    assert any(VENEMINSK in row for row in rows[1:])

    page.get_by_role("link", name=re.compile("Santa Inés")).click()
    assert page.locator("h1").inner_text() == Agreement.objects.get(reference_code=VENEMINSK).title
    assert page.get_by_text("Empresa Mixta Veneminsk (Veneminsk)").is_visible()
    assert page.get_by_role("heading", name="Progress updates").is_visible()


def test_focal_point_reports_progress_and_sees_it_on_the_timeline(open_page, live_server, demo):
    page = open_page("focal")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My action items").click()
    line = ActionLine.objects.open().filter(responsible_person__user__username="focal").order_by("due_date").first()
    page.get_by_role("link", name=line.title).first.click()
    page.get_by_role("link", name="Report progress").click()

    page.get_by_label("What has happened").fill("Llegaron las cajas de velocidades a Barinas.")
    page.get_by_label("Percent complete").fill("65")
    page.get_by_role("button", name="Save update").click()

    page.wait_for_url(re.compile(rf".*/action-lines/{line.pk}/$"))
    assert page.get_by_text("Your progress update has been saved.").is_visible()
    newest = page.locator("#progress-updates + .timeline .timeline-item").first
    assert "Llegaron las cajas de velocidades a Barinas." in newest.inner_text()
    assert ProgressUpdate.objects.filter(action_line=line, percent_complete=65, author__username="focal").exists()


def test_viewer_cannot_reach_the_progress_form(open_page, live_server, demo):
    page = open_page("viewer")
    line = ActionLine.objects.exclude(agreement__confidentiality="restricted").first()
    page.goto(live_server.url + line.get_absolute_url())
    assert page.get_by_role("link", name="Report progress").count() == 0
    response = page.goto(live_server.url + reverse("agreements:action_line_update", args=[line.pk]))
    assert response.status == 403
    assert page.locator("h1").inner_text() == "You cannot do this"


def test_the_site_in_spanish_shows_spanish_headings(open_page, live_server, demo):
    page = open_page("viewer", language="es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Panel de control"
    nav = page.get_by_role("navigation", name="Principal")
    nav.get_by_role("link", name="Acuerdos").click()
    assert page.locator("h1").inner_text() == "Acuerdos"
    nav = page.get_by_role("navigation", name="Principal")
    nav.get_by_role("link", name="Líneas de acción").click()
    assert page.locator("h1").inner_text() == "Líneas de acción"
    page.goto(live_server.url + Agreement.objects.get(reference_code=VENEMINSK).get_absolute_url())
    assert page.get_by_role("heading", name="Líneas de acción").is_visible()
    assert page.get_by_role("heading", name="Cambios de fecha límite").is_visible()
