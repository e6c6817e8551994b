"""Signing in and out, the password change, and what each role may open."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import URLPattern, reverse

from agreements import roles
from agreements.urls import urlpatterns

pytestmark = pytest.mark.django_db

PUBLIC_BY_TOKEN = {"person_feed", "update_link_page"}
# For load balancers and monitoring: it names its checks and says ok or fail, nothing more (test_production.py).
PUBLIC_PROBES = {"healthz"}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def sample_kwargs(pattern):
    converters = pattern.pattern.converters
    return {name: (uuid.uuid4() if type(conv).__name__ == "UUIDConverter" else 1) for name, conv in converters.items()}


PAGES = [pattern for pattern in urlpatterns if isinstance(pattern, URLPattern)]


@pytest.mark.parametrize(
    "pattern", [p for p in PAGES if p.name not in PUBLIC_BY_TOKEN | PUBLIC_PROBES], ids=lambda p: p.name
)
def test_every_page_sends_a_stranger_to_the_sign_in_page(client, pattern):
    url = reverse(f"agreements:{pattern.name}", kwargs=sample_kwargs(pattern))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_personal_calendar_feed_is_reached_by_its_token_without_signing_in(client):
    response = client.get(reverse("agreements:person_feed", args=[uuid.uuid4()]))
    assert response.status_code != 302


def test_sign_in_page_is_in_the_site_style(english):
    response = english.get(reverse("login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "css/site.css" in page
    assert "<h1>Sign in</h1>" in page
    assert 'name="username"' in page and 'name="password"' in page
    assert 'class="service-nav"' not in page  # no navigation before signing in


def test_a_wrong_password_shows_an_error_summary_and_signs_nobody_in(english, make):
    make.user("viewer", groups=[roles.VIEWER])
    response = english.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert english.get("/").status_code == 302


def test_sign_in_then_sign_out_with_a_post(english, make):
    make.user("viewer", groups=[roles.VIEWER])
    response = english.post(reverse("login"), {"username": "viewer", "password": "pw", "next": "/commissions/"})
    assert response["Location"] == "/commissions/"
    assert english.get("/").status_code == 200
    assert english.get(reverse("logout")).status_code == 405  # signing out is never a link a crawler could follow
    response = english.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert english.get("/").status_code == 302


def test_password_change_checks_then_changes_the_password(english, make):
    user = make.user("viewer", groups=[roles.VIEWER])
    english.force_login(user)
    url = reverse("password_change")
    assert english.get(url).status_code == 200
    mismatch = {"old_password": "pw", "new_password1": "tractores-80-Caracas", "new_password2": "other-one-2026"}
    response = english.post(url, mismatch)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    good = {"old_password": "pw", "new_password1": "tractores-80-Caracas", "new_password2": "tractores-80-Caracas"}
    assert english.post(url, good)["Location"] == reverse("password_change_done")
    assert english.get(reverse("password_change_done")).status_code == 200
    user.refresh_from_db()
    assert user.check_password("tractores-80-Caracas")


def test_roles_exist_with_their_permissions():
    def perms(role):
        return {p.codename for p in Group.objects.get(name=role).permissions.all()}

    assert "view_agreement" in perms(roles.VIEWER)
    assert not {"add_progressupdate", "change_actionline"} & perms(roles.VIEWER)
    assert "add_progressupdate" in perms(roles.FOCAL_POINT)
    assert "change_actionline" not in perms(roles.FOCAL_POINT)
    assert {"change_actionline", "change_agreement", "add_progressupdate"} <= perms(roles.EDITOR)
    assert {"change_user", "change_reminder"} <= perms(roles.ADMINISTRATOR)


@pytest.fixture
def line_of_focal(make):
    focal = make.user("focal", groups=[roles.FOCAL_POINT])
    person = make.person(user=focal)
    return make.action_line(responsible_person=person), focal


@pytest.mark.parametrize(
    ("role", "own_line", "status"),
    [
        (roles.VIEWER, False, 403),
        (roles.FOCAL_POINT, True, 200),
        (roles.FOCAL_POINT, False, 403),
        (roles.EDITOR, False, 200),
    ],
)
def test_progress_form_opens_only_for_the_responsible_focal_point_and_the_secretariat(
    english, make, line_of_focal, role, own_line, status
):
    line, focal = line_of_focal
    user = focal if own_line else make.user(groups=[role])
    if not own_line and role == roles.FOCAL_POINT:
        make.person(user=user)
    english.force_login(user)
    response = english.get(reverse("agreements:action_line_update", args=[line.pk]))
    assert response.status_code == status
    if status == 403:
        assert "You cannot do this" in response.content.decode()


def test_header_shows_my_items_only_with_a_person_and_administration_only_to_staff(english, make):
    english.force_login(make.user("viewer", groups=[roles.VIEWER]))
    page = english.get("/").content.decode()
    assert reverse("agreements:my_action_lines") not in page
    assert reverse("admin:index") not in page

    editor = make.user("editor", groups=[roles.EDITOR], is_staff=True)
    make.person(user=editor)
    english.force_login(editor)
    page = english.get("/").content.decode()
    assert reverse("agreements:my_action_lines") in page
    assert reverse("admin:index") in page


def test_language_switcher_changes_the_language_of_the_pages(client, make):
    client.force_login(make.user(groups=[roles.VIEWER]))
    assert '<html lang="es">' in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/commissions/"})
    assert response["Location"] == "/commissions/"
    assert '<html lang="en">' in client.get("/commissions/").content.decode()


def test_an_inactive_account_cannot_sign_in(english, make):
    make.user("gone", groups=[roles.VIEWER], is_active=False)
    english.post(reverse("login"), {"username": "gone", "password": "pw"})
    assert english.get("/").status_code == 302
    assert get_user_model().objects.get(username="gone").last_login is None


def test_the_language_can_be_switched_before_signing_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response["Location"] == reverse("login")
    assert "<h1>Sign in</h1>" in client.get(reverse("login")).content.decode()
