"""Every format tells the whole story: where each item ended (in, out or unresolved, with the
round that settled it), its origin and the wording it replaced, the participation and flows,
and who decided what and when (staff by name, never by e-mail)."""
from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from delphi.models import Decision, Round
from delphi.reports import export
from delphi.rounds.lifecycle import close_round, decide, open_round

# From tests/reports/conftest.py's ratings, by the COMET rule (at least 70% of the ratings on the
# scale in 7-9 and fewer than 15% in 1-3 is consensus in; at least 70% in 1-3 is out):
#   round 1: S1.1 (7 8 9 9 8 7 9: 100% high) in; S2.1 (1 2 1 3 2 1 2: 100% low) out; S1.2
#   carried forward; S2.2 reworded as S2.2-v2.
#   round 2: S1.2 (2 5 8 3 7 6: 2 of 6 high) no consensus, the last round: unresolved;
#   S2.2-v2 (7 8 7 9 8 8) in; S1.3 (6 7 7 8 9, one unable left out: 4 of 5 high) in.
FINAL = {
    "S1.1": ("in", 1, "guidance", ""),
    "S2.1": ("out", 1, "guidance", ""),
    "S1.2": ("unresolved", 2, "guidance", ""),
    "S2.2-v2": ("in", 2, "rewording", "S2.2"),
    "S1.3": ("in", 2, "suggestion", ""),
}


def test_every_item_ends_in_out_or_unresolved_in_the_json(two_rounds):
    data = json.loads(export(two_rounds.study, "json"))
    got = {r["item"]: (r["final_status"], r["settled_in_round"], r["origin"], r["reworded_from"])
           for r in data["final_status"]}
    assert got == FINAL
    assert {r["item"]: r["reworded_from"] for r in data["rounds"][1]["items"]}["S2.2-v2"] == "S2.2"
    assert [r["invited"] for r in data["participant_flow"] if r["group"] == ""] == [8, 8]
    assert [r["submitted"] for r in data["participant_flow"] if r["group"] == ""] == [7, 7]


def test_the_report_lists_the_unresolved_items_and_says_so_in_the_last_round(
        two_rounds, client, login_as):
    login_as("admin")
    page = client.get("/console/studies/two-rounds/reports/view").get_data(as_text=True)
    assert "Where every item ended" in page
    unresolved = page.split('id="unresolved-title"')[1].split("</ul>")[0]
    assert "S1.2" in unresolved and "S1.1" not in unresolved
    last_round = page.split('id="round-2"')[1].split("</section>")[0]
    s12 = last_round.split('id="r2-S1.2"')[1].split("</article>")[0]
    assert "Decision: Unresolved at the end of the study" in s12
    assert "Carried forward to the next round" not in last_round


def test_csv_and_xlsx_carry_origin_and_reworded_from(two_rounds):
    rows = list(csv.DictReader(io.StringIO(export(two_rounds.study, "csv").decode("utf-8-sig"))))
    by = {(r["round"], r["item"]): r for r in rows}
    assert (by[("2", "S2.2-v2")]["origin"], by[("2", "S2.2-v2")]["reworded_from"]) == (
        "rewording", "S2.2")
    assert (by[("2", "S1.3")]["origin"], by[("2", "S1.3")]["reworded_from"]) == ("suggestion", "")

    workbook = load_workbook(io.BytesIO(export(two_rounds.study, "xlsx")))
    for title in ("Participation", "Participant flow", "Item flow", "Final status", "Decisions"):
        assert title in workbook.sheetnames
    header = [c.value for c in workbook["Group Social workers"][1]]
    assert "decision_of_whole_panel" in header and "decision" not in header
    final = {r[1]: r[5] for r in workbook["Final status"].iter_rows(min_row=2, values_only=True)}
    assert final == {code: status for code, (status, *_) in FINAL.items()}


def test_decisions_name_the_staff_member_and_never_an_email(db, make_study, make_panel, submit,
                                                            make_staff):
    study = make_study(slug="decided", sections=1, items_per_section=1)
    panel = make_panel(study, n=3)
    staff = make_staff(email="ada@example.org", role="admin")
    staff.name = "Ada Lovelace"
    round_ = open_round(study, by=staff)
    for p in panel:
        submit(round_, p, {"S1.1": 5})
    close_round(round_, by=staff)
    decide(round_.round_items[0], Decision.CONSENSUS_OUT, reason="Out of scope.", by=staff)
    db.session.commit()
    data = json.loads(export(study, "json"))
    decisions = data["decisions"]
    assert [d["action"] for d in decisions] == ["Round opened", "Round closed",
                                                "Decision on an item"]
    assert {d["who"] for d in decisions} == {"Ada Lovelace"}
    assert "consensus_out" in decisions[-1]["details"] and "Out of scope." in decisions[-1]["details"]
    assert "ada@example.org" not in export(study, "html").decode()
    assert db.session.scalar(db.select(Round)).state.value == "closed"
