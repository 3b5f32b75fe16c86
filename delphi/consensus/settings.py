"""The consensus definition a study states before round 1: scale, regions, rule and thresholds."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

MISSING = -1  # the panellist gave no answer for the item
UNABLE = -2  # the panellist chose "unable to rate"

RULES = ("comet", "percent", "iqr", "rand")
QUANTILE_METHODS = ("linear", "weibull")
WILCOXON_METHODS = ("exact_small_panels", "asymptotic")  # see stability.wilcoxon_p
UNABLE_COUNTS = ("left_out", "not_agreeing")  # how "unable to rate" enters a percentage
STABILITY_MEASURES = ("panellists", "net_change")  # what decides an item's stability
MAX_POINTS = 101  # a 0-100 visual analogue scale is the widest we count point by point

# Keys that to_dict() adds for the record (what the fields resolved to); from_dict() checks them.
DERIVED = ("low_region", "high_region", "effective_iqr_max")


class ConsensusError(ValueError):
    """The consensus definition or a ratings matrix is not valid; the message says which part.

    ``setting`` is the ConsensusSettings field at fault (None when the error is about the
    ratings or a stored record), so callers can show the message by that setting's input;
    ``involves`` holds every field the check compared (the one at fault first).
    """

    def __init__(self, message: str, setting: str | None = None, involves: tuple[str, ...] = ()):
        super().__init__(message)
        self.setting = setting
        self.involves = involves or ((setting,) if setting else ())


def _require_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConsensusError(f"{name} must be a whole number, not {value!r}", name)


def _require_between(name: str, value: int, low: int, high: int) -> None:
    _require_int(name, value)
    if not low <= value <= high:
        raise ConsensusError(f"{name} must be between {low} and {high}, not {value}", name)


# How a message names a setting and its value: the engine's own field names by default; a form
# passes its labels, a study file its keys, so each reader sees the words they typed.
Namer = Callable[[str, object], str]


def field_name(name: str, value: object) -> str:
    """The engine's own way of naming a setting in a message: ``low_to (7)``."""
    return f"{name} ({value!r})" if isinstance(value, str) else f"{name} ({value})"


def _whole_number(name: str, value: object, named: Namer) -> ConsensusError | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return ConsensusError(f"{named(name, value)} must be a whole number", name)
    return None


def _between(name: str, value: object, low: int, high: int, named: Namer) -> ConsensusError | None:
    problem = _whole_number(name, value, named)
    if problem is None and not low <= value <= high:  # type: ignore[operator]
        problem = ConsensusError(f"{named(name, value)} must be between {low} and {high}", name)
    return problem


