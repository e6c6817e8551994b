"""The Content-Security-Policy blocks nothing the site needs: staff pages and the admin, in Chromium."""

import pytest
from django.urls import reverse

from agreements.models import ActionLine, Agreement

from .test_pages_look import main_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BLOCKED = "Content Security Policy"


# Not the change history pages: django-simple-history's pager carries one inline style (border-top: 0), which
# the policy drops, leaving a hairline above the page numbers and nothing else.
def admin_pages():
    agreement = Agreement.objects.get(reference_code="VE-BY-VIII-IND-01")
    line = agreement.action_lines.order_by("pk").first()
    return [
        ("admin", "admin", reverse("admin:index")),
        ("admin-agreements", "admin", reverse("admin:agreements_agreement_changelist")),
        ("admin-agreement", "admin", reverse("admin:agreements_agreement_change", args=[agreement.pk])),
        ("admin-action-lines", "admin", reverse("admin:agreements_actionline_changelist") + "?o=2"),
        ("admin-action-line", "admin", reverse("admin:agreements_actionline_change", args=[line.pk])),
        ("admin-add-action-line", "admin", reverse("admin:agreements_actionline_add")),
        ("admin-add-user", "admin", reverse("admin:auth_user_add")),
    ]


def test_no_page_or_admin_form_breaks_the_policy(open_page, live_server, demo):
    assert ActionLine.objects.exists()
    pages = {}
    blocked = {}
    for name, username, path in main_pages() + admin_pages():
        if username not in pages:
            pages[username] = open_page(username)
        page = pages[username]
        messages = []

        def record(message, messages=messages):
            messages.append(message)

        page.on("console", record)
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        # The admin's scripts (calendars, select boxes, inlines) run after load.
        page.wait_for_load_state("networkidle")
        page.remove_listener("console", record)
        found = [message.text for message in messages if BLOCKED in message.text]
        if found:
            blocked[name] = found
    assert not blocked, blocked
