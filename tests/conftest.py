import os

import pytest

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
