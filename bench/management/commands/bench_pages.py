"""Load benchmark of the staff pages and the admin at 1,000,000 action lines, on PostgreSQL.

Not a test: it prints figures and writes them to bench/results.md. `make bench-pages` runs it against
BENCH_DATABASE_URL: gunicorn with three sync workers and DEBUG off on a free local port, sessions opened
through the sign-in form, and wrk with 8 connections for each URL, the stock admin changelist among them as
the baseline. Then each page's SQL statements are counted, two 100,000-row exports are downloaded while the
workers' memory is watched, and the slowest page's queries go through EXPLAIN ANALYZE.
"""

import datetime
import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse

from agreements.models import ActionLine, Agreement
from bench import cpu, data, explain, exports, memory, misses, queries, report, wrk
from bench.server import WORKERS, Server

WARM_UP_REQUESTS = WORKERS * 2
RESULTS = Path(settings.BASE_DIR) / "bench" / "results.md"


class Command(BaseCommand):
    help = "Measure requests per second and latency of the staff pages and the admin with wrk against gunicorn."
    # The database may not exist yet: nothing may touch it before handle() creates it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--action-lines", type=int, default=1_000_000, help="Generated only if fewer exist.")
        parser.add_argument("--seconds", type=int, default=15, help="How long wrk loads each URL.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--only", default="", help="Measure only the pages whose label or URL contains this.")
        parser.add_argument("--export-rows", type=int, default=100_000, help="Rows of the exports; 0 skips them.")
        parser.add_argument("--results", default=str(RESULTS), help="Where to write the Markdown table.")

    def handle(self, *args, action_lines, seconds, connections, only, export_rows, results, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs on PostgreSQL: set DATABASE_URL (the Makefile uses BENCH_DATABASE_URL)."
            )
        wrk.require_wrk()
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        data.ensure_database(self.stdout.write)
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(f"Action lines: {data.ensure_data(action_lines, self.stdout):,}")
        data_size = f"{ActionLine.objects.count():,} action lines, {Agreement.objects.count():,} agreements"
        passwords = data.accounts()
        targets = [target for target in data.targets() if only in target.label or only in target.path]
        if not targets:
            raise CommandError(f"No page matches --only {only!r}")
        downloads = self.export_paths(export_rows) if export_rows else []
        # The workers open their own connections; this one must not hold a transaction or locks meanwhile.
        connection.close()
        measured, saved, rss_after = self.measure(targets, downloads, passwords, seconds, connections)
        for result in measured:
            result.queries = queries.count(result.target)
        baseline = report.stock_rate(measured)
        short = [result for result in measured if report.short_of_target(result, baseline)]
        self.stdout.write(f"Profiling the {len(short)} pages short of their targets …")
        found = [(result, misses.profile(result.target)) for result in short]
        table = report.markdown(
            measured,
            saved,
            command=self.command_line(),
            date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            cores=os.cpu_count(),
            load=load,
            data_size=data_size,
            seconds=seconds,
            connections=connections,
            workers=WORKERS,
            rss_after=rss_after,
            misses=found,
        )
        Path(results).write_text(table)
        self.stdout.write("")
        self.stdout.write(table)
        self.stdout.write(f"Written to {results}")
        failed = [result for result in measured if result.non2xx or result.errors]
        # The project's slowest page: the stock baseline is slow by design.
        ours = [result for result in measured if result not in failed and result.target.kind != "stock"]
        slowest = min(ours or measured, key=lambda result: result.rate)
        self.explain_page(slowest)
        if failed:
            raise CommandError("Some pages answered other than 2xx: " + ", ".join(r.target.path for r in failed))

    def command_line(self):
        settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
        line = f"DJANGO_SETTINGS_MODULE={settings_module} manage.py {' '.join(sys.argv[1:])}"
        return f"make bench-pages ({line})" if os.environ.get("MAKELEVEL") else line

    def export_paths(self, rows):
        query = data.export_query(rows)
        return [
            (f"action lines CSV, about {rows:,} rows", f"{reverse('agreements:action_line_export_csv')}?{query}"),
            (f"action lines XLSX, about {rows:,} rows", f"{reverse('agreements:action_line_export_xlsx')}?{query}"),
        ]

    def measure(self, targets, downloads, passwords, seconds, connections):
        database_url = os.environ.get("DATABASE_URL", "")
        with (
            tempfile.TemporaryDirectory() as directory,
            Server(database_url, Path(directory) / "gunicorn.log") as server,
        ):
            cookies = {username: server.sign_in(username, password) for username, password in passwords.items()}
            self.stdout.write(f"gunicorn on {server.base_url}, signed in as {', '.join(cookies)}")
            results = []
            for target in targets:
                cookie = cookies[target.username]
                self.warm(server, target, cookie)
                meter = cpu.Meter(server.process.pid)
                result = wrk.run(server.base_url, target, cookie, seconds, connections)
                result.cpu = meter.per_request(result.requests)
                result.worker_rss_mb = memory.largest_worker_mb(server.process.pid)
                self.stdout.write(
                    f"  {result.rate:7.1f} req/s  p50 {result.p50_ms:6.0f} ms  p95 {result.p95_ms:6.0f} ms  "
                    f"non-2xx {result.non2xx}  CPU/req app {result.cpu.app_ms:5.1f} ms, "
                    f"PostgreSQL {result.cpu.database_ms:5.1f} ms  "
                    f"RSS {result.worker_rss_mb:4.0f} MB  {target.label}"
                )
                results.append(result)
            rss_after = memory.largest_worker_mb(server.process.pid)
            saved = []
            for label, path in downloads:
                export = exports.download(server, label, path, cookies[data.VIEWER])
                self.stdout.write(
                    f"  {export.label}: {export.rows:,} rows, {export.megabytes:.1f} MB in {export.seconds:.1f} s, "
                    f"largest worker {export.peak_worker_mb:.0f} MB meanwhile (status {export.status})"
                )
                saved.append(export)
        return results, saved, rss_after

    def warm(self, server, target, cookie):
        """A few requests first, so that every worker has loaded its templates and translations before the measure.

        A page that does not answer 200 (an error, or the sign-in page) is still measured: its non-2xx count
        shows in the table and the command fails at the end.
        """
        for _ in range(WARM_UP_REQUESTS):
            status = server.request("GET", target.path, headers={"Cookie": cookie, **dict(target.headers)})[0]
            if status != 200:
                self.stderr.write(f"{target.path} answered {status}")
                return

    def explain_page(self, result):
        statements = explain.page_statements(result.target.path, result.target.username)
        total = sum(statement.milliseconds for statement in statements)
        self.stdout.write("")
        self.stdout.write(
            f"Slowest page {result.target.path} ({result.rate:.1f} req/s): {len(statements)} SELECTs, "
            f"{total:.1f} ms in EXPLAIN ANALYZE"
        )
        for statement in statements:
            self.stdout.write(f"  {statement.milliseconds:9.2f} ms  {' '.join(statement.sql.split())[:150]}")
        worst = max(statements, key=lambda statement: statement.milliseconds)
        self.stdout.write(f"Plan of its worst query ({worst.milliseconds:.2f} ms):")
        self.stdout.write(f"  {' '.join(worst.sql.split())}")
        for line in worst.plan:
            self.stdout.write(f"    {line}")
