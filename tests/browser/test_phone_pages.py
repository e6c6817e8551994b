"""Record pages at phone width: the meeting page shows its action lines before its long summary, and the tables
that are not lists (deadline changes, reminders, the follow-up matrix, commissions, a session's meetings, the
agreements followed) read as stacked rows, with nothing wider than the window and nothing scrolling sideways."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agreements.models import ActionLine, Agreement, Commission, Follow, SectoralMeeting

from .conftest import LOCALES, screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 900}

# Every element that reaches past the window's right edge, and every box that scrolls sideways: neither
# tolerates a table scrolling inside its own box.
SIDEWAYS = """() => {
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 1 && box.right > window.innerWidth + 0.5;
    })
    .map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : ""));
  const scrolling = [...document.querySelectorAll("main *")]
    .filter((element) => element.clientWidth > 1 && element.scrollWidth > element.clientWidth + 1)
    .filter((element) => getComputedStyle(element).overflowX !== "visible")
    .map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : ""));
  return {wide, scrolling};
}"""

# Where, from the top of the window, the meeting page's first action line and its summary of outcomes start.
MEETING_ORDER = """() => {
  const top = (selector) => {
    const element = document.querySelector(selector);
    return element ? element.getBoundingClientRect().top : null;
  };
  return {line: top(".meeting-agreements .table-cards tbody tr"), summary: top(".meeting-particulars .inset")};
}"""

# The captions a stacked row shows at phone width, as the reader sees them (the ::before of each cell).
DEADLINE_CHANGE_CAPTIONS = """() => [
  ...document.querySelectorAll("#deadline-changes + .table-scroll tbody tr:first-child td"),
].map((cell) => getComputedStyle(cell, "::before").content.replace(/^"|"$/g, ""))"""


def line_with_deadline_changes():
    return ActionLine.objects.filter(deadline_changes__isnull=False).order_by("pk").first()


def industry_meeting():
    return SectoralMeeting.objects.get(
        session__commission__name__contains="Belarús", session__number=8, sector__name="Industria"
    )


@pytest.mark.parametrize("language", LOCALES)
def test_meeting_page_on_a_phone_shows_its_action_lines_before_the_summary(open_page, live_server, demo, language):
    meeting = industry_meeting()
    assert meeting.summary, "the demo meeting has a long summary of outcomes"
    for username in ("viewer", "focal"):
        page = open_page(username, language=language, width=PHONE["width"])
        page.set_viewport_size(PHONE)
        assert page.goto(live_server.url + meeting.get_absolute_url()).status == 200
        screenshot(page, f"phone-meeting-{username}-{language}")
        where = page.evaluate(MEETING_ORDER)
        # The first action line's card starts within the first screen, and the summary comes after the lines.
        assert where["line"] is not None and 0 <= where["line"] <= PHONE["height"] - 40, (username, where)
        assert where["summary"] > where["line"], (username, where)
        jump = page.locator(".phone-jump a")
        assert jump.is_visible()
        jump.click()
        assert page.evaluate("() => location.hash") == "#meeting-particulars"
        assert page.locator(".meeting-particulars .inset").is_visible()


def test_meeting_page_on_a_desktop_reads_in_order(open_page, live_server, demo):
    page = open_page("viewer", width=1280)
    page.goto(live_server.url + industry_meeting().get_absolute_url())
    where = page.evaluate(MEETING_ORDER)
    assert where["summary"] < where["line"]
    assert not page.locator(".phone-jump a").is_visible()


@pytest.mark.parametrize("language", LOCALES)
def test_deadline_changes_read_as_stacked_rows_on_a_phone(open_page, live_server, demo, language):
    line = line_with_deadline_changes()
    assert line is not None, "the demo has a line whose deadline moved"
    page = open_page("editor", language=language, width=PHONE["width"])
    page.set_viewport_size(PHONE)
    assert page.goto(live_server.url + line.get_absolute_url()).status == 200
    screenshot(page, f"phone-line-deadline-changes-{language}")
    sideways = page.evaluate(SIDEWAYS)
    assert sideways == {"wide": [], "scrolling": []}
    captions = page.evaluate(DEADLINE_CHANGE_CAPTIONS)
    expected = {"en": ["Changed", "From", "To", "Reason", "By"], "es": ["Fecha del cambio", "De", "A", "Motivo", "Por"]}
    assert captions == expected[language]
    # The new date is on screen beside the old one, not off to the right.
    change = line.deadline_changes.order_by("-changed_at").first()
    cells = page.locator("#deadline-changes + .table-scroll tbody tr").first.locator("td")
    old, new = cells.nth(1).bounding_box(), cells.nth(2).bounding_box()
    assert old["y"] == new["y"] and new["x"] > old["x"] and new["x"] + new["width"] <= PHONE["width"]
    assert str(change.new_date.year) in cells.nth(2).inner_text()


def test_deadline_changes_stay_a_table_on_a_desktop(open_page, live_server, demo):
    page = open_page("editor", width=1280)
    page.goto(live_server.url + line_with_deadline_changes().get_absolute_url())
    header = page.locator("#deadline-changes + .table-scroll thead th")
    assert header.first.is_visible()
    assert header.all_inner_texts() == ["Changed", "From", "To", "Reason", "By"]


@pytest.mark.parametrize("language", LOCALES)
def test_record_pages_do_not_scroll_sideways_on_a_phone(open_page, live_server, demo, language):
    editor = get_user_model().objects.get(username="editor")
    agreement = Agreement.objects.get(reference_code="VE-BY-VIII-IND-01")
    Follow.objects.create(user=editor, agreement=agreement)
    commission = Commission.objects.get(name__contains="Belarús")
    pages = {
        "line": line_with_deadline_changes().get_absolute_url(),
        "agreement": agreement.get_absolute_url(),
        "meeting": industry_meeting().get_absolute_url(),
        "session": agreement.session.get_absolute_url(),
        "commissions": reverse("agreements:commission_list"),
        "commission": commission.get_absolute_url(),
        "follow-up": reverse("agreements:follow_up", args=[commission.pk]),
        "following": reverse("agreements:following_list"),
    }
    page = open_page("editor", language=language, width=PHONE["width"])
    page.set_viewport_size(PHONE)
    problems = {}
    for name, path in pages.items():
        assert page.goto(live_server.url + path).status == 200, name
        screenshot(page, f"phone-{name}-{language}")
        sideways = page.evaluate(SIDEWAYS)
        if sideways["wide"] or sideways["scrolling"]:
            problems[name] = sideways
        violations = serious_violations(page)
        if violations:
            problems[f"{name} (axe)"] = violations
    assert not problems, "\n".join(f"{key}: {value}" for key, value in problems.items())


@pytest.mark.parametrize("language", LOCALES)
def test_the_main_navigation_folds_behind_a_menu_button_on_a_phone(open_page, live_server, demo, language):
    page = open_page("editor", language=language, width=PHONE["width"])
    page.set_viewport_size(PHONE)
    assert page.goto(live_server.url + reverse("agreements:agreement_list")).status == 200
    toggle, links = page.locator(".service-nav-toggle"), page.locator("#service-nav-links")
    assert toggle.is_visible() and not links.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.inner_text().strip() == {"en": "Menu", "es": "Menú"}[language]
    # Folded, the navigation is one line, and the page's heading is within the first 40% of the screen (unfolded,
    # the links alone took about 230 px).
    assert page.locator(".service-nav").bounding_box()["height"] < 60
    assert page.locator("h1").bounding_box()["y"] < PHONE["height"] * 0.4
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and links.is_visible()
    assert links.locator('a[aria-current="page"]').get_attribute("href") == reverse("agreements:agreement_list")
    screenshot(page, f"phone-menu-open-{language}")
    assert serious_violations(page) == []
    toggle.click()
    assert not links.is_visible()


def test_the_main_navigation_shows_its_links_on_a_desktop(open_page, live_server, demo):
    page = open_page("editor", width=1280)
    page.goto(live_server.url + reverse("agreements:agreement_list"))
    assert not page.locator(".service-nav-toggle").is_visible()
    assert page.locator("#service-nav-links").is_visible()
