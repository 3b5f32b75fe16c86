"""Neutralising spreadsheet formulas in exported cells.

A panellist can type ``=HYPERLINK(...)`` as a comment; opened in Excel or LibreOffice, such a
cell would run. Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading single quote, which spreadsheets show as plain text. Numbers stay numbers: ``-3`` as an
int or float is a value, not a formula.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell value to export: text that could start a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row: list[Any]) -> list[Any]:
    return [neutralise(value) for value in row]
