"""An editor records a sectoral meeting's outcomes on one page, in a real browser, on the demo data.

The journey: from the session page, one energy meeting with 2 agreements and 3 action lines, one page load and
one save after a mistake is corrected. Every click is counted; typing (and Tab between boxes) is not. Locators
read names and data attributes, not words, so the same journey runs in Spanish and English.
"""

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agreements.models import ActionLine, Agreement, Sector, SectoralMeeting, Session

from .conftest import screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MOST_CLICKS = 11  # the target: under 12 clicks plus typing


class Clicks:
    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def choose(self, select, value):
        self.count += 2  # open the list, pick the option
        select.select_option(value)


def box(page, name):
    return page.locator(f'[name="{name}"]')


def line_box(page, agreement, line, field):
    return box(page, f"agreements-{agreement}-lines-{line}-{field}")


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 375), ("es", 1280), ("en", 375)])
def test_editor_records_a_meeting_with_two_agreements_and_three_lines_on_one_page(
    open_page, live_server, demo, language, width
):
    session = Session.objects.get(commission__short_name="Venezuela–Belarús", number=8)
    energy = Sector.objects.get(name="Energía")
    day = session.start_date + datetime.timedelta(days=1)
    clicks = Clicks()
    page = open_page("editor", language=language, width=width)
    assert page.locator("html").get_attribute("lang") == language
    page.goto(live_server.url + session.get_absolute_url())

    clicks.click(page.locator(f'a[href="{reverse("agreements:outcomes_new")}?session={session.pk}"]'))
    page.wait_for_url(re.compile(r".*/meetings/record/\?session=\d+$"))
    page_loads = 1
    clicks.choose(box(page, "meeting-sector"), str(energy.pk))
    box(page, "meeting-date").fill(day.isoformat())
    box(page, "meeting-chairs").fill("Andrés Eloy Briceño (Venezuela)\nPavel Zhuk (Belarús)")

    # The reference is suggested as soon as the sector is known, and stays editable.
    expect(box(page, "agreements-0-reference_code")).to_have_value("VE-BY-VIII-ENE-01")
    box(page, "agreements-0-title").fill("Suministro de catalizadores para la refinería El Palito")
    line_box(page, 0, 0, "title").fill("Entregar el primer lote de catalizadores")
    line_box(page, 0, 0, "responsible_person").fill("Andrés Eloy Briceño")
    line_box(page, 0, 0, "responsible_person").press("Tab")
    # Choosing a person fills their institution.
    expect(line_box(page, 0, 0, "responsible_institution")).to_have_value("Ministerio del Poder Popular de Petróleo")
    line_box(page, 0, 0, "counterpart_person").fill("Pavel Zhuk")
    line_box(page, 0, 0, "counterpart_person").press("Tab")
    expect(line_box(page, 0, 0, "counterpart_institution")).to_have_value("Consorcio Estatal Belneftekhim")
    line_box(page, 0, 0, "due_date").fill("2027-03-31")
    line_box(page, 0, 0, "target_quantity").fill("40")
    line_box(page, 0, 0, "target_unit").fill("toneladas")

    clicks.click(page.locator("[data-agreements] [data-add-line]").first)
    expect(line_box(page, 0, 1, "title")).to_be_focused()
    line_box(page, 0, 1, "title").fill("Capacitar a los operadores de la planta")
    line_box(page, 0, 1, "counterpart_person").fill("Nadie Conocido")  # the mistake
    line_box(page, 0, 1, "due_date").fill("2027-05-15")

    clicks.click(page.locator("[data-add-agreement]"))
    expect(box(page, "agreements-1-title")).to_be_focused()
    expect(box(page, "agreements-1-reference_code")).to_have_value("VE-BY-VIII-ENE-02")
    box(page, "agreements-1-title").fill("Estudio conjunto de la planta de urea")
    line_box(page, 1, 0, "title").fill("Presentar el estudio de factibilidad")
    line_box(page, 1, 0, "counterpart_institution").fill("Consorcio Estatal Belneftekhim")
    line_box(page, 1, 0, "due_date").fill("2027-06-30")

    compact_rows(page, width)
    clicks.click(page.locator(".outcome-actions button[name=save]"))
    page_loads += 1

    # Nothing saved; the summary names the row, has the focus, and everything typed is still there.
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(1)
    expect(summary.locator('a[href="#id_agreements-0-lines-1-counterpart_person"]')).to_be_visible()
    assert not SectoralMeeting.objects.filter(session=session, sector=energy).exists()
    assert not Agreement.objects.filter(reference_code__startswith="VE-BY-VIII-ENE-").exists()
    expect(line_box(page, 0, 1, "counterpart_person")).to_have_value("Nadie Conocido")
    for name, value in [
        ("agreements-0-title", "Suministro de catalizadores para la refinería El Palito"),
        ("agreements-0-lines-0-responsible_institution", "Ministerio del Poder Popular de Petróleo"),
        ("agreements-0-lines-0-target_unit", "toneladas"),
        ("agreements-0-lines-1-title", "Capacitar a los operadores de la planta"),
        ("agreements-1-title", "Estudio conjunto de la planta de urea"),
        ("agreements-1-lines-0-due_date", "2027-06-30"),
        ("meeting-date", day.isoformat()),
    ]:
        expect(box(page, name)).to_have_value(value)
    assert serious_violations(page) == []
    screenshot(page, f"outcomes-error-{language}-{width}")

    clicks.click(summary.locator("a").first)
    expect(line_box(page, 0, 1, "counterpart_person")).to_be_focused()
    line_box(page, 0, 1, "counterpart_person").fill("Pavel Zhuk")
    clicks.click(page.locator(".outcome-actions button[name=save]"))
    page_loads += 1

    meeting = wait_for_meeting(page, session, energy)
    assert urlparse(page.url).path == meeting.get_absolute_url()
    agreements = list(meeting.agreements.order_by("reference_code"))
    assert [agreement.reference_code for agreement in agreements] == ["VE-BY-VIII-ENE-01", "VE-BY-VIII-ENE-02"]
    lines = ActionLine.objects.filter(agreement__meeting=meeting)
    assert lines.count() == 3
    training = lines.get(title="Capacitar a los operadores de la planta")
    assert training.counterpart_person.full_name == "Pavel Zhuk"
    assert training.counterpart_institution.name == "Consorcio Estatal Belneftekhim"
    assert serious_violations(page) == []

    # One page to fill in, one failed and one good save; clicks counted, typing not.
    assert page_loads == 3
    assert clicks.count <= MOST_CLICKS, clicks.count
    assert clicks.count == 8


