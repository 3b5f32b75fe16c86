"""The consensus definition a report states: as constant columns and in words."""

from __future__ import annotations

from delphi.consensus import ConsensusError, ConsensusSettings
from delphi.consensus.definition import SETTINGS
from delphi.consensus.stability import WILCOXON_WORDS
from delphi.models import Study
from delphi.studies.consensus import consensus_settings

QUANTILE_WORDS = {
    "linear": "linear interpolation (Hyndman & Fan type 7: R's default, numpy, "
    "Excel PERCENTILE.INC)",
    "weibull": "Weibull plotting positions (Hyndman & Fan type 6: SPSS, Minitab, "
    "Excel PERCENTILE.EXC)",
}


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
            # A setting missing from a recorded definition took its default, as the engine
            # reads the record (ConsensusSettings.from_dict).
            value = settings.get(setting.reported, settings.get(setting.engine, setting.default))
        columns[setting.report_column] = value
    return columns


SETTINGS_COLUMNS = list(settings_columns({}))


def describe_settings(settings: dict) -> list[str]:
    """The consensus definition in sentences, as a methods section would state it."""
    if not settings:
        return ["The consensus definition is not complete yet."]
    regions = regions_of(settings)
    low, high = (region_text(r) for r in regions) if regions else ("", "")
    rule = settings.get("rule")
    opposite = "at most" if settings.get("opposite_inclusive") else "fewer than"
    sentences: dict[str | None, str] = {
        "comet": (
            f"Consensus in: at least {settings.get('agreement')}% of ratings in the high region "
            f"({high}) and {opposite} {settings.get('opposite_max')}% in the low region ({low}). "
            f"Consensus out: the same with the regions swapped (COMET rule)."
        ),
        "percent": (
            f"Consensus in: at least {settings.get('percent')}% of ratings in the high region "
            f"({high}); consensus out: at least {settings.get('percent')}% in the low region "
            f"({low})."
        ),
        "iqr": (
            f"Consensus: an interquartile range of at most {settings.get('effective_iqr_max')}"
            f" with the median in the high region ({high}, in) or the low region ({low}, out)."
        ),
        "rand": (
            f"RAND/UCLA appropriateness method: the median in the high region ({high}, in) or the "
            f"low region ({low}, out) without disagreement (IPR greater than IPRAS)."
        ),
    }
    words = [sentences.get(rule, f"Rule {rule}.")]
    words.append(_unable_sentence(settings))
    words.append(f"An item needs at least {settings.get('min_ratings')} ratings for any consensus.")
    words.append(
        "Quantiles: "
        + QUANTILE_WORDS.get(settings.get("quantiles", ""), str(settings.get("quantiles")))
        + "."
    )
    if settings.get("per_group"):
        words.append("Consensus must also hold within every stakeholder group.")
    words.extend(_stability_sentences(settings))
    return words


def _unable_sentence(settings: dict) -> str:
    if settings.get("unable_counts", "left_out") == "not_agreeing":
        return (
            "Percentages (the shares in the low, middle and high regions and the shares the "
            "rule compares with its thresholds) are of the ratings on the scale plus the "
            '"unable to rate" answers, which count as not agreeing: they join the denominator '
            "and no region, so the three regions' shares add up to less than 100% when some "
            "panellists were unable to rate. Missing answers are counted and enter no "
            "percentage; medians, quartiles and the other statistics are of ratings on the "
            "scale only."
        )
    return (
        'Percentages are of ratings on the scale; "unable to rate" and missing answers are '
        "counted but left out of every percentage and statistic."
    )


def _stability_sentences(settings: dict) -> list[str]:
    """How stability between rounds was measured, decided and tested."""
    net = (
        "the net change of its distribution (half the sum of the absolute changes in the "
        "percentage of ratings at each scale point; Scheibe, Skutsch & Schofer 1975)"
    )
    if settings.get("stability_measure", "panellists") == "net_change":
        decided = (
            f"an item is stable when {net} is below {settings.get('net_change_max', 15)}%; "
            "the share of panellists who changed their rating is reported beside it."
        )
    else:
        decided = (
            f"an item is stable when fewer than {settings.get('stability_max')}% of the "
            f"panellists who rated it in both rounds changed their rating; {net} is reported "
            "beside it."
        )
    method = settings.get("wilcoxon", "exact_small_panels")
    return [
        "Stability is computed only for items whose wording is the same in both rounds, over "
        "the panellists who rated the item on the scale in both; a reworded item is not "
        "comparable with its earlier wording and is reported as not comparable (reworded).",
        f"Stability: {decided}",
        "The p-value of the change between rounds is the two-sided Wilcoxon signed-rank test "
        f"(method: {method}), computed with {WILCOXON_WORDS.get(method, method)}.",
    ]
