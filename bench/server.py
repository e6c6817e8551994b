"""A gunicorn serving the project on a free local port, and signed-in session cookies for it."""

import http.client
import os
import re
import secrets
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError

from .ports import HOST, free_port

# Three sync workers beat two workers with four threads each on two cores (shared/PERFORMANCE.md).
WORKERS = 3


def cookies_from(response):
    cookies = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookies.load(header)
    return {name: morsel.value for name, morsel in cookies.items()}


class Server:
    """`with Server(url) as server:` runs gunicorn as in production (DEBUG off, static files collected)."""

    def __init__(self, database_url, log_path):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        self.process = None
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
            # Plain HTTP on the loopback: in production the proxy in front terminates TLS.
            "SECURE_SSL_REDIRECT": "false",
        }

    def __enter__(self):
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "commission.wsgi", "--workers", str(WORKERS),
                 "--worker-class", "sync", "--bind", f"{HOST}:{self.port}", "--timeout", "120"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.wait_until_up(60)
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

    def manage(self, *args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=self.env, check=True)

    def wait_until_up(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped at start-up:\n{self.log_tail()}")
            try:
                if self.request("GET", "/accounts/login/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer 200 within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=20):
        """The end of gunicorn's log, which lives in a temporary directory gone once the command fails."""
        with open(self.log_path) as log:
            return "".join(log.readlines()[-lines:])

    def request(self, method, path, body=None, headers=None):
        """(status, response headers message, body text, cookies set) of one request."""
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
        status, _, page, cookies = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise CommandError(f"The sign-in page answered {status} without a CSRF token")
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token[1], "next": "/"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(cookies)}
        status, _, _, session = self.request("POST", "/accounts/login/", form, headers)
        cookies.update(session)
        if status != 302 or "sessionid" not in cookies:
            raise CommandError(f"Signing in as {username} failed (status {status})")
        return cookie_header(cookies)


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())
