"""The workbook's plain-row writer against openpyxl's own write-only path, on awkward values."""
from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import IllegalCharacterError

from delphi.reports.xlsx_rows import add_sheet, row_xml

PLAIN_ROWS = [
    ["text", 1, 2.5, -3, -0.25, True, False, None, "", 0, 0.0],
    ["Zürich — 東京 🙂", "a & b < c > d", "'=HYPERLINK(\"x\")", "=", "'-3", "@", "#"],
    [" padded ", "tab\tinside", "line\r\nbreak\rreturn", "\n", "trailing\n", "x" * 40_000],
    [1e-20, 1e20, 10**20, 2**53 + 1, 1 / 3, 123456789.123456789, -0.0],
    [None, None, "after two blanks", None],
    [f"column {n}" for n in range(60)],  # past Z: AA, AB, ...
    [],
]
# Rows openpyxl itself must write: formulas, error codes, dates, other number types, not finite
# numbers and styled cells.
OTHER_ROWS = [
    ["=SUM(A1:A3)", "plain"],
    ["#N/A", 1],
    [datetime.date(2024, 6, 1), "a date"],
    [Decimal("1.5"), "a decimal"],
    [float("nan"), float("inf")],
    (value for value in ("a", "generator")),
]


def _workbook(rows, fast: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, "Data") if fast else workbook.create_sheet("Data")
    sheet.freeze_panes = "A2"
    header = [WriteOnlyCell(sheet, value=name) for name in ("a", "b", "c")]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _parts(content: bytes) -> dict[str, bytes]:
    """The workbook's parts but its properties (which hold the time it was written)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist() if name.startswith("xl/")}


def _cells(content: bytes) -> list[list[tuple]]:
    sheet = load_workbook(io.BytesIO(content))["Data"]
    return [[(c.value, c.data_type, c.font.b) for c in row] for row in sheet.iter_rows()]


def test_plain_rows_are_written_by_the_fast_path():
    letters: list[str] = []
    for number, row in enumerate(PLAIN_ROWS, start=2):
        xml = row_xml(row, number, letters)
        assert xml is not None, row
        assert etree.fromstring(xml).get("r") == str(number)  # well-formed, no fallback needed
    for row in OTHER_ROWS[:-1]:
        assert row_xml(row, 2, letters) is None, row


def test_the_workbook_is_the_one_openpyxl_writes():
    def rows():
        return [*PLAIN_ROWS, *OTHER_ROWS[:-1], (v for v in ("a", "generator")), *PLAIN_ROWS]

    fast, plain = _workbook(rows(), fast=True), _workbook(rows(), fast=False)
    assert _parts(fast) == _parts(plain)  # to the byte
    cells = _cells(fast)
    assert cells == _cells(plain)
    # The values as a spreadsheet reads them, independently of either writer.
    assert cells[1][:7] == [
        ("text", "s", False), (1, "n", False), (2.5, "n", False), (-3, "n", False),
        (-0.25, "n", False), (True, "b", False), (False, "b", False),
    ]
    assert cells[3][2][0] == "line\r\nbreak\rreturn"
    assert cells[3][5][0] == "x" * 32_767
    assert cells[2][0][0] == "Zürich — 東京 🙂" and cells[2][1][0] == "a & b < c > d"
    assert cells[6][59][0] == "column 59"


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    ("character", "error"),
    [("\x07", IllegalCharacterError), ("\ufffe", ValueError), ("\ud800", ValueError)],
)
def test_a_character_a_sheet_cannot_hold_is_refused_on_both_paths(fast, character, error):
    with pytest.raises(error):
        _workbook([["plain", 1], ["fine", f"before {character} after"]], fast=fast)
