"""A whole two-round Delphi driven only through the command line, checked against numbers
computed here independently (numpy's linear percentiles and the COMET definition by hand)."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from delphi.models import Round, RoundState, Study, utcnow

PANEL = "name,email,group\n" + "".join(
    f"Panellist {k},p{k}@example.org,{'Social workers' if k % 2 else 'Researchers'}\n"
    for k in range(1, 11))

# Ratings of panellists p1..p10; "U" is unable to rate, None is no row (missing).
ROUND_ONE = {
    "S1.1": [9, 8, 8, 7, 9, 8, 7, 9, 8, 2],
    "S1.2": [1, 2, 3, 2, 1, 3, 2, 1, 8, "U"],
    "S2.1": [5, 6, 4, 7, 8, 3, 5, 6, 9, 2],
    "S2.2": [7, 8, 6, 5, 9, 4, 7, 8, 3, None],
}
ROUND_TWO = {
    "S1.1": [9, 8, 8, 7, 9, 8, 7, 9, 8, 7],
    "S2.1": [7, 7, 6, 7, 8, 7, 7, 8, 9, 7],
    "S2.2-v2": [7, 8, 7, 7, 9, 6, 7, 8, 7, 8],
}


def _responses_csv(ratings: dict[str, list]) -> str:
    lines = ["email,item,rating,comment"]
    for code, values in ratings.items():
        for k, value in enumerate(values, start=1):
            if value is not None:
                comment = '"Essential, in my experience."' if (k, value) == (1, 9) else ""
                lines.append(f"p{k}@example.org,{code},{value},{comment}")
    return "\n".join(lines) + "\n"


def _on_scale(values: list) -> list[int]:
    return [v for v in values if isinstance(v, int)]


def _comet(values: list[int]) -> str:
    """COMET: 70% or more in 7-9 and fewer than 15% in 1-3 is in; the mirror image is out."""
    n = len(values)
    high = sum(7 <= v <= 9 for v in values)
    low = sum(1 <= v <= 3 for v in values)
    if n >= 5 and high / n >= 0.70 and low / n < 0.15:
        return "in"
    if n >= 5 and low / n >= 0.70 and high / n < 0.15:
        return "out"
    return "none"


def _check_summary(summary: dict, values: list) -> None:
    on_scale = _on_scale(values)
    q1, median, q3 = np.percentile(on_scale, [25, 50, 75])
    assert summary["n"] == len(on_scale)
    assert summary["n_unable"] == values.count("U")
    assert summary["n_missing"] == values.count(None)
    assert {int(k): v for k, v in summary["counts"].items()} == {
        point: on_scale.count(point) for point in range(1, 10)}
    assert summary["median"] == median
    assert summary["q1"] == q1
    assert summary["q3"] == q3
    assert summary["iqr"] == q3 - q1
    assert summary["status"] == _comet(on_scale)


def _round(db, number: int) -> Round:
    db.session.expire_all()
    return db.session.scalar(db.select(Round).filter_by(number=number))


def test_two_rounds_through_the_cli(cli, write_file, imported_study, db):
    slug = imported_study()
    deadline = (utcnow() + timedelta(days=21)).date().isoformat()
    assert cli("panel", "import", slug, write_file("panel.csv", PANEL)).exit_code == 0
    assert cli("round", "open", slug, "--closes", deadline).exit_code == 0
    result = cli("responses", "import", slug, write_file("round1.csv", _responses_csv(ROUND_ONE)))
    assert result.exit_code == 0, result.output
    assert "Imported 39 answers from 10 panellists into round 1" in result.output

    early = cli("round", "close", slug)
    assert early.exit_code == 1 and _round(db, 1).state is RoundState.OPEN
    assert f"Round 1 of {slug} was not closed: The deadline, " in early.output
    assert "Give the reason for closing it now with --reason" in early.output
    closed = cli("round", "close", slug, "--reason", "All ten panellists have answered.")
    assert closed.exit_code == 0, closed.output
    assert _round(db, 1).close_reason == "All ten panellists have answered."
    assert closed.output == (f"Round 1 of {slug} is closed: 4 items, 1 consensus in, "
                             "1 consensus out, 2 without consensus.\n")
    round_one = _round(db, 1)
    for round_item in round_one.round_items:
        _check_summary(round_item.summary, ROUND_ONE[round_item.code])
        assert round_item.status == _comet(_on_scale(ROUND_ONE[round_item.code]))
    # Stakeholder groups are summarised apart: odd panellists are social workers.
    s11 = round_one.round_items[0]
    social_workers = ROUND_ONE["S1.1"][0::2]
    assert s11.group_summaries["Social workers"]["median"] == np.percentile(social_workers, 50)
    assert s11.group_summaries["Researchers"]["n"] == 5
    assert round_one.settings["rule"] == "comet"

    assert cli("round", "decide", slug, "S1.1", "carry_forward",
               "--reason", "Rate again beside the reworded S2.2.").exit_code == 0
    assert cli("round", "reword", slug, "S2.2",
               "The map includes connections made within services, named by the individual.",
               "--reason", "Panellists asked who decides.").exit_code == 0
    status = cli("round", "status", slug).output
    assert "  S1.2\tout\t2\t2\tconsensus_out" in status  # median 2, quartiles 1 and 3 (numpy)
    opened = cli("round", "next", slug, "--closes", deadline)
    assert opened.exit_code == 0, opened.output
    assert opened.output.startswith(f"Round 2 of {slug} is open with 3 items")

    round_two = _round(db, 2)
    assert [ri.code for ri in round_two.round_items] == ["S1.1", "S2.1", "S2.2-v2"]
    result = cli("responses", "import", slug, write_file("round2.csv", _responses_csv(ROUND_TWO)))
    assert result.exit_code == 0, result.output
    assert cli("round", "close", slug, "--reason", "Everyone answered.").exit_code == 0

    round_two = _round(db, 2)
    assert round_two.state is RoundState.CLOSED
    for round_item in round_two.round_items:
        _check_summary(round_item.summary, ROUND_TWO[round_item.code])
    # Stability compares like with like: S2.2-v2 is a new wording of S2.2, so not comparable.
    reworded = round_two.round_items[2].stability
    assert reworded["comparison"] == "not comparable (reworded)"
    assert reworded["n_paired"] == 0 and reworded["stable"] is None
    assert reworded["pct_changed"] is None and reworded["wilcoxon_p"] is None
    for round_item in round_two.round_items[:2]:
        before, after = ROUND_ONE[round_item.code], ROUND_TWO[round_item.code]
        both = [(b, a) for b, a in zip(before, after) if isinstance(b, int) and isinstance(a, int)]
        changed = sum(b != a for b, a in both)
        stability = round_item.stability
        assert stability is not None, round_item.code
        assert stability["n_paired"] == len(both)
        assert stability["pct_changed"] == pytest.approx(100 * changed / len(both))
        assert stability["mean_abs_change"] == pytest.approx(
            sum(abs(a - b) for b, a in both) / len(both))
        # Stable when fewer than the study's 15% changed their rating.
        assert stability["stable"] is (changed / len(both) < 0.15)
        assert stability["comparison"] == "same wording"
    assert [ri.stability["stable"] for ri in round_two.round_items] == [True, False, None]
    # Round 1's frozen numbers did not move when round 2 closed.
    for round_item in _round(db, 1).round_items:
        _check_summary(round_item.summary, ROUND_ONE[round_item.code])
    assert db.session.scalar(db.select(Study.status)).value == "running"
