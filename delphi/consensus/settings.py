"""The consensus definition a study states before round 1: scale, regions, rule and thresholds."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

MISSING = -1  # the panellist gave no answer for the item
UNABLE = -2  # the panellist chose "unable to rate"

RULES = ("comet", "percent", "iqr", "rand")
QUANTILE_METHODS = ("linear", "weibull")
MAX_POINTS = 101  # a 0-100 visual analogue scale is the widest we count point by point

# Keys that to_dict() adds for the record (what the fields resolved to); from_dict() checks them.
DERIVED = ("low_region", "high_region", "effective_iqr_max")


class ConsensusError(ValueError):
    """The consensus definition or a ratings matrix is not valid; the message says which part.

    ``setting`` is the ConsensusSettings field at fault (None when the error is about the
    ratings or a stored record), so callers can show the message by that setting's input.
    """

    def __init__(self, message: str, setting: str | None = None):
        super().__init__(message)
        self.setting = setting


def _require_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConsensusError(f"{name} must be a whole number, not {value!r}", name)


def _require_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise ConsensusError(f"{name} must be true or false, not {value!r}", name)


def _require_between(name: str, value: int, low: int, high: int) -> None:
    _require_int(name, value)
    if not low <= value <= high:
        raise ConsensusError(f"{name} must be between {low} and {high}, not {value}", name)


@dataclass(frozen=True)
class ConsensusSettings:
    """How a study computes its statistics and decides consensus (see the README's definitions).

    ``low_to``, ``high_from`` and ``iqr_max`` left as None take the scale's defaults; the
    properties ``low_region``, ``high_region`` and ``effective_iqr_max`` give what is used.
    """

    scale_min: int = 1
    scale_max: int = 9
    rule: str = "comet"
    quantiles: str = "linear"
    low_to: int | None = None
    high_from: int | None = None
    agreement: int = 70  # comet: percent needed in the region
    opposite_max: int = 15  # comet: percent allowed in the opposite region
    opposite_inclusive: bool = False  # False: fewer than opposite_max%; True: at most
    percent: int = 75  # percent rule: percent needed in the region
    iqr_max: float | None = None  # iqr rule: widest interquartile range with consensus
    min_ratings: int = 5  # fewer ratings than this: no consensus either way
    per_group: bool = False  # the rule must also hold in every group with min_ratings ratings
    stability_max: int = 15  # stable when fewer than this percent changed their rating

    def __post_init__(self) -> None:
        self._check_scale()
        if self.rule not in RULES:
            raise ConsensusError(
                f"rule must be one of {', '.join(RULES)}, not {self.rule!r}", "rule"
            )
        if self.rule == "rand" and (self.scale_min, self.scale_max) != (1, 9):
            raise ConsensusError(
                "rule 'rand' (RAND/UCLA) needs the 1-9 scale, not "
                f"{self.scale_min}-{self.scale_max}",
                "rule",
            )
        if self.quantiles not in QUANTILE_METHODS:
            raise ConsensusError(
                f"quantiles must be one of {', '.join(QUANTILE_METHODS)}, not {self.quantiles!r}",
                "quantiles",
            )
        self._check_regions()
        _require_between("agreement", self.agreement, 1, 100)
        _require_between("opposite_max", self.opposite_max, 0, 100)
        if self.opposite_max >= self.agreement:
            raise ConsensusError(
                f"opposite_max ({self.opposite_max}) must be below agreement ({self.agreement}), "
                "or an item could be in and out at once",
                "opposite_max",
            )
        _require_bool("opposite_inclusive", self.opposite_inclusive)
        _require_between("percent", self.percent, 51, 100)
        if self.iqr_max is not None and (
            isinstance(self.iqr_max, bool)
            or not isinstance(self.iqr_max, (int, float))
            or not math.isfinite(self.iqr_max)
            or self.iqr_max < 0
        ):
            raise ConsensusError(
                f"iqr_max must be a number of 0 or more, not {self.iqr_max!r}", "iqr_max"
            )
        _require_int("min_ratings", self.min_ratings)
        if self.min_ratings < 1:
            raise ConsensusError(
                f"min_ratings must be at least 1, not {self.min_ratings}", "min_ratings"
            )
        _require_bool("per_group", self.per_group)
        _require_between("stability_max", self.stability_max, 0, 100)

    def _check_scale(self) -> None:
        _require_int("scale_min", self.scale_min)
        _require_int("scale_max", self.scale_max)
        if self.scale_min < 0:
            raise ConsensusError(
                f"scale_min must be 0 or more (negative values mark missing and "
                f"unable to rate), not {self.scale_min}",
                "scale_min",
            )
        if self.scale_max - self.scale_min < 2:
            raise ConsensusError(
                f"scale_max must be at least scale_min + 2 (three points), "
                f"not {self.scale_min}-{self.scale_max}",
                "scale_max",
            )
        if self.scale_max - self.scale_min + 1 > MAX_POINTS:
            raise ConsensusError(
                f"the scale {self.scale_min}-{self.scale_max} has more than "
                f"{MAX_POINTS} points (scale_max too large)",
                "scale_max",
            )

    def _check_regions(self) -> None:
        for name in ("low_to", "high_from"):
            if getattr(self, name) is not None:
                _require_int(name, getattr(self, name))
        low_to, high_from = self.low_region[1], self.high_region[0]
        if not self.scale_min <= low_to:
            raise ConsensusError(
                f"low_to ({low_to}) must be on the scale, at least {self.scale_min}", "low_to"
            )
        if not high_from <= self.scale_max:
            raise ConsensusError(
                f"high_from ({high_from}) must be on the scale, at most {self.scale_max}",
                "high_from",
            )
        if not low_to < high_from:
            raise ConsensusError(
                f"low_to ({low_to}) must be below high_from ({high_from}): the regions overlap",
                "low_to",
            )

    @property
    def points(self) -> list[int]:
        """Every point of the scale, lowest first."""
        return list(range(self.scale_min, self.scale_max + 1))

    @property
    def _region_width(self) -> int:
        return round((self.scale_max - self.scale_min + 1) / 3)

    @property
    def low_region(self) -> tuple[int, int]:
        """(first, last) point of the low region."""
        low_to = self.low_to if self.low_to is not None else self.scale_min + self._region_width - 1
        return (self.scale_min, low_to)

    @property
    def high_region(self) -> tuple[int, int]:
        """(first, last) point of the high region."""
        high_from = (
            self.high_from
            if self.high_from is not None
            else self.scale_max - self._region_width + 1
        )
        return (high_from, self.scale_max)

    @property
    def is_rand_scale(self) -> bool:
        """RAND/UCLA disagreement is defined on the 1-9 scale only."""
        return (self.scale_min, self.scale_max) == (1, 9)

    @property
    def effective_iqr_max(self) -> float:
        """The iqr rule's threshold: iqr_max, else 1 on scales of up to 7 points and 2 above."""
        if self.iqr_max is not None:
            return float(self.iqr_max)
        return 1.0 if self.scale_max - self.scale_min + 1 <= 7 else 2.0

    def to_dict(self) -> dict[str, object]:
        """The fields as given, plus the regions and IQR threshold they resolved to (for the
        record)."""
        values: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        values["low_region"] = list(self.low_region)
        values["high_region"] = list(self.high_region)
        values["effective_iqr_max"] = self.effective_iqr_max
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> ConsensusSettings:
        """Settings from ``to_dict()`` output (or a subset of the fields; the rest take defaults).

        Unknown keys are refused; recorded regions and threshold must match what the fields give.
        """
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names - set(DERIVED))
        if unknown:
            raise ConsensusError(f"unknown consensus setting(s): {', '.join(unknown)}")
        settings = cls(**{k: v for k, v in values.items() if k in names})
        for key in DERIVED:
            if key in values:
                recorded, now = values[key], getattr(settings, key)
                if (list(recorded) if isinstance(recorded, (list, tuple)) else recorded) != (
                    list(now) if isinstance(now, tuple) else now
                ):
                    raise ConsensusError(
                        f"{key} was recorded as {recorded!r} but these settings give {now!r}"
                    )
        return settings
