"""The panel characteristics table: counts per background answer overall and per round, small
counts suppressed, in every report format; the raw export carries the answers by pseudonym."""
from __future__ import annotations

import csv
import io
import json
import zipfile

from openpyxl import load_workbook

from delphi.consent.background import questions_of, save_background
from delphi.reports import export
from delphi.rounds.lifecycle import close_round

# Eight panellists' answers (role, years, where they work); the study's minimum group size is 3.
ANSWERS = [
    ("Social worker", 3, ["Urban"]),
    ("Social worker", 10, ["Urban", "Rural"]),
    ("Social worker", 7, ["Urban"]),
    ("Social worker", 1, ["Rural"]),
    ("Nurse", 22, None),
    ("Nurse", 5, ["Urban"]),
    ("Other", 15, ["Rural"]),
    ("Social worker", 30, ["Urban"]),
]
ROUND_1_SUBMITTERS = [0, 1, 2, 4, 5, 6]  # the 1st, 2nd, 3rd, 5th, 6th and 7th

# Counted by hand from the lists above; None where 1 or 2 panellists gave the answer.
EXPECTED = {
    ("role", "Social worker"): (5, 3),  # all: 1st-4th and 8th; round 1: 1st-3rd
    ("role", "Nurse"): (None, None),  # 2 and 2
    ("role", "Other"): (None, None),  # 1 and 1
    ("role", "(not answered)"): (0, 0),
    ("years", "(answered)"): (8, 6),
    ("years", "(not answered)"): (0, 0),
    ("settings", "Urban"): (5, 4),  # 1st, 2nd, 3rd, 6th, 8th; round 1 without the 8th
    ("settings", "Rural"): (3, None),  # 2nd, 4th, 7th; round 1: 2nd and 7th
    ("settings", "(not answered)"): (None, None),  # the 5th
}




def test_the_table_counts_each_answer_and_hides_small_counts(db, consenting, make_panel, submit):
    setting = consenting(min_group_size=3)
    panel = setting.panel + make_panel(setting.study, n=2)
    questions = {q.code: q.id for q in questions_of(setting.study)}
    for panellist, (role, years, where) in zip(panel, ANSWERS, strict=True):
        save_background(panellist, {questions["role"]: role, questions["years"]: years,
                                    questions["settings"]: where})
    codes = [ri.code for ri in setting.round.round_items]
    for index in ROUND_1_SUBMITTERS:
        submit(setting.round, panel[index], dict.fromkeys(codes, 7))
    close_round(setting.round)
    db.session.commit()

    report = json.loads(export(setting.study, "json"))["panel_characteristics"]
    assert report["panellists"] == 8 and report["responders"] == {"1": 6}
    found = {(row["question"], row["answer"]): (row["overall"], row["rounds"]["1"])
             for row in report["rows"]}
    assert found == EXPECTED

    page = export(setting.study, "html").decode()
    assert "Panel characteristics" in page and "fewer than 3" in page
    assert "Round 1 (6)" in page and "All (8)" in page

    workbook = load_workbook(io.BytesIO(export(setting.study, "xlsx")))
    sheet = workbook["Panel characteristics"]
    rows = {(r[0], r[2]): (r[3], r[4]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("role", "Nurse")] == ("fewer than 3", "fewer than 3")
    assert rows[("settings", "Urban")] == (5, 4)

    archive = zipfile.ZipFile(io.BytesIO(export(setting.study, "raw")))
    background = list(csv.reader(io.StringIO(archive.read("background.csv").decode("utf-8-sig"))))
    assert background[0] == ["panellist", "question", "answer"]
    assert [panel[1].pseudonym, "settings", "Rural"] in background
    assert [panel[4].pseudonym, "settings", ""] in background
    assert [panel[7].pseudonym, "years", "30"] in background
    assert len(background) == 1 + 8 * 3 + 1  # one row per answer; the 2nd chose two places
    codebook = archive.read("codebook.txt").decode()
    assert "Codebook for background.csv" in codebook
    assert "years: Years in practice (a whole number from 0 to 60; required)" in codebook
