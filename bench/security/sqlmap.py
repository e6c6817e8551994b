"""Runs sqlmap on one parameter of one URL and reads its verdict from what it prints."""

import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.management.base import CommandError

INJECTABLE = "injectable"
NOT_INJECTABLE = "not injectable"
NOT_FINISHED = "not finished"

# Printed only once sqlmap has confirmed an injection point, followed by "Parameter: q (GET)" blocks.
CONFIRMED = re.compile(r"sqlmap identified the following injection point|^Parameter: \S+ \(", re.MULTILINE)
CLEAN = re.compile(
    r"parameter '(?P<name>[^']+)' does not seem to be injectable|all tested parameters do not appear to be injectable"
)
HTTP_ERRORS = re.compile(r"^(\d{3}) \([^)]*\) - (\d+) times", re.MULTILINE)


@dataclass
class Finding:
    path: str
    parameter: str
    verdict: str
    server_errors: int
    seconds: float
    log_path: str


def require_sqlmap():
    if not shutil.which("sqlmap"):
        raise CommandError("sqlmap is not installed: apt-get install sqlmap (make security-scan does it)")


def command(base_url, probe, cookie, output_dir, level, risk):
    """The sqlmap command line for one parameter: PostgreSQL payloads only, no prompts, a fresh session.

    Pages are compared by their text: every page carries a new CSRF token, so the markup is never the same twice.
    """
    url = f"{base_url}{probe.path}?{urlencode({probe.parameter: probe.value})}"
    return [
        "sqlmap", "--url", url, "-p", probe.parameter, "--cookie", cookie, "--drop-set-cookie",
        "--dbms", "PostgreSQL", "--level", str(level), "--risk", str(risk),
        "--text-only", "--batch", "--flush-session", "--skip-waf", "--disable-coloring",
        "--output-dir", str(output_dir),
    ]  # fmt: skip


def verdict(output):
    """INJECTABLE when sqlmap confirmed an injection point, NOT_INJECTABLE when it said so, else NOT_FINISHED."""
    if CONFIRMED.search(output):
        return INJECTABLE
    if CLEAN.search(output):
        return NOT_INJECTABLE
    return NOT_FINISHED


def server_errors(output):
    """How many HTTP 500 answers sqlmap counted ("500 (Internal Server Error) - 3 times")."""
    return sum(int(times) for status, times in HTTP_ERRORS.findall(output) if status == "500")


def slug(probe):
    return f"{probe.path.strip('/').replace('/', '-') or 'home'}--{probe.parameter}"


class Runner:
    """Runs sqlmap probes, several at once from a thread pool; `stop()` ends those still running."""

    def __init__(self, base_url, cookie, directory, *, level, risk, timeout):
        self.base_url = base_url
        self.cookie = cookie
        self.directory = directory
        self.level = level
        self.risk = risk
        self.timeout = timeout
        self.running = set()
        self.lock = threading.Lock()
        self.stopped = False

    def run(self, probe):
        output_dir = self.directory / slug(probe)
        output_dir.mkdir(parents=True, exist_ok=True)
        log_path = output_dir / "sqlmap.log"
        started = time.monotonic()
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                command(self.base_url, probe, self.cookie, output_dir, self.level, self.risk),
                stdin=subprocess.DEVNULL,
                # Without a terminal type sqlmap writes screen-control codes into the log.
                env={**os.environ, "TERM": "dumb"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            with self.lock:
                self.running.add(process)
                if self.stopped:
                    process.kill()
            try:
                process.wait(self.timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            finally:
                with self.lock:
                    self.running.discard(process)
        output = log_path.read_text(errors="replace")
        seconds = time.monotonic() - started
        return Finding(probe.path, probe.parameter, verdict(output), server_errors(output), seconds, str(log_path))

    def stop(self):
        with self.lock:
            self.stopped = True
            for process in self.running:
                process.kill()
