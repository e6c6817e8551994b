"""The managers' dashboard at phone and desktop width, and GOV.UK's error pattern after a failed submit."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agreements.models import ActionLine, Agreement, Follow

from .conftest import LOCALES, WIDTHS, screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", LOCALES)
def test_failed_progress_update_moves_focus_to_the_error_summary_and_says_error_in_the_title(
    open_page, live_server, demo, language
):
    line = ActionLine.objects.open().filter(responsible_person__user__username="focal").order_by("due_date").first()
    page = open_page("focal", language=language)
    page.goto(live_server.url + reverse("agreements:action_line_update", args=[line.pk]))
    assert not page.title().startswith("Error:")
    page.locator("textarea[name=note]").fill("")
    page.locator("#main form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".error-summary a[href='#id_note']").is_visible()
    screenshot(page, f"report-progress-error-{language}-1280")
    assert not serious_violations(page)


def test_failed_sign_in_says_error_in_the_title_and_focuses_the_summary(open_page, live_server, demo):
    page = open_page(None, language="es")
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("viewer")
    page.locator("input[name=password]").fill("not the password")
    page.locator("#main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")


@pytest.mark.parametrize("language", LOCALES)
def test_managers_dashboard_reads_well_at_phone_and_desktop_width(open_page, live_server, demo, language):
    editor = get_user_model().objects.get(username="editor")
    Follow.objects.create(user=editor, agreement=Agreement.objects.get(reference_code="VE-BY-VIII-IND-01"))
    problems = {}
    for width in WIDTHS:
        page = open_page("editor", language=language, width=width)
        page.goto(live_server.url + "/")
        screenshot(page, f"dashboard-manager-{language}-{width}")
        assert page.locator("#your-commissions-heading").is_visible()
        owners = page.locator("section[aria-labelledby=owners-heading] tbody tr")
        assert owners.count() >= 1
        first = owners.first.locator("a")
        assert first.is_visible()
        # Nothing wider than the screen at phone width.
        wider = page.evaluate(
            "() => [...document.querySelectorAll('#main *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert not wider, wider
        found = serious_violations(page)
        if found:
            problems[f"dashboard {language} {width}px"] = found

        # A chart bar is a link that shows it is one when focused.
        bar = page.locator("#main .bar-chart a").first
        bar.focus()
        assert (
            page.evaluate("() => getComputedStyle(document.activeElement.querySelector('.bar-focus')).fill")
            == "rgb(255, 221, 0)"
        )

        href = first.get_attribute("href")
        first.click()
        page.wait_for_url(f"**{href}")
        assert page.locator("#main").inner_text()
    assert not problems, problems
