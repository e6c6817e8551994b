"""Production mode: a clean `check --deploy`, a strict Content-Security-Policy, no caching of signed-in pages,
/healthz for load balancers and monitoring, and the gunicorn configuration."""

import datetime
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from agreements.models import SweepRun
from agreements.views import health
from bench.ports import free_port
from tests.test_settings import clean_environment, run

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
HEALTHZ = "/healthz"
NOW = datetime.datetime(2026, 4, 15, 12, 0, tzinfo=datetime.UTC)

# The production environment the README documents (deploy/README.md); nothing else is needed for a clean check.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "SITE_URL": "https://tracker.example.org",
    "DATABASE_URL": "postgres://commission:secret@db.internal:5432/commission",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "true",
}


def test_check_deploy_is_clean_in_the_documented_production_environment():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_production_redirects_to_https_except_the_health_check_and_sends_hsts():
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'commission.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_REDIRECT_EXEMPT)"
    )
    result = run(["-c", script], **PRODUCTION)
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True", "True", "['^healthz$']"], result.stderr
    result = run(["-c", script], **PRODUCTION, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="3600")
    assert result.stdout.split()[:2] == ["False", "3600"], result.stderr


def test_laptop_mode_serves_plain_http_without_hsts():
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'commission.settings'; django.setup();"
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    assert run(["-c", script]).stdout.split() == ["False", "0"]


@override_settings(SECURE_SSL_REDIRECT=True)
def test_https_redirect_spares_the_health_check(client, viewer):
    assert client.get(HEALTHZ).status_code in (200, 503)
    response = client.get(reverse("agreements:home"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


# Content-Security-Policy


def test_pages_carry_a_content_security_policy_without_unsafe_inline(viewer):
    policy = viewer.get(reverse("agreements:home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_sign_in_page_carries_the_policy_too(client):
    assert "default-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]


# Inline code a strict policy would block; emails are read in mail programs, not served by the site.
INLINE = re.compile(r"""style=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=|javascript:""", re.IGNORECASE)


def test_no_page_template_holds_inline_script_or_style():
    found = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for path in sorted((BASE_DIR / "templates").rglob("*.html"))
        if "emails" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert found == []


def admin_pages(request):
    """The admin index, every changelist and every add form the superuser may open."""
    from django.contrib import admin

    yield reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(request):
            yield reverse("admin:{}_{}_add".format(*info))


def test_admin_pages_need_no_inline_script(client, make, rf):
    """Django's admin loads its scripts from files and passes data in attributes, so the policy leaves it working."""
    superuser = make.user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    agreement = make.agreement()
    request = rf.get("/admin/")
    request.user = superuser
    pages = [*admin_pages(request), reverse("admin:agreements_agreement_change", args=[agreement.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url
        assert not re.search(r"\son[a-z]+=|javascript:", html), url
        assert "unsafe-inline" not in response["Content-Security-Policy"]


# Cache-Control


def test_signed_in_pages_are_not_cached(viewer):
    assert viewer.get(reverse("agreements:home"))["Cache-Control"] == "private, no-store"


def test_exports_are_not_cached(viewer, make):
    make.agreement()
    response = viewer.get(reverse("agreements:agreement_export_csv"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_view_that_sets_its_own_caching_keeps_it(viewer):
    # The sign-in page says never_cache itself, even to someone already signed in.
    assert "must-revalidate" in viewer.get(reverse("login"))["Cache-Control"]


def test_anonymous_responses_are_left_alone(client, make):
    person = make.person()
    response = client.get(reverse("agreements:person_feed", args=[person.feed_token]))
    assert response.status_code == 200
    assert not response.has_header("Cache-Control")


# /healthz


def swept(hours_ago):
    finished = timezone.now() - datetime.timedelta(hours=hours_ago)
    return SweepRun.objects.create(run_date=timezone.localdate(finished), finished_at=finished)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_healthz_answers_200_without_sign_in_when_all_is_well(client, now):
    swept(hours_ago=3)
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.splitlines()[0] == "database ok"
    assert re.search(r"^redis ok", body, re.MULTILINE)
    assert "sweep ok 3h" in body
    assert "no-cache" in response["Cache-Control"]


@override_settings(REDIS_URL="")
def test_healthz_without_redis_reports_it_not_configured(client, now):
    swept(hours_ago=1)
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert "redis ok not configured" in response.content.decode()


def test_healthz_fails_when_the_last_sweep_is_27_hours_old(client, now):
    swept(hours_ago=27)
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert "sweep fail 27h" in response.content.decode()


@override_settings(HEALTHZ_SWEEP_MAX_AGE_HOURS=48)
def test_the_sweep_age_limit_is_a_setting(client, now):
    swept(hours_ago=27)
    assert "sweep ok 27h" in client.get(HEALTHZ).content.decode()


def test_healthz_reads_the_latest_day_not_a_backfilled_one(client, now):
    SweepRun.objects.create(run_date=datetime.date(2026, 4, 15), finished_at=NOW - datetime.timedelta(hours=30))
    SweepRun.objects.create(run_date=datetime.date(2026, 3, 1), finished_at=NOW - datetime.timedelta(hours=1))
    assert "sweep fail 30h" in client.get(HEALTHZ).content.decode()


def test_a_site_that_never_swept_fails_in_production_but_not_on_a_laptop(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert "sweep fail never" in response.content.decode()
    with override_settings(DEBUG=True):
        assert "sweep ok never" in client.get(HEALTHZ).content.decode()


def test_healthz_fails_when_redis_is_unreachable_and_says_no_more(client, now):
    swept(hours_ago=1)
    port = free_port()
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{port}/0"):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.content.decode()
    assert body == "database ok\nredis fail\nsweep ok 1h\n"
    assert str(port) not in body


def test_healthz_fails_when_the_database_does_not_answer_and_hides_the_error(client, now, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise RuntimeError("could not connect to server db.internal:5432 (secret)")

    swept(hours_ago=1)
    monkeypatch.setattr(health, "connection", Unreachable())
    with override_settings(REDIS_URL=""):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.content.decode()
    assert body == "database fail\nredis ok not configured\nsweep ok 1h\n"
    assert "db.internal" not in body and "Error" not in body


def test_healthz_answers_signed_in_users_and_head_requests_alike(viewer, client, now):
    swept(hours_ago=2)
    assert viewer.get(HEALTHZ).status_code == 200
    assert client.head(HEALTHZ).status_code == 200
    assert client.post(HEALTHZ).status_code == 405


# gunicorn


def test_a_worker_freezes_what_start_up_loaded():
    check = "import gc, commission.wsgi; print(gc.get_freeze_count(), *gc.get_threshold())"
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=BASE_DIR,
        env=clean_environment(**PRODUCTION),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    frozen, *thresholds = map(int, result.stdout.split())
    # Django, the apps and the URLconf: well over a hundred thousand objects on these machines.
    assert frozen > 50_000 and thresholds == [700, 10, 10]


def test_gunicorn_configuration_loads_and_reads_the_environment():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [gunicorn, "--print-config", "-c", "deploy/gunicorn.conf.py", "commission.wsgi"],
        cwd=BASE_DIR,
        env=clean_environment(**PRODUCTION, GUNICORN_WORKERS="5", GUNICORN_BIND="0.0.0.0:9000"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = dict(re.findall(r"^(\w+)\s*=\s*(.*)$", result.stdout, re.MULTILINE))
    assert config["workers"] == "5"
    assert config["bind"] == "['0.0.0.0:9000']"
    assert config["worker_class"] == "sync"
    assert int(config["max_requests"]) > 0 and int(config["max_requests_jitter"]) > 0
