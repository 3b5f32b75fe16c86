"""What an author needs around the results: the methods paragraph (every sentence from a stored
setting), the limitations box (from the data) and the pre-filled ACCORD checklist (HTML appendix
and CSV). Expected numbers are worked out here from the settings and ratings the tests chose."""
from __future__ import annotations

import csv
import html
import io
import json
from datetime import timedelta

from delphi.models import CommentFeedback, StabilityMeasure, UnableCounts, WilcoxonMethod
from delphi.reports import export
from delphi.reports.data import build_report
from delphi.rounds.lifecycle import open_round
from tests.support.reports import download_report


def _methods(study) -> str:
    return " ".join(p.text for p in build_report(study).methods)


def _day(moment) -> str:
    return f"{moment.day} {moment:%B %Y}"


SETTINGS_A = dict(reminder_days="7,2", min_group_size=5, comment_feedback=CommentFeedback.COMMENTS,
                  group_feedback=False, unable_to_rate=True, agreement_pct=70,
                  unable_counts=UnableCounts.LEFT_OUT, stability_measure=StabilityMeasure.PANELLISTS,
                  stability_max_pct=15, wilcoxon_method=WilcoxonMethod.EXACT_SMALL_PANELS,
                  auto_close=False)
SETTINGS_B = dict(reminder_days="10,3,1", min_group_size=4, comment_feedback=CommentFeedback.SUMMARY,
                  group_feedback=True, unable_to_rate=False, agreement_pct=80, high_from=8,
                  unable_counts=UnableCounts.NOT_AGREEING,
                  stability_measure=StabilityMeasure.NET_CHANGE, net_change_max_pct=20,
                  wilcoxon_method=WilcoxonMethod.ASYMPTOTIC, auto_close=True,
                  preselect_previous=True, protocol_rounds_planned=3,
                  protocol_stopping_rule="Stop after three rounds.")


def test_the_methods_paragraph_states_the_first_studys_settings(make_study, make_panel, db):
    study = make_study(slug="settings-a", sections=2, items_per_section=3, **SETTINGS_A)
    make_panel(study, n=4)
    round1 = open_round(study)
    db.session.commit()
    text = _methods(study)
    assert f"locked when round 1 opened on {_day(round1.opened_at)}" in text
    assert f"round 1 opened on {_day(round1.opened_at)} and is still open" in text
    assert "e-mailed a reminder 7 and 2 days before each round's deadline" in text
    assert "The research team closed each round." in text
    assert "the percentage of ratings in the high region (7-9)" in text  # round(9/3)=3 points
    assert "the other panellists' comments on the item, without names" in text
    assert "Results were not shown per stakeholder group." in text
    assert "shown but not preselected" in text
    assert 'with an "unable to rate" option' in text
    assert "at least 70% of ratings in the high region (7-9)" in text
    assert "fewer than 15% of the panellists who rated it in both rounds changed" in text
    assert "exact_small_panels" in text
    assert "at least 5 ratings on, and a group with fewer than 5 panellists" in text
    assert "The planned number of rounds is not reported" in text
    assert "knew who each panellist was" in text


def test_the_methods_paragraph_follows_other_settings(make_study, make_panel, db, login_as,
                                                      client):
    study = make_study(slug="settings-b", sections=1, items_per_section=2, **SETTINGS_B)
    make_panel(study, n=4)
    db.session.commit()
    text = _methods(study)
    assert "reminder 10, 3 and 1 days before each round's deadline" in text
    assert "Each round closed automatically at its deadline." in text
    assert "the percentage of ratings in the high region (8-9)" in text
    assert "the research team's summary of the arguments" in text
    assert "the comments themselves were not shown" in text
    assert "for each stakeholder group that gave at least 4 ratings" in text
    assert "Their previous rating was preselected." in text
    assert 'no "unable to rate" option was offered' in text
    assert "at least 80% of ratings in the high region (8-9)" in text
    assert "below 20%" in text and "asymptotic" in text
    assert "3 rounds were planned; stopping rule: Stop after three rounds." in text
    assert "No round has opened yet." in text
    assert "7 and 2 days" not in text and "70%" not in text

    login_as("coordinator", studies=[study])
    page = html.unescape(client.get("/console/studies/settings-b/reports/view")
                         .get_data(as_text=True))
    methods = page[page.index('id="methods"'):page.index('id="participation"')]
    assert "reminder 10, 3 and 1 days before" in methods


def _comet(values, low=(1, 3), high=(7, 9), agreement=70, opposite=15) -> str:
    """The COMET rule worked out by hand over ratings on the scale."""
    rated = [v for v in values if isinstance(v, int)]
    n = len(rated)
    in_high = sum(high[0] <= v <= high[1] for v in rated)
    in_low = sum(low[0] <= v <= low[1] for v in rated)
    if 100 * in_high >= agreement * n and 100 * in_low < opposite * n:
        return "in"
    if 100 * in_low >= agreement * n and 100 * in_high < opposite * n:
        return "out"
    return "none"


