"""Every setting of the consensus definition, declared once.

Each declaration ties the engine's name for a setting (a ConsensusSettings field) to the Study
column that stores it, the study file's table and key, the set-up form's label and help text,
the bounds a typed value must keep (the engine then judges the definition as a whole), the
rules whose verdict depends on it, the column the item exports state it in and the sentence a
report's methods state it by (``delphi.consensus.sentences``). The study file, the set-up form
and its lock, the reports and the engine settings of a study are built from this table; nothing
else names these settings one by one.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields

from delphi.consensus import sentences
from delphi.consensus.settings import (
    QUANTILE_METHODS,
    RULES,
    STABILITY_MEASURES,
    UNABLE_COUNTS,
    WILCOXON_METHODS,
    ConsensusSettings,
)
from delphi.validation import SETTING_MAX

_ENGINE_DEFAULTS = {
    f.name: f.default for f in fields(ConsensusSettings) if f.default is not MISSING
}


@dataclass(frozen=True)
class Setting:
    """One setting of the consensus definition and every name it goes by."""

    engine: str  # the ConsensusSettings field
    column: str  # the Study column (also the set-up form's field name and id)
    table: str  # the study file's table ...
    key: str  # ... and key
    label: str  # the set-up form's label
    help: str  # what the setting does, in a sentence
    kind: type  # int, float, bool, or str for a choice
    minimum: int = 0  # bounds of a typed number (int and float kinds)
    maximum: int = SETTING_MAX
    optional: bool = False  # may be left empty: the engine then derives it from the scale
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) of each choice
    rules: tuple[str, ...] = RULES  # the rules whose verdict depends on the setting
    report_column: str | None = None  # its column in item exports (None: not stated there)
    recorded: str | None = None  # the key of ConsensusSettings.to_dict() exports state
    # The sentence a report's methods state it by: a template, or (value, template) pairs of a
    # choice or switch (delphi.consensus.sentences); "" when another setting's sentence states it.
    sentence: str | tuple[tuple[object, str], ...] = ""
    words: tuple[tuple[object, str], ...] = ()  # (value, words) it reads as in others' sentences

    @property
    def default(self) -> object:
        """A new study's value: the engine's default."""
        return _ENGINE_DEFAULTS[self.engine]

    def used_by(self, rule: str) -> bool:
        """Whether the setting matters under ``rule``."""
        return rule in self.rules

    @property
    def reported(self) -> str:
        """The key of the engine's record that exports state for this setting."""
        return self.recorded or self.engine

    def sentence_for(self, value: object) -> str:
        """The template stating the setting at ``value`` ("" for none)."""
        if isinstance(self.sentence, str):
            return self.sentence
        for choice, template in self.sentence:
            if choice == value and isinstance(choice, bool) == isinstance(value, bool):
                return template
        return sentences.UNKNOWN_CHOICE if self.choices else ""

    def words_for(self, value: object) -> object:
        """How ``value`` reads inside a sentence: its words, or the value itself."""
        for choice, words in self.words:
            if choice == value and isinstance(choice, bool) == isinstance(value, bool):
                return words
        return value


