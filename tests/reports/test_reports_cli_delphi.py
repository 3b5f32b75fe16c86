"""A whole two-round Delphi driven only through the command line, then ``delphi export``.

The study uses Weibull quantiles (SPSS) so that the export is checked against numpy's
"weibull" method, and the region percentages against counts made by hand.
"""
from __future__ import annotations

import csv
import io
import statistics

import numpy as np
import pytest

STUDY = """
[study]
title = "CLI Delphi"
slug = "cli-delphi"

[scale]
min = 1
max = 9
unable_to_rate = true

[consensus]
rule = "comet"
quantiles = "weibull"
min_ratings = 3

[[sections]]
code = "A"
title = "Only section"
items = [
  { code = "A1", text = "First statement." },
  { code = "A2", text = "Second statement." },
  { code = "A3", text = "Third statement." },
]
"""

EMAILS = [f"p{k}@example.org" for k in range(1, 7)]
ROUND_1 = {"A1": [9, 8, 8, 7, 9, 9], "A2": [2, 5, 8, 6, 4, "U"], "A3": [5, 5, 6, 1, 9, 7]}
ROUND_2 = {"A2": [3, 5, 7, 6, 5, 5], "A3": [6, 5, 6, 2, 8, 7]}


def _responses(path, ratings: dict[str, list]) -> str:
    lines = ["email,item,rating,comment"]
    for code, values in ratings.items():
        for email, value in zip(EMAILS, values):
            lines.append(f"{email},{code},{value},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _run(runner, *args: str) -> str:
    result = runner.invoke(args=["delphi", *args])
    assert result.exit_code == 0, (args, result.output)
    return result.output


def test_two_round_cli_delphi_exports_the_correct_numbers(db, runner, tmp_path):
    (tmp_path / "study.toml").write_text(STUDY, encoding="utf-8")
    (tmp_path / "panel.csv").write_text(
        "name,email,group\n" + "".join(f"P {k},{e},Group {k % 2}\n"
                                       for k, e in enumerate(EMAILS)), encoding="utf-8")
    _run(runner, "study", "import", str(tmp_path / "study.toml"))
    _run(runner, "panel", "import", "cli-delphi", str(tmp_path / "panel.csv"))
    _run(runner, "round", "open", "cli-delphi")
    _run(runner, "responses", "import", "cli-delphi", _responses(tmp_path / "r1.csv", ROUND_1))
    _run(runner, "round", "close", "cli-delphi")
    _run(runner, "round", "next", "cli-delphi")
    _run(runner, "responses", "import", "cli-delphi", _responses(tmp_path / "r2.csv", ROUND_2))
    _run(runner, "round", "close", "cli-delphi")
    output = tmp_path / "items.csv"
    _run(runner, "export", "cli-delphi", "--format", "csv", "--output", str(output))

    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert [(r["round"], r["item"]) for r in rows] == [
        ("1", "A1"), ("1", "A2"), ("1", "A3"), ("2", "A2"), ("2", "A3")]
    for row in rows:
        values = (ROUND_1 if row["round"] == "1" else ROUND_2)[row["item"]]
        rated = [v for v in values if v != "U"]
        n = len(rated)
        assert int(row["n"]) == n
        assert int(row["n_unable"]) == values.count("U")
        assert float(row["median"]) == pytest.approx(statistics.median(rated))
        for column, q in (("q1", 25), ("q3", 75)):
            assert float(row[column]) == pytest.approx(
                np.percentile(rated, q, method="weibull")), (row["item"], column)
        assert float(row["pct_low"]) == pytest.approx(100 * sum(v <= 3 for v in rated) / n)
        assert float(row["pct_high"]) == pytest.approx(100 * sum(v >= 7 for v in rated) / n)
        assert row["quantile_method"] == "weibull"
    # A1: six ratings of 7-9 -> consensus in; it leaves the rating after round 1.
    assert rows[0]["consensus"] == "in" and rows[0]["decision"] == "consensus_in"
