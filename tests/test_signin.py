"""Signing in: lockout after repeated failures, the sign-in log, password rules, idle sessions, no reset by email."""

import datetime
import io
import logging
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from agreements import roles
from agreements.demo.accounts import ACCOUNTS, load_accounts
from agreements.signin.addresses import client_ip
from agreements.signin.logformat import UTCFormatter

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 4, 15, 9, 0, tzinfo=datetime.UTC)
GOOD_NEW_PASSWORD = "tractores-80-Caracas"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def viewer_account(make):
    return make.user("viewer", groups=[roles.VIEWER])


class Lines(logging.Handler):
    """Keeps the sign-in log's lines as its configured handler formats them."""

    def __init__(self, formatter):
        super().__init__(level=logging.INFO)
        self.setFormatter(formatter)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def signin_log():
    logger = logging.getLogger("agreements.signin")
    (formatter,) = {handler.formatter for handler in logger.handlers if isinstance(handler.formatter, UTCFormatter)}
    lines = Lines(formatter)
    logger.addHandler(lines)
    yield lines.lines
    logger.removeHandler(lines)


def sign_in(client, username, password, address="10.0.0.1", **data):
    return client.post(reverse("login"), {"username": username, "password": password, **data}, REMOTE_ADDR=address)


# Lockout


