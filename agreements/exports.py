"""Streaming exports of the agreement and action-line lists, as CSV and XLSX.

Rows are read as plain values (no model instances: at 100,000 rows those cost more than the
query) through queryset.iterator(chunk_size=2000), so the whole result is never in memory at once.
The CSV is written to the client as it is read; the XLSX goes through XlsxWriter in constant-memory
mode (each row written out as it comes) into a temporary file, which is then streamed. XlsxWriter, typed
cell by cell, writes 100,000 rows in about two thirds of the time openpyxl's write-only workbook took.
"""

import csv
import datetime
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter import Workbook

from . import deadlines
from .models import ActionLine, Agreement, to_roman

CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict], Any]


def labels(choices):
    """Choice labels translated once per export, not once per row."""
    return {value: str(label) for value, label in choices.choices}


def institution_name(row, prefix):
    name, acronym = row[f"{prefix}__name"], row[f"{prefix}__acronym"]
    if not name:
        return ""
    return f"{name} ({acronym})" if acronym else name


def commission_name(row):
    return row["commission__short_name"] or row["commission__name"]


def batches(rows, size):
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield batch


AGREEMENT_FIELDS = (
    "pk", "reference_code", "title", "commission__name", "commission__short_name", "session__number",
    "sector__name", "kind", "status", "signed_date", "entry_into_force_date", "expiry_date",
    "coordinator__full_name", "line_count", "overdue_count", "progress",
)  # fmt: skip


def agreement_export(queryset):
    """Columns and rows (dicts) for agreements; `queryset` comes from AgreementFilter, annotations included."""
    kinds, statuses = labels(Agreement.Kind), labels(Agreement.Status)
    columns = [
        Column(_("Reference code"), lambda row: row["reference_code"]),
        Column(_("Title"), lambda row: row["title"]),
        Column(_("Commission"), commission_name),
        Column(_("Session"), lambda row: to_roman(row["session__number"])),
        Column(_("Sector"), lambda row: row["sector__name"]),
        Column(_("Kind"), lambda row: kinds.get(row["kind"], row["kind"])),
        Column(_("Status"), lambda row: statuses.get(row["status"], row["status"])),
        Column(_("Signed"), lambda row: row["signed_date"]),
        Column(_("Entry into force"), lambda row: row["entry_into_force_date"]),
        Column(_("Expiry"), lambda row: row["expiry_date"]),
        Column(_("Institutions (our side)"), lambda row: "; ".join(row["ours"])),
        Column(_("Institutions (counterpart)"), lambda row: "; ".join(row["theirs"])),
        Column(_("Coordinator"), lambda row: row["coordinator__full_name"] or ""),
        Column(_("Action lines"), lambda row: row["line_count"]),
        Column(_("Overdue action lines"), lambda row: row["overdue_count"]),
        Column(_("Progress (%)"), lambda row: None if row["progress"] is None else round(row["progress"])),
    ]
    return columns, with_institutions(queryset.values(*AGREEMENT_FIELDS).iterator(chunk_size=CHUNK_SIZE))


def with_institutions(rows):
    """Add both sides' institution names to each row: one query per side for each chunk of rows."""
    for batch in batches(rows, CHUNK_SIZE):
        ids = [row["pk"] for row in batch]
        ours = names_by_agreement(Agreement.our_institutions.through, ids)
        theirs = names_by_agreement(Agreement.counterpart_institutions.through, ids)
        for row in batch:
            row["ours"], row["theirs"] = ours.get(row["pk"], []), theirs.get(row["pk"], [])
            yield row


def names_by_agreement(through, ids):
    names = {}
    pairs = through.objects.filter(agreement_id__in=ids).order_by("institution__name")
    for agreement_id, name, acronym in pairs.values_list("agreement_id", "institution__name", "institution__acronym"):
        names.setdefault(agreement_id, []).append(f"{name} ({acronym})" if acronym else name)
    return names


