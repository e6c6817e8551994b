"""The one gunicorn the development tools start: on a free local port, with signed-in session cookies for it.

The benchmark runs it as in production (DEBUG off, static files collected); the security scan with DEBUG on.
"""

import http.client
import os
import secrets
import subprocess
import sys
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.management.base import CommandError
from django.shortcuts import resolve_url

from .ports import HOST, free_port

# Three sync workers beat two workers with four threads each on two cores (shared/PERFORMANCE.md).
WORKERS = 3


def environment(database_url, *, debug=False, **extra):
    """The app's environment for gunicorn and manage.py, on the loopback over plain HTTP.

    With DEBUG off, as deployed behind its proxy (which terminates TLS). With DEBUG on, as the security scan
    wants it: demo accounts allowed, database errors shown in the page, no Redis or SMTP to reach.
    """
    if debug:
        env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "EMAIL_HOST")}
        env["DEBUG"] = "true"
    else:
        env = {**os.environ, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "SECURE_SSL_REDIRECT": "false"}
    return {**env, "DATABASE_URL": database_url, "ALLOWED_HOSTS": HOST, "LOG_LEVEL": "WARNING", **extra}


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True)


def cookies_from(response):
    cookies = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookies.load(header)
    return {name: morsel.value for name, morsel in cookies.items()}


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class Server:
    """`with Server(database_url, log_path) as server:` runs gunicorn on 127.0.0.1 only, stopped on the way out.

    `debug=True` and any `extra` variables change its environment (see `environment`); with DEBUG off the
    static files are collected first, as a deployment does.
    """

    def __init__(self, database_url, log_path, *, debug=False, **extra):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        self.debug = debug
        self.process = None
        self.env = environment(database_url, debug=debug, **extra)

    def __enter__(self):
        if not self.debug:
            manage("collectstatic", "--noinput", "--verbosity", "0", env=self.env)
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "commission.wsgi", "--workers", str(WORKERS),
                 "--worker-class", "sync", "--bind", f"{HOST}:{self.port}", "--timeout", "120"],
                cwd=settings.BASE_DIR,
                env=self.env,
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
        """Waits for the sign-in page; any answer but 200 will not mend itself, so it fails at once."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped at start-up:\n{self.log_tail()}")
            try:
                status = self.request("GET", resolve_url(settings.LOGIN_URL))[0]
            except OSError:
                time.sleep(0.2)
                continue
            if status != 200:
                raise CommandError(f"The sign-in page answered {status}:\n{self.log_tail()}")
            return
        raise CommandError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=20):
        """The end of gunicorn's log, which may live in a temporary directory gone once the command fails."""
        with open(self.log_path) as log:
            return "".join(log.readlines()[-lines:])

    def request(self, method, path, body=None, headers=None):
        """(status, response headers message, body text, cookies set) of one request; redirects are not followed."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            return response.status, response.msg, text, cookies_from(response)
        finally:
            connection.close()

    def sign_in(self, username, password):
        """The Cookie header of a session opened through the sign-in form, as a browser would."""
        login_path = resolve_url(settings.LOGIN_URL)
        status, _, page, cookies = self.request("GET", login_path)
        if status != 200:
            raise CommandError(f"The sign-in page answered {status}")
        form = LoginForm()
        form.feed(page)
        action, data = form.fields(username, password)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
            "Referer": f"{self.base_url}{login_path}",
        }
        status, _, _, session = self.request("POST", urljoin(login_path, action), urlencode(data), headers)
        cookies.update(session)
        if status != 302 or settings.SESSION_COOKIE_NAME not in session:
            raise CommandError(f"Signing in as {username} failed: the form answered {status}")
        return cookie_header(cookies)


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
