"""Streaming exports of the agreement and action-line lists, as CSV and XLSX.

Rows are read as tuples (values_list, no model instances and no dicts: at 100,000 rows those cost more
than the query) through queryset.iterator(chunk_size=2000), so the whole result is never in memory at
once. Each export turns a database row into its cells with one function, not one call per cell; the
writers then send the rows out in chunks of a thousand as they are read: the CSV through the csv module,
the XLSX through xlsx_stream, written by hand for speed (its docstring has the figures).
"""

import csv
import io
import itertools
from dataclasses import dataclass

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import deadlines
from .models import ActionLine, Agreement, to_roman
from .xlsx_stream import xlsx_chunks

CHUNK_SIZE = 2000
ROWS_PER_CHUNK = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14  # in characters, for the spreadsheet


def labels(choices):
    """Choice labels translated once per export, not once per row."""
    return {value: str(label) for value, label in choices.choices}


def institution_name(name, acronym):
    if not name:
        return ""
    return f"{name} ({acronym})" if acronym else name


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
    """Columns and rows (tuples of cells) for agreements; `queryset` is AgreementFilter's, annotations included."""
    kinds, statuses = labels(Agreement.Kind), labels(Agreement.Status)
    columns = [
        Column(_("Reference code"), 18),
        Column(_("Title"), 50),
        Column(_("Commission"), 24),
        Column(_("Session"), 9),
        Column(_("Sector"), 22),
        Column(_("Kind"), 16),
        Column(_("Status"), 18),
        Column(_("Signed"), 12),
        Column(_("Entry into force"), 12),
        Column(_("Expiry"), 12),
        Column(_("Institutions (our side)"), 40),
        Column(_("Institutions (counterpart)"), 40),
        Column(_("Coordinator"), 24),
        Column(_("Action lines"), 10),
        Column(_("Overdue action lines"), 10),
        Column(_("Progress (%)"), 10),
    ]

    def cells(row, ours, theirs):
        (
            _pk, reference_code, title, commission, commission_short, session, sector, kind, status, signed,
            entry_into_force, expiry, coordinator, line_count, overdue_count, progress,
        ) = row  # fmt: skip
        return (
            reference_code, title, commission_short or commission, to_roman(session), sector,
            kinds.get(kind, kind), statuses.get(status, status), signed, entry_into_force, expiry,
            "; ".join(ours), "; ".join(theirs), coordinator or "", line_count, overdue_count,
            None if progress is None else round(progress),
        )  # fmt: skip

    rows = queryset.values_list(*AGREEMENT_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    return columns, with_institutions(rows, cells)


def with_institutions(rows, cells):
    """Each row's cells, given both sides' institution names: one query per side for each chunk of rows."""
    for batch in batches(rows, CHUNK_SIZE):
        ids = [row[0] for row in batch]
        ours = names_by_agreement(Agreement.our_institutions.through, ids)
        theirs = names_by_agreement(Agreement.counterpart_institutions.through, ids)
        for row in batch:
            yield cells(row, ours.get(row[0], ()), theirs.get(row[0], ()))


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
    """Columns and rows (tuples of cells) for action lines; `queryset` comes from ActionLineFilter."""
    statuses = labels(ActionLine.Status)
    yes, no = _("Yes"), _("No")
    is_overdue = deadlines.is_overdue
    columns = [
        Column(_("Agreement reference"), 18),
        Column(_("Agreement"), 40),
        Column(_("Action line"), 50),
        Column(_("Commission"), 24),
        Column(_("Sector"), 22),
        Column(_("Responsible person (our side)"), 24),
        Column(_("Responsible institution (our side)"), 32),
        Column(_("Responsible person (counterpart)"), 24),
        Column(_("Responsible institution (counterpart)"), 32),
        Column(_("Original deadline"), 12),
        Column(_("Deadline"), 12),
        Column(_("Status"), 14),
        Column(_("Overdue"), 9),
        Column(_("Percent complete"), 10),
        Column(_("Target quantity"), 10),
        Column(_("Unit"), 12),
        Column(_("Achieved quantity"), 10),
        Column(_("Completed"), 12),
    ]

    def cells(row):
        (
            reference_code, agreement, title, commission, commission_short, sector, person, institution,
            acronym, counterpart_person, counterpart_institution, counterpart_acronym, original_due_date,
            due_date, status, percent_complete, target_quantity, target_unit, achieved_quantity, completed_date,
        ) = row  # fmt: skip
        return (
            reference_code, agreement, title, commission_short or commission, sector, person or "",
            institution_name(institution, acronym), counterpart_person or "",
            institution_name(counterpart_institution, counterpart_acronym), original_due_date, due_date,
            statuses.get(status, status), yes if is_overdue(status, due_date, today) else no, percent_complete,
            target_quantity, target_unit, achieved_quantity, completed_date,
        )  # fmt: skip

    return columns, map(cells, queryset.values_list(*ACTION_LINE_FIELDS).iterator(chunk_size=CHUNK_SIZE))


def csv_chunks(columns, rows):
    """The CSV's bytes, ROWS_PER_CHUNK rows at a time: a chunk per row would cost a call and a write each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte-order mark makes Excel read the file as UTF-8 (accents in names and titles).
    buffer.write("\ufeff")
    writer.writerow([column.header for column in columns])
    for batch in batches(rows, ROWS_PER_CHUNK):
        # None is written as an empty field and dates in ISO form by the csv module itself; text that a
        # spreadsheet would run as a formula gets a leading apostrophe.
        writer.writerows(
            [f"'{value}" if value.__class__ is str and value.startswith(FORMULA_STARTS) else value for value in cells]
            for cells in batch
        )
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def csv_response(columns, rows, filename):
    response = StreamingHttpResponse(csv_chunks(columns, rows), content_type="text/csv; charset=utf-8")
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


def xlsx_response(columns, rows, filename, sheet_title):
    headers, widths = [column.header for column in columns], [column.width for column in columns]
    response = StreamingHttpResponse(xlsx_chunks(headers, rows, sheet_title, widths), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
