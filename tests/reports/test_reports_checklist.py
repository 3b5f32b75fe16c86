"""The ACCORD checklist as an author reads it, and the methods it points to.

The checklist's shape comes from the published guideline: Gattrell WT et al., ACCORD (ACcurate
COnsensus Reporting Document), PLOS Medicine 2024;21(1):e1004326 (PMC10805282), whose abstract
states 35 items: title (1), introduction (3), methods (21), results (5), discussion (2) and other
information (3). The item numbers and what each asks are those of the ACCORD group's editable
checklist, https://www.ismpp.org/assets/ACCORD/ACCORD%20checklist%20editable.docx (read in the
rows the reportilo R package parsed from it: choxos/reportilo, inst/extdata/checklist_items.json,
guideline "accord"). Everything else here is worked out from what each test did to its study.
"""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

from delphi.demo.loader import load_demo
from delphi.models import ConsentVersion
from delphi.reports import export
from delphi.reports.data import build_report
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import complete_study

# Section by section, in the published order: its letter and the number of items in it.
PUBLISHED_SECTIONS = [("Title", "T", 1), ("Introduction", "I", 3), ("Methods", "M", 21),
                      ("Results", "R", 5), ("Discussion", "D", 2), ("Other information", "O", 3)]


def _methods(study) -> dict[str, str]:
    return {p.topic: p.text for p in build_report(study).methods}


def _report_page(client, slug: str) -> str:
    page = client.get(f"/console/studies/{slug}/reports/view")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _appendix_rows(page: str) -> dict[str, str]:
    """The checklist appendix's rows by item number, as text with the links' targets kept."""
    appendix = page[page.index('id="appendix-accord"'):]
    rows = {}
    for number, cells in re.findall(r'<th scope="row">(\w+)</th>(.*?)</tr>', appendix, re.S):
        cells = re.sub(r'<a href="(#[^"]+)">', r"\1 ", cells)
        rows[number] = html.unescape(re.sub(r"<[^>]+>", " ", cells))
    return rows


def _csv_rows(study) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export(study, "accord").decode("utf-8-sig"))))


def test_the_checklist_has_the_published_items_in_order_section_by_section(two_rounds):
    table = _csv_rows(two_rounds.study)
    numbers = [f"{letter}{n}" for _, letter, count in PUBLISHED_SECTIONS
               for n in range(1, count + 1)]
    assert [row["item"] for row in table] == numbers  # T1, I1, I2, I3, M1 ... M21, R1 ... O3
    expected = [section for section, _, count in PUBLISHED_SECTIONS for _ in range(count)]
    assert [row["section"] for row in table] == expected


def test_each_item_points_to_what_answers_its_published_topic(two_rounds, login_as, client):
    rows = {row["item"]: row for row in _csv_rows(two_rounds.study)}
    # Published: M16 asks about piloting of the study materials, O3 about the funder's
    # involvement, O2 about conflicts of interest and how they were managed.
    assert rows["M16"]["field_to_fill"] == "Protocol: Piloting ([protocol] piloting)"
    assert rows["O3"]["field_to_fill"] == "Protocol: Funding ([protocol] funding)"
    assert rows["O2"]["field_to_fill"] == ("Protocol: Conflicts of interest and how they were "
                                           "managed ([protocol] conflicts)")
    # Published: M17 asks about the feedback given, M18 about anonymity, M12 for the definition
    # of consensus; the methods paragraphs state each.
    assert rows["M17"]["answered_in"] == "Methods: feedback between rounds (#methods-feedback)"
    assert rows["M18"]["answered_in"] == "Methods: anonymity (#methods-anonymity)"
    assert "Methods: consensus definition (#methods-definition)" in rows["M12"]["answered_in"]
    # Published: I1 asks why a consensus exercise was chosen, I3 about the document updated, M5
    # about the role of the public, patients or carers, M21 about languages and translations, O1
    # for endorsing organisations. Only the team knows these: each is "not recorded" until its
    # protocol field is filled, and names that field.
    for number, field in (("I1", "Why a consensus method ([protocol] rationale)"),
                          ("I3", "Earlier document this updates ([protocol] update_of)"),
                          ("M5", "Patient and public involvement ([protocol] "
                                 "public_involvement)"),
                          ("M21", "Languages and translations ([protocol] languages)"),
                          ("O1", "Endorsing organisations ([protocol] endorsement)")):
        assert rows[number]["status"] == "not recorded"
        assert rows[number]["answered_in"] == ""
        assert rows[number]["field_to_fill"] == f"Protocol: {field}"
    # M12 asks for the definition of consensus and its rationale; the platform states the first.
    assert rows["M12"]["status"] == "partly"
    assert rows["M12"]["field_to_fill"] == ("Protocol: Why this definition of consensus "
                                            "([protocol] definition_rationale)")
    # ACCORD has no item on ethics approval: the checklist does not ask for that field.
    assert not any("[protocol] ethics" in row["field_to_fill"] for row in rows.values())

    login_as("coordinator", studies=[two_rounds.study])
    appendix = _appendix_rows(_report_page(client, "two-rounds"))
    assert list(appendix) == list(rows)
    assert "#methods-anonymity Methods: anonymity" in appendix["M18"]
    assert "answered" in appendix["M18"]