_RULE_LABELS = {
    "comet": "COMET: a share of ratings in the high (or low) region, few opposite",
    "percent": "Percent agreement: a share of ratings in one region",
    "iqr": "Interquartile range at most a limit",
    "rand": "RAND/UCLA: median region and disagreement index",
}
# One sentence per rule, shown beside the choice so the team knows what each decides.
RULE_EXPLANATIONS = {
    "comet": "An item is in when at least the agreement share of its ratings lie in the high "
    "region and less than the opposite share in the low region; out the other way round.",
    "percent": "An item is in when at least the threshold share of its ratings lie in the high "
    "region, and out when at least that share lie in the low region.",
    "iqr": "An item is in when its interquartile range is at most the limit and its median lies "
    "in the high region, and out when the median lies in the low region.",
    "rand": "An item is in when its median lies in the high region without disagreement "
    "(RAND/UCLA interpercentile range), and out likewise in the low region; 1-9 scale only.",
}
_UNABLE_LABELS = {
    "left_out": "Left out of every percentage (counted apart)",
    "not_agreeing": "Counted as not agreeing (in every percentage's denominator)",
}
_MEASURE_LABELS = {
    "panellists": "Per panellist: the share who changed their rating",
    "net_change": "Net change: the change in the distribution (Scheibe et al. 1975)",
}
_WILCOXON_LABELS = {
    "exact_small_panels": "Exact for small panels, else normal approximation (as scipy)",
    "asymptotic": "Normal approximation throughout (as SPSS)",
}
_QUANTILE_LABELS = {
    "linear": "Linear (Hyndman & Fan type 7: R, numpy, Excel PERCENTILE.INC)",
    "weibull": "Weibull (type 6: SPSS, Minitab, Excel PERCENTILE.EXC)",
}

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "scale_min",
        "scale_min",
        "scale",
        "min",
        "Lowest point of the scale",
        "The lowest rating a panellist can give.",
        int,
    ),
    Setting(
        "scale_max",
        "scale_max",
        "scale",
        "max",
        "Highest point of the scale",
        "The highest rating a panellist can give; the scale has at least three points.",
        int,
    ),
    Setting(
        "rule",
        "consensus_rule",
        "consensus",
        "rule",
        "Consensus rule",
        "How each item's ratings decide consensus in, out or none.",
        str,
        choices=tuple((rule, _RULE_LABELS[rule]) for rule in RULES),
        report_column="rule",
        sentence=sentences.RULE,
    ),
    Setting(
        "quantiles",
        "quantile_method",
        "consensus",
        "quantiles",
        "Quantile method",
        "How quartiles and percentiles are computed from the ratings.",
        str,
        choices=tuple((method, _QUANTILE_LABELS[method]) for method in QUANTILE_METHODS),
        report_column="quantile_method",
        sentence=sentences.QUANTILES,
    ),
    Setting(
        "low_to",
        "low_to",
        "consensus",
        "low_to",
        "Last point of the low region",
        "Ratings up to this point count as low; leave empty for the lowest third of the scale.",
        int,
        optional=True,
        report_column="low_region",
        recorded="low_region",
    ),
    Setting(
        "high_from",
        "high_from",
        "consensus",
        "high_from",
        "First point of the high region",
        "Ratings from this point on count as high; leave empty for the highest third.",
        int,
        optional=True,
        report_column="high_region",
        recorded="high_region",
    ),
    Setting(
        "agreement",
        "agreement_pct",
        "consensus",
        "agreement",
        "Agreement needed in a region (%)",
        "The share of ratings one region needs for consensus in (high) or out (low).",
        int,
        minimum=1,
        maximum=100,
        rules=("comet",),
        report_column="agreement_pct",
    ),
    Setting(
        "opposite_max",
        "opposite_max_pct",
        "consensus",
        "opposite_max",
        "Largest share in the opposite region (%)",
        "The share of ratings the other region may hold at the same time.",
        int,
        maximum=100,
        rules=("comet",),
        report_column="opposite_max_pct",
    ),
    Setting(
        "opposite_inclusive",
        "opposite_inclusive",
        "consensus",
        "opposite_inclusive",
        "The opposite share may equal that limit (“at most”)",
        "Whether the opposite share may equal its limit, rather than stay below it.",
        bool,
        rules=("comet",),
        report_column="opposite_inclusive",
        words=sentences.OPPOSITE_INCLUSIVE_WORDS,
    ),
    Setting(
        "percent",
        "percent_threshold",
        "consensus",
        "percent",
        "Percent agreement threshold (%)",
        "The share of ratings one region needs; more than half, so in and out never meet.",
        int,
        minimum=1,
        maximum=100,
        rules=("percent",),
        report_column="percent_threshold",
    ),
    Setting(
        "iqr_max",
        "iqr_max",
        "consensus",
        "iqr_max",
        "Largest interquartile range",
        "The widest interquartile range that still counts as consensus; leave empty for 1 on "
        "scales of up to 7 points and 2 on longer ones.",
        float,
        optional=True,
        rules=("iqr",),
        report_column="iqr_max",
        recorded="effective_iqr_max",
    ),
    Setting(
        "min_ratings",
        "min_ratings",
        "consensus",
        "min_ratings",
        "Minimum number of ratings for a verdict",
        "An item rated by fewer panellists has no consensus either way.",
        int,
        minimum=1,
        report_column="min_ratings",
        sentence=sentences.MIN_RATINGS,
    ),
    Setting(
        "per_group",
        "per_group_consensus",
        "consensus",
        "per_group",
        "Consensus must hold in every stakeholder group",
        "Consensus in or out must also hold in each group with enough ratings.",
        bool,
        report_column="per_group",
        sentence=sentences.PER_GROUP,
    ),
    Setting(
        "stability_max",
        "stability_max_pct",
        "consensus",
        "stability_max",
        "Stability: largest change between rounds (%)",
        "With the per-panellist measure, an item is stable when fewer than this share of "
        "panellists changed their rating.",
        int,
        maximum=100,
        report_column="stability_max_pct",
    ),
    Setting(
        "unable_counts",
        "unable_counts",
        "consensus",
        "unable_counts",
        "How “unable to rate” counts in percentages",
        "Left out: every percentage is of the ratings on the scale. Counted as not agreeing: "
        "“unable to rate” answers join the denominator of every percentage (so of the "
        "agreement needed and the opposite share) and no region.",
        str,
        choices=tuple((value, _UNABLE_LABELS[value]) for value in UNABLE_COUNTS),
        report_column="unable_to_rate_counts",
        sentence=sentences.UNABLE_COUNTS,
    ),
    Setting(
        "stability_measure",
        "stability_measure",
        "consensus",
        "stability_measure",
        "Stability measure",
        "Both measures are reported; this one decides whether an item is stable between rounds.",
        str,
        choices=tuple((value, _MEASURE_LABELS[value]) for value in STABILITY_MEASURES),
        report_column="stability_measure",
        sentence=sentences.STABILITY_MEASURE,
    ),
    Setting(
        "net_change_max",
        "net_change_max_pct",
        "consensus",
        "net_change_max",
        "Net change: largest change between rounds (%)",
        "With the net-change measure, an item is stable when its distribution changed by less "
        "than this share (half the sum of the changes of each scale point's percentage).",
        int,
        maximum=100,
        report_column="net_change_max_pct",
    ),
    Setting(
        "wilcoxon",
        "wilcoxon_method",
        "consensus",
        "wilcoxon",
        "Wilcoxon signed-rank p-value of the change between rounds",
        "How the p-value is computed: exactly for small panels (as scipy), or by the normal "
        "approximation at every panel size (as SPSS, which most Delphi papers cite); the two "
        "differ on small panels.",
        str,
        choices=tuple((value, _WILCOXON_LABELS[value]) for value in WILCOXON_METHODS),
        report_column="wilcoxon_method",
        sentence=sentences.WILCOXON,
    ),
)