ACTION_LINE_FIELDS = (
    "agreement__reference_code", "agreement__title", "title", "commission__name", "commission__short_name",
    "sector__name", "responsible_person__full_name", "responsible_institution__name",
    "responsible_institution__acronym", "counterpart_person__full_name", "counterpart_institution__name",
    "counterpart_institution__acronym", "original_due_date", "due_date", "status", "percent_complete",
    "target_quantity", "target_unit", "achieved_quantity", "completed_date",
)  # fmt: skip


def action_line_export(queryset, today):
    """Columns and rows (dicts) for action lines; `queryset` comes from ActionLineFilter."""
    statuses = labels(ActionLine.Status)
    yes, no = _("Yes"), _("No")

    def overdue(row):
        return yes if deadlines.is_overdue(row["status"], row["due_date"], today) else no

    columns = [
        Column(_("Agreement reference"), lambda row: row["agreement__reference_code"]),
        Column(_("Agreement"), lambda row: row["agreement__title"]),
        Column(_("Action line"), lambda row: row["title"]),
        Column(_("Commission"), commission_name),
        Column(_("Sector"), lambda row: row["sector__name"]),
        Column(_("Responsible person (our side)"), lambda row: row["responsible_person__full_name"] or ""),
        Column(_("Responsible institution (our side)"), lambda row: institution_name(row, "responsible_institution")),
        Column(_("Responsible person (counterpart)"), lambda row: row["counterpart_person__full_name"] or ""),
        Column(
            _("Responsible institution (counterpart)"), lambda row: institution_name(row, "counterpart_institution")
        ),
        Column(_("Original deadline"), lambda row: row["original_due_date"]),
        Column(_("Deadline"), lambda row: row["due_date"]),
        Column(_("Status"), lambda row: statuses.get(row["status"], row["status"])),
        Column(_("Overdue"), overdue),
        Column(_("Percent complete"), lambda row: row["percent_complete"]),
        Column(_("Target quantity"), lambda row: row["target_quantity"]),
        Column(_("Unit"), lambda row: row["target_unit"]),
        Column(_("Achieved quantity"), lambda row: row["achieved_quantity"]),
        Column(_("Completed"), lambda row: row["completed_date"]),
    ]
    return columns, queryset.values(*ACTION_LINE_FIELDS).iterator(chunk_size=CHUNK_SIZE)


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def csv_lines(columns, rows):
    writer = csv.writer(_Echo())
    # The byte-order mark makes Excel read the file as UTF-8 (accents in names and titles).
    yield "\ufeff" + writer.writerow([column.header for column in columns])
    for row in rows:
        yield writer.writerow([csv_text(column.value(row)) for column in columns])


def csv_response(columns, rows, filename):
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_cell(sheet, value):
    """A value for a row of an openpyxl write-only sheet (the briefing pack's), kept as text when it is text."""
    if not isinstance(value, str) or not value:
        return value
    if not value.startswith("=") and not ILLEGAL_CHARACTERS_RE.search(value):
        return value
    # Control characters make openpyxl refuse the row; a leading "=" would be stored as a formula.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def xlsx_write_row(sheet, number, values, date_format):
    """One row, each cell by its type: text is always written as text, never read as a formula or a number."""
    for column, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, str):
            if value:
                # Control characters XML cannot carry are dropped, as openpyxl's exports did.
                sheet.write_string(number, column, ILLEGAL_CHARACTERS_RE.sub("", value))
        elif isinstance(value, datetime.date):
            sheet.write_datetime(number, column, value, date_format)
        else:
            sheet.write_number(number, column, value)


def xlsx_response(columns, rows, filename, sheet_title):
    # Not a `with` block: FileResponse closes the file when it has been sent, and closing deletes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    # constant_memory: each row goes to XlsxWriter's own temporary file once the next one starts.
    workbook = Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet(sheet_title[:31])
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    xlsx_write_row(sheet, 0, [column.header for column in columns], date_format)
    for number, row in enumerate(rows, start=1):
        xlsx_write_row(sheet, number, [column.value(row) for column in columns], date_format)
    workbook.close()
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
