"""The review page and the report write a round's statistics the same way (delphi/formatting.py),
and the drawn histograms carry the same counts."""
from __future__ import annotations

import re


def test_review_and_report_show_the_same_numbers(client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    review = client.get(state.url("rounds.review", number=1))
    report = client.get(state.url("reports.view"))
    assert review.status_code == report.status_code == 200
    review, report = review.get_data(as_text=True), report.get_data(as_text=True)
    # By hand (type 7): S1.1 rated 7 7 8 8 9 9 has median 8, Q1 7.25, Q3 8.75, IQR 1.5;
    # S1.3 rated 1 5 5 5 9 9 has 1, 3 and 2 of 6 in the low, middle and high regions.
    assert "<dd>8</dd>" in review and "<dd>7.25–8.75</dd>" in review and "<dd>1.5</dd>" in review
    assert "<td>8 [7.25, 8.75], IQR 1.5</td>" in report
    assert "<dd>16.7% / 50% / 33.3%</dd>" in review
    assert "<td>16.7% / 50% / 33.3%</td>" in report
    # Six of six responded; nothing to compare with before round 1.
    assert re.search(r"<td>6</td><td>6</td><td>100%</td>\s*<td>–</td>", report)
    # Both draw S1.3's histogram with its counts: 1 rated 1, 3 rated 5, 2 rated 9.
    assert 'aria-label="Ratings of S1.3: 1: 1, 2: 0, 3: 0, 4: 0, 5: 3, 6: 0, 7: 0, 8: 0, 9: 2"' \
        in review
    chart = re.search(r'<svg class="histogram" role="img" aria-label="Ratings of item S1.3 in '
                      r'round 1".*?</svg>', report, re.S).group(0)
    assert re.findall(r'<text class="count"[^>]*>(\d+)</text>', chart) == ["1", "3", "2"]
    assert ">median 5</text>" in chart
