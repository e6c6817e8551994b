"""The development-only benchmark app (bench/): its data generator, its settings, its baseline and its report.

The app is not installed under the project's settings, so its commands are called as Command instances.
"""

import datetime
import io
import re
import socket
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
