import datetime
import os

import pytest
import time_machine

from tests import factories


def require_service(name, available, how):
    """Skip on a laptop without the service; in CI (CI=true) a missing service fails the test."""
    if available:
        return
    message = f"{name} is not available: {how}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def make():
    """Factories for every model: make.action_line(due_date=...), make.person(...), …"""
    return factories


# The day most page tests are set on: mid-April, so deadlines fall on both sides of "today".
TEST_TODAY = datetime.date(2026, 4, 15)


@pytest.fixture
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 12, 0), tick=False):
        yield TEST_TODAY


@pytest.fixture
def in_english(client):
    """Assertions read the English source strings; Spanish is the site's default."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def viewer(client, make):
    """The test client, signed in as someone in the Viewer group."""
    client.force_login(make.user(groups=["Viewer"]))
    return client
