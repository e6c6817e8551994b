"""Exactly once, end to end: a real Celery worker on the real Redis, sending to a real SMTP server started here.

The worker runs as `celery -A commission worker` in a subprocess against the test database, so that it can
be killed with SIGKILL. Its settings come from the environment: a short visibility timeout and claim timeout
so that a killed worker's task comes back within seconds, and quick retries.
"""

import asyncio
import datetime
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from agreements.clock import local_today
from agreements.models import Reminder
from agreements.reminders.delivery import requeue_failed
from agreements.reminders.sweep import run_sweep
from agreements.tasks import queue_digests
from bench.ports import free_port
from commission.celery import app as celery_app
from tests.conftest import require_service

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WORKER_SETTINGS = {
    "CELERY_VISIBILITY_TIMEOUT": "6",
    "REMINDER_CLAIM_TIMEOUT": "3",
    "REMINDER_MAX_RETRIES": "2",
    "REMINDER_RETRY_BACKOFF": "1",
    "EMAIL_TIMEOUT": "10",
    "DB_CONN_MAX_AGE": "0",
}


def redis_answers():
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def wait_for(condition, what, timeout=40, logs=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}\n{logs() if logs else ''}")


class Recorder:
    """An SMTP handler that keeps what it accepts; it can hold the first message mid-DATA, then refuse it."""

    def __init__(self):
        self.messages = []
        self.hold_first = False
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first:
            self.hold_first = False
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address):
        return [message for message in self.messages if address in message["To"]]


class SmtpServer:
    def __init__(self, port):
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.recorder.release.set()
        self.controller.stop()


class Worker:
    """`celery -A commission worker` in its own process group, on this run's queue and the test database."""

    def __init__(self, queue, smtp_port, log_dir):
        database = connection.settings_dict
        url = "postgres://{}:{}@{}:{}/{}".format(
            quote(database["USER"] or "", safe=""),
            quote(database["PASSWORD"] or "", safe=""),
            database["HOST"] or "127.0.0.1",
            database["PORT"] or 5432,
            database["NAME"],
        )
        self.env = {
            **os.environ,
            **WORKER_SETTINGS,
            "DATABASE_URL": url,
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_QUEUE": queue,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "SITE_URL": settings.SITE_URL,
        }
        self.queue = queue
        self.log_dir = log_dir
        self.process = None
        self.starts = 0
        self.options = ["--pool=prefork", "--concurrency=2"]

    @property
    def log_path(self):
        return self.log_dir / f"worker-{self.starts}.log"

    def start(self):
        self.starts += 1
        command = [
            sys.executable, "-m", "celery", "-A", "commission", "worker", "--loglevel=INFO", *self.options,
            "-Q", self.queue, "-n", f"{self.queue}-{self.starts}@%h",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.ready, "the worker to start", timeout=60, logs=self.logs)
        return self

    def ready(self):
        if self.process.poll() is not None:
            pytest.fail(f"The worker exited with {self.process.returncode}\n{self.logs()}")
        return " ready." in self.log_path.read_text()

    def kill(self):
        """SIGKILL the whole worker: main process and pool children, no chance to clean up or acknowledge."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def logs(self):
        return "\n".join(path.read_text()[-4000:] for path in sorted(self.log_dir.glob("worker-*.log")))


@pytest.fixture
def services():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")
    require_service("Redis", redis_answers(), "set REDIS_URL=redis://127.0.0.1:6379/1")


@pytest.fixture
def queue(services, monkeypatch):
    """A queue of our own, so parallel runs on the same Redis never take each other's tasks."""
    name = f"reminders-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", name)
    yield name
    import redis

    redis.Redis.from_url(settings.REDIS_URL).delete(name)


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp(smtp_port):
    server = SmtpServer(smtp_port).start()
    yield server.recorder
    server.stop()


@pytest.fixture
def worker(queue, smtp_port, tmp_path):
    running = Worker(queue, smtp_port, Path(tmp_path))
    yield running
    running.stop()


