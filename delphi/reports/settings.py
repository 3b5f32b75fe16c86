"""The consensus definition a report states: as constant columns and in words."""

from __future__ import annotations

from delphi.consensus import ConsensusError, ConsensusSettings, sentences
from delphi.consensus.definition import SETTINGS, Setting
from delphi.models import Study
from delphi.studies.consensus import consensus_settings


def study_settings(study: Study) -> dict:
    """The study's current definition, for a study whose first round has not opened yet."""
    try:
        return consensus_settings(study).to_dict()
    except ConsensusError:
        return {}


def regions_of(settings: dict) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The (low, high) regions the settings resolved to, as the engine recorded them."""
    if "low_region" in settings and "high_region" in settings:
        low, high = settings["low_region"], settings["high_region"]
        return (int(low[0]), int(low[1])), (int(high[0]), int(high[1]))
    try:
        engine = ConsensusSettings.from_dict(settings)
    except (ConsensusError, TypeError):
        return None
    return engine.low_region, engine.high_region


def region_text(region: tuple[int, int] | None) -> str:
    return "" if region is None else f"{region[0]}-{region[1]}"


def settings_columns(settings: dict) -> dict[str, object]:
    """The settings as constant columns of an item table (CSV, XLSX, JSON).

    Each declared setting with a report column gives one: the value the engine recorded it as
    (a region as "7-9", the IQR limit the scale gave); a choice not recorded is empty text.
    """
    regions = dict(zip(("low_region", "high_region"), regions_of(settings) or (), strict=False))
    columns: dict[str, object] = {}
    for setting in SETTINGS:
        if setting.report_column is None:
            continue
        if setting.reported in ("low_region", "high_region"):
            value: object = region_text(regions.get(setting.reported))
        elif not settings:
            value = "" if setting.choices else None
        else:
            value = settings_value(setting, settings)
        columns[setting.report_column] = value
    return columns


SETTINGS_COLUMNS = list(settings_columns({}))


def describe_settings(settings: dict) -> list[str]:
    """The consensus definition in sentences, as a methods section would state it.

    Each declared setting that the rule uses states itself by its own sentence
    (``Setting.sentence``), in the table's order; a fact about every stability figure closes.
    """
    if not settings:
        return ["The consensus definition is not complete yet."]
    values = _sentence_values(settings)
    rule = values["rule"]
    words = []
    for setting in SETTINGS:
        if not setting.used_by(str(rule)):
            continue
        value = settings_value(setting, settings)
        template = setting.sentence_for(value)
        if template:
            words.append(template.format_map(values | {"label": setting.label, "value": value}))
    words.append(sentences.COMPARABLE)
    return words


def settings_value(setting: Setting, settings: dict) -> object:
    """The value the recorded definition gives ``setting``: a setting missing from the record
    took its default, as the engine reads the record (ConsensusSettings.from_dict)."""
    return settings.get(setting.reported, settings.get(setting.engine, setting.default))


def _sentence_values(settings: dict) -> dict[str, object]:
    """What the sentences' templates name: each setting, the regions, the chosen value."""
    regions = regions_of(settings)
    low, high = (region_text(r) for r in regions) if regions else ("", "")
    values: dict[str, object] = {"low": low, "high": high}
    for setting in SETTINGS:
        values[setting.engine] = setting.words_for(settings_value(setting, settings))
    return values
