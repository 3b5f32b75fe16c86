"""The open round's ratings so far, as the dashboard shows them: each item's answers read from
the rating tally (``delphi.rounds.tally``, a row per item and answer, kept right by every change
to the ratings), then summarised by the consensus engine.

One statement whatever the number of panellists, on every request: every app server reads the
same counts, and a submission is seen at the next request.
"""

from __future__ import annotations

import numpy as np

from delphi.consensus import ItemSummary, summarise_counts
from delphi.models import Round, TallyKind
from delphi.rounds.tally import tally


def live_summary(round_: Round, round_item_ids: list[int]) -> dict[int, ItemSummary]:
    """The open round's summaries so far, by round item id."""
    settings = round_.recorded_settings()
    points = {point: k for k, point in enumerate(settings.points)}
    row = {round_item_id: k for k, round_item_id in enumerate(round_item_ids)}
    counts = np.zeros((len(round_item_ids), len(points)), dtype=np.int64)
    unable = np.zeros(len(round_item_ids), dtype=np.int64)
    missing = np.zeros(len(round_item_ids), dtype=np.int64)
    for (round_item_id, kind, point), n in tally(round_.id).items():
        k = row.get(round_item_id)
        if k is None:
            continue
        if kind is TallyKind.POINT:
            counts[k, points[point]] += n
        elif kind is TallyKind.UNABLE:
            unable[k] += n
        else:
            missing[k] += n
    summary = summarise_counts(counts, unable, missing, settings)
    return dict(zip(round_item_ids, summary.items, strict=True))
