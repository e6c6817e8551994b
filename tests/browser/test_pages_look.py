"""Every main page at desktop and phone width, in both languages: no serious axe-core violation; a screenshot."""

import pytest
from django.urls import reverse

from agreements.models import ActionLine, Agreement, Commission, SectoralMeeting, Session

from .conftest import LOCALES, WIDTHS, screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def main_pages():
    """(name, user, path) of each main page, on the Belarus commission's VIII session."""
    commission = Commission.objects.get(name__contains="Belarús")
    session = Session.objects.get(commission=commission, number=8)
    meeting = SectoralMeeting.objects.get(session=session, sector__name="Industria")
    agreement = Agreement.objects.get(reference_code="VE-BY-VIII-IND-01")
    line = agreement.action_lines.filter(responsible_person__user__username="focal").order_by("due_date").first()
    return [
        ("login", None, reverse("login")),
        ("dashboard", "focal", "/"),
        ("commissions", "viewer", reverse("agreements:commission_list")),
        ("commission", "viewer", commission.get_absolute_url()),
        ("session", "viewer", session.get_absolute_url()),
        ("meeting", "viewer", meeting.get_absolute_url()),
        ("agreements", "viewer", reverse("agreements:agreement_list") + f"?sector={meeting.sector_id}"),
        ("agreement", "viewer", agreement.get_absolute_url()),
        ("action-lines", "viewer", reverse("agreements:action_line_list") + "?overdue=yes"),
        ("action-line", "focal", line.get_absolute_url()),
        ("my-action-lines", "focal", reverse("agreements:my_action_lines")),
        ("report-progress", "focal", reverse("agreements:action_line_update", args=[line.pk])),
        ("password-change", "viewer", reverse("password_change")),
    ]


@pytest.mark.parametrize("language", LOCALES)
def test_main_pages_have_no_serious_accessibility_violations(open_page, live_server, demo, language):
    assert ActionLine.objects.exists()
    problems = {}
    for width in WIDTHS:
        pages = {}
        for name, username, path in main_pages():
            page = pages.get(username) or open_page(username, language=language, width=width)
            pages[username] = page
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{name}: {response.status}"
            screenshot(page, f"{name}-{language}-{width}")
            found = serious_violations(page)
            if found:
                problems[f"{name} {language} {width}px"] = found
    assert not problems, problems
