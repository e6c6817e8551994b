"""Playwright driving Debian's Chromium against pytest-django's live server, with the demo data loaded.

The browser is never downloaded: it is found on PATH or through CHROMIUM_PATH; without it the tests
skip on a laptop and fail in CI (require_service).
"""

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
WIDTHS = (1280, 375)
LOCALES = {"en": "en-GB", "es": "es-VE"}


def chromium_path():
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and os.access(found, os.X_OK) else None


@pytest.fixture
def browser(transactional_db):
    """Chromium, started after the test database is ready and closed before it is flushed.

    While Playwright's sync API runs, Django sees a running event loop and hands out other
    connection objects; the test case's own setup and teardown must happen outside it.
    """
    path = chromium_path()
    require_service("Chromium", path, "install Debian's chromium package or set CHROMIUM_PATH")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
        connections.close_all()  # the connections opened while Playwright ran


@pytest.fixture
def demo():
    """The demo commissions and the accounts admin, editor, focal and viewer (made only with DEBUG on)."""
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def open_page(browser, live_server):
    """open_page(username, language="en", width=1280) → a signed-in Playwright page at that width and language."""
    contexts = []

    def open_(username=None, language="en", width=1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=LOCALES[language])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username:
            sign_in(page, live_server.url, username)
        return page

    yield open_
    for context in contexts:
        context.close()


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(settings.DEMO_PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def serious_violations(page):
    """axe-core's serious and critical violations on the page, as readable lines."""
    # Evaluated rather than added as a <script>: the site's Content-Security-Policy refuses inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} — {violation['help']}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
