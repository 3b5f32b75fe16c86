"""How a methods section states each setting of the consensus definition.

The declaration table (``delphi.consensus.definition.SETTINGS``) gives each setting the
sentence below that states it. A template is filled from the recorded definition: each setting
by its engine name (``{agreement}``, ``{min_ratings}``; ``{iqr_max}`` is the limit the scale
gave), a setting with ``words`` by the words its value reads as (``{opposite_inclusive}`` is
"at most" or "fewer than"), and the regions as ``{low}`` and ``{high}`` ("1-3", "7-9"). A
choice or a switch has one template per value; a value without one is stated by no sentence.
"""

from __future__ import annotations

from delphi.consensus.stability import WILCOXON_WORDS

# Stated in place of a choice whose value has no sentence of its own.
UNKNOWN_CHOICE = "{label}: {value}."

RULE = (
    (
        "comet",
        "Consensus in: at least {agreement}% of ratings in the high region ({high}) and "
        "{opposite_inclusive} {opposite_max}% in the low region ({low}). Consensus out: the "
        "same with the regions swapped (COMET rule).",
    ),
    (
        "percent",
        "Consensus in: at least {percent}% of ratings in the high region ({high}); consensus "
        "out: at least {percent}% in the low region ({low}).",
    ),
    (
        "iqr",
        "Consensus: an interquartile range of at most {iqr_max} with the median in the high "
        "region ({high}, in) or the low region ({low}, out).",
    ),
    (
        "rand",
        "RAND/UCLA appropriateness method: the median in the high region ({high}, in) or the "
        "low region ({low}, out) without disagreement (IPR greater than IPRAS).",
    ),
)

OPPOSITE_INCLUSIVE_WORDS = ((True, "at most"), (False, "fewer than"))

UNABLE_COUNTS = (
    (
        "left_out",
        'Percentages are of ratings on the scale; "unable to rate" and missing answers are '
        "counted but left out of every percentage and statistic.",
    ),
    (
        "not_agreeing",
        "Percentages (the shares in the low, middle and high regions and the shares the rule "
        'compares with its thresholds) are of the ratings on the scale plus the "unable to '
        'rate" answers, which count as not agreeing: they join the denominator and no region, '
        "so the three regions' shares add up to less than 100% when some panellists were "
        "unable to rate. Missing answers are counted and enter no percentage; medians, "
        "quartiles and the other statistics are of ratings on the scale only.",
    ),
)

MIN_RATINGS = "An item needs at least {min_ratings} ratings for any consensus."

QUANTILES = (
    (
        "linear",
        "Quantiles: linear interpolation (Hyndman & Fan type 7: R's default, numpy, Excel "
        "PERCENTILE.INC).",
    ),
    (
        "weibull",
        "Quantiles: Weibull plotting positions (Hyndman & Fan type 6: SPSS, Minitab, Excel "
        "PERCENTILE.EXC).",
    ),
)

PER_GROUP = ((True, "Consensus must also hold within every stakeholder group."),)

_NET = (
    "the net change of its distribution (half the sum of the absolute changes in the "
    "percentage of ratings at each scale point; Scheibe, Skutsch & Schofer 1975)"
)
STABILITY_MEASURE = (
    (
        "panellists",
        "Stability: an item is stable when fewer than {stability_max}% of the panellists who "
        f"rated it in both rounds changed their rating; {_NET} is reported beside it.",
    ),
    (
        "net_change",
        f"Stability: an item is stable when {_NET} is below {{net_change_max}}%; the share of "
        "panellists who changed their rating is reported beside it.",
    ),
)

WILCOXON = tuple(
    (
        method,
        "The p-value of the change between rounds is the two-sided Wilcoxon signed-rank test "
        f"(method: {method}), computed with {words}.",
    )
    for method, words in WILCOXON_WORDS.items()
)

# Not a setting but how every stability figure is computed, stated after the settings.
COMPARABLE = (
    "Stability is computed only for items whose wording is the same in both rounds, over the "
    "panellists who rated the item on the scale in both; a reworded item is not comparable "
    "with its earlier wording and is reported as not comparable (reworded)."
)