def test_the_limitations_box_states_what_the_data_show(two_rounds, db, login_as, client):
    study = two_rounds.study
    study.min_group_size = 4  # raise the reporting threshold so that small groups appear
    two_rounds.round2.closes_at = two_rounds.round2.closed_at + timedelta(days=2)
    db.session.commit()
    box = {x.topic: x.text for x in build_report(study).limitations}

    # Attrition: P001-P007 submitted round 1; round 2 was submitted by all but P007.
    r1 = set(range(7))
    r2 = {0, 1, 2, 3, 4, 5, 7}
    invited = len(two_rounds.groups)
    assert f"round 1: {len(r1)} of {invited} invited responded" in box["Attrition"]
    assert (f"round 2: {len(r2)} of {invited} invited responded (87.5%), "
            f"{len(r1 - r2)} of the {len(r1)} who responded to round 1 did not respond"
            ) in box["Attrition"]

    calls = {(round_, code): len([v for v in values if isinstance(v, int)])
             for round_, ratings in two_rounds.ratings.items() for code, values in ratings.items()
             if _comet(values) != "none"}
    fewest = min(calls.values())
    assert fewest == 5
    named = [f"{code} (round {round_})" for (round_, code), n in calls.items() if n == fewest]
    assert box["Ratings behind consensus"].startswith(
        f"The smallest number of ratings behind a consensus call was {fewest}: "
        + ", ".join(named))

    small = []
    for number, responders in ((1, r1), (2, r2)):
        counts = {g: sum(two_rounds.groups[i] == g for i in responders)
                  for g in sorted(set(two_rounds.groups))}
        below = [g for g, n in counts.items() if n < 4]
        if below:
            small.append(f"round {number}: {', '.join(below)}")
    assert small  # the data have a small group in each round
    assert "; ".join(small) in box["Small groups"]

    assert box["Reworded items"].startswith("1 item was rated in a new wording")
    assert "S2.2-v2 (round 2)" in box["Reworded items"]
    assert box["Rounds closed early"].startswith("Closed before the deadline: round 2 on")
    assert "Below the minimum response" not in box  # the study set no minimum

    login_as("coordinator", studies=[study])
    page = html.unescape(client.get("/console/studies/two-rounds/reports/view")
                         .get_data(as_text=True))
    shown = page[page.index('id="limitations"'):]
    assert "Limitations" in shown and f"consensus call was {fewest}" in shown


def test_the_limitations_box_names_rounds_below_the_minimum_response(two_rounds, db):
    study = two_rounds.study
    study.min_response, study.min_group_response = 90, 80  # percent, the default unit
    two_rounds.round2.close_reason = "Holiday period."
    db.session.commit()
    text = {x.topic: x.text for x in build_report(study).limitations}["Below the minimum response"]

    invited = {g: two_rounds.groups.count(g) for g in set(two_rounds.groups)}
    parts = []
    for number, responders in ((1, set(range(7))), (2, {0, 1, 2, 3, 4, 5, 7})):
        words = []
        if 100 * len(responders) < 90 * len(two_rounds.groups):
            words.append(f"{len(responders)} of {len(two_rounds.groups)} responded, below the "
                         "minimum of 90%")
        low = [g for g in sorted(invited)
               if 100 * sum(two_rounds.groups[i] == g for i in responders) < 80 * invited[g]]
        if low:
            words.append(f"below the minimum of 80% in {', '.join(low)}")
        parts.append(f"round {number}: " + "; ".join(words))
    assert text.startswith(parts[0] + "; " + parts[1] + "; reason given: “Holiday period.”")


def test_the_checklist_points_to_the_report_or_names_the_missing_field(
        two_rounds, db, login_as, client):
    study = two_rounds.study
    study.protocol_funding = "A charity grant."
    db.session.commit()
    rows = {row.item: row for row in build_report(study).checklist}
    assert len(rows) == 35
    assert [sum(r.section == s for r in rows.values()) for s in
            ("Title", "Introduction", "Methods", "Results", "Discussion", "Other information")] \
        == [1, 3, 21, 5, 2, 3]
    # The published checklist's O3 asks about funding, M16 about piloting and M17 about the
    # feedback between steps (the ACCORD group's editable checklist; see test_reports_checklist).
    funding, piloting = rows["O3"], rows["M16"]
    assert funding.status == "answered"
    assert funding.answered_in == [("protocol-funding", "Protocol: Funding")]
    assert piloting.status == "not recorded" and piloting.answered_in == []
    assert piloting.missing == ["Protocol: Piloting ([protocol] piloting)"]
    assert rows["M17"].answered_in == [("methods-feedback", "Methods: feedback between rounds")]

    login_as("coordinator", studies=[study])
    page = client.get("/console/studies/two-rounds/reports/view").get_data(as_text=True)
    appendix = page[page.index('id="appendix-accord"'):]
    assert '<a href="#protocol-funding">Protocol: Funding</a>' in appendix
    assert 'id="protocol-funding"' in page and 'id="methods-feedback"' in page

    download = download_report(client, "two-rounds", "accord")
    assert download.status_code == 200
    assert download.data.startswith(b"\xef\xbb\xbf")
    assert 'filename="two-rounds-accord-checklist.csv"' in download.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert len(table) == 35
    by_item = {row["item"]: row for row in table}
    assert by_item["O3"]["status"] == "answered"
    assert by_item["O3"]["answered_in"] == "Protocol: Funding (#protocol-funding)"
    assert by_item["M16"]["status"] == "not recorded"
    assert by_item["M16"]["field_to_fill"] == "Protocol: Piloting ([protocol] piloting)"


def test_the_json_export_holds_the_protocol_methods_limitations_and_checklist(two_rounds):
    data = json.loads(export(two_rounds.study, "json"))
    assert len(data["accord_checklist"]) == 35
    items = {row["item"]: row for row in data["accord_checklist"]}
    assert items["M16"]["field_to_fill"] == ["Protocol: Piloting ([protocol] piloting)"]
    assert {m["anchor"] for m in data["methods"]} >= {"methods-feedback", "methods-missing"}
    assert "Reworded items" in {x["topic"] for x in data["limitations"]}
    assert data["protocol"]["ethics"] is None
