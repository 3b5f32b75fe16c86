"""summarise(): a round's ratings matrix in, every item's statistics and consensus status out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from delphi.consensus.distribution import Distribution, counted, distribution, validated
from delphi.consensus.reasons import Facts, explain, group_failure
from delphi.consensus.rules import Verdict, verdict
from delphi.consensus.settings import ConsensusError, ConsensusSettings
from delphi.consensus.summary import ItemSummary, RoundSummary


def summarise(
    ratings: object, settings: ConsensusSettings, groups: Sequence[object] | None = None
) -> RoundSummary:
    """Statistics and consensus status of every item (column) of a panellists × items matrix.

    ``ratings`` holds scale points, MISSING or UNABLE; ``groups`` optionally gives each row's
    stakeholder group, for per-group statistics (and, with ``settings.per_group``, for the
    requirement that consensus holds in every group with at least ``min_ratings`` ratings).
    """
    matrix = validated(ratings, settings)
    overall, overall_verdict = _summaries(distribution(matrix, settings), settings)
    if groups is None:
        return RoundSummary(items=overall, settings=settings)
    names, row_group = _group_rows(groups, matrix.shape[0])
    by_group = {}
    for number, name in enumerate(names):
        by_group[name] = _summaries(distribution(matrix[row_group == number], settings), settings)
    if settings.per_group:
        overall = _every_group(overall, overall_verdict, by_group)
    return RoundSummary(
        items=overall,
        settings=settings,
        groups={name: summaries for name, (summaries, _) in by_group.items()},
    )


def summarise_counts(
    counts: object, n_unable: object, n_missing: object, settings: ConsensusSettings
) -> RoundSummary:
    """The same statistics as ``summarise`` (without groups) from each item's counts per scale
    point (items × points, lowest first) and its numbers unable to rate and missing, for
    callers that count ratings where they are stored rather than load every one."""
    table = np.asarray(counts, dtype=np.int64)
    points = settings.scale_max - settings.scale_min + 1
    if table.ndim != 2 or table.shape[1] != points or (table < 0).any():
        raise ConsensusError(
            f"counts must be items × {points} scale points of counts, not shape {table.shape}"
        )
    dist = counted(table, np.asarray(n_unable), np.asarray(n_missing), settings)
    return RoundSummary(items=_summaries(dist, settings)[0], settings=settings)


def _group_rows(groups: Sequence[object], panellists: int) -> tuple[list[str], np.ndarray]:
    """The groups' names (sorted) and each row's index into them."""
    labels = np.asarray(groups, dtype=object)
    if labels.ndim != 1 or len(labels) != panellists:
        raise ConsensusError(
            f"groups must give one label per panellist: {panellists} rows, {labels.size} labels"
        )
    names, row_group = np.unique(labels.astype(str), return_inverse=True)
    return [str(name) for name in names], row_group


def _every_group(
    overall: list[ItemSummary],
    overall_verdict: Verdict,
    by_group: dict[str, tuple[list[ItemSummary], Verdict]],
) -> list[ItemSummary]:
    """Overall in/out holds only where every group with enough ratings has the same status."""
    differs = {
        name: group_verdict.enough & (group_verdict.status != overall_verdict.status)
        for name, (_, group_verdict) in by_group.items()
    }
    failing = np.zeros(len(overall), dtype=bool)
    for mask in differs.values():
        failing |= mask
    failing &= overall_verdict.status != "none"
    result = list(overall)
    for column in np.flatnonzero(failing).tolist():
        failures = [
            (name, by_group[name][0][column].status, by_group[name][0][column].explanation)
            for name, mask in differs.items()
            if mask[column]
        ]
        item = overall[column]
        result[column] = replace(
            item, status="none", explanation=group_failure(item.status, failures)
        )
    return result


def _summaries(
    dist: Distribution, settings: ConsensusSettings
) -> tuple[list[ItemSummary], Verdict]:
    """ItemSummary of every item, computed as arrays and turned into plain values at the end."""
    rules = verdict(dist, settings)
    n = dist.n
    rated, spread = n > 0, n > 1

    def plain(values: np.ndarray, defined: np.ndarray = rated) -> list:
        return [v if d else None for v, d in zip(values.tolist(), defined.tolist(), strict=True)]

    per_n = np.maximum(n, 1)
    per_base = np.maximum(dist.base, 1)  # n, or n + unable when "unable to rate" counts
    columns = {
        "median": plain(dist.median_by_2 / 2),
        "q1": plain(dist.q1_by_4 / 4),
        "q3": plain(dist.q3_by_4 / 4),
        "iqr": plain(dist.iqr_by_4 / 4),
        "mean": plain(dist.total / per_n),
        "sd": plain(_sample_sd(dist), spread),
        "p30": plain(dist.p30_by_10 / 10),
        "p70": plain(dist.p70_by_10 / 10),
        "pct_low": plain(100 * dist.k_low / per_base),
        "pct_mid": plain(100 * dist.k_mid / per_base),
        "pct_high": plain(100 * dist.k_high / per_base),
    }
    columns.update(_rand_columns(dist, rules, settings, plain))
    columns["status"] = rules.status.tolist()
    points = settings.points
    counts = [dict(zip(points, row, strict=True)) for row in dist.counts.tolist()]
    totals = {
        "n": n.tolist(),
        "n_unable": dist.n_unable.tolist(),
        "n_missing": dist.n_missing.tolist(),
    }
    conditions = {
        name: getattr(rules, name).tolist()
        for name in ("enough", "high_met", "low_met", "few_high", "few_low", "iqr_narrow")
    }
    k_low, k_high, base = dist.k_low.tolist(), dist.k_high.tolist(), dist.base.tolist()

    summaries = []
    for column in range(len(counts)):
        values = {name: column_values[column] for name, column_values in columns.items()}
        facts = Facts(
            n=totals["n"][column],
            base=base[column],
            k_low=k_low[column],
            k_high=k_high[column],
            median=values["median"],
            iqr=values["iqr"],
            ipr=values["ipr"],
            ipras=values["ipras"],
            disagreement=values["disagreement"],
            status=values["status"],
            **{name: flags[column] for name, flags in conditions.items()},
        )
        summaries.append(
            ItemSummary(
                counts=counts[column],
                explanation=explain(facts, settings),
                **{name: column_values[column] for name, column_values in totals.items()},
                **values,
            )
        )
    return summaries, rules


def _sample_sd(dist: Distribution) -> np.ndarray:
    """Sample SD (ddof=1) from exact integer sums: var = (n·Σx² - (Σx)²) / (n(n - 1))."""
    n = dist.n
    spread = n * dist.total_squares - dist.total * dist.total
    return np.sqrt(spread / np.maximum(n * (n - 1), 1))


def _rand_columns(
    dist: Distribution, rules: Verdict, settings: ConsensusSettings, plain
) -> dict[str, list]:
    """IPR, its central point, asymmetry index, IPRAS and disagreement (None off the 1-9 scale)."""
    names = ("ipr", "ipr_central", "asymmetry", "ipras", "disagreement")
    if not settings.is_rand_scale:
        return {name: [None] * len(dist.n) for name in names}
    low, high = dist.p30_by_10, dist.p70_by_10  # tenths
    off_centre = np.abs(100 - (low + high))  # 20 × asymmetry index
    return {
        "ipr": plain((high - low) / 10),
        "ipr_central": plain((low + high) / 20),
        "asymmetry": plain(off_centre / 20),
        "ipras": plain((94 + 3 * off_centre) / 40),
        "disagreement": plain(rules.disagreement),
    }
