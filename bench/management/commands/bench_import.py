"""Benchmark of a spreadsheet import on PostgreSQL: a 10,000-row XLSX previewed, applied, then imported again.

Not a test: it prints figures. `make bench-import` runs it against its own database (BENCH_IMPORT_DATABASE_URL),
so the million-row one of the other benchmarks is not touched. The preview and the apply are the plain functions
the Celery tasks call, timed in this process without a broker.
"""

import datetime
import io
import os
import random
import tempfile
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from openpyxl import Workbook

from agreements import roles
from agreements.imports import apply, runs
from agreements.imports.columns import COLUMNS
from agreements.models import (
    ActionLine,
    Agreement,
    Commission,
    Country,
    DeadlineChange,
    Institution,
    Person,
    Sector,
    SectoralMeeting,
    Session,
    SpreadsheetImport,
)
from bench import data

PREFIX = "BENCH-IMPORT"
SECTORS = 10
PEOPLE = 200
STATUSES = ["Not started", "In progress", "Blocked"]


class Command(BaseCommand):
    help = "Time the preview and the apply of a generated spreadsheet import."
    # The database may not exist yet: nothing may touch it before handle() creates it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--lines-per-agreement", type=int, default=5)

    def handle(self, *args, rows, lines_per_agreement, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL (the Makefile does).")
        data.ensure_database(self.stdout.write)
        call_command("migrate", verbosity=0, interactive=False)
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, IMPORT_MAX_ROWS=rows + 1):
            self.clear()
            self.stdout.write(f"Load average (1, 5, 15 min): {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
            editor, names = self.reference_data()
            started = time.perf_counter()
            content = self.spreadsheet(rows, lines_per_agreement, names)
            self.stdout.write(
                f"Generated a {rows:,}-row XLSX ({len(content) / 1e6:.1f} MB) in {time.perf_counter() - started:.2f} s"
            )
            first = self.preview(editor, content, "first")
            self.apply(first)
            again = self.preview(editor, content, "again")
            self.stdout.write(
                f"Imported again: {again.unchanged_count:,} rows unchanged, {again.created_count:,} to create, "
                f"{again.changed_count:,} to change"
            )
            changed = self.preview(editor, self.spreadsheet(rows, lines_per_agreement, names, shift=1), "changed")
            self.apply(changed)
            self.clear()

    def clear(self):
        lines = ActionLine.objects.filter(external_reference__startswith=PREFIX)
        DeadlineChange.objects.filter(action_line__in=lines).delete()
        ActionLine.history.filter(external_reference__startswith=PREFIX).delete()
        lines.delete()
        Agreement.history.filter(external_reference__startswith=PREFIX).delete()
        Agreement.objects.filter(external_reference__startswith=PREFIX).delete()
        SectoralMeeting.objects.filter(session__commission__name=PREFIX).delete()
        SpreadsheetImport.objects.filter(file_name__startswith=PREFIX).delete()

    def reference_data(self):
        country, _ = Country.objects.get_or_create(code="VE", defaults={"name": "Venezuela"})
        commission, _ = Commission.objects.get_or_create(name=PREFIX)
        Session.objects.get_or_create(
            commission=commission,
            number=1,
            defaults={"start_date": datetime.date(2026, 1, 1), "city": "Caracas", "country": country},
        )
        sectors = [Sector.objects.get_or_create(name=f"{PREFIX} sector {n}")[0].name for n in range(SECTORS)]
        institution, _ = Institution.objects.get_or_create(name=f"{PREFIX} ministry", country=country)
        people = []
        for n in range(PEOPLE):
            people.append(Person.objects.get_or_create(full_name=f"{PREFIX} person {n}", institution=institution)[0])
        editor, _ = get_user_model().objects.get_or_create(username="bench-import-editor")
        editor.groups.set([Group.objects.get(name=roles.EDITOR)])
        return editor, {"sectors": sectors, "people": [person.full_name for person in people]}

    def spreadsheet(self, rows, per_agreement, names, shift=0):
        """`rows` action lines, `per_agreement` to an agreement; `shift` moves every tenth deadline by so many days."""
        chooser = random.Random(7)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([column.english for column in COLUMNS])
        for n in range(rows):
            agreement = n // per_agreement
            due = datetime.date(2027, 1, 1) + datetime.timedelta(days=n % 365 + (shift if n % 10 == 0 else 0))
            values = {
                "commission": PREFIX,
                "session": 1,
                "sector": names["sectors"][agreement % SECTORS],
                "meeting_date": datetime.date(2026, 1, 2),
                "agreement_external_reference": f"{PREFIX}-A{agreement}",
                "reference_code": f"BI-{agreement:06d}",
                "agreement_title": f"Agreement {agreement} on cooperation",
                "kind": "Commitment",
                "agreement_status": "Agreed",
                "confidentiality": "Internal",
                "line_external_reference": f"{PREFIX}-L{n}",
                "line_title": f"Action line {n}: deliver what was agreed",
                "responsible_person": chooser.choice(names["people"]),
                "counterpart_person": chooser.choice(names["people"]),
                "deadline": due,
                "target_quantity": n % 50 + 1,
                "target_unit": "units",
                "line_status": STATUSES[n % 3],
                "percent_complete": n % 100,
            }
            sheet.append([values.get(column.key) for column in COLUMNS])
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()

    def preview(self, editor, content, label):
        record = SpreadsheetImport(file_name=f"{PREFIX}-{label}.xlsx", uploaded_by=editor)
        record.file.save(record.file_name, ContentFile(content))
        started = time.perf_counter()
        record = runs.check_import(record.pk, "en")
        elapsed = time.perf_counter() - started
        if record.status != SpreadsheetImport.Status.READY:
            raise CommandError(f"The {label} file did not check clean: {record.errors[:5]}")
        self.stdout.write(
            f"Preview ({label}): {record.rows_total:,} rows in {elapsed:.2f} s = "
            f"{record.rows_total / elapsed:,.0f} rows/s "
            f"({record.created_count:,} to create, {record.changed_count:,} to change, "
            f"{record.unchanged_count:,} unchanged)"
        )
        return record

    def apply(self, record):
        if not runs.claim_for_apply(record):
            raise CommandError("Could not claim the import")
        writing = []
        write = apply.write

        def timed_write(*args, **kwargs):
            started = time.perf_counter()
            write(*args, **kwargs)
            writing.append(time.perf_counter() - started)

        apply.write = timed_write
        try:
            started = time.perf_counter()
            record = runs.apply_import(record.pk, "en")
            elapsed = time.perf_counter() - started
        finally:
            apply.write = write
        if record.status != SpreadsheetImport.Status.APPLIED:
            raise CommandError(f"The import was not applied: {record.errors[:5]}")
        self.stdout.write(
            f"Apply: {record.rows_total:,} rows in {elapsed:.2f} s = {record.rows_total / elapsed:,.0f} rows/s "
            f"(checked again, then written in one transaction in {writing[0]:.2f} s; "
            f"{record.created_count:,} created, {record.changed_count:,} changed)"
        )
