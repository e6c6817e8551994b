"""Faults while reminders go out, against real services: each reminder row arrives once, or, in the one
documented window, twice with the same Message-ID; none is lost.

Every test here runs on a PostgreSQL cluster and a Redis server of its own, started on free ports under
/tmp and removed afterwards, so that they can be restarted and stopped without touching the shared ones.
The worker is a real prefork `celery worker` (as `make worker` runs it) with short timeouts from its
environment.
"""

import asyncio
import collections
import contextlib
import datetime
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from agreements.clock import local_today
from agreements.models import Reminder, SweepRun
from agreements.models.reminders import ReminderDispatch
from agreements.reminders.sweep import run_sweep
from agreements.tasks import queue_digests, sweep_reminders
from commission.celery import app as celery_app
from tests.conftest import require_service
from tests.test_reminder_worker import Recorder, SmtpServer, Worker, free_port, owed_lines, wait_for

pytestmark = pytest.mark.services

# The claim timeout is longer than any wait below: a delivery seen here came from the task that held the
# claim, not from the claim expiring. Retries come after 1, 2, 4, 4 … seconds.
FAULT_SETTINGS = {
    "CELERY_VISIBILITY_TIMEOUT": "120",
    "REMINDER_CLAIM_TIMEOUT": "60",
    "REMINDER_MAX_RETRIES": "6",
    "REMINDER_RETRY_BACKOFF": "1",
    "REMINDER_RETRY_BACKOFF_MAX": "4",
    "REMINDER_DISPATCH_MINUTES": "0.05",
    "EMAIL_TIMEOUT": "10",
    # Connections kept between tasks, as in production, so that a restart breaks them under the worker.
    "DB_CONN_MAX_AGE": "60",
}


