"""Where a page short of its target spends its time: a cProfile of it in this process, for bench/results.md.

The benchmark's figures come from gunicorn under wrk; this asks the same page through Django's test client in
the benchmark's own process (DEBUG off, the same caches bypassed by the same header), so that each miss in the
results comes with the functions that cost it and the time its SQL takes.
"""

import cProfile
import pstats
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

ROOT = str(Path(settings.BASE_DIR))


@dataclass
class PageProfile:
    cpu_ms: float
    sql_ms: float
    queries: int
    # (where, own ms per request, cumulative ms per request), most own time first.
    functions: list = field(default_factory=list)


def where(function_key):
    filename, line, name = function_key
    if filename.startswith(ROOT):
        filename = filename[len(ROOT) + 1 :]
    elif "site-packages/" in filename:
        filename = filename.split("site-packages/", 1)[1]
    return f"{filename}:{line}({name})"


def profile(target, requests=20, top=12):
    """CPU and SQL of one request for `target` (after warming up), and its `top` functions by own time.

    cProfile's times are wall-clock: a query's own time includes waiting for PostgreSQL."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=target.username))
    headers = dict(target.headers)
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for _ in range(3):
            client.get(target.path, headers=headers)
        timings = []

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            client.get(target.path, headers=headers)
        started = time.process_time()
        for _ in range(requests):
            client.get(target.path, headers=headers)
        cpu_ms = (time.process_time() - started) * 1000 / requests
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(target.path, headers=headers)
        profiler.disable()
    stats = pstats.Stats(profiler).stats
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    functions = [
        (where(key), own * 1000 / requests, cumulative * 1000 / requests) for key, (_, _, own, cumulative, _) in ranked
    ]
    return PageProfile(cpu_ms, sum(timings) * 1000, len(timings), functions)