def owed_lines(make, people):
    """For each person, one line due today and one a week overdue."""
    today = local_today()
    agreement = make.agreement(title="Reactivate the Veneminsk tractor factory")
    for person in people:
        make.action_line(agreement, title=f"{person.full_name}: due today", due_date=today, responsible_person=person)
        make.action_line(
            agreement,
            title=f"{person.full_name}: late",
            due_date=today - datetime.timedelta(days=7),
            counterpart_person=person,
        )


def rows_are(status, count):
    return lambda: Reminder.objects.filter(status=status).count() == count


def test_the_digest_arrives_once_with_the_right_items(make, smtp, worker):
    ana = make.person("Ana Rojas", email="ana@example.org", language="en")
    ben = make.person("Ben Ito", email="ben@example.org", language="en")
    owed_lines(make, [ana, ben])
    worker.start()
    run_sweep(queue=queue_digests)
    wait_for(rows_are(Reminder.Status.SENT, 4), "4 reminders sent", logs=worker.logs)
    time.sleep(1)
    assert len(smtp.messages) == 2
    digest = smtp.to("ana@example.org")[0]
    assert digest["Subject"] == "Deadlines: 2 action lines, 1 overdue"
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "Ana Rojas: due today" in text and "Ana Rojas: late" in text and "Ben Ito" not in text
    assert "7 days overdue" in text
    assert digest.get_body(preferencelist=("html",)) is not None


def test_two_sweeps_at_the_same_time_send_nothing_twice(make, smtp, worker):
    people = [make.person(f"Person {n}", email=f"p{n}@example.org", language="en") for n in range(6)]
    owed_lines(make, people)
    worker.start()
    start = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            start.wait(timeout=10)
            run_sweep(queue=queue_digests)
        except Exception as error:  # reported below; a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    wait_for(rows_are(Reminder.Status.SENT, 12), "12 reminders sent", logs=worker.logs)
    queue_digests([person.pk for person in people])  # and a task too many for everyone, for good measure
    time.sleep(3)
    assert Reminder.objects.count() == 12
    assert sorted(len(smtp.to(person.email)) for person in people) == [1] * 6
    assert len(smtp.messages) == 6


def test_a_worker_killed_mid_send_delivers_after_restart_once(make, smtp, worker):
    ana = make.person("Ana Rojas", email="ana@example.org", language="en")
    owed_lines(make, [ana])
    smtp.hold_first = True
    worker.start()
    run_sweep(queue=queue_digests)
    assert smtp.holding.wait(timeout=30), worker.logs()
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENDING}
    worker.kill()
    smtp.release.set()  # the held conversation ends without the message being accepted
    assert smtp.messages == []
    worker.start()
    wait_for(rows_are(Reminder.Status.SENT, 2), "the redelivered task to send", logs=worker.logs)
    time.sleep(2)
    assert len(smtp.to("ana@example.org")) == 1
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {2}


def test_a_refusing_smtp_server_leads_to_retries_then_failed_rows_then_delivery_on_resend(make, smtp_port, worker):
    ana = make.person("Ana Rojas", email="ana@example.org", language="en")
    owed_lines(make, [ana])
    worker.start()  # nothing listens on smtp_port yet: every connection is refused
    run_sweep(queue=queue_digests)
    wait_for(rows_are(Reminder.Status.FAILED, 2), "the rows to fail after the retries", logs=worker.logs)
    failed = Reminder.objects.first()
    assert failed.attempts == int(WORKER_SETTINGS["REMINDER_MAX_RETRIES"]) + 1
    assert "Connection refused" in failed.last_error or "ConnectionRefused" in failed.last_error
    assert "retry" in worker.logs().lower()
    server = SmtpServer(smtp_port).start()  # the mail server is back
    try:
        count, recipients = requeue_failed(Reminder.objects.all())
        assert count == 2
        assert queue_digests(recipients).queued == 1
        wait_for(rows_are(Reminder.Status.SENT, 2), "the resent rows to go", logs=worker.logs)
        time.sleep(1)
        assert len(server.recorder.to("ana@example.org")) == 1
    finally:
        server.stop()
