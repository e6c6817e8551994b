"""Load benchmark of the staff pages and the admin at 1,000,000 action lines, on PostgreSQL.

Not a test: it prints figures. `make bench-pages` runs it against BENCH_DATABASE_URL: gunicorn with
three sync workers and DEBUG off on a free local port, sessions opened through the sign-in form, and
wrk with 8 connections for each URL. Then the slowest page's queries go through EXPLAIN ANALYZE.
"""

import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import data, explain, wrk
from bench.server import WORKERS, Server

WARM_UP_REQUESTS = WORKERS * 2


class Command(BaseCommand):
    help = "Measure requests per second and latency of the staff pages and the admin with wrk against gunicorn."
    # The database may not exist yet: nothing may touch it before handle() creates it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--action-lines", type=int, default=1_000_000, help="Generated only if fewer exist.")
        parser.add_argument("--seconds", type=int, default=15, help="How long wrk loads each URL.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--only", default="", help="Measure only the pages whose label or URL contains this.")

    def handle(self, *args, action_lines, seconds, connections, only, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs on PostgreSQL: set DATABASE_URL (the Makefile uses BENCH_DATABASE_URL)."
            )
        wrk.require_wrk()
        data.ensure_database(self.stdout.write)
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(f"Action lines: {data.ensure_data(action_lines, self.stdout):,}")
        passwords = data.accounts()
        targets = [target for target in data.targets() if only in target[0] or only in target[1]]
        if not targets:
            raise CommandError(f"No page matches --only {only!r}")
        # The workers open their own connections; this one must not hold a transaction or locks meanwhile.
        connection.close()
        results = self.measure(targets, passwords, seconds, connections)
        self.stdout.write("")
        self.stdout.write(
            f"{len(results)} pages, wrk {connections} connections × {seconds} s, gunicorn {WORKERS} sync workers:"
        )
        self.stdout.write(wrk.table(results))
        failed = [result for result in results if result.non2xx or result.errors]
        slowest = min([result for result in results if result not in failed] or results, key=lambda result: result.rate)
        self.explain_page(slowest, {path: user for _, path, user in targets}[slowest.path])
        if failed:
            raise CommandError("Some pages answered other than 2xx: " + ", ".join(result.path for result in failed))

    def measure(self, targets, passwords, seconds, connections):
        database_url = os.environ.get("DATABASE_URL", "")
        with (
            tempfile.TemporaryDirectory() as directory,
            Server(database_url, Path(directory) / "gunicorn.log") as server,
        ):
            cookies = {username: server.sign_in(username, password) for username, password in passwords.items()}
            self.stdout.write(f"gunicorn on {server.base_url}, signed in as {', '.join(cookies)}")
            results = []
            for label, path, username in targets:
                self.warm(server, path, cookies[username])
                result = wrk.run(server.base_url, label, path, cookies[username], seconds, connections)
                self.stdout.write(
                    f"  {result.rate:7.1f} req/s  p50 {result.p50_ms:6.0f} ms  p95 {result.p95_ms:6.0f} ms  "
                    f"non-2xx {result.non2xx}  {path}"
                )
                results.append(result)
        return results

    def warm(self, server, path, cookie):
        """A few requests first, so that every worker has loaded its templates and translations before the measure.

        A page that does not answer 200 (an error, or the sign-in page) is still measured: its non-2xx count
        shows in the table and the command fails at the end.
        """
        for _ in range(WARM_UP_REQUESTS):
            status = server.request("GET", path, headers={"Cookie": cookie})[0]
            if status != 200:
                self.stderr.write(f"{path} answered {status}")
                return

    def explain_page(self, result, username):
        statements = explain.page_statements(result.path, username)
        total = sum(statement.milliseconds for statement in statements)
        self.stdout.write("")
        self.stdout.write(
            f"Slowest page {result.path} ({result.rate:.1f} req/s): {len(statements)} SELECTs, "
            f"{total:.1f} ms in EXPLAIN ANALYZE"
        )
        for statement in statements:
            self.stdout.write(f"  {statement.milliseconds:9.2f} ms  {' '.join(statement.sql.split())[:150]}")
        worst = max(statements, key=lambda statement: statement.milliseconds)
        self.stdout.write(f"Plan of its worst query ({worst.milliseconds:.2f} ms):")
        self.stdout.write(f"  {' '.join(worst.sql.split())}")
        for line in worst.plan:
            self.stdout.write(f"    {line}")
