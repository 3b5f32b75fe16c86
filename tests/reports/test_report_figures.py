"""An item's statistics as the HTML report writes them, formatted once per summary in Python:
rounded to two decimals (percentages to one) without trailing zeros, and an en dash for a
value not computed (None, or NaN from no ratings)."""
from __future__ import annotations

from delphi.reports.html import group_figures, item_figures

SUMMARY = dict(n=0, n_unable=3, n_missing=12, median=None, q1=float("nan"), q3=6.25, iqr=0.0,
               mean=20 / 3, sd=None, ipr=-0.0, p30=7, p70=7.5, ipras=1.004, disagreement=None,
               pct_low=None, pct_mid=200 / 3, pct_high=100.0, status="none", counts={})


def test_each_statistic_is_written_as_the_report_shows_it():
    written = vars(item_figures(SUMMARY))
    assert written == {
        "n": "0", "n_unable": "3", "n_missing": "12", "median": "–", "q1": "–", "q3": "6.25",
        "iqr": "0", "mean": "6.67", "sd": "–", "ipr": "0", "p30": "7", "p70": "7.5",
        "ipras": "1", "pct_low": "–", "pct_mid": "66.7%", "pct_high": "100%",
    }


def test_a_group_row_writes_its_count_median_quartiles_and_regions():
    written = vars(group_figures(SUMMARY))
    assert written == {"n": "0", "median": "–", "q1": "–", "q3": "6.25", "pct_low": "–",
                       "pct_mid": "66.7%", "pct_high": "100%"}
