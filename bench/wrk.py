"""Runs wrk against one URL and reads the figures printed by latency.lua."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError

SCRIPT = Path(__file__).with_name("latency.lua")
FIGURES = re.compile(r"BENCH requests=(\d+) duration_us=(\d+) p50_us=(\d+) p95_us=(\d+) non2xx=(\d+) errors=(\d+)")


@dataclass
class Result:
    target: object  # bench.data.Target
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    non2xx: int
    errors: int
    queries: int | None = None
    worker_rss_mb: float | None = None
    cpu: object = None  # bench.cpu.Split: CPU ms per request, the app's and PostgreSQL's

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0


def require_wrk():
    if not shutil.which("wrk"):
        raise CommandError("wrk is not installed: apt-get install wrk (make bench-pages does it)")


def run(base_url, target, cookie, seconds, connections, threads=2):
    headers = [f"--header=Cookie: {cookie}", *(f"--header={name}: {value}" for name, value in target.headers)]
    # A long timeout: wrk leaves requests slower than its default 2 s out of the percentiles.
    command = [
        "wrk", f"--threads={threads}", f"--connections={connections}", f"--duration={seconds}s", "--timeout=60s",
        "--latency", f"--script={SCRIPT}", *headers, f"{base_url}{target.path}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = FIGURES.search(output)
    if not found:
        raise CommandError(f"wrk printed no figures for {target.path}:\n{output}")
    requests, duration, p50, p95, non2xx, errors = (int(value) for value in found.groups())
    return Result(target, requests, duration / 1e6, p50 / 1000, p95 / 1000, non2xx, errors)
