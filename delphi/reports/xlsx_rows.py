"""A write-only worksheet that writes a row of plain values as one piece of XML.

openpyxl's write-only sheet turns every value into a cell object and streams each cell as
nested elements: for the hundreds of thousands of cells of a large study that per-cell work is
most of the workbook's time. A row holding only text, whole or decimal numbers, booleans and
blanks is written here as the same XML openpyxl writes for it (an inline string, a number or a
boolean per cell; a blank is left out), built as text and handed to the stream as one element.
Any other row (styled cells, dates, formulas, error codes, text openpyxl would refuse or cut,
numbers that are not finite) goes through openpyxl's own path, unchanged.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from math import isfinite
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# openpyxl keeps at most this many characters of a text cell.
_LONGEST_TEXT = 32767


def _text(value: str) -> str:
    """Text as XML character data; a carriage return is kept as a character reference (an XML
    parser would turn a literal one into a line feed)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _number(value: Any) -> str:
    """A number as openpyxl writes it (``safe_string``): 16 significant digits."""
    return "%.16g" % value  # noqa: UP031 (openpyxl's own format, kept to the character)


def row_xml(values: Sequence[object], row_number: int, letters: list[str]) -> str | None:
    """The ``<row>`` element openpyxl writes for ``values``, or None when a value is not plain
    (the row is then left to openpyxl). ``letters`` holds the column letters, A first."""
    while len(letters) < len(values):
        letters.append(get_column_letter(len(letters) + 1))
    parts = [f'<row r="{row_number}">']
    add = parts.append
    for index, value in enumerate(values):
        if value is None:
            continue
        kind = type(value)
        ref = f"{letters[index]}{row_number}"
        if kind is str:
            text = value[:_LONGEST_TEXT]  # type: ignore[index]
            if not text:
                add(f'<c r="{ref}" t="inlineStr"/>')
                continue
            if (
                (text[0] == "=" and len(text) > 1)
                or text in ERROR_CODES
                or ILLEGAL_CHARACTERS_RE.search(text)
            ):
                return None
            space = ' xml:space="preserve"' if text != text.strip() else ""
            add(f'<c r="{ref}" t="inlineStr"><is><t{space}>{_text(text)}</t></is></c>')
        elif kind is int or (kind is float and isfinite(value)):  # type: ignore[arg-type]
            add(f'<c r="{ref}" t="n"><v>{_number(value)}</v></c>')
        elif kind is bool:
            add(f'<c r="{ref}" t="b"><v>{_number(value)}</v></c>')
        else:
            return None
    add("</row>")
    return "".join(parts)


class PlainRowSheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows of plain values skip openpyxl's per-cell objects."""

    # openpyxl's own, not in its type stubs
    _writer: Any
    row_dimensions: Any
    _already_saved: Any
    _values_to_row: Any

    def __init__(self, parent: Workbook, title: str | None) -> None:
        super().__init__(parent, title)
        self._letters: list[str] = []

    def _write_rows(self) -> Generator[None, list[object], None]:
        """openpyxl's row stream (``WriteOnlyWorksheet._write_rows``) with the plain rows
        written whole."""
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            number = 1
            try:
                while True:
                    row = yield
                    element = self._plain_row(row, number)
                    if element is None:
                        self._writer.write_row(xf, self._values_to_row(row, number), number)
                    else:
                        xf.write(element)
                    number += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def _plain_row(self, row: Iterable[object], number: int) -> Any:
        if number in self.row_dimensions or not isinstance(row, (list, tuple)):
            return None
        xml = row_xml(row, number, self._letters)
        if xml is None:
            return None
        try:
            return etree.fromstring(xml)
        except etree.XMLSyntaxError:  # a character XML cannot hold: openpyxl's path says so
            return None


def add_sheet(workbook: Workbook, title: str) -> PlainRowSheet:
    """A new last sheet of the write-only ``workbook``, as ``create_sheet`` would add it."""
    sheet = PlainRowSheet(workbook, title)
    workbook._add_sheet(sheet)  # type: ignore[attr-defined]
    return sheet
