"""The methods a study chose (how "unable to rate" counts, the stability measure, the Wilcoxon
variant) give the numbers in every export and are named beside them; reworded items are not
compared with their earlier wording. Expected numbers are worked out here by hand."""
from __future__ import annotations

import csv
import io
import json
import math

import pytest

from delphi.models import StabilityMeasure, UnableCounts, WilcoxonMethod
from delphi.reports import export
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _page_text(response) -> str:
    return " ".join(response.get_data(as_text=True).replace("<li>", " ").split())


def test_a_reworded_item_is_not_comparable_in_the_report_and_exports(two_rounds, login_as,
                                                                      client):
    rows = {(r["round"], r["item"]): r for r in _csv_rows(export(two_rounds.study, "csv"))}
    reworded, same = rows[("2", "S2.2-v2")], rows[("2", "S1.2")]
    assert reworded["stability_comparison"] == "not comparable (reworded)"
    assert reworded["stability_pct_changed"] == "" and reworded["stability_stable"] == ""
    # S1.2 kept its wording: P001-P005 rated it both times, 1->2 and 9->8 changed (2 of 5).
    assert same["stability_comparison"] == "same wording"
    assert float(same["stability_pct_changed"]) == pytest.approx(40.0)
    assert float(same["stability_net_change"]) == pytest.approx(40.0)

    login_as("coordinator", studies=[two_rounds.study])
    response = client.get("/console/studies/two-rounds/reports/view")
    assert response.status_code == 200
    page = _page_text(response)
    assert "not comparable (reworded): stability compares an item only with the same wording" in page
    assert ("Stability is computed only for items whose wording is the same in both rounds"
            in page)


# One item, nine panellists. P1-P7 rate 5 6 7 8 9 3 4 in round 1 and 6 6 8 9 7 5 5 in round 2;
# P8 and P9 are unable to rate it both times.
ROUND_1 = [5, 6, 7, 8, 9, 3, 4, "U", "U"]
ROUND_2 = [6, 6, 8, 9, 7, 5, 5, "U", "U"]
# Wilcoxon: differences -1 0 -1 -1 2 -2 -1; the zero dropped, n = 6, ranks 2.5 x4 and 5.5 x2,
# S+ = 5.5. Exact over the 64 sign flips: 13 rank sums are 5.5 or less, p = 26/64. SPSS:
# Z = (5.5 - 10.5) / sqrt(6*7*13/24 - (60 + 6)/48).
SPSS_P = math.erfc(5 / math.sqrt(21.375) / math.sqrt(2))
# Net change over P1-P7: counts at 3 4 5 6 7 8 9 go from 1 1 1 1 1 1 1 to 0 0 2 2 1 1 1,
# 4 units of change, 2 net person-changes of 7. Six of seven changed their rating.
NET = 100 * 2 / 7
CHANGED = 100 * 6 / 7


def _two_rounds(db, make_study, make_panel, submit, **settings):
    study = make_study(slug="methods", sections=1, items_per_section=1, **settings)
    panel = make_panel(study, n=9)
    for number, ratings in ((1, ROUND_1), (2, ROUND_2)):
        round_ = open_round(study) if number == 1 else launch_next_round(study)
        for panellist, rating in zip(panel, ratings):
            submit(round_, panellist, {"S1.1": rating})
        close_round(round_)
    db.session.commit()
    return study


@pytest.mark.parametrize("settings, p, stable, pct_high, named", [
    ({}, 26 / 64, False, 300 / 7,
     {"wilcoxon_method": "exact_small_panels", "unable_to_rate_counts": "left_out",
      "stability_measure": "panellists", "net_change_max_pct": "15"}),
    ({"wilcoxon_method": WilcoxonMethod.ASYMPTOTIC, "unable_counts": UnableCounts.NOT_AGREEING,
      "stability_measure": StabilityMeasure.NET_CHANGE, "net_change_max_pct": 30},
     SPSS_P, True, 300 / 9,
     {"wilcoxon_method": "asymptotic", "unable_to_rate_counts": "not_agreeing",
      "stability_measure": "net_change", "net_change_max_pct": "30"}),
])
def test_the_chosen_methods_give_the_numbers_and_are_named(db, make_study, make_panel, submit,
                                                           settings, p, stable, pct_high, named):
    # The report's verdict names the net change when that measure decided it.
    verdict = ("stable (net change 28.6%): 85.7% of 7" if settings
               else "not stable: 85.7% of 7")
    study = _two_rounds(db, make_study, make_panel, submit, **settings)
    rows = _csv_rows(export(study, "csv"))
    second = rows[1]
    assert float(second["stability_wilcoxon_p"]) == pytest.approx(p, rel=1e-9)
    assert float(second["stability_net_change"]) == pytest.approx(NET)
    assert float(second["stability_pct_changed"]) == pytest.approx(CHANGED)
    assert second["stability_stable"] == str(stable).lower()
    # Round 2 has 8, 9 and 7 in the high region: 3 of 7 ratings, or 3 of 9 answers.
    assert float(second["pct_high"]) == pytest.approx(pct_high)
    for row in rows:
        assert {key: row[key] for key in named} == named

    assert verdict in " ".join(export(study, "html").decode().split())
    words = json.loads(export(study, "json"))["settings_words"]
    text = " ".join(words)
    if settings:
        assert "as SPSS (NPAR TESTS /WILCOXON) computes it" in text
        assert '"unable to rate" answers, which count as not agreeing' in text
        assert "an item is stable when the net change of its distribution" in text
        assert "is below 30%" in text
    else:
        assert "as scipy.stats.wilcoxon computes it by default" in text
        assert '"unable to rate" and missing answers are counted but left out' in text
        assert "fewer than 15% of the panellists who rated it in both rounds" in text