def compact_rows(page, width):
    """At desktop width an action line is one row; at phone width its boxes are stacked."""
    title = line_box(page, 0, 0, "title").bounding_box()
    deadline = line_box(page, 0, 0, "due_date").bounding_box()
    unit = line_box(page, 0, 0, "target_unit").bounding_box()
    if width >= 1280:
        bottoms = [field["y"] + field["height"] for field in (title, deadline, unit)]
        assert max(bottoms) - min(bottoms) < 5
    else:
        assert title["y"] < deadline["y"] < unit["y"]
        assert unit["x"] + unit["width"] <= width


def wait_for_meeting(page, session, sector):
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert not summary.count(), summary.inner_text()
    page.wait_for_url(re.compile(r".*/meetings/\d+/(#.*)?$"))  # the summary link's fragment survives the redirect
    return SectoralMeeting.objects.get(session=session, sector=sector)


def test_the_edit_page_of_a_demo_meeting_passes_axe_and_moves_a_deadline_with_a_reason(open_page, live_server, demo):
    meeting = SectoralMeeting.objects.get(
        session__commission__short_name="Venezuela–Belarús", session__number=8, sector__name="Industria"
    )
    page = open_page("editor", language="es")
    page.goto(live_server.url + meeting.get_absolute_url())
    page.locator(f'a[href="{reverse("agreements:outcomes_edit", args=[meeting.pk])}"]').click()
    assert serious_violations(page) == []
    screenshot(page, "outcomes-edit-es-1280")

    line_id = int(line_box(page, 0, 0, "id").input_value())
    first = line_box(page, 0, 0, "due_date")
    old = datetime.date.fromisoformat(first.input_value())
    first.fill((old + datetime.timedelta(days=30)).isoformat())
    line_box(page, 0, 0, "deadline_reason").fill("Retraso en el envío de las piezas.")
    page.locator(".outcome-actions button[name=save]").click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/$"))
    moved = ActionLine.objects.get(pk=line_id)
    assert moved.due_date == old + datetime.timedelta(days=30)
    assert moved.deadline_changes.get().reason == "Retraso en el envío de las piezas."
