"""Benchmark of the reminder sweep and of digest delivery, on PostgreSQL at 1,000,000 action lines.

Not a test: it prints figures. `make bench-reminders` runs it against BENCH_DATABASE_URL.
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from agreements.clock import local_today
from agreements.models import ActionLine, Reminder, SweepRun
from agreements.reminders import rules, sweep
from agreements.reminders.delivery import deliver_digest, recipients_waiting
from agreements.tasks import queue_digests
from bench import data
from bench.ports import free_port
from commission.celery import app


def wait_until(condition, timeout, what, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise CommandError(f"Timed out waiting for {what}")


class Command(BaseCommand):
    help = "Measure the reminder sweep (decide and record) and digest delivery to a local SMTP sink."
    # The database may not exist yet: nothing may touch it before handle() creates it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--action-lines", type=int, default=1_000_000)
        parser.add_argument("--runs", type=int, default=3, help="Sweeps to time; the median is reported.")
        parser.add_argument("--digests", type=int, default=2000, help="Digests to deliver per delivery measure.")

    def handle(self, *args, action_lines, runs, digests, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs on PostgreSQL: set DATABASE_URL (the Makefile uses BENCH_DATABASE_URL)."
            )
        data.ensure_database(self.stdout.write)
        call_command("migrate", verbosity=0, interactive=False)
        total = data.ensure_data(action_lines, self.stdout)
        self.stdout.write(f"Action lines: {total:,}; open: {ActionLine.objects.open().count():,}")
        self.explain_sweep_query()
        self.time_sweeps(runs)
        self.deliver_in_process(digests)
        if settings.REDIS_URL:
            self.deliver_with_worker(digests)
        else:
            self.stdout.write("REDIS_URL is not set: no measure with a Celery worker.")
        self.clear()

    def clear(self):
        Reminder.objects.all().delete()
        SweepRun.objects.all().delete()

    def explain_sweep_query(self):
        config = sweep.config_from_settings()
        dates = rules.due_dates_to_check([local_today()], config)
        query = ActionLine.objects.due_on_any(dates).values_list(
            "id", "due_date", "responsible_person_id", "counterpart_person_id"
        )
        plan = query.explain(analyze=True, buffers=True).splitlines()
        self.stdout.write(f"Sweep query over {len(dates)} dates:")
        for line in plan[:3] + plan[-2:]:
            self.stdout.write(f"    {line}")

    def time_sweeps(self, runs):
        totals, decides, records = [], [], []
        for _ in range(runs):
            self.clear()
            started = time.perf_counter()
            result = sweep.run_sweep(local_today(), queue=False)
            totals.append(time.perf_counter() - started)
            decides.append(result.decide_seconds)
            records.append(result.record_seconds)
        self.stdout.write(
            f"Sweep: {result.lines_checked:,} open lines due on a sweep date, {result.owed:,} reminders owed "
            f"to {len(result.recipients):,} people"
        )
        self.stdout.write(
            f"Sweep, median of {runs}: {statistics.median(totals):.2f} s "
            f"(decide {statistics.median(decides):.2f} s, record {statistics.median(records):.2f} s)"
        )
        started = time.perf_counter()
        sweep.run_sweep(local_today(), queue=False)
        self.stdout.write(f"Same sweep again, every row already there: {time.perf_counter() - started:.2f} s")

    def start_sink(self):
        port = free_port()
        sink = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_until(answers, 15, "the SMTP sink")
        return sink, port

    def deliver_in_process(self, digests):
        recipients = recipients_waiting()[:digests]
        sink, port = self.start_sink()
        try:
            smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1"}
            with override_settings(**smtp, EMAIL_PORT=port):
                started = time.perf_counter()
                sent = sum(deliver_digest(recipient_id, last_attempt=True).sent for recipient_id in recipients)
                elapsed = time.perf_counter() - started
        finally:
            sink.terminate()
            sink.wait()
        self.stdout.write(
            f"Delivery in one process (the task's body, no broker): {len(recipients):,} digests, {sent:,} reminders "
            f"in {elapsed:.2f} s = {len(recipients) / elapsed:.0f} digests/s"
        )

    def deliver_with_worker(self, digests):
        """The same through Redis and one `celery worker --pool=solo` process (DATABASE_URL comes along in the env)."""
        recipients = recipients_waiting()[:digests]
        owed = Reminder.objects.filter(recipient_id__in=recipients, status=Reminder.Status.PENDING).count()
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        sink, port = self.start_sink()
        env = {**os.environ, "CELERY_QUEUE": queue, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
        with tempfile.TemporaryDirectory() as directory:
            log = Path(directory) / "worker.log"
            with open(log, "w") as output:
                worker = subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "commission", "worker", "--pool=solo", "-Q", queue,
                     "-n", f"{queue}@%h", "--loglevel=INFO", "--without-heartbeat", "--without-gossip",
                     "--without-mingle"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            try:
                # The worker's start-up is not part of the measure.
                wait_until(lambda: " ready." in log.read_text(), 60, "the worker to start")
                app.conf.task_default_queue = queue
                app.conf.task_always_eager = False
                started = time.perf_counter()
                queue_digests(recipients)
                sent = Reminder.objects.filter(recipient_id__in=recipients, status=Reminder.Status.SENT)
                # Polled once a second, so the polling takes no CPU worth mentioning from the worker.
                wait_until(lambda: sent.count() >= owed, 1800, "the worker to deliver", every=1)
                elapsed = time.perf_counter() - started
            finally:
                worker.terminate()
                worker.wait()
                sink.terminate()
                sink.wait()
        self.stdout.write(
            f"Delivery by one Celery worker (solo pool, through Redis): {len(recipients):,} digests, "
            f"{owed:,} reminders in {elapsed:.2f} s = {len(recipients) / elapsed:.0f} digests/s"
        )
