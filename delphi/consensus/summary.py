"""What a round's summary holds: plain values per item, overall and per stakeholder group."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from delphi.consensus.settings import ConsensusError, ConsensusSettings


def _from_fields(names: tuple[str, ...], values: dict, what: str) -> dict:
    unknown = sorted(set(values) - set(names))
    missing = [name for name in names if name not in values]
    if unknown or missing:
        raise ConsensusError(
            f"{what} does not match: unknown {unknown or 'none'}, missing {missing or 'none'}"
        )
    return {name: values[name] for name in names}


@dataclass(frozen=True)
class ItemSummary:
    """One item's statistics and consensus status; every statistic is None when n == 0.

    n counts ratings on the scale; "unable to rate" and missing answers are counted apart and
    enter no statistic. The pct_ columns are of n, or of n + n_unable when the study counts
    "unable to rate" as not agreeing. The RAND/UCLA columns (ipr to disagreement) are None off the
    1-9 scale.
    """

    n: int
    n_unable: int
    n_missing: int
    counts: dict[int, int]  # every scale point, zeros included
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    mean: float | None
    sd: float | None  # sample standard deviation; None when n < 2
    p30: float | None
    p70: float | None
    ipr: float | None
    ipr_central: float | None
    asymmetry: float | None
    ipras: float | None
    disagreement: bool | None
    pct_low: float | None  # 0-100
    pct_mid: float | None
    pct_high: float | None
    status: str  # "in", "out" or "none"
    explanation: str  # why, in words: "78% rated 7-9 (at least 70% needed), ..."

    @property
    def reason(self) -> str:
        """The status and its explanation in one line, as exports state it ("in: 78% ...")."""
        return f"{self.status}: {self.explanation}"

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values; the counts' keys are strings, as JSON would make them.

        The status and the explanation are stored apart, and the ``reason`` line joining them
        beside them, the form summaries frozen by earlier versions have.
        """
        # Every field is a plain value but the counts: a shallow copy is enough, and much cheaper
        # than asdict()'s deep copy when a round closes with hundreds of items and groups.
        values = {name: getattr(self, name) for name in _STORED_FIELDS}
        values["counts"] = {str(point): count for point, count in self.counts.items()}
        values["reason"] = self.reason
        return values

    @classmethod
    def from_dict(cls, values: dict[str, object]) -> ItemSummary:
        """The summary ``to_dict()`` gave, status and explanation read as they were stored.

        A summary frozen before the explanation was stored apart has only the ``reason`` line
        (the status, ": ", the explanation); its explanation is what follows the status.
        """
        if "explanation" in values:
            known = _from_fields((*_STORED_FIELDS, "reason"), values, "item summary")
            known.pop("reason")
        else:
            known = _from_fields(
                (*(n for n in _STORED_FIELDS if n != "explanation"), "reason"),
                values,
                "item summary",
            )
            reason, lead = str(known.pop("reason")), f"{known['status']}: "
            if not reason.startswith(lead):
                raise ConsensusError(
                    f"item summary does not match: its reason {reason[:40]!r} "
                    f"does not begin with its status {known['status']!r}"
                )
            known["explanation"] = reason[len(lead) :]
        known["counts"] = {int(point): int(count) for point, count in known["counts"].items()}
        return cls(**known)


_STORED_FIELDS = tuple(f.name for f in fields(ItemSummary))


@dataclass(frozen=True)
class RoundSummary:
    """Every item of a round, in column order, with the settings they were computed with."""

    items: list[ItemSummary]
    settings: ConsensusSettings
    groups: dict[str, list[ItemSummary]] = field(default_factory=dict)  # stakeholder group

    def to_dict(self) -> dict[str, object]:
        return {
            "settings": self.settings.to_dict(),
            "items": [item.to_dict() for item in self.items],
            "groups": {
                name: [item.to_dict() for item in items] for name, items in self.groups.items()
            },
        }

    @classmethod
    def from_dict(cls, values: dict[str, object]) -> RoundSummary:
        known = _from_fields(tuple(f.name for f in fields(cls)), values, "round summary")
        return cls(
            items=[ItemSummary.from_dict(item) for item in known["items"]],
            settings=ConsensusSettings.from_dict(known["settings"]),
            groups={
                name: [ItemSummary.from_dict(item) for item in items]
                for name, items in known["groups"].items()
            },
        )
