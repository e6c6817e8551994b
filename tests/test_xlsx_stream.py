"""The hand-written .xlsx writer: a package spreadsheets open, cells of the right type, streamed in chunks."""

import datetime
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest

from agreements import xlsx_stream
from bench.exports import xlsx_rows

PARTS = {
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
}


def xlsx(headers, rows, title="Lines", widths=None):
    return b"".join(xlsx_stream.xlsx_chunks(headers, rows, title, widths or [12] * len(headers)))


def read(body):
    return openpyxl.load_workbook(io.BytesIO(body)).active


def test_the_package_has_every_part_as_well_formed_xml():
    body = xlsx(["Title"], [("A",)])
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        assert package.testzip() is None
        assert set(package.namelist()) == PARTS
        for name in PARTS:
            ElementTree.fromstring(package.read(name))
        content_types = package.read("[Content_Types].xml").decode()
    for part in ("/xl/workbook.xml", "/xl/worksheets/sheet1.xml", "/xl/styles.xml"):
        assert f'PartName="{part}"' in content_types


def test_cells_read_back_with_their_types():
    headers = ["Text", "Date", "Whole", "Decimal", "Float", "Moment", "Empty", "Blank"]
    row = (
        "Acción",
        datetime.date(2026, 2, 28),
        40,
        Decimal("12.50"),
        0.25,
        datetime.datetime(2026, 3, 1, 9, 30),
        None,
        "",
    )
    sheet = read(xlsx(headers, [row]))
    cells = list(sheet[2])
    assert [cell.value for cell in sheet[1]] == headers
    assert [(cell.value, cell.data_type) for cell in cells[:5]] == [
        ("Acción", "s"),
        (datetime.datetime(2026, 2, 28), "d"),
        (40, "n"),
        (12.5, "n"),
        (0.25, "n"),
    ]
    assert cells[1].number_format == "yyyy\\-mm\\-dd"
    assert cells[5].value == datetime.datetime(2026, 3, 1)  # a day, as the lists show it
    assert [cell.value for cell in cells[6:]] == [None, None]


@pytest.mark.parametrize(
    ("value", "read_back"),
    [
        ("=1+1", "=1+1"),
        ('=HYPERLINK("http://evil.example","click")', '=HYPERLINK("http://evil.example","click")'),
        ("+34 212 555 0101", "+34 212 555 0101"),
        ("0042", "0042"),
        ('<b>Tom & "Jerry"</b> > 2', '<b>Tom & "Jerry"</b> > 2'),
        ("Señalización ñandú ÇÃÕ 中文 🚜", "Señalización ñandú ÇÃÕ 中文 🚜"),
        ("Bell\x07 and\x00 nul\x1f\ufffe", "Bell and nul"),
        ("  indented and trailing  ", "  indented and trailing  "),
        ("tab\there\nnew line", "tab\there\nnew line"),
        ("\x01", None),
    ],
)
def test_text_stays_text_exactly(value, read_back):
    cell = read(xlsx(["Text"], [(value,)]))["A2"]
    assert cell.value == read_back
    if read_back is not None:
        assert cell.data_type == "s"


def test_numbers_a_spreadsheet_cannot_hold_are_written_as_text():
    cells = read(xlsx(["A", "B", "C"], [(Decimal("NaN"), float("inf"), Decimal("1E+2"))]))[2]
    assert [(cell.value, cell.data_type) for cell in cells] == [("NaN", "s"), ("inf", "s"), (100, "n")]


def test_text_longer_than_a_cell_holds_is_cut():
    assert read(xlsx(["Text"], [("x" * 40_000,)]))["A2"].value == "x" * xlsx_stream.MAX_TEXT


def test_a_sheet_with_no_rows_has_only_its_bold_header():
    sheet = read(xlsx(["Title", "Due"], iter(())))
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["Title", "Due"]]
    assert sheet["A1"].font.b and sheet["B1"].font.b


def test_the_sheet_has_its_title_widths_and_a_frozen_header():
    sheet = read(
        xlsx(["Title", "Due"], [("A", None)], title="Líneas [de acción] & más, con un nombre largo", widths=[50, 12])
    )
    assert sheet.title == "Líneas de acción & más, con un "
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (50, 12)
    assert sheet.freeze_panes == "A2"
    assert not sheet["A2"].font.b


def test_rows_are_written_in_order_with_their_numbers():
    rows = [(f"Line {number}", number) for number in range(2500)]
    body = xlsx(["Title", "Number"], rows)
    sheet = read(body)
    assert sheet.max_row == 2501 and sheet.max_column == 2
    assert [cell.value for cell in sheet[2501]] == ["Line 2499", 2499]
    assert xlsx_rows(io.BytesIO(body)) == 2500


def test_rows_are_sent_while_they_are_still_being_read():
    read_so_far = []

    def rows():
        for number in range(5 * xlsx_stream.ROWS_PER_CHUNK):
            read_so_far.append(number)
            yield (f"Action line {number} of a long export", datetime.date(2026, 1, 1), number)

    seen_when_sent = [len(read_so_far) for _chunk in xlsx_stream.xlsx_chunks(["A", "B", "C"], rows(), "S", [9] * 3)]
    assert len(seen_when_sent) > 3
    assert seen_when_sent[0] < 5 * xlsx_stream.ROWS_PER_CHUNK


def test_rows_past_the_last_one_a_spreadsheet_holds_are_left_out(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 3)
    sheet = read(xlsx(["N"], [(number,) for number in range(10)]))
    assert [row[0].value for row in sheet.iter_rows()] == ["N", 0, 1]


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index, letters):
    headers = [f"H{n}" for n in range(index + 1)]
    with zipfile.ZipFile(io.BytesIO(xlsx(headers, [tuple(range(index + 1))]))) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert f'r="{letters}1"' in sheet and f'r="{letters}2"' in sheet