def test_five_wrong_passwords_pause_sign_in_for_that_username_even_with_the_right_one(
    english, viewer_account, signin_log
):
    for _ in range(4):
        assert sign_in(english, "viewer", "wrong").status_code == 200
    locked = sign_in(english, "viewer", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "<h1>Sign-in paused</h1>" in page
    assert "You can try again in 30 minutes." in page
    assert "css/site.css" in page  # the site's own look

    assert sign_in(english, "viewer", "pw").status_code == 429
    assert english.get("/").status_code == 302
    assert sum("sign-in failed" in line for line in signin_log) == 6
    assert any('sign-in locked out username="viewer" ip=10.0.0.1' in line for line in signin_log)


def test_a_locked_username_stays_locked_from_another_address(client, viewer_account):
    for _ in range(5):
        sign_in(client, "viewer", "wrong", address="10.0.0.1")
    assert sign_in(client, "viewer", "pw", address="10.0.0.2").status_code == 429


def test_one_address_trying_many_usernames_is_locked_for_all_of_them(client, make, viewer_account):
    for n in range(5):
        sign_in(client, f"guess{n}", "wrong", address="10.0.0.9")
    assert sign_in(client, "viewer", "pw", address="10.0.0.9").status_code == 429
    assert sign_in(Client(), "viewer", "pw", address="10.0.0.10")["Location"] == "/"


def test_the_lockout_ends_after_the_cool_off(client, viewer_account, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            sign_in(client, "viewer", "wrong")
        clock.shift(datetime.timedelta(minutes=29))
        assert sign_in(client, "viewer", "pw").status_code == 429
        clock.shift(datetime.timedelta(minutes=31))
        assert sign_in(client, "viewer", "pw")["Location"] == "/"


def test_the_failure_limit_comes_from_the_settings(client, viewer_account, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert sign_in(client, "viewer", "wrong").status_code == 200
    assert sign_in(client, "viewer", "wrong").status_code == 429


def test_the_admin_sign_in_is_locked_too(client, make):
    make.user("root", is_staff=True, is_superuser=True)
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    assert response.status_code == 429


def test_force_login_still_works_beside_the_lockout(viewer):
    assert viewer.get("/").status_code == 200


# The sign-in log


def test_a_successful_sign_in_is_logged_with_utc_time_username_and_address(client, viewer_account, signin_log):
    with time_machine.travel(datetime.datetime(2026, 4, 15, 8, 30, 5, tzinfo=datetime.UTC), tick=False):
        sign_in(client, "viewer", "pw", address="192.0.2.7")
    assert signin_log == ['2026-04-15T08:30:05.000Z INFO sign-in succeeded username="viewer" ip=192.0.2.7']


def test_a_typed_username_cannot_forge_a_log_line(client, signin_log):
    sign_in(client, 'x"\nINFO sign-in succeeded username="admin', "wrong")
    (line,) = signin_log
    assert "\n" not in line
    assert re.fullmatch(r'\S+Z WARNING sign-in failed username="x\\"\\nINFO .*" ip=10\.0\.0\.1', line)


def test_the_forwarded_address_counts_only_behind_trusted_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the request did not come through them
    assert client_ip(request) == "10.1.1.1"


def test_a_forged_forwarded_header_neither_escapes_nor_shifts_the_lockout(client, viewer_account):
    for n in range(5):
        data = {"username": f"guess{n}", "password": "x"}
        client.post(reverse("login"), data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    assert sign_in(client, "viewer", "pw", address="10.0.0.1").status_code == 429


# Password rules


def test_the_password_change_page_refuses_a_short_password(english, viewer_account):
    english.force_login(viewer_account)
    response = english.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": "Tractor-80!", "new_password2": "Tractor-80!"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    viewer_account.refresh_from_db()
    assert viewer_account.check_password("pw")


def test_the_admin_refuses_a_short_password_for_a_new_user(make):
    client = Client(headers={"accept-language": "en"})
    client.force_login(make.user("root", is_staff=True, is_superuser=True))
    data = {"username": "newcomer", "usable_password": "true", "password1": "Tractor-80!", "password2": "Tractor-80!"}
    response = client.post(reverse("admin:auth_user_add"), data)
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()

    data |= {"password1": GOOD_NEW_PASSWORD, "password2": GOOD_NEW_PASSWORD}
    assert client.post(reverse("admin:auth_user_add"), data).status_code == 302
    assert get_user_model().objects.get(username="newcomer").check_password(GOOD_NEW_PASSWORD)


def test_the_admin_refuses_a_common_password_when_setting_one(make):
    client = Client(headers={"accept-language": "en"})
    client.force_login(make.user("root", is_staff=True, is_superuser=True))
    other = make.user("other")
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    response = client.post(url, {"password1": "password1234", "password2": "password1234"})
    assert response.status_code == 200
    assert "too common" in response.content.decode()


@pytest.mark.parametrize("password", ["short-pw", "password1234", "rootroot1234"])
def test_createsuperuser_refuses_a_weak_password_from_the_environment(monkeypatch, password):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD is refused"):
        call_command("createsuperuser", interactive=False, username="rootroot", email="r@x.org", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="rootroot").exists()


def test_createsuperuser_accepts_a_good_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD_NEW_PASSWORD)
    call_command("createsuperuser", interactive=False, username="chief", email="c@example.org", stdout=io.StringIO())
    assert get_user_model().objects.get(username="chief").check_password(GOOD_NEW_PASSWORD)


def test_the_default_demo_password_meets_the_password_rules():
    assert len(django_settings.DEMO_PASSWORD) >= 12
    for username in ACCOUNTS:
        validate_password(
            django_settings.DEMO_PASSWORD, get_user_model()(username=username, email=f"{username}@demo.example")
        )


def test_a_weak_demo_password_stops_loading_the_demo_accounts(settings):
    settings.DEMO_PASSWORD = "demo"
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        load_accounts({})


# Sessions


def session_cookie(client):
    return client.cookies[django_settings.SESSION_COOKIE_NAME]


def test_without_remember_me_the_session_ends_when_the_browser_closes(client, viewer_account):
    sign_in(client, "viewer", "pw")
    cookie = session_cookie(client)
    assert not cookie["max-age"] and not cookie["expires"]


def test_remember_me_keeps_the_session_across_browser_restarts_for_the_idle_time(client, viewer_account, settings):
    sign_in(client, "viewer", "pw", remember="on")
    assert session_cookie(client)["max-age"] == settings.SESSION_IDLE_TIMEOUT == 8 * 3600


def test_the_sign_in_page_offers_remember_me_and_says_when_sessions_end(english):
    page = english.get(reverse("login")).content.decode()
    assert 'type="checkbox" name="remember"' in page
    assert "after 8 hours without activity" in page


@pytest.mark.parametrize("remember", [False, True])
def test_a_session_ends_after_the_idle_time_and_activity_keeps_it_alive(client, viewer_account, remember):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "viewer", "pw", **({"remember": "on"} if remember else {}))
        clock.shift(datetime.timedelta(hours=7))
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(hours=7))
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(hours=8, minutes=1))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_idle_session_ends_even_if_its_stored_row_has_not_expired(client, viewer_account, settings):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "viewer", "pw")
        Session.objects.update(expire_date=START + datetime.timedelta(days=30))
        clock.shift(datetime.timedelta(hours=8, seconds=1))
        assert client.get("/").status_code == 302


