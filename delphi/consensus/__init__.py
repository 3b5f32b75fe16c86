"""The consensus statistics engine: a ratings matrix in, plain values out (no Flask, no database).

Round closing, panellist feedback and every report take their numbers from here.

Definitions
-----------
- Ratings are scale points; MISSING (no answer) and UNABLE ("unable to rate") are counted apart
  and enter no statistic. They enter no percentage either, unless ``unable_counts`` is
  "not_agreeing": then UNABLE joins every percentage's denominator (and no region).
- Quantiles: ``linear`` is Hyndman & Fan type 7 (numpy, R, Excel PERCENTILE.INC), ``weibull``
  type 6 (SPSS, Minitab, Excel PERCENTILE.EXC), clipped to the data. The median is the usual
  median under both. Quantiles are computed exactly as rationals, then written as floats.
- Regions: by default the lowest and highest round(K/3) points of a K-point scale (1-3/4-6/7-9
  on 1-9, 1-2/3/4-5 on 1-5); ``low_to`` and ``high_from`` set them.
- RAND/UCLA (1-9 scale only): IPR = P70 - P30, central point (P30 + P70) / 2, asymmetry index
  |5 - central point|, IPRAS = 2.35 + 1.5 AI; disagreement when IPR > IPRAS.
- Rules (at least ``min_ratings`` ratings, else "none"): comet, in when at least ``agreement``%
  rate high and fewer than (or at most) ``opposite_max``% rate low, out the reverse; percent,
  in or out when at least ``percent``% rate high or low; iqr, IQR <= ``effective_iqr_max`` with
  the median high (in) or low (out); rand, median high (in) or low (out) without disagreement.
  With ``per_group``, in or out must also hold in every group with ``min_ratings`` ratings.
- Percentages are compared in integers: k of n meets p% when 100·k >= p·n.
- Stability, for items whose wording is unchanged, over panellists who rated it in both rounds:
  stable when fewer than ``stability_max``% changed their rating, or (``stability_measure`` =
  "net_change") when the distribution's net change is below ``net_change_max``%; the Wilcoxon
  signed-rank p as scipy's default gives it, or asymptotic throughout as SPSS (``wilcoxon``).
"""

from delphi.consensus.engine import summarise, summarise_counts
from delphi.consensus.settings import MISSING, UNABLE, ConsensusError, ConsensusSettings
from delphi.consensus.stability import ItemStability, stability
from delphi.consensus.summary import ItemSummary, RoundSummary

__all__ = [
    "MISSING",
    "UNABLE",
    "ConsensusError",
    "ConsensusSettings",
    "ItemStability",
    "ItemSummary",
    "RoundSummary",
    "stability",
    "summarise",
    "summarise_counts",
]
