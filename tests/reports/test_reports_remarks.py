"""Every report format holds what panellists wrote: section comments, comments and reasons under
their stakeholder group, the team's summary of the arguments, suggestions with what became of
each, and the excluded items.

In ``two_rounds`` (min_group_size 3) round 1 was submitted by P001-P007: Social workers P001,
P003, P005, P007 (4) and People who use services P002, P004, P006 (3), so both groups are shown
by name; with a minimum of 4, People who use services become "another group". The suggestion
"Agree how often to meet." was accepted as new item S1.3; S2.1 reached consensus out.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from delphi.models import (Panellist, Rating, Response, RoundItem, SectionComment, Suggestion, SuggestionKind,
                           SuggestionStatus)
from delphi.reports import export
from tests.support.backends import sqlite_only

SECTION_COMMENT = "Section one needs worked examples."
DECLINED = "Add an item on parking."
REASON = "Too costly for small teams."
SUMMARY = "Panellists agree it is essential."


@pytest.fixture
def remarked(db, two_rounds):
    """two_rounds plus a section comment by P002, a reason by P003 on S1.2, a summary of the
    arguments on S1.1 and a declined suggestion by P004, all in round 1."""
    study, round1 = two_rounds.study, two_rounds.round1
    panel = {p.pseudonym: p for p in db.session.scalars(
        db.select(Panellist).filter_by(study_id=study.id))}
    responses = {r.panellist.pseudonym: r for r in db.session.scalars(
        db.select(Response).filter_by(round_id=round1.id))}
    db.session.add(SectionComment(response=responses["P002"], section_id=study.sections[0].id,
                                  comment=SECTION_COMMENT))
    s12 = db.session.scalar(db.select(RoundItem).filter_by(round_id=round1.id, code="S1.2"))
    db.session.scalar(db.select(Rating).filter_by(response_id=responses["P003"].id,
                                                  round_item_id=s12.id)).reason = REASON
    s11 = db.session.scalar(db.select(RoundItem).filter_by(round_id=round1.id, code="S1.1"))
    s11.argument_summary = SUMMARY
    db.session.add(Suggestion(round=round1, panellist_id=panel["P004"].id,
                              kind=SuggestionKind.NEW_ITEM, section=study.sections[1],
                              text=DECLINED, status=SuggestionStatus.DECLINED))
    db.session.commit()
    return two_rounds


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_html_report_groups_comments_and_lists_suggestions_and_excluded_items(remarked):
    page = _words(export(remarked.study, "html").decode())
    assert ("Round 1 · section S1 Section 1 People who use services " + SECTION_COMMENT) in page
    assert ("Round 1 · S1.1 Guidance item 1.1. Summary of the arguments: " + SUMMARY
            + " Social workers Essential.") in page
    assert ("Reasons given for ratings outside the interquartile range: Social workers "
            + REASON) in page
    assert ("1 New item in section S1 Social workers Agree how often to meet. "
            "Accepted as new item S1.3") in page
    assert "1 New item in section S2 People who use services " + DECLINED + " Declined" in page
    assert ("Excluded items Items whose last decision was consensus out: left out of the "
            "guidance. Section 2 S2.1 Guidance item 2.1. (round 1, median 2") in page
    assert "Panellist 2" not in page and "P002" not in page


def test_a_group_below_the_minimum_is_another_group_in_the_report(db, remarked):
    remarked.study.min_group_size = 4
    db.session.commit()
    page = _words(export(remarked.study, "html").decode())
    assert "section S1 Section 1 another group " + SECTION_COMMENT in page
    assert "People who use services " + SECTION_COMMENT not in page
    assert "Social workers Essential." in page  # four Social workers responded


@sqlite_only  # the HTML page it prints is checked on both databases
def test_pdf_report_holds_the_section_comment_and_the_suggestions_outcome(remarked):
    reader = PdfReader(io.BytesIO(export(remarked.study, "pdf")))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert SECTION_COMMENT in text and SUMMARY in text and REASON in text
    assert "Accepted as new item S1.3" in text and DECLINED in text
    assert "Excluded items" in text and "Suggestions from panellists" in text


def test_xlsx_has_comment_suggestion_and_excluded_sheets_with_a_group_column(remarked):
    workbook = load_workbook(io.BytesIO(export(remarked.study, "xlsx")))
    comments = list(workbook["Comments"].iter_rows(values_only=True))
    assert comments[0] == ("round", "section", "item", "kind", "group", "text")
    assert (1, "S1", None, "section comment", "People who use services", SECTION_COMMENT) in comments
    assert (1, "S1", "S1.1", "summary of the arguments", None, SUMMARY) in comments
    assert (1, "S1", "S1.1", "comment", "Social workers", "Essential.") in comments
    assert (1, "S1", "S1.2", "reason outside the IQR", "Social workers", REASON) in comments
    suggestions = list(workbook["Suggestions"].iter_rows(values_only=True))
    assert suggestions[0][:7] == ("round", "kind", "section", "item", "group", "text", "outcome")
    outcomes = {row[5]: row[6] for row in suggestions[1:]}
    assert outcomes == {"Agree how often to meet.": "Accepted as new item S1.3",
                        DECLINED: "Declined"}
    excluded = list(workbook["Excluded items"].iter_rows(values_only=True))
    assert [row[1] for row in excluded[1:]] == ["S2.1"]
    assert excluded[1][4] == 2  # median of 1 2 1 3 2 1 2


def test_json_has_grouped_comments_section_comments_suggestions_and_excluded_items(remarked):
    data = json.loads(export(remarked.study, "json"))
    round1 = data["rounds"][0]
    assert round1["section_comments"] == [{"section": "S1", "section_title": "Section 1",
                                           "group": "People who use services",
                                           "text": SECTION_COMMENT}]
    items = {item["item"]: item for item in round1["items"]}
    assert items["S1.1"]["comments_by_group"] == [{"group": "Social workers", "text": "Essential."}]
    assert items["S1.1"]["argument_summary"] == SUMMARY
    assert items["S1.2"]["reasons"] == [{"group": "Social workers", "text": REASON}]
    by_text = {s["text"]: s for s in round1["suggestions"]}
    assert by_text["Agree how often to meet."]["outcome"] == "new_item"
    assert by_text["Agree how often to meet."]["resulting_item"] == "S1.3"
    assert by_text[DECLINED]["outcome"] == "declined"
    assert data["excluded_items"] == [{"section": "Section 2", "items": [
        {"item": "S2.1", "text": "Guidance item 2.1.", "round": 1}]}]


def test_raw_export_has_section_comments_suggestions_and_reasons(remarked):
    archive = zipfile.ZipFile(io.BytesIO(export(remarked.study, "raw")))

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))

    assert rows("section_comments.csv") == [{"panellist": "P002", "group": "People who use services",
                                             "round": "1", "section": "S1",
                                             "comment": SECTION_COMMENT}]
    suggestions = {row["text"]: row for row in rows("suggestions.csv")}
    assert suggestions["Agree how often to meet."]["outcome"] == "new_item"
    assert suggestions["Agree how often to meet."]["resulting_item"] == "S1.3"
    assert suggestions[DECLINED]["outcome"] == "declined"
    assert suggestions[DECLINED]["panellist"] == "P004"
    ratings = {(r["panellist"], r["round"], r["item"]): r for r in rows("ratings.csv")}
    assert ratings[("P003", "1", "S1.2")]["reason"] == REASON
    assert "section_comments.csv" in archive.read("codebook.txt").decode()