BY_ENGINE = {setting.engine: setting for setting in SETTINGS}
BY_COLUMN = {setting.column: setting for setting in SETTINGS}
COLUMNS = tuple(setting.column for setting in SETTINGS)


def phrase(setting: Setting) -> str:
    """The setting as a sentence names it: its label without a closing note in brackets."""
    label = setting.label.removesuffix(" (%)").removesuffix(" (“at most”)")
    return label[0].lower() + label[1:]


def _shown(setting: Setting, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return f"{value}%" if setting.label.endswith("(%)") else f"{value}"


def label_named(engine: str, value: object) -> str:
    """How a form's message names a setting: by its label, ``the last point of the low region
    (7)`` (a consensus.settings.Namer)."""
    setting = BY_ENGINE.get(engine)
    if setting is None:
        return f"{engine} ({value})"
    return f"the {phrase(setting)} ({_shown(setting, value)})"


def key_named(engine: str, value: object) -> str:
    """How a study file's message names a setting: by its key, then its label, ``low_to = 7
    (the last point of the low region)`` (a consensus.settings.Namer)."""
    setting = BY_ENGINE.get(engine)
    if setting is None:
        return f"{engine} = {value}"
    shown = _shown(setting, value).removesuffix("%")
    return f"{setting.key} = {shown} (the {phrase(setting)})"


def in_table(table: str) -> tuple[Setting, ...]:
    """The settings the study file keeps in ``table``, in their order."""
    return tuple(setting for setting in SETTINGS if setting.table == table)
