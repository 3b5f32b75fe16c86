"""Stakeholder groups. A panellist's group is free text, matched without regard to case: "G1"
and "g1" are one group, spelt as it was first written in the study."""

from __future__ import annotations

from collections.abc import Iterable

from delphi.extensions import db
from delphi.models import Panellist, Study


def study_groups(study: Study) -> list[str]:
    """The study's stakeholder groups as they are spelt, in alphabetical order."""
    groups = db.session.scalars(
        db.select(Panellist.group).filter_by(study_id=study.id).distinct()
    ).all()
    return sorted(set(groups), key=str.casefold)


class GroupSpellings:
    """The spelling each group keeps: the study's own, else the first one written here."""

    def __init__(self, study: Study):
        self.known = {group.casefold(): group for group in study_groups(study)}
        self.created: list[str] = []

    def __call__(self, group: str) -> str:
        """``group`` as the study spells it; a group not seen before is created as written."""
        group = group.strip()
        key = group.casefold()
        if key not in self.known:
            self.known[key] = group
            self.created.append(group)
        return self.known[key]


def spelt_as_study(study: Study, group: str) -> str:
    """``group`` as the study already spells it (whatever its case), or as written."""
    return GroupSpellings(study)(group)


def describe_new_groups(groups: Iterable[str]) -> str:
    """The sentence naming the groups an import created ("New stakeholder groups: A, B."), or
    an empty text when it created none."""
    groups = list(groups)
    if not groups:
        return ""
    noun = "group" if len(groups) == 1 else "groups"
    return f"New stakeholder {noun}: {', '.join(groups)}."
