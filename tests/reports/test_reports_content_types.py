"""Every download says what it is in one well-formed Content-Type header: a type, and for text
a single charset (a repeated ``charset`` parameter makes some clients refuse the file)."""
from __future__ import annotations

import re

import pytest

from delphi.reports import FORMATS
from tests.support.reports import download_report

# Written out here rather than read from the code, so a wrong header in the code fails.
EXPECTED = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "accord": "text/csv; charset=utf-8",
    "raw": "application/zip",
}
WELL_FORMED = re.compile(r"^[a-z]+/[a-z0-9.+-]+(; charset=utf-8)?$")


def test_every_format_is_listed_here():
    assert set(FORMATS) == set(EXPECTED)


@pytest.mark.parametrize("format_name", sorted(EXPECTED))
def test_each_report_download_has_one_well_formed_content_type(two_rounds, login_as, client,
                                                                format_name):
    login_as("coordinator", studies=[two_rounds.study])

    download = download_report(client, "two-rounds", f"{format_name}:1")

    assert download.status_code == 200
    assert download.headers.getlist("Content-Type") == [EXPECTED[format_name]]
    assert WELL_FORMED.match(download.headers["Content-Type"])
    assert download.data  # the file itself came with it


def test_the_study_file_download_has_one_well_formed_content_type(two_rounds, login_as, client):
    login_as("coordinator", studies=[two_rounds.study])

    download = client.get("/console/studies/two-rounds/export")

    assert download.status_code == 200
    content_type = download.headers.getlist("Content-Type")
    assert len(content_type) == 1 and WELL_FORMED.match(content_type[0]), content_type
    assert content_type[0].count("charset") <= 1
    assert b"two-rounds" in download.data
