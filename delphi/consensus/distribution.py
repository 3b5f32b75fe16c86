"""The distribution of every item's ratings at once: counts, exact quantiles, moments, regions.

Quantiles of integer ratings at a rational probability num/den are exact rationals, so they are
kept as integer numerators over den (a median in halves, quartiles in quarters, P30 and P70 in
tenths). Thresholds are then compared exactly, and each value becomes the float nearest to it
only when the summary is written out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from delphi.consensus.settings import MISSING, UNABLE, ConsensusError, ConsensusSettings


def validated(ratings: object, settings: ConsensusSettings, name: str = "ratings") -> np.ndarray:
    """The ratings as a panellists × items int64 matrix, or ConsensusError naming the first bad
    cell."""
    try:
        matrix = np.asarray(ratings)
    except (TypeError, ValueError) as error:  # ragged rows
        raise ConsensusError(f"{name} must be a 2-D array of panellists × items: {error}") from None
    if matrix.ndim != 2:
        raise ConsensusError(
            f"{name} must be a 2-D array (panellists × items), not {matrix.ndim}-D"
        )
    if matrix.dtype.kind not in "iuf":
        raise ConsensusError(
            f"{name} must hold whole numbers (scale points, MISSING or UNABLE), not {matrix.dtype}"
        )
    if matrix.dtype.kind == "f":
        whole = np.isfinite(matrix)
        whole[whole] = matrix[whole] == np.round(matrix[whole])
        _refuse_first(~whole, matrix, settings, name)
    on_scale = (matrix >= settings.scale_min) & (matrix <= settings.scale_max)
    if matrix.dtype.kind != "u":
        on_scale |= (matrix == MISSING) | (matrix == UNABLE)
    _refuse_first(~on_scale, matrix, settings, name)
    return matrix.astype(np.int64)


def _refuse_first(
    bad: np.ndarray, matrix: np.ndarray, settings: ConsensusSettings, name: str
) -> None:
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        value = matrix[row, column].item()
        raise ConsensusError(
            f"{name} row {row} (panellist), column {column} (item) holds {value!r}: not a point "
            f"of the {settings.scale_min}-{settings.scale_max} scale, MISSING ({MISSING}) or "
            f"UNABLE ({UNABLE})"
        )


@dataclass(frozen=True)
class Distribution:
    """Arrays over items, all integers: a statistic named ``x_by_d`` is d times its value."""

    n: np.ndarray  # rated on the scale
    n_unable: np.ndarray
    base: np.ndarray  # denominator of every percentage: n, plus n_unable when they count
    n_missing: np.ndarray
    counts: np.ndarray  # items × scale points
    total: np.ndarray  # sum of the ratings
    total_squares: np.ndarray  # sum of their squares
    median_by_2: np.ndarray
    q1_by_4: np.ndarray
    q3_by_4: np.ndarray
    p30_by_10: np.ndarray
    p70_by_10: np.ndarray
    k_low: np.ndarray  # ratings in the low region
    k_high: np.ndarray

    @property
    def k_mid(self) -> np.ndarray:
        return self.n - self.k_low - self.k_high

    @property
    def iqr_by_4(self) -> np.ndarray:
        return self.q3_by_4 - self.q1_by_4


def distribution(matrix: np.ndarray, settings: ConsensusSettings) -> Distribution:
    """Every item's distribution from a validated matrix, with no loop over items or panellists."""
    items = matrix.shape[1]
    size = settings.scale_max - settings.scale_min + 1
    rated = matrix >= settings.scale_min  # MISSING and UNABLE are negative, the scale is not
    cell = matrix - settings.scale_min + np.arange(items) * size  # (item, point) as one index
    counts = np.bincount(cell[rated], minlength=items * size).reshape(items, size)
    return counted(
        counts, (matrix == UNABLE).sum(axis=0), (matrix == MISSING).sum(axis=0), settings
    )


def counted(
    counts: np.ndarray, n_unable: np.ndarray, n_missing: np.ndarray, settings: ConsensusSettings
) -> Distribution:
    """Every item's distribution from its counts per scale point (items × points, lowest point
    first) and its numbers unable to rate and missing: all a distribution depends on."""
    counts = np.asarray(counts, dtype=np.int64)
    n_unable = np.asarray(n_unable, dtype=np.int64)
    n = counts.sum(axis=1)
    points = np.arange(settings.scale_min, settings.scale_max + 1, dtype=np.int64)
    cumulative = counts.cumsum(axis=1)
    low_to, high_from = settings.low_region[1], settings.high_region[0]

    def quantile(num: int, den: int) -> np.ndarray:
        return _quantile(cumulative, n, num, den, settings.quantiles, settings.scale_min)

    return Distribution(
        n=n,
        n_unable=n_unable,
        base=n + n_unable if settings.unable_counts == "not_agreeing" else n,
        n_missing=np.asarray(n_missing, dtype=np.int64),
        counts=counts,
        total=counts @ points,
        total_squares=counts @ (points * points),
        median_by_2=_quantile(cumulative, n, 1, 2, "linear", settings.scale_min),
        q1_by_4=quantile(1, 4),
        q3_by_4=quantile(3, 4),
        p30_by_10=quantile(3, 10),
        p70_by_10=quantile(7, 10),
        k_low=counts[:, : low_to - settings.scale_min + 1].sum(axis=1),
        k_high=counts[:, high_from - settings.scale_min :].sum(axis=1),
    )


def _quantile(
    cumulative: np.ndarray, n: np.ndarray, num: int, den: int, method: str, scale_min: int
) -> np.ndarray:
    """den × the quantile at num/den of each item (Hyndman & Fan type 7 or 6); 0-based order.

    Type 7 puts the quantile at position h = (n - 1)p, type 6 at (n + 1)p - 1, clipped to the
    data; it lies between order statistics floor(h) and floor(h) + 1. Positions are kept in
    units of 1/den so that they stay integers.
    """
    last = np.maximum(n - 1, 0)
    position = (n - 1) * num if method == "linear" else (n + 1) * num - den
    position = np.clip(position, 0, last * den)
    below, fraction = np.divmod(position, den)
    lower = _order_statistic(cumulative, below, scale_min)
    upper = _order_statistic(cumulative, np.minimum(below + 1, last), scale_min)
    return lower * den + fraction * (upper - lower)


def _order_statistic(cumulative: np.ndarray, k: np.ndarray, scale_min: int) -> np.ndarray:
    """The k-th smallest rating (0-based) of each item: the first point whose count passes k."""
    return scale_min + (cumulative <= k[:, None]).sum(axis=1)