def _true_or_false(name: str, value: object, named: Namer) -> ConsensusError | None:
    if not isinstance(value, bool):
        return ConsensusError(f"{named(name, value)} must be true or false", name)
    return None


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
    # "left_out": percentages are of ratings on the scale; "not_agreeing": "unable to rate"
    # answers join every percentage's denominator and no region.
    unable_counts: str = "left_out"
    stability_measure: str = "panellists"  # or "net_change" (Scheibe et al. 1975)
    net_change_max: int = 15  # net_change: stable when the net change is below this percent
    wilcoxon: str = "exact_small_panels"  # or "asymptotic" (as SPSS computes it)

    def __post_init__(self) -> None:
        for problem in self._problems(field_name):
            raise problem

    @classmethod
    def problems(cls, values: Mapping[str, Any], named: Namer = field_name) -> list[ConsensusError]:
        """Every problem of the definition ``values`` (fields; the rest take defaults), each
        naming its settings with ``named``: a form shows them all at once, by their inputs."""
        unchecked = object.__new__(cls)
        for f in fields(cls):
            object.__setattr__(unchecked, f.name, values.get(f.name, f.default))
        return list(unchecked._problems(named))

    def _problems(self, named: Namer) -> Iterator[ConsensusError]:
        scale_ok = True
        for problem in self._scale_problems(named):
            scale_ok = False
            yield problem
        if self.rule not in RULES:
            yield ConsensusError(
                f"{named('rule', self.rule)} must be one of {', '.join(RULES)}", "rule"
            )
        elif self.rule == "rand" and scale_ok and (self.scale_min, self.scale_max) != (1, 9):
            yield ConsensusError(
                f"the RAND/UCLA rule needs the 1-9 scale, not {self.scale_min}-{self.scale_max}",
                "rule",
                ("rule", "scale_min", "scale_max"),
            )
        if self.quantiles not in QUANTILE_METHODS:
            yield ConsensusError(
                f"{named('quantiles', self.quantiles)} must be one of "
                f"{', '.join(QUANTILE_METHODS)}",
                "quantiles",
            )
        if scale_ok:
            yield from self._region_problems(named)
        agreement = _between("agreement", self.agreement, 1, 100, named)
        opposite = _between("opposite_max", self.opposite_max, 0, 100, named)
        yield from (problem for problem in (agreement, opposite) if problem)
        if not agreement and not opposite and self.opposite_max >= self.agreement:
            yield ConsensusError(
                f"{named('opposite_max', self.opposite_max)} must be below "
                f"{named('agreement', self.agreement)}, or an item could be in and out at once",
                "opposite_max",
                ("opposite_max", "agreement"),
            )
        yield from (
            problem
            for problem in (
                _true_or_false("opposite_inclusive", self.opposite_inclusive, named),
                _between("percent", self.percent, 51, 100, named),
            )
            if problem
        )
        if self.iqr_max is not None and (
            isinstance(self.iqr_max, bool)
            or not isinstance(self.iqr_max, (int, float))
            or not math.isfinite(self.iqr_max)
            or self.iqr_max < 0
        ):
            yield ConsensusError(
                f"{named('iqr_max', self.iqr_max)} must be a number of 0 or more", "iqr_max"
            )
        minimum = _whole_number("min_ratings", self.min_ratings, named)
        if minimum is None and self.min_ratings < 1:
            minimum = ConsensusError(
                f"{named('min_ratings', self.min_ratings)} must be at least 1", "min_ratings"
            )
        checks = (
            minimum,
            _true_or_false("per_group", self.per_group, named),
            _between("stability_max", self.stability_max, 0, 100, named),
            _between("net_change_max", self.net_change_max, 0, 100, named),
        )
        yield from (problem for problem in checks if problem)
        for name, choices in (
            ("unable_counts", UNABLE_COUNTS),
            ("stability_measure", STABILITY_MEASURES),
            ("wilcoxon", WILCOXON_METHODS),
        ):
            value = getattr(self, name)
            if value not in choices:
                yield ConsensusError(
                    f"{named(name, value)} must be one of {', '.join(choices)}", name
                )

    def _scale_problems(self, named: Namer) -> Iterator[ConsensusError]:
        low = _whole_number("scale_min", self.scale_min, named)
        high = _whole_number("scale_max", self.scale_max, named)
        if low or high:
            yield from (problem for problem in (low, high) if problem)
            return
        if self.scale_min < 0:
            yield ConsensusError(
                f"{named('scale_min', self.scale_min)} must be 0 or more (negative values mark "
                "missing and unable to rate)",
                "scale_min",
            )
        elif self.scale_max - self.scale_min < 2:
            yield ConsensusError(
                f"{named('scale_max', self.scale_max)} must be at least two more than "
                f"{named('scale_min', self.scale_min)}, so the scale has three points",
                "scale_max",
                ("scale_max", "scale_min"),
            )
        elif self.scale_max - self.scale_min + 1 > MAX_POINTS:
            yield ConsensusError(
                f"the scale {self.scale_min}-{self.scale_max} has more than {MAX_POINTS} points: "
                f"{named('scale_max', self.scale_max)} is too large",
                "scale_max",
                ("scale_max", "scale_min"),
            )

    def _region_problems(self, named: Namer) -> Iterator[ConsensusError]:
        ends = [
            _whole_number(name, getattr(self, name), named)
            for name in ("low_to", "high_from")
            if getattr(self, name) is not None
        ]
        if any(ends):
            yield from (problem for problem in ends if problem)
            return
        low_to, high_from = self.low_region[1], self.high_region[0]
        if not self.scale_min <= low_to <= self.scale_max:
            yield ConsensusError(
                f"{named('low_to', low_to)} must be on the scale, "
                f"from {self.scale_min} to {self.scale_max}",
                "low_to",
                ("low_to", "scale_min", "scale_max"),
            )
        elif not self.scale_min <= high_from <= self.scale_max:
            yield ConsensusError(
                f"{named('high_from', high_from)} must be on the scale, "
                f"from {self.scale_min} to {self.scale_max}",
                "high_from",
                ("high_from", "scale_min", "scale_max"),
            )
        elif not low_to < high_from:
            yield ConsensusError(
                f"{named('low_to', low_to)} must be below {named('high_from', high_from)}: "
                "the regions overlap",
                "low_to",
                ("low_to", "high_from"),
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
