"""The development-only app (bench/): its data generator, its settings, its baseline, its report and its one server.

The app is not installed under the project's settings, so its commands are called as Command instances.
"""

import ast
import datetime
import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from agreements.models import ActionLine, Agreement
from agreements.reminders.sweep import run_sweep
from bench.management.commands import generate_bench_data
from bench.ports import free_port

DAY = datetime.date(2026, 3, 31)
ROOT = Path(settings.BASE_DIR)


def generate(*args):
    out = io.StringIO()
    call_command(generate_bench_data.Command(), *args, stdout=out)
    return out.getvalue()


def index_names():
    with connection.cursor() as cursor:
        return {
            index
            for table in ("agreements_actionline", "agreements_agreement")
            for index in connection.introspection.get_constraints(cursor, table)
        }


@pytest.mark.django_db
def test_generate_bench_data_makes_consistent_rows_that_owe_reminders():
    indexes_before = index_names()
    output = generate("--action-lines", "500", "--seed", "7")
    assert "500 action lines after" in output
    assert ActionLine.objects.count() == 500
    assert Agreement.objects.count() == 100
    # The denormalised columns agree with the agreement and its meeting, as save() would have made them.
    assert not ActionLine.objects.exclude(commission_id=F("agreement__commission_id")).exists()
    assert not ActionLine.objects.exclude(sector_id=F("agreement__meeting__sector_id")).exists()
    assert not Agreement.objects.exclude(session_id=F("meeting__session_id")).exists()
    assert not ActionLine.objects.filter(original_due_date__isnull=True).exists()
    assert ActionLine.objects.open().exists() and ActionLine.objects.filter(status="done").exists()
    assert index_names() == indexes_before
    owed = run_sweep(queue=False).owed
    assert 0 < owed < 60  # about 2% of the lines
    generate("--action-lines", "50")
    assert ActionLine.objects.count() == 550
    # Explicit ids went in; the id sequence was moved past them, so ordinary inserts still work.
    assert ActionLine.objects.create(agreement=Agreement.objects.first(), title="After", due_date=DAY).pk > 550


@pytest.mark.django_db
def test_generate_bench_data_refuses_nonsense():
    with pytest.raises(CommandError):
        generate("--action-lines", "0")


def test_free_port_can_be_bound():
    port = free_port()
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        assert server.getsockname()[1] == port


def test_the_shipped_site_leaves_the_bench_app_out():
    assert "bench" not in settings.INSTALLED_APPS
    assert settings.ROOT_URLCONF == "commission.urls"
    shipped = [*ROOT.joinpath("agreements").rglob("*.py"), *ROOT.joinpath("commission").rglob("*.py")]
    importing = [
        str(path.relative_to(ROOT))
        for path in shipped
        if re.search(r"^\s*(from|import) bench\b", path.read_text(), re.MULTILINE)
    ]
    assert importing == []
    assert not ROOT.joinpath("agreements", "bench").exists()
    assert not list(ROOT.joinpath("agreements", "management", "commands").glob("bench_*.py"))