def test_activity_is_written_to_the_session_at_most_every_five_minutes(client, viewer_account):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "viewer", "pw")
        expiry = Session.objects.get().expire_date
        clock.shift(datetime.timedelta(minutes=4))
        client.get("/")
        assert Session.objects.get().expire_date == expiry
        clock.shift(datetime.timedelta(minutes=2))
        client.get("/")
        assert Session.objects.get().expire_date == expiry + datetime.timedelta(minutes=6)


def test_deactivating_a_user_ends_their_sessions_at_once(make):
    user = make.user("leaving", groups=[roles.VIEWER])
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    someone_else = Client()
    someone_else.force_login(make.user(groups=[roles.VIEWER]))
    assert Session.objects.count() == 3

    user.is_active = False
    user.save()

    assert Session.objects.count() == 1
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert someone_else.get("/").status_code == 200


def test_an_inactive_user_is_refused_on_the_next_request_even_if_a_session_remains(client, viewer_account):
    client.force_login(viewer_account)
    get_user_model().objects.filter(pk=viewer_account.pk).update(is_active=False)  # no signal, session row kept
    assert Session.objects.count() == 1
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# No password reset by email


@pytest.mark.parametrize(
    "url", ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/MQ/set-password/"]
)
def test_there_is_no_password_reset_by_email(client, url):
    assert client.get(url).status_code == 404


def test_the_sign_in_page_says_whom_to_ask(english, settings):
    assert "ask the secretariat&#x27;s administrator" in english.get(reverse("login")).content.decode()
    settings.SUPPORT_CONTACT = "the Secretariat desk (ext. 4410)"
    assert "ask the Secretariat desk (ext. 4410)" in english.get(reverse("login")).content.decode()


class TTY(io.StringIO):
    def isatty(self):
        return True


def test_createsuperuser_at_a_terminal_offers_no_way_around_the_password_rules(monkeypatch):
    typed = iter(["short-pw", "short-pw", GOOD_NEW_PASSWORD, GOOD_NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="Password: ": next(typed))
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail(f"asked {prompt!r}"))
    errors = io.StringIO()
    call_command(
        "createsuperuser", username="chief", email="c@example.org", stdin=TTY(), stdout=io.StringIO(), stderr=errors
    )
    assert "at least 12 characters" in errors.getvalue()
    assert "Choose another password" in errors.getvalue()
    assert get_user_model().objects.get(username="chief").check_password(GOOD_NEW_PASSWORD)


def test_the_session_read_is_djangos_for_kept_expired_and_unknown_sessions(make):
    """agreements/signin/session_store.py reads the row Django's own database store reads."""
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from agreements.signin.session_store import SessionStore

    assert django_settings.SESSION_ENGINE == "agreements.signin.session_store"
    saved = DjangoStore()
    saved["answer"] = {"kept": [1, "dos"]}
    saved.save()
    read = SessionStore(saved.session_key)
    assert read.load() == DjangoStore(saved.session_key).load() == {"answer": {"kept": [1, "dos"]}}
    assert read.session_key == saved.session_key
    Session.objects.filter(session_key=saved.session_key).update(
        expire_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    for expired in (SessionStore(saved.session_key), SessionStore("x" * 32), SessionStore()):
        assert expired.load() == {} and expired.session_key is None


def test_a_signed_in_session_is_read_and_signing_out_ends_it(client, make):
    user = make.user(groups=[roles.VIEWER])
    client.force_login(user)
    assert client.get(reverse("agreements:home")).status_code == 200
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    response = client.get(reverse("agreements:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
