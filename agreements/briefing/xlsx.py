"""The follow-up matrix as one XLSX sheet: a title row (marking, commission, sessions, what was left out), then a
frozen header with filters on, one row per action line and one for each agreement without lines.

Written with openpyxl's write-only workbook (the list exports, which run to 100,000 rows, have their own writer in
agreements/xlsx_stream.py); text cells go through exports.xlsx_cell, so a title that looks like a formula stays text.
"""

import tempfile

from django.http import FileResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..exports import XLSX_TYPE, xlsx_cell
from ..models import to_roman

HEADER_ROW = 2


def columns():
    """(header, value of (agreement, line)) pairs; `line` is None on the row of an agreement without lines."""

    def of_line(read):
        return lambda agreement, line: read(line) if line is not None else None

    def numeral(number):
        return to_roman(number) if number else ""

    return [
        (_("Sector"), lambda agreement, line: agreement.sector),
        (_("Session"), lambda agreement, line: numeral(agreement.session_number)),
        (_("Agreement reference"), lambda agreement, line: agreement.reference_code),
        (_("Agreement"), lambda agreement, line: agreement.title),
        (_("Agreement status"), lambda agreement, line: agreement.status_label),
        (_("Action line"), of_line(lambda line: line.title)),
        (_("Status"), of_line(lambda line: line.status_label)),
        (_("Overdue"), of_line(lambda line: _("Yes") if line.is_overdue else _("No"))),
        (_("Responsible person (our side)"), of_line(lambda line: line.ours.person)),
        (_("Responsible institution (our side)"), of_line(lambda line: line.ours.institution)),
        (_("Responsible person (counterpart)"), of_line(lambda line: line.theirs.person)),
        (_("Responsible institution (counterpart)"), of_line(lambda line: line.theirs.institution)),
        (_("Original deadline"), of_line(lambda line: line.original_due_date)),
        (_("Deadline"), of_line(lambda line: line.due_date)),
        (_("Deadline changes"), of_line(lambda line: line.moves)),
        (_("Target quantity"), of_line(lambda line: line.target_quantity)),
        (_("Unit"), of_line(lambda line: line.target_unit)),
        (_("Achieved quantity"), of_line(lambda line: line.achieved_quantity)),
        (_("Percent complete"), of_line(lambda line: line.percent_complete)),
        (_("Latest update"), of_line(lambda line: line.latest_note)),
        (_("Latest update date"), of_line(lambda line: line.latest_at.date() if line.latest_at else None)),
        (
            _("Carried over from"),
            lambda agreement, line: numeral((line and line.carried_from_number) or agreement.carried_from_number),
        ),
    ]


def title(matrix):
    parts = [
        matrix.level_label.upper(),
        str(matrix.commission.name),
        ngettext("Session %(numbers)s", "Sessions %(numbers)s", len(matrix.sessions))
        % {"numbers": matrix.session_numbers},
        date_format(matrix.today, "DATE_FORMAT"),
    ]
    parts.append(matrix.filtered_note)
    return " · ".join(part for part in parts if part)


def rows(matrix):
    for agreement in matrix.agreements:
        for line in agreement.lines or [None]:
            yield agreement, line


def xlsx_response(matrix, filename):
    chosen = columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Follow-up")[:31])
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.append([xlsx_cell(sheet, title(matrix))])
    sheet.append([header for header, _value in chosen])
    count = 0
    for agreement, line in rows(matrix):
        sheet.append([xlsx_cell(sheet, value(agreement, line)) for _header, value in chosen])
        count += 1
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(chosen))}{HEADER_ROW + count}"
    # Not a `with` block: FileResponse closes the file when it has been sent, and closing deletes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
