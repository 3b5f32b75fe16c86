"""The HTML and PDF reports: their sections, numbers, and escaping of panellists' text."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader

from delphi.reports import export
from tests.reports.conftest import SCRIPT
from tests.support.backends import sqlite_only

SECTIONS = ["Design", "Participation", "Item flow across rounds", "Round 1: items",
            "Round 2: items", "Items that reached consensus", "Comments", "Rewording history"]


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_html_report_has_every_section_and_escapes_comments(two_rounds):
    page = export(two_rounds.study, "html").decode()
    for title in SECTIONS:
        assert f">{title}</h2>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; keep the plan short" in page
    assert "Panellist 1" not in page and "panellist1@example.org" not in page
    assert "Panellists found the wording ambiguous." in page
    assert "<svg" in page and "Item flow across rounds</title>" in page
    # S1.1: ratings 7 8 9 9 8 7 9 give median 8 and 100% in the high region.
    assert re.search(r"S1\.1</span> Guidance item 1\.1\..*?Median \[Q1, Q3\]</th><td>8 \[7.5, 9\]",
                     page, re.S)
    # S1.2 in round 2 against round 1: P001 1->2, P002 5->5, P003 9->8, P004 3->3, P005 7->7
    # (P006 left it out, P007 did not answer round 2): 2 of 5 changed, both within a region.
    assert ("not stable: 40% of 5 panellists rating it in both rounds changed their rating; "
            "mean change 0.4; 0% moved region") in page


def test_one_round_html_report_shows_only_that_round(two_rounds):
    page = export(two_rounds.study, "html", round_number=1).decode()
    assert ">Round 1: items</h2>" in page
    assert ">Round 2: items</h2>" not in page


@sqlite_only  # the HTML page it prints is checked on both databases
def test_pdf_report_has_the_sections_numbers_and_the_comment_as_text(two_rounds):
    content = export(two_rounds.study, "pdf")
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    for title in SECTIONS:
        assert title in text
    assert SCRIPT in text  # shown as the text typed, not run or dropped
    assert "Reworded guidance item 2.2." in text
    assert "8 [7.5, 9]" in text  # S1.1's median and quartiles, as computed in the HTML test
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= len(SECTIONS)  # one page per section at least
