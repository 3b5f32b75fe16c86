"""The study's protocol (aim, scope, steering group, ethics, funding, ...): written on the
Protocol page or in the study file's [protocol] table, round-tripped through export, and shown in
every report format, an empty field reading "not reported"."""
from __future__ import annotations

import html
import io
import json
import tomllib

from openpyxl import load_workbook

from delphi.models import Study
from delphi.reports import export
from delphi.studies.export import export_study_file

# Written out here, not read from the code: the keys the README documents and their labels.
LABELS = {
    "aim": "Aim and research question",
    "scope": "Intended users and scope",
    "registration": "Registration or protocol",
    "steering_group": "Steering group and roles",
    "eligibility": "Eligibility and sampling",
    "recruitment": "Recruitment and incentives",
    "panel_size": "Target panel size and its rationale",
    "evidence": "Evidence behind the first items",
    "piloting": "Piloting",
    "ethics": "Ethics approval",
    "funding": "Funding",
    "conflicts": "Conflicts of interest and how they were managed",
    "rounds_planned": "Planned number of rounds",
    "stopping_rule": "Stopping rule",
    "rationale": "Why a consensus method",
    "update_of": "Earlier document this updates",
    "public_involvement": "Patient and public involvement",
    "review_methods": "Literature review methods",
    "definition_rationale": "Why this definition of consensus",
    "comment_analysis": "How comments were analysed",
    "languages": "Languages and translations",
    "changes": "Changes to the planned methods",
    "endorsement": "Endorsing organisations",
}
TEXTS = {key: f"Our {key.replace('_', ' ')}: <b>{n}</b> & more.\nSecond line {n}."
         for n, key in enumerate(LABELS) if key != "rounds_planned"}


def _page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _protocol_section(page: str) -> str:
    return page[page.index('id="protocol"'):page.index('id="methods"')]


def test_each_field_saved_on_the_protocol_page_round_trips_and_shows_in_the_report(
        make_study, login_as, client, db):
    study = make_study(slug="protocol-study")
    db.session.commit()
    login_as("coordinator", studies=[study])
    page = client.get("/console/studies/protocol-study/protocol")
    assert page.status_code == 200
    for label in LABELS.values():
        assert label in _page_text(page)

    form = {f"protocol_{key}": text for key, text in TEXTS.items()}
    form["protocol_rounds_planned"] = "3"
    saved = client.post("/console/studies/protocol-study/protocol", data=form,
                        follow_redirects=True)
    assert saved.status_code == 200 and "Protocol saved." in _page_text(saved)
    db.session.expire_all()
    study = db.session.scalar(db.select(Study).filter_by(slug="protocol-study"))
    for key, text in TEXTS.items():
        assert getattr(study, f"protocol_{key}") == text.replace("\r\n", "\n")
    assert study.protocol_rounds_planned == 3

    # The study file holds each under [protocol] and imports again unchanged.
    exported = tomllib.loads(export_study_file(study))["protocol"]
    assert exported == {**TEXTS, "rounds_planned": 3}

    report = client.get("/console/studies/protocol-study/reports/view")
    assert report.status_code == 200
    raw = report.get_data(as_text=True)
    assert "<b>" not in raw[raw.index('id="protocol"'):raw.index('id="methods"')]  # escaped
    section = _protocol_section(_page_text(report))
    for key, label in LABELS.items():
        assert label in section
        assert (TEXTS.get(key) or "3") in section
    assert "not reported" not in section

    data = json.loads(export(study, "json"))["protocol"]
    assert data == {**TEXTS, "rounds_planned": 3}
    sheet = load_workbook(io.BytesIO(export(study, "xlsx")))["Protocol"]
    rows = {r[0]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {**TEXTS, "rounds_planned": "3"}


def test_an_empty_field_reads_not_reported_in_every_format(make_study, login_as, client, db):
    study = make_study(slug="empty-protocol", protocol_funding="A charity grant.")
    db.session.commit()
    login_as("coordinator", studies=[study])
    section = _protocol_section(_page_text(client.get(
        "/console/studies/empty-protocol/reports/view")))
    for key, label in LABELS.items():
        start = section.index(label)
        shown = section[start:section.index("</dd>", start)]
        assert ("A charity grant." if key == "funding" else "not reported") in shown, label

    data = json.loads(export(study, "json"))["protocol"]
    assert data["funding"] == "A charity grant."
    assert sorted(key for key, value in data.items() if value is None) == \
        sorted(key for key in LABELS if key != "funding")
    sheet = load_workbook(io.BytesIO(export(study, "xlsx")))["Protocol"]
    values = {r[0]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["ethics"] == "not reported" and values["funding"] == "A charity grant."


def test_a_wrong_number_of_rounds_is_refused_beside_its_field_and_nothing_is_saved(
        make_study, login_as, client, db):
    study = make_study(slug="bad-protocol")
    db.session.commit()
    login_as("coordinator", studies=[study])
    response = client.post("/console/studies/bad-protocol/protocol",
                           data={"protocol_rounds_planned": "0", "protocol_aim": "Agree it."})
    assert response.status_code == 400
    assert "Planned number of rounds: must be between 1 and" in _page_text(response)
    db.session.expire_all()
    study = db.session.scalar(db.select(Study).filter_by(slug="bad-protocol"))
    assert study.protocol_aim == "" and study.protocol_rounds_planned is None


STUDY = """[study]
title = "Test guidance"
slug = "{slug}"

[protocol]
aim = "Agree the guidance."
ethics = \"\"\"
Committee A, reference 12.
Approved 2026.\"\"\"
rounds_planned = {rounds}

[[sections]]
code = "S1"
title = "Preparing to work together"
items = [{{ code = "S1.1", text = "Share ownership of the work." }}]
"""


def test_the_study_file_protocol_is_read_and_exported_again(cli, write_file, db):
    result = cli("study", "import", write_file("study.toml", STUDY.format(slug="a", rounds=2)))
    assert result.exit_code == 0, result.output
    study = db.session.scalar(db.select(Study).filter_by(slug="a"))
    assert study.protocol_aim == "Agree the guidance."
    assert study.protocol_ethics == "Committee A, reference 12.\nApproved 2026."
    assert study.protocol_rounds_planned == 2 and study.protocol_funding == ""

    copy = write_file("copy.toml", export_study_file(study).replace('slug = "a"', 'slug = "b"'))
    assert cli("study", "import", copy).exit_code == 0
    again = db.session.scalar(db.select(Study).filter_by(slug="b"))
    assert (again.protocol_aim, again.protocol_ethics, again.protocol_rounds_planned) == \
        (study.protocol_aim, study.protocol_ethics, 2)


def test_a_study_file_with_no_rounds_planned_is_refused_at_its_line(cli, write_file, db):
    text = STUDY.format(slug="c", rounds=0)
    result = cli("study", "import", write_file("study.toml", text))
    assert result.exit_code != 0
    line = next(n for n, t in enumerate(text.splitlines(), start=1)
                if t.startswith("rounds_planned"))
    assert f"line {line}, [protocol] rounds_planned" in result.output
    assert db.session.scalar(db.select(Study)) is None
