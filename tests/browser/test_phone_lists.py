"""Lists at phone width: every list of agreements or lines reads as cards, nothing scrolls sideways, and the
first screen shows what is late and who owns it; the summary above a list removes a filter in one click."""

import re

import pytest
from django.urls import reverse

from agreements.models import Agreement, SectoralMeeting

from .conftest import LOCALES, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The phone screen the other browser tests and screenshots use.
PHONE = {"width": 375, "height": 900}

# Elements wider than the window. A table that is not a list of agreements or lines (deadline changes, say)
# may scroll inside its own box, which then fits the window.
TOO_WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((element) => {
    const box = element.getBoundingClientRect();
    const scroller = element.closest(".table-scroll:not(.table-cards-wrap)");
    const inside = scroller && scroller !== element && scroller.getBoundingClientRect().right <= window.innerWidth;
    return box.width > 1 && box.right > window.innerWidth + 0.5 && !inside;
  })
  .map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : ""))"""

# Where the first row's status, deadline and responsible start, from the top of the window.
FIRST_ROW = """() => {
  const row = document.querySelector(".table-cards tbody tr");
  if (!row) return null;
  const top = (name) => {
    const cell = row.querySelector(name);
    return cell ? cell.getBoundingClientRect().top : null;
  };
  return {status: top(".card-status"), deadline: top(".card-deadline"), responsible: top(".card-responsible")};
}"""


# Where the agreement page's action lines start, and where its particulars do.
LINES_FIRST = """() => [".agreement-lines", ".agreement-main .summary-list"]
  .map((selector) => document.querySelector(selector))
  .map((element) => element.getBoundingClientRect().top)"""


def lists():
    """(name, path, the first row's facts that must show in the first screen)."""
    meeting = SectoralMeeting.objects.get(
        session__commission__name__contains="Belarús", session__number=8, sector__name="Industria"
    )
    agreement = Agreement.objects.get(reference_code="VE-BY-VIII-IND-01")
    facts = ("status", "deadline", "responsible")
    return [
        ("dashboard", "/", facts),
        ("action-lines", reverse("agreements:action_line_list"), facts),
        ("my-action-lines", reverse("agreements:my_action_lines"), facts),
        ("agreements", reverse("agreements:agreement_list"), ("status",)),
        ("agreement", agreement.get_absolute_url(), ()),
        ("meeting", meeting.get_absolute_url(), ()),
    ]


@pytest.mark.parametrize("language", LOCALES)
def test_lists_at_phone_width_fit_and_show_the_first_row_facts(open_page, live_server, demo, language):
    page = open_page("focal", language=language, width=PHONE["width"])
    page.set_viewport_size(PHONE)
    problems = {}
    for name, path, facts in lists():
        assert page.goto(live_server.url + path).status == 200, name
        screenshot(page, f"phone-{name}-{language}")
        wide = page.evaluate(TOO_WIDE)
        if wide:
            problems[f"{name}: wider than the window"] = wide
        first = page.evaluate(FIRST_ROW)
        assert first is not None, f"{name}: no list as cards"
        for fact in facts:
            top = first[fact]
            # The cell's caption and first line lie within the first screen.
            if top is None or not 0 <= top <= PHONE["height"] - 40:
                problems[f"{name}: {fact} of the first row"] = top
    lines, particulars = page.evaluate(LINES_FIRST) if page.goto(live_server.url + lists()[4][1]) else (0, 0)
    if lines > particulars:
        problems["agreement: action lines after the particulars"] = lines
    assert not problems, "\n".join(f"{key}: {value}" for key, value in problems.items())


def test_removing_a_filter_from_the_summary_and_reaching_closed_lines(open_page, live_server, demo):
    page = open_page("viewer")
    page.goto(live_server.url + reverse("agreements:action_line_list") + "?overdue=yes")
    summary = page.locator(".list-summary")
    assert summary.get_by_text("Sorted by deadline, earliest first").is_visible()
    page.locator("th[aria-sort=ascending]").get_by_role("link", name=re.compile("Deadline")).is_visible()

    summary.get_by_role("link", name=re.compile("Only overdue")).click()
    page.wait_for_url(re.compile(r".*/action-lines/(\?)?$"))
    open_count = page.locator(".result-count").inner_text()

    summary.get_by_role("link", name=re.compile("Status")).click()
    page.wait_for_url(re.compile(r".*status=all"))
    assert page.get_by_label("Status").input_value() == "all"
    assert page.locator(".result-count").inner_text() != open_count
