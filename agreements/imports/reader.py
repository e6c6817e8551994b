"""Reading an uploaded spreadsheet into numbered rows of raw cells, keyed by column.

XLSX through openpyxl's read-only mode (the first sheet); CSV in UTF-8 (a byte-order mark is fine; files
saved by older spreadsheet programs in Windows-1252 are read too), `;` or `,` between cells, whichever the
header row uses. Row numbers are the spreadsheet's own: the header is row 1.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .columns import BY_KEY, COLUMNS, HEADER_KEYS, column_letter, normalise


@dataclass
class Sheet:
    # key → (index, the header as written in the file)
    columns: dict = field(default_factory=dict)
    # (row number, {key: raw value}); rows with no value at all are left out
    rows: list = field(default_factory=list)
    # problems with the file as a whole or its header row, as row errors
    problems: list = field(default_factory=list)

    def column(self, key):
        """(letter, header as in the file) of a column; a column the file lacks is named as in the template."""
        if key in self.columns:
            index, header = self.columns[key]
            return column_letter(index), header
        return "", BY_KEY[key].header


def error(row, letter, column, message):
    return {"row": row, "letter": letter, "column": column, "message": str(message)}


def read(stored_file):
    """A Sheet from an open binary file: XLSX when it is a zip archive, CSV otherwise."""
    stored_file.seek(0)
    is_zip = stored_file.read(4) == b"PK\x03\x04"
    stored_file.seek(0)
    try:
        raw_rows = xlsx_rows(stored_file) if is_zip else csv_rows(stored_file.read())
        return sheet_from(raw_rows)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, csv.Error):
        sheet = Sheet()
        sheet.problems.append(
            error(None, "", "", _("The file could not be read: save it as XLSX or CSV and try again."))
        )
        return sheet


def count_rows(stored_file):
    """About how many rows the file has, without reading its cells: an XLSX sheet's stated size, a CSV's lines."""
    stored_file.seek(0)
    is_zip = stored_file.read(4) == b"PK\x03\x04"
    stored_file.seek(0)
    try:
        if is_zip:
            workbook = load_workbook(stored_file, read_only=True)
            try:
                rows = workbook.worksheets[0].max_row
            finally:
                workbook.close()
            # A sheet without a stated size is counted as large: it is checked in the background.
            return max((rows or settings.IMPORT_MAX_ROWS) - 1, 0)
        return max(stored_file.read().count(b"\n") - 1, 0)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        return 0
    finally:
        stored_file.seek(0)


def xlsx_rows(stored_file):
    workbook = load_workbook(stored_file, read_only=True, data_only=True)
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def csv_rows(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def cell_value(value):
    """Strings stripped, blanks None; numbers and dates as the spreadsheet gave them."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def sheet_from(raw_rows):
    sheet = Sheet()
    raw_rows = iter(raw_rows)
    header = next(raw_rows, None)
    if header is None:
        sheet.problems.append(error(None, "", "", _("The file is empty: use the template's first row as headers.")))
        return sheet
    read_header(sheet, header)
    if sheet.problems:
        return sheet
    limit = settings.IMPORT_MAX_ROWS
    for number, raw in enumerate(raw_rows, start=2):
        cells = {
            key: cell_value(raw[index]) if index < len(raw) else None for key, (index, _h) in sheet.columns.items()
        }
        if all(value is None for value in cells.values()):
            continue
        if len(sheet.rows) >= limit:
            message = _("The file has more than %(limit)s rows: split it into several files.") % {"limit": limit}
            sheet.problems.append(error(number, "", "", message))
            break
        sheet.rows.append((number, cells))
    return sheet


def read_header(sheet, header):
    for index, title in enumerate(header):
        title = cell_value(title)
        if title is None:
            continue
        key = HEADER_KEYS.get(normalise(title))
        letter = column_letter(index)
        if key is None:
            message = _("Unknown column “%(header)s”: name it as in the template, or delete it.") % {"header": title}
            sheet.problems.append(error(1, letter, str(title), message))
        elif key in sheet.columns:
            message = _("The column “%(header)s” appears twice.") % {"header": title}
            sheet.problems.append(error(1, letter, str(title), message))
        else:
            sheet.columns[key] = (index, str(title))
    for column in COLUMNS:
        if column.required and column.key not in sheet.columns:
            message = _("The column “%(header)s” is missing: copy it from the template.") % {"header": column.header}
            sheet.problems.append(error(1, "", column.header, message))