def test_an_item_a_protocol_field_answers_turns_answered_when_the_field_is_filled(
        make_study, login_as, client, db):
    study = make_study(slug="piloting-study")
    db.session.commit()
    login_as("coordinator", studies=[study])
    to_fill = "Protocol: Piloting ([protocol] piloting)"
    before = _appendix_rows(_report_page(client, "piloting-study"))
    number, row = next((n, r) for n, r in before.items() if to_fill in r)
    assert "not recorded" in row and "#protocol-piloting" not in row

    saved = client.post("/console/studies/piloting-study/protocol",
                        data={"protocol_piloting": "Four panellists tried round 1 first."},
                        follow_redirects=True)
    assert saved.status_code == 200

    page = _report_page(client, "piloting-study")
    after = _appendix_rows(page)[number]
    assert "answered" in after and "not recorded" not in after
    assert "#protocol-piloting Protocol: Piloting" in after and to_fill not in after
    assert "Four panellists tried round 1 first." in page


def test_the_design_page_leaves_anonymity_and_feedback_to_the_methods(two_rounds, login_as,
                                                                      client):
    login_as("coordinator", studies=[two_rounds.study])
    page = html.unescape(_report_page(client, "two-rounds"))
    design = page[page.index('id="design"'):page.index('id="protocol"')]
    methods = page[page.index('id="methods"'):page.index('id="participation"')]
    for anchor, topic in (("anonymity", "Anonymity"), ("feedback", "Feedback between rounds")):
        assert f"<dt>{topic}</dt>" not in design
        assert f'<h3 id="methods-{anchor}">{topic}</h3>' in methods
    assert "interquartile range" not in design and "without names" not in design
    assert '<a href="#methods-definition">' in design


def test_the_methods_state_the_decisions_between_rounds_and_why_rounds_ended_early(
        two_rounds, db, login_as, client):
    study = two_rounds.study
    # Round 2 closed two days before its deadline, with a reason; 3 rounds had been planned.
    two_rounds.round2.closes_at = two_rounds.round2.closed_at + timedelta(days=2)
    two_rounds.round2.close_reason = "Holiday period."
    study.protocol_rounds_planned = 3
    complete_study(study)
    db.session.commit()
    methods = _methods(study)

    assert ("(before its deadline; the team's reason for closing it: “Holiday period.”)"
            in methods["Rounds"])
    assert "The study was completed after 2 rounds, fewer than the 3 planned." in methods["Rounds"]
    # The fixture reworded S2.2 after round 1 and changed no proposed decision.
    assert ("After the rounds reported, the team changed 0 proposed decisions and reworded "
            "1 statement." in methods["Decisions between rounds"])
    assert "only by recording its reason" in methods["Decisions between rounds"]

    login_as("coordinator", studies=[study])
    page = html.unescape(_report_page(client, "two-rounds"))
    flow = page[page.index('id="participant-flow"'):page.index('id="characteristics"')
                if 'id="characteristics"' in page else page.index('id="flow"')]
    assert "reason for closing it before its deadline or below the minimum response: " \
        "“Holiday period.”</li>" in flow  # the reason's own full stop ends the sentence


def test_consent_is_stated_in_the_methods_when_the_study_asks_for_it(
        two_rounds, db, login_as, client):
    study = two_rounds.study
    assert "were not asked for consent on the platform" in _methods(study)["Consent"]
    db.session.add(ConsentVersion(study=study, number=1, sheet="About the study.",
                                  statements=["I agree to take part.", "I may withdraw."]))
    db.session.commit()
    consent = _methods(study)["Consent"]
    assert "read the information sheet online and agreed to its 2 consent statements" in consent

    login_as("coordinator", studies=[study])
    page = html.unescape(_report_page(client, "two-rounds"))
    methods = page[page.index('id="methods"'):page.index('id="participation"')]
    assert '<h3 id="methods-consent">Consent</h3>' in methods
    assert "agreed to its 2 consent statements" in methods


def test_the_demo_closed_and_completed_answers_every_item_but_the_discussion(db):
    # The demo study file fills every protocol field; its round 2 is still open when loaded.
    demo = load_demo()
    round_two = demo.study.rounds[-1]
    close_round(round_two, reason="The demo's round 2 closes for this test.")
    complete_study(demo.study)
    db.session.commit()

    rows = {row["item"]: row for row in _csv_rows(demo.study)}
    assert len(rows) == 35
    # Published: D1 asks for strengths and limitations, D2 how the result compares with earlier
    # literature; both belong to the paper's discussion, which no setting or field can hold.
    discussion = {"D1", "D2"}
    assert {n: r["status"] for n, r in rows.items() if n not in discussion} == {
        n: "answered" for n in rows if n not in discussion}
    assert all(row["field_to_fill"] == "" for n, row in rows.items() if n not in discussion)
    assert rows["D1"]["status"] == "partly" and "#limitations" in rows["D1"]["answered_in"]
    assert rows["D2"]["status"] == "not recorded"
    assert all("the paper's discussion" in rows[n]["field_to_fill"] for n in discussion)
    # Published: I1 (why a consensus method), M5 (public and patient involvement), M21
    # (languages) and O1 (endorsing organisations) are answered by the protocol's own fields.
    for number, anchor in (("I1", "#protocol-rationale"), ("M5", "#protocol-public_involvement"),
                           ("M21", "#protocol-languages"), ("O1", "#protocol-endorsement")):
        assert anchor in rows[number]["answered_in"], number
