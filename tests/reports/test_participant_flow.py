"""The participant flow: each round from invitation to the responses analysed, by stakeholder
group, as an accessible SVG with its table, in the HTML and PDF reports."""
from __future__ import annotations

import re

from delphi.models import Round
from delphi.reports import export
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round
from tests.support.backends import sqlite_only

GROUPS = ("Clinicians", "Patients")


def _build(db, make_study, make_panel, submit):
    """Five panellists in two groups (P1, P3, P5 clinicians; P2, P4 patients). Round 1: P1 never
    opens the link, P2 saves a draft, P3-P5 submit. Round 2 (everyone invited): only P3 and P4
    submit, so P5 is lost; P1 withdraws before round 2 and is not invited."""
    study = make_study(slug="flow", sections=1, items_per_section=2)
    panel = make_panel(study, n=5, groups=GROUPS)
    one = open_round(study)
    codes = [ri for ri in one.round_items]
    save_answers(response_for(one, panel[1]), [Answer(codes[0].id, value=5)], submit=False)
    for p in panel[2:]:
        submit(one, p, {"S1.1": 8, "S1.2": 2})
    close_round(one)
    panel[0].withdrawn_at = one.closed_at
    two = launch_next_round(study)
    for p in panel[2:4]:
        submit(two, p, {"S1.1": 8, "S1.2": 2} if "S1.2" in {ri.code for ri in two.round_items}
               else {"S1.1": 8})
    close_round(two)
    db.session.commit()
    return study


def test_the_flow_counts_each_stage_by_group(db, make_study, make_panel, submit, client,
                                             login_as):
    study = _build(db, make_study, make_panel, submit)
    login_as("admin")
    page = client.get("/console/studies/flow/reports/view").get_data(as_text=True)
    assert page.count('role="img" aria-labelledby="participant-flow-title participant-flow-desc"') == 1
    svg = re.search(r'<svg[^>]*participant-flow.*?</svg>', page, re.S).group(0)
    assert "<script" not in svg
    assert "<title id=\"participant-flow-title\">Participant flow by round and stakeholder group</title>" in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    # Round 1: 5 invited (3 clinicians, 2 patients), 4 opened (P2-P5), 1 draft (P2, a patient),
    # 3 submitted (P3 and P5 clinicians, P4 a patient), none on paper.
    assert ("Round 1: invited 5 (Clinicians 3, Patients 2); opened the questionnaire online 4 "
            "(Clinicians 2, Patients 2); saved a draft but did not submit 1 (Clinicians 0, "
            "Patients 1); submitted online 3 (Clinicians 2, Patients 1)") in desc
    # Round 2: P2-P5 invited (P1 withdrew), P3 and P4 submitted, P5 lost; nobody joined.
    assert "Round 2: invited 4 (Clinicians 2, Patients 2)" in desc
    assert "responses analysed 2 (Clinicians 1, Patients 1)" in desc
    assert "lost (submitted the round before, not this one) 1 (Clinicians 1, Patients 0)" in desc
    assert "joined (not invited to the round before) 0" in desc
    # The table holds the same numbers: round 1, all panellists.
    table = re.search(r'<table class="wide participant-flow-table">.*?</table>', page, re.S).group(0)
    first = re.search(r'<tr class="flow-total"><th scope="row">1</th>(.*?)</tr>', table, re.S)
    cells = re.findall(r"<td>([^<]*)</td>", first.group(1))
    # P1 was invited to round 1 and withdrew after it.
    assert cells == ["All panellists", "5", "4", "1", "3", "0", "3", "–", "–", "1"]
    assert "Round 1: 1 draft saved but not submitted was left out when the round closed" in page


@sqlite_only  # the HTML page it prints is checked on both databases
def test_the_pdf_draws_the_flow(db, make_study, make_panel, submit):
    pytest = __import__("pytest")
    pypdf = pytest.importorskip("pypdf")
    study = _build(db, make_study, make_panel, submit)
    import io
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(export(study, "pdf"))).pages)
    assert "Participant flow" in text
    assert db.session.scalar(db.select(Round).filter_by(number=1)).drafts_left_out == 1
