"""One worksheet of typed rows written as an .xlsx file, streamed out as it is written.

Written by hand because the libraries spend their time in per-cell calls. The same 99,928 action lines of
the benchmark data (18 columns), already in memory, cost in CPU seconds: XlsxWriter in constant-memory
mode 9.3, pyexcelerate 7.6 (and it holds every row until it saves), openpyxl's write-only workbook 13.7;
this module 1.0, a row as one string, its sheet deflated at level 1 (10 MB against XlsxWriter's 8 MB).

Text is always a string cell (inline, so nothing has to be held for a shared-string table): a value that
starts with "=" stays text and is never run as a formula. Dates are serial numbers with a date style,
numbers are numbers. Characters XML cannot carry are dropped. Rows go straight from the iterator into the
zip stream and out in chunks, so memory stays flat whatever the number of rows.
"""

import datetime
import decimal
import math
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

# Excel's limits: rows past the last one make a file it will not open; a longer text is cut.
MAX_ROWS = 1_048_576
MAX_TEXT = 32_767
ROWS_PER_CHUNK = 1000
# Day 0 of Excel's dates (1899-12-30, which absorbs its 1900 leap-year bug for every date after February 1900).
EPOCH = datetime.date(1899, 12, 30).toordinal()
# Allowed in a Python string but not in XML 1.0.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NOT_SHEET_NAME = re.compile(r"[\x00-\x1f\[\]:*?/\\]")
DATE_STYLE, HEADER_STYLE = 1, 2

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>\
</Relationships>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>\
</workbook>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
</Relationships>"""

# Cell formats: 0 plain, 1 (DATE_STYLE) a date as yyyy-mm-dd, 2 (HEADER_STYLE) bold.
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

# The header row stays in view while the rows scroll.
SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<sheetViews><sheetView workbookViewId="0">\
<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
<cols>{cols}</cols><sheetData>"""
SHEET_END = "</sheetData></worksheet>"


def text(value):
    """Text as XML element content: control characters dropped, &, < and > escaped."""
    if not value.isprintable():  # a fast test that passes nearly every value; the regex only when it fails
        value = NOT_XML.sub("", value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return value


def sheet_name(title):
    """Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\\."""
    return NOT_SHEET_NAME.sub("", title)[:31]


def text_cell(ref, value, style=""):
    """An inline-string cell, or nothing when no character is left once those XML cannot carry are dropped."""
    value = text(value)
    if not value:
        return ""
    # Without xml:space, spreadsheets drop the spaces at either end.
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def other_cell(ref, value):
    """A cell for anything but text, a date or a whole number: a datetime as its day, a decimal or a float as a
    number, anything else as its text."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{value.toordinal() - EPOCH}</v></c>'
    if isinstance(value, bool):
        return text_cell(ref, str(value))
    # NaN and infinity have no number cell in a spreadsheet; they are written as their text.
    if isinstance(value, int) or (isinstance(value, float | decimal.Decimal) and math.isfinite(value)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return text_cell(ref, str(value))


def row_xml(number, letters, values):
    """One <row>; empty strings and None leave their cell out. The common cases are written inline, not
    through a call per cell: at 100,000 rows of 18 cells, each call per cell costs about a quarter of a second."""
    row = str(number)
    cells = [f'<row r="{row}">']
    for letter, value in zip(letters, values, strict=True):
        if value is None:
            continue
        kind = value.__class__
        if kind is str:
            if not value:
                continue
            # Nearly every text is printable (no control character, tab or newline), short, with no
            # character to escape and no space at either end: it goes in as it is.
            if (
                value.isprintable()
                and "&" not in value
                and "<" not in value
                and ">" not in value
                and value[0] != " "
                and value[-1] != " "
                and len(value) <= MAX_TEXT
            ):
                cells.append(f'<c r="{letter}{row}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(text_cell(f"{letter}{row}", value))
        elif kind is datetime.date:
            cells.append(f'<c r="{letter}{row}" s="{DATE_STYLE}"><v>{value.toordinal() - EPOCH}</v></c>')
        elif kind is int:
            cells.append(f'<c r="{letter}{row}"><v>{value}</v></c>')
        else:
            cells.append(other_cell(f"{letter}{row}", value))
    cells.append("</row>")
    return "".join(cells)


def header_xml(letters, headers):
    style = f' s="{HEADER_STYLE}"'
    cells = "".join(text_cell(f"{letter}1", header, style) for letter, header in zip(letters, headers, strict=True))
    return f'<row r="1">{cells}</row>'


def cols_xml(widths):
    return "".join(
        f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>'
        for number, width in enumerate(widths, start=1)
    )


class _Sink:
    """A write-only file for zipfile that keeps what is written until the generator hands it on."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data, self.parts = b"".join(self.parts), []
        return data


def xlsx_chunks(headers, rows, sheet_title, widths):
    """The bytes of an .xlsx with one sheet: a bold header row, then `rows` (sequences of cell values, one
    per header), in chunks of ROWS_PER_CHUNK rows as they are written. `widths` are in characters."""
    letters = [get_column_letter(index + 1) for index in range(len(headers))]
    sink = _Sink()
    # Not seekable: zipfile writes each entry's sizes after its data, as a stream needs.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("xl/workbook.xml", WORKBOOK.format(name=quoteattr(sheet_name(sheet_title))))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write((SHEET_START.format(cols=cols_xml(widths)) + header_xml(letters, headers)).encode())
            batch = []
            for number, values in enumerate(rows, start=2):
                if number > MAX_ROWS:
                    break
                batch.append(row_xml(number, letters, values))
                if len(batch) == ROWS_PER_CHUNK:
                    sheet.write("".join(batch).encode())
                    batch = []
                    # The compressor keeps some bytes back; a chunk is sent once it has given some out.
                    if chunk := sink.take():
                        yield chunk
            sheet.write(("".join(batch) + SHEET_END).encode())
    yield sink.take()
