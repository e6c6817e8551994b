"""GOV.UK's error pattern on every form: after a failed submit the title starts with "Error:" and the error summary
is what error-summary.js focuses; a page without errors keeps its plain title."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(client, make):
    user = make.user("editor", groups=["Editor"], is_staff=True)
    client.force_login(user)
    return user


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1].strip()


@pytest.mark.parametrize("language", ["en", "es"])
def test_failed_progress_update_says_error_in_the_title(client, editor, make, language):
    client.cookies["django_language"] = language
    url = reverse("agreements:action_line_update", args=[make.action_line().pk])
    assert not title(client.get(url)).startswith("Error:")
    response = client.post(url, {"note": "", "status": "in_progress", "percent_complete": "10"})
    assert response.status_code == 200
    assert title(response).startswith("Error: ")
    assert 'class="error-summary"' in response.content.decode()


def test_every_page_loads_the_error_summary_script(client, editor):
    assert '<script src="/static/js/error-summary.js" defer></script>' in client.get("/").content.decode()


def test_failed_sign_in_and_password_change_say_error_in_the_title(client, make):
    make.user("viewer", groups=["Viewer"])
    response = client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    assert title(response).startswith("Error: ")
    client.force_login(make.user("someone", groups=["Viewer"]))
    response = client.post(reverse("password_change"), {"old_password": "wrong"})
    assert title(response).startswith("Error: ")


def test_failed_access_grant_says_error_once(client, editor, make):
    agreement = make.agreement(confidentiality="restricted")
    response = client.post(reverse("agreements:grant_access", args=[agreement.pk]), {"username": "nobody"})
    assert response.status_code == 400
    assert title(response).startswith("Error: ")
    assert title(response).count("Error:") == 1


def test_a_list_with_a_bad_filter_says_error_in_the_title(client, editor):
    response = client.get(reverse("agreements:action_line_list"), {"due_after": "not a date"})
    assert title(response).startswith("Error: ")
