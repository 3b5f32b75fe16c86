"""A write-only worksheet that writes a row of plain values as one piece of text.

openpyxl's write-only sheet turns every value into a cell object and streams each cell as
nested elements: for the hundreds of thousands of cells of a large study that per-cell work is
most of the workbook's time. A row holding only text, whole or decimal numbers, booleans and
blanks is written here as the XML openpyxl writes for it (an inline string, a number or a
boolean per cell; a blank is left out), built as text and put into the sheet's stream. Any
other row (styled cells, dates, formulas, error codes, text openpyxl or XML would refuse,
numbers that are not finite) goes through openpyxl's own path, unchanged.
"""

from __future__ import annotations

import re
import tempfile
import weakref
from collections.abc import Generator, Iterable, Sequence
from math import isfinite
from pathlib import Path
from typing import IO, Any

from lxml import etree  # type: ignore[import-untyped]
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# openpyxl keeps at most this many characters of a text cell.
_LONGEST_TEXT = 32767
# Characters a sheet cannot hold: openpyxl refuses the first kind, XML the rest.
_REFUSED = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\ud800-\udfff\ufffe\uffff]")
# Where a run of plain rows goes in the streamed sheet (cell text cannot hold "<!--").
_RUN = "plain rows"
_RUN_MARK = b"<!--" + _RUN.encode() + b"-->"
_CHUNK = 1 << 20


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
                add(f'<c r="{ref}" t="inlineStr"></c>')
                continue
            if (text[0] == "=" and len(text) > 1) or text in ERROR_CODES or _REFUSED.search(text):
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
    """A write-only worksheet whose rows of plain values skip openpyxl's per-cell objects.

    openpyxl streams the sheet's XML to a temporary file. Each run of plain rows is marked in
    that stream by a comment and streamed to a second temporary file; closing the sheet puts
    each run in place of its mark. Only the first file is read into memory then, and it holds
    only the other rows (here, the header)."""

    # openpyxl's own, not in its type stubs
    _writer: Any
    row_dimensions: Any
    _already_saved: Any
    _values_to_row: Any

    def __init__(self, parent: Workbook, title: str | None) -> None:
        super().__init__(parent, title)
        self._letters: list[str] = []
        self._plain: IO[bytes] | None = None  # opened with the first run
        self._run_sizes: list[int] = []  # in bytes, in the order of the runs

    def _write_rows(self) -> Generator[None, list[object], None]:
        """openpyxl's row stream (``WriteOnlyWorksheet._write_rows``) with the plain rows
        streamed apart."""
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        sizes = self._run_sizes
        with xf.element("sheetData"):
            number = 1
            in_run = False
            try:
                while True:
                    row = yield
                    xml = self._plain_row(row, number)
                    if xml is None:
                        in_run = False
                        self._writer.write_row(xf, self._values_to_row(row, number), number)
                    else:
                        if not in_run:
                            in_run = True
                            xf.write(etree.Comment(_RUN))
                            sizes.append(0)
                            write = self._runs_file().write
                        # ASCII with character references, as openpyxl's stream
                        sizes[-1] += write(xml.encode("ascii", "xmlcharrefreplace"))
                    number += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def _runs_file(self) -> IO[bytes]:
        if self._plain is None:
            # closed by close(), or with the sheet when a failure leaves it unsaved
            self._plain = tempfile.TemporaryFile()  # noqa: SIM115
            weakref.finalize(self, self._plain.close)
        return self._plain

    def _plain_row(self, row: Iterable[object], number: int) -> str | None:
        if number in self.row_dimensions or not isinstance(row, (list, tuple)):
            return None
        return row_xml(row, number, self._letters)

    def close(self) -> None:
        """Close the sheet as openpyxl does, then put each run of plain rows in its place."""
        super().close()
        if self._plain is None:
            return
        with self._plain as plain:
            plain.seek(0)
            path = Path(self._writer.out)
            others = path.read_bytes().split(_RUN_MARK)
            with path.open("wb") as sheet:
                sheet.write(others[0])
                for size, after in zip(self._run_sizes, others[1:], strict=True):
                    while size:
                        chunk = plain.read(min(size, _CHUNK))
                        sheet.write(chunk)
                        size -= len(chunk)
                    sheet.write(after)


def add_sheet(workbook: Workbook, title: str) -> PlainRowSheet:
    """A new last sheet of the write-only ``workbook``, as ``create_sheet`` would add it."""
    sheet = PlainRowSheet(workbook, title)
    workbook._add_sheet(sheet)  # type: ignore[attr-defined]
    return sheet
