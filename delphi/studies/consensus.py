"""A study's consensus definition as the engine takes it, and its settings as the Study stores them.

Both are built from the declared settings (delphi/consensus/definition.py): the only difference
between a column and the engine's value is that a choice is stored as an enum member.
"""

from __future__ import annotations

import enum
from typing import Any

from delphi.consensus import ConsensusSettings
from delphi.consensus.definition import SETTINGS, Setting
from delphi.models import Study


def consensus_settings(study: Study) -> ConsensusSettings:
    """The study's consensus definition as the engine takes it (raises ConsensusError)."""
    values: dict[str, Any] = {
        setting.engine: engine_value(getattr(study, setting.column)) for setting in SETTINGS
    }
    return ConsensusSettings(**values)


def engine_value(value: object) -> object:
    """A column's value as the engine (and a form or file) writes it: an enum by its value."""
    return value.value if isinstance(value, enum.Enum) else value


def column_enum(setting: Setting) -> type[enum.Enum] | None:
    """The enum the setting's Study column holds, for a choice; None otherwise."""
    return getattr(Study.__table__.c[setting.column].type, "enum_class", None)


def column_value(setting: Setting, value: object) -> object:
    """A plain value (typed in a form, read from a file) as the Study column holds it."""
    choices = column_enum(setting)
    return choices(value) if choices is not None and value is not None else value
