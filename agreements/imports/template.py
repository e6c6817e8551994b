"""The import template: the columns to fill in (XLSX or CSV) and, in the XLSX's second sheet, what they mean."""

import csv
import io
import tempfile

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ..exports import XLSX_TYPE
from ..models import Sector
from .columns import CHOICES, COLUMNS, column_letter

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def file_name(extension):
    return f"{_('import-template')}.{extension}"


def csv_delimiter():
    """Spreadsheet programs set to Spanish read and write `;`; English ones `,`. Either is read on upload."""
    return ";" if (get_language() or "").startswith("es") else ","


def headers():
    return [column.header for column in COLUMNS]


def meaning_rows():
    """The second sheet: each column, whether it is required, what it means; then the allowed values."""
    yes, no = _("Yes"), _("No")
    rows = [[_("Column"), _("Letter"), _("Required"), _("Meaning")]]
    for index, column in enumerate(COLUMNS):
        rows.append([column.header, column_letter(index), yes if column.required else no, str(column.meaning)])
    rows += [
        [],
        [_("One row per action line. Repeat the agreement's columns on each of its lines.")],
        [_("An empty cell keeps what is recorded; on a new row it takes the default named above.")],
        [_("Dates: YYYY-MM-DD (e.g. 2026-04-15) or DD/MM/YYYY, between 1990 and 2100.")],
        [],
        [_("Allowed values"), _("Code"), "", _("Label")],
    ]
    titles = {
        "kind": _("Kind"),
        "agreement_status": _("Agreement status"),
        "confidentiality": _("Confidentiality"),
        "line_status": _("Line status"),
    }
    for key, choices in CHOICES.items():
        for code, label in choices.choices:
            rows.append([titles[key], code, "", str(label)])
    for name in Sector.objects.order_by("name").values_list("name", flat=True):
        rows.append([_("Sector"), "", "", name])
    return rows


def xlsx_response():
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(title=_("Agreements")[:31])
    for index in range(len(COLUMNS)):
        data.column_dimensions[column_letter(index)].width = 24
    data.append([bold_cell(data, header) for header in headers()])
    meanings = workbook.create_sheet(title=_("Columns")[:31])
    for letter, width in zip("ABCD", (34, 16, 12, 90), strict=True):
        meanings.column_dimensions[letter].width = width
    for number, row in enumerate(meaning_rows()):
        if number == 0 or (row and row[0] == _("Allowed values")):
            meanings.append([bold_cell(meanings, value) for value in row])
        else:
            meanings.append([wrapped_cell(meanings, value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it once sent
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=file_name("xlsx"), content_type=XLSX_TYPE)


def bold_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = BOLD
    return cell


def wrapped_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = WRAP
    return cell


def csv_response():
    output = io.StringIO()
    csv.writer(output, delimiter=csv_delimiter()).writerow(headers())
    # The byte-order mark makes Excel read the file as UTF-8 (accents in the headers).
    response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, file_name("csv"))
    return response