def launches_gunicorn(path):
    """Whether a module names gunicorn as a program or module to run (`"-m", "gunicorn"`) or imports it."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.split("/")[-1] == "gunicorn":
            return True
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "gunicorn" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "gunicorn":
            return True
    return False


def test_the_security_scan_lives_in_the_bench_app_and_shares_its_one_gunicorn_launcher():
    assert not ROOT.joinpath("agreements", "security").exists()
    assert not ROOT.joinpath("agreements", "management", "commands", "security_scan.py").exists()
    assert ROOT.joinpath("bench", "management", "commands", "security_scan.py").exists()
    shipped = [*ROOT.joinpath("agreements").rglob("*.py"), *ROOT.joinpath("commission").rglob("*.py")]
    scan_code = [path for path in shipped if re.search(r"sqlmap|pip.audit|security_scan", path.read_text())]
    assert scan_code == []
    # The shipped code names gunicorn only where wsgi.py says what serves it.
    assert [str(path.relative_to(ROOT)) for path in shipped if "gunicorn" in path.read_text()] == ["commission/wsgi.py"]
    launchers = [
        str(path.relative_to(ROOT))
        for path in [*shipped, *ROOT.joinpath("bench").rglob("*.py")]
        if launches_gunicorn(path)
    ]
    assert launchers == ["bench/server.py"]
    # One helper each for free ports, CREATE/DROP DATABASE and the sign-in form: no second copy in the scan.
    scan = ROOT.joinpath("bench", "security").rglob("*.py")
    copies = [path.name for path in scan if re.search(r"\bsocket\b|psycopg2|HTMLParser", path.read_text())]
    assert copies == []


def test_bench_settings_add_the_app_its_urls_and_the_cache_miss_middleware():
    from bench import settings as bench_settings

    assert bench_settings.INSTALLED_APPS[-1] == "bench"
    assert bench_settings.ROOT_URLCONF == "bench.urls"
    assert bench_settings.MIDDLEWARE[-1] == "bench.middleware.cache_miss"
    # Everything else is the shipped site's.
    assert bench_settings.INSTALLED_APPS[:-1] == settings.INSTALLED_APPS


def test_the_stock_admin_is_a_bare_model_admin_of_action_lines():
    from django.contrib import admin

    from bench.stock_admin import site

    model_admin = site._registry[ActionLine]
    assert type(model_admin) is admin.ModelAdmin
    # Django's defaults: its full count, 100 rows, no select_related.
    assert model_admin.show_full_result_count and model_admin.list_per_page == 100
    assert model_admin.list_select_related is False


@pytest.mark.django_db
def test_the_cache_miss_header_renders_that_request_afresh_and_only_that_one(rf):
    from django.core.cache.backends.dummy import DummyCache

    from agreements import page_cache
    from agreements.views import figures
    from bench.middleware import cache_miss

    seen = []
    middleware = cache_miss(lambda request: seen.append((figures.cache, page_cache.cache)) or "page")
    assert middleware(rf.get("/", headers={"X-Bench-Cache": "miss"})) == "page"
    assert middleware(rf.get("/")) == "page"
    assert all(isinstance(cache, DummyCache) for cache in seen[0])
    assert not any(isinstance(cache, DummyCache) for cache in seen[1])
    assert not isinstance(figures.cache, DummyCache) and not isinstance(page_cache.cache, DummyCache)


def test_the_results_mark_each_figure_against_its_target():
    from bench import report
    from bench.cpu import Split
    from bench.data import STOCK, Target
    from bench.exports import Export
    from bench.wrk import Result

    def result(label, kind, rate, p95):
        return Result(Target(label, "/x/", "bench", kind), int(rate * 10), 10.0, p95 / 2, p95, 0, 0, 12, 90.0)

    results = [
        result("action lines", "list", 160, 90),
        result("agreements, text", "search", 50, 250),
        result(STOCK, "stock", 2, 4000),
    ]
    results[0].cpu = Split(app_ms=9.25, database_ms=2.5)
    exports = [
        Export("CSV", "/action-lines/export.csv?x", 200, 100_000, 28.5, 12.0, 140.0),
        Export("XLSX", "/action-lines/export.xlsx?x", 200, 100_000, 9.1, 14.2, 160.0),
    ]
    text = report.markdown(
        results, exports, command="make bench-pages", date="2026-12-03 14:00 UTC", cores=2, load="1.0, 1.0, 1.0",
        data_size="1,000,000 action lines", seconds=10, connections=8, workers=3, rss_after=130.0,
    )  # fmt: skip
    lines = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    assert "160.0 (≥ 150: pass)" in lines["| action lines"] and "90 (≤ 100: pass)" in lines["| action lines"]
    assert "80× (≥ 20: pass)" in lines["| action lines"]
    assert "| 9.2 · 2.5 |" in lines["| action lines"] and "| — |" in lines["| agreements, text"]
    assert "50.0 (≥ 60: **MISS**)" in lines["| agreements, text"]
    assert "250 (≤ 200: **MISS**)" in lines["| agreements, text"]
    assert "25× (≥ 20: pass)" in lines["| agreements, text"]
    assert "140 (≤ 150: pass)" in lines["| CSV"] and "14.2 (≤ 10: **MISS**)" in lines["| XLSX"]
    assert "130 MB (≤ 120: **MISS**)" in text
    assert "2 cores" in text and "`make bench-pages`" in text and "2.00 req/s" in text


def test_each_page_short_of_its_target_comes_with_its_profile_and_next_step():
    from bench import report
    from bench.data import RENDERED, STOCK, Target
    from bench.misses import PageProfile
    from bench.wrk import Result

    def result(label, kind, rate, p95):
        return Result(Target(label, "/x/", "bench", kind), int(rate * 10), 10.0, p95 / 2, p95, 0, 0, 12, 90.0)

    met = result("action lines", "list", 400, 40)
    cached_miss = result("agreement page", "detail", 140, 60)
    rendered_miss = result(f"dashboard, {RENDERED}", "dashboard", 0.5, 4000)
    stock = result(STOCK, "stock", 10, 900)
    results = [met, cached_miss, rendered_miss, stock]
    short = [found for found in results if report.short_of_target(found, report.stock_rate(results))]
    assert short == [cached_miss, rendered_miss]  # the stock baseline is held to nothing
    profile = PageProfile(35.0, 900.0, 20, [("agreements/views/figures.py:60(dashboard)", 1.5, 900.0)])
    text = "\n".join(report.miss_sections([(cached_miss, None), (rendered_miss, profile)]))
    assert "### agreement page: 140.0 req/s, p95 60 ms" in text
    assert report.NEXT_STEP_CACHED in text
    assert f"### dashboard, {RENDERED}: 0.5 req/s" in text
    assert "35.0 ms CPU, 20 queries taking 900.0 ms of SQL" in text
    assert "| `agreements/views/figures.py:60(dashboard)` | 1.50 | 900.00 |" in text
    assert report.NEXT_STEPS[("dashboard", True)] in text
    assert "every page met its targets" in "\n".join(report.miss_sections([]))
    slow_sql = result(f"commissions, {RENDERED}", "list", 9, 900)
    text = "\n".join(report.miss_sections([(slow_sql, PageProfile(14.0, 107.0, 8, []))]))
    assert report.NEXT_STEP_SQL in text
    slow_search = result(f"action lines, text, {RENDERED}", "search", 30, 900)
    text = "\n".join(report.miss_sections([(slow_search, PageProfile(14.0, 60.0, 6, []))]))
    assert report.NEXT_STEPS[("search", True)] in text and report.NEXT_STEP_SQL not in text


def test_the_rows_of_a_downloaded_xlsx_are_counted_from_its_xml():
    import io

    from agreements import exports
    from bench.exports import xlsx_rows

    columns = [exports.Column("Title"), exports.Column("Due")]
    rows = [(f"Line {n}", DAY) for n in range(2500)]
    response = exports.xlsx_response(columns, rows, "lines.xlsx", "Lines")
    assert xlsx_rows(io.BytesIO(b"".join(response.streaming_content))) == 2500
    assert xlsx_rows(io.BytesIO(b"not a zip")) == 0


def test_the_cpu_a_page_costs_is_split_between_the_app_and_postgresql():
    from bench import cpu

    # A process started between the two readings counts whole; one gone since the first is left out.
    assert cpu.used({1: 1.0, 2: 2.0}, {1: 1.5, 3: 0.25}) == pytest.approx(0.75)
    assert cpu.cpu_seconds(2**22 + 7) is None
    meter = cpu.Meter(os.getpid())
    # A child that keeps a core busy, read while it runs: the workers are the master's live children.
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        deadline = time.monotonic() + 10
        while (cpu.cpu_seconds(burner.pid) or 0) < 0.25 and time.monotonic() < deadline:
            time.sleep(0.02)
        split = meter.per_request(2)
    finally:
        burner.kill()
        burner.wait()
    assert split.app_ms >= 120  # at least 0.25 s over two requests
    assert cpu.Meter(os.getpid()).per_request(0) == cpu.Split(0.0, 0.0)
    if connection.vendor == "postgresql":
        # The database runs on this machine, as the benchmark needs: its processes are found by name.
        assert cpu.named("postgres")
