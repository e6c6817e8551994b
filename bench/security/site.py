"""The scanned site: a throwaway PostgreSQL database with the demo data, gunicorn on a free local port, a session."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib.parse import urlencode, urljoin

import psycopg2
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse

HOST = "127.0.0.1"
WORKERS = 3
# The database is dropped afterwards: only a name that says it is throwaway is accepted.
THROWAWAY_SUFFIX = "_security"


def database_name():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("The scan runs on PostgreSQL: set DATABASE_URL (the Makefile uses SECURITY_DATABASE_URL).")
    if not database["NAME"].endswith(THROWAWAY_SUFFIX):
        raise CommandError(f"The scan drops its database afterwards: its name must end in {THROWAWAY_SUFFIX}.")
    return database["NAME"]


def maintenance(statement):
    """Runs CREATE or DROP DATABASE on the same server, from its `postgres` database."""
    database = settings.DATABASES["default"]
    server = psycopg2.connect(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
    )
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(statement)
    finally:
        server.close()


def create_database(name):
    # A run that was killed leaves its database behind: start from an empty one.
    drop_database(name)
    maintenance(f'CREATE DATABASE "{name}"')


def drop_database(name):
    connections.close_all()
    maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_environment(**extra):
    """The app's environment: DEBUG on (plain HTTP, demo accounts, database errors shown), no Redis or SMTP."""
    env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "EMAIL_HOST")}
    return {**env, "DEBUG": "true", "ALLOWED_HOSTS": HOST, "LOG_LEVEL": "WARNING", **extra}


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """`with Server(log_path) as server:` runs gunicorn on 127.0.0.1 only, and stops it on the way out."""

    def __init__(self, log_path):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "commission.wsgi", "--workers", str(WORKERS),
                 "--bind", f"{HOST}:{self.port}", "--timeout", "120"],
                cwd=settings.BASE_DIR,
                env=app_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            self.wait_until_up(60)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def wait_until_up(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped at start-up; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}{reverse(settings.LOGIN_URL)}", timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # Answering at all is enough here; signing in says what is wrong with the page.
            except OSError:
                time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")


class LoginForm(HTMLParser):
    """The form that holds a password field: its action and the inputs it would send unchanged."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attrs)

    def fields(self, username, password):
        """(action, form data) of the sign-in form; boxes such as "remember me" are left unticked."""
        form = next((form for form in self.forms if any(i.get("type") == "password" for i in form["inputs"])), None)
        if form is None:
            raise CommandError("The sign-in page has no form with a password field")
        data = {}
        for field in form["inputs"]:
            name, kind = field.get("name"), (field.get("type") or "text").lower()
            if not name or kind in ("checkbox", "radio", "submit", "button"):
                continue
            if kind == "password":
                data[name] = password
            elif kind == "hidden":
                data[name] = field.get("value") or ""
            else:
                data[name] = username
        return form["action"], data


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to check, not to follow: a 302 to the sign-in page means the session is not valid."""

    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base_url, username, password):
    """The Cookie header of a session opened through the sign-in form, as a browser would."""
    cookies = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), NoRedirect())
    login_url = f"{base_url}{reverse(settings.LOGIN_URL)}"
    with opener.open(login_url, timeout=30) as response:
        parser = LoginForm()
        parser.feed(response.read().decode("utf-8", "replace"))
    action, data = parser.fields(username, password)
    request = urllib.request.Request(urljoin(login_url, action), data=urlencode(data).encode(), method="POST")
    request.add_header("Referer", login_url)
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as answer:
        status = answer.code
    session = {cookie.name: cookie.value for cookie in cookies}
    if status != 302 or settings.SESSION_COOKIE_NAME not in session:
        raise CommandError(f"Signing in as {username} failed: the form answered {status}")
    return f"{settings.SESSION_COOKIE_NAME}={session[settings.SESSION_COOKIE_NAME]}"


def check_session(base_url, cookie, paths):
    """Every scanned URL must answer 200 to the session: a scan of the sign-in page would prove nothing."""
    for path in paths:
        request = urllib.request.Request(f"{base_url}{path}", headers={"Cookie": cookie})
        try:
            with urllib.request.build_opener(NoRedirect()).open(request, timeout=120) as response:
                status = response.status
        except urllib.error.HTTPError as answer:
            status = answer.code
        if status != 200:
            raise CommandError(f"{path} answered {status} to the signed-in session")