def postgres_programs():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Cluster:
    """A PostgreSQL cluster of our own: initdb'ed under /tmp, on its own port, run by the postgres user."""

    def __init__(self, programs, port):
        self.programs, self.port = programs, port
        self.root = Path(tempfile.mkdtemp(prefix="commission-faults-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.as_owner = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def run(self, program, *args):
        command = [*self.as_owner, str(self.programs / program), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def pg_ctl(self, *args):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-o", options, *args)

    def create(self):
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.pg_ctl("start")
        admin = self.connect("postgres")
        admin.autocommit = True
        admin.cursor().execute("CREATE DATABASE commission_faults")
        admin.close()
        return self

    def connect(self, name="commission_faults"):
        return psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=name)

    def sweep_waits(self):
        probe = self.connect()
        try:
            cursor = probe.cursor()
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            return cursor.fetchone()[0] > 0
        finally:
            probe.close()

    def restart(self):
        """A fast restart: every session is cut, as when the database server is restarted under load."""
        self.pg_ctl("-m", "fast", "restart")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    def __init__(self, port):
        self.port, self.process = port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.answers, "the test's Redis to start", timeout=20)
        return self

    def answers(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(django_db_blocker):
    """Django's connection moved to a cluster of our own for this module, migrated; put back afterwards."""
    programs = postgres_programs()
    require_service("PostgreSQL server programs", programs, "install postgresql (initdb, pg_ctl)")
    running = Cluster(programs, free_port())
    try:
        running.create()
        with django_db_blocker.unblock():
            saved = dict(connection.settings_dict)
            connection.close()
            connection.settings_dict.update(
                NAME="commission_faults", HOST="127.0.0.1", PORT=str(running.port), USER="postgres", PASSWORD=""
            )
            try:
                call_command("migrate", verbosity=0)
                yield running
            finally:
                connection.close()
                connection.settings_dict.clear()
                connection.settings_dict.update(saved)
    finally:
        running.remove()


@pytest.fixture(scope="module")
def redis_server():
    require_service("redis-server", shutil.which("redis-server"), "install redis-server")
    server = RedisServer(free_port()).start()
    yield server
    server.stop()


def use_broker(url):
    """Publish from this process to `url`: the cached broker connections belong to the previous one."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def queue(cluster, redis_server):
    """An empty database, this process publishing to the test's Redis, on a queue of this test's own."""
    connection.close()
    call_command("flush", interactive=False, verbosity=0)
    name = f"reminders-faults-{uuid.uuid4().hex[:12]}"
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue", "broker_url")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=name)
    use_broker(redis_server.url)
    yield name
    celery_app.conf.update(saved)
    use_broker(saved["broker_url"])


@pytest.fixture
def smtp_port():
    return free_port()


def start_smtp(recorder, port):
    server = SmtpServer(port)
    server.recorder = server.controller.handler = recorder
    return server.start()


@pytest.fixture
def smtp(smtp_port):
    server = start_smtp(Recorder(), smtp_port)
    yield server.recorder
    server.stop()


@pytest.fixture
def worker(queue, redis_server, smtp_port, tmp_path):
    running = Worker(queue, smtp_port, Path(tmp_path))
    running.env.update(FAULT_SETTINGS, REDIS_URL=redis_server.url)
    yield running
    running.stop()


class HoldThenAccept(Recorder):
    """Holds the first message mid-DATA until released, then accepts it (250)."""

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first:
            self.hold_first = False
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return await super().handle_DATA(server, session, envelope)


class CutsTheLine(Recorder):
    """Cuts each address's first conversation: after the 250, when the client says QUIT; or (`before_reply`)
    after keeping the message but before the 250 reaches the client, the one moment SMTP cannot make safe."""

    def __init__(self, before_reply):
        super().__init__()
        self.before_reply = before_reply
        self.cut_for = set()

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        address = envelope.rcpt_tos[0]
        if address not in self.cut_for:
            self.cut_for.add(address)
            session.cut = True
            if self.before_reply:
                server.transport.abort()
        return reply

    async def handle_QUIT(self, server, session, envelope):
        if getattr(session, "cut", False):
            server.transport.abort()  # a reset, not a goodbye
        return "221 Bye"


def people_with_lines(make, count, first=0):
    numbers = range(first, first + count)
    people = [make.person(f"Person {n}", email=f"p{n}@example.org", language="en") for n in numbers]
    owed_lines(make, people)
    return people


def reminder_rows():
    """{(address, line title): how many reminder rows}."""
    rows = Reminder.objects.values_list("recipient__email", "action_line__title")
    return collections.Counter(rows)


def received(recorder, titles):
    """{(address, line title): how many emails carried it}."""
    counts = collections.Counter()
    for message in recorder.messages:
        text = message.get_body(preferencelist=("plain",)).get_content()
        address = message["To"].addresses[0].addr_spec
        counts.update((address, title) for title in titles if title in text)
    return counts


def database_answers(query):
    """`query()` once the database answers again; this process's connection broke with the restart too."""

    def attempt():
        try:
            return query()
        except DatabaseError:
            connection.close()
            return None

    return attempt


def all_sent(count):
    return database_answers(lambda: Reminder.objects.filter(status=Reminder.Status.SENT).count() == count)


def assert_each_reminder_arrived_once(recorder):
    expected = reminder_rows()
    titles = {title for _, title in expected}
    assert received(recorder, titles) == expected
    assert set(expected.values()) == {1}


def test_postgres_restarted_while_a_worker_sends_delivers_each_reminder_once(make, cluster, smtp_port, worker):
    smtp = HoldThenAccept()
    server = start_smtp(smtp, smtp_port)
    try:
        people_with_lines(make, 4)
        smtp.hold_first = True
        worker.start()
        run_sweep(queue=queue_digests)
        assert smtp.holding.wait(timeout=30), worker.logs()
        cluster.restart()  # the held worker's connection dies under it; the other child's idle one too
        connection.close()
        # More digests for workers whose kept connections are now broken.
        people_with_lines(make, 2, first=4)
        run_sweep(queue=queue_digests)
        smtp.release.set()  # the held message is accepted: marking it sent needs a new connection
        wait_for(all_sent(12), "12 reminders sent", timeout=60, logs=worker.logs)
        time.sleep(1)
        assert_each_reminder_arrived_once(smtp)
        assert "Could not mark reminders" in worker.logs()
    finally:
        server.stop()


def test_postgres_restarted_during_a_sweep_the_sweep_is_retried_and_delivers_once(make, cluster, smtp, worker):
    people_with_lines(make, 3)
    worker.start()
    # The sweep will wait on this lock, inside its transaction, while the database restarts.
    blocker = cluster.connect()
    try:
        blocker.cursor().execute("LOCK TABLE agreements_sweeprun IN ACCESS EXCLUSIVE MODE")
        sweep_reminders.delay()
        wait_for(cluster.sweep_waits, "the sweep to wait for its lock", timeout=30, logs=worker.logs)
        cluster.restart()
    finally:
        blocker.close()
    wait_for(all_sent(6), "6 reminders sent", timeout=60, logs=worker.logs)
    time.sleep(1)
    assert_each_reminder_arrived_once(smtp)
    assert "sweep_reminders" in worker.logs() and "Retry in" in worker.logs()
    assert SweepRun.objects.get(run_date=local_today()).reminders_recorded == 6


def children(pid):
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_prefork_child_killed_mid_send_delivers_within_seconds_once(make, smtp, worker):
    worker.options = ["--pool=prefork", "--concurrency=1"]
    people_with_lines(make, 2)
    smtp.hold_first = True  # then refused: the conversation dies with the child, nothing was accepted
    worker.start()
    run_sweep(queue=queue_digests)
    assert smtp.holding.wait(timeout=30), worker.logs()
    (child,) = children(worker.process.pid)
    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()
    smtp.release.set()
    wait_for(all_sent(4), "4 reminders sent", timeout=40, logs=worker.logs)
    waited = time.monotonic() - killed_at
    # Well within the 60 s claim timeout: the redelivered task took over its own claim.
    assert waited < int(FAULT_SETTINGS["REMINDER_CLAIM_TIMEOUT"]) / 2
    time.sleep(1)
    assert_each_reminder_arrived_once(smtp)
    assert sorted(Reminder.objects.values_list("attempts", flat=True)) == [1, 1, 2, 2]


def test_redis_stopped_during_a_sweep_the_dispatcher_delivers_once_it_is_back(
    make, smtp, worker, redis_server, tmp_path, caplog
):
    people_with_lines(make, 3)
    # Beat inside the worker, dispatching every 3 s; today's sweep counts as done, so it starts none.
    SweepRun.objects.create(run_date=local_today(), finished_at=datetime.datetime.now(datetime.UTC))
    worker.options = ["--pool=prefork", "--concurrency=2", "-B", "--schedule", str(tmp_path / "beat-schedule")]
    worker.start()
    redis_server.stop()
    result = run_sweep(queue=queue_digests)  # rows committed; ringing for them fails
    assert result.owed == 6
    assert "left for the dispatcher" in caplog.text
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.PENDING}
    swept_at = SweepRun.objects.get(run_date=local_today()).finished_at
    time.sleep(2)
    redis_server.start()  # empty: whatever was queued before is gone
    wait_for(all_sent(6), "the dispatcher to deliver", timeout=60, logs=worker.logs)
    time.sleep(1)
    assert_each_reminder_arrived_once(smtp)
    assert ReminderDispatch.latest().finished_at is not None
    assert SweepRun.objects.get(run_date=local_today()).finished_at == swept_at  # no new sweep


@pytest.mark.parametrize("before_reply", [False, True], ids=["after-250", "before-250-reaches-the-client"])
def test_smtp_cut_at_the_end_of_a_conversation_repeats_a_digest_at_most_once(make, smtp_port, worker, before_reply):
    smtp = CutsTheLine(before_reply)
    server = start_smtp(smtp, smtp_port)
    try:
        people = people_with_lines(make, 3)
        worker.start()
        run_sweep(queue=queue_digests)
        wait_for(all_sent(6), "6 reminders sent", timeout=60, logs=worker.logs)
        time.sleep(1)
        expected = reminder_rows()
        got = received(smtp, {title for _, title in expected})
        assert set(got) == set(expected)
        # Cut after the 250: the rows were marked before QUIT, nothing repeats. Cut before the client read
        # the 250: the server kept the message, so the retry repeats it, once, with the same Message-ID.
        assert set(got.values()) == ({2} if before_reply else {1})
        for person in people:
            ids = {message["Message-ID"] for message in smtp.to(person.email)}
            assert len(ids) == 1
    finally:
        server.stop()
