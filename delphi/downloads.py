"""Files the app serves, as spreadsheets read them: every CSV response starts with a UTF-8
byte-order mark. Without it Excel on Windows reads the file in the local code page and garbles
accented names ("JosÃ©"); with it, R, pandas and LibreOffice still read the file as UTF-8."""

from __future__ import annotations

import codecs

from flask import Flask, Response


def with_byte_order_mark(response: Response) -> Response:
    """``response`` with the byte-order mark in front, when it is a CSV file without one."""
    if response.mimetype != "text/csv" or response.direct_passthrough or response.is_streamed:
        return response
    data = response.get_data()
    if not data.startswith(codecs.BOM_UTF8):
        response.set_data(codecs.BOM_UTF8 + data)
    return response


def register(app: Flask) -> None:
    """Every CSV the app serves (reports, personal links, consent log, ...) gets the mark here,
    before compression, so no download has to remember it."""
    app.after_request(with_byte_order_mark)
