"""Fixtures for the console's round pages: a study with a panel, its round open or closed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from delphi.models import Panellist, Round, Study, utcnow
from delphi.rounds.lifecycle import close_round, open_round


@dataclass
class Running:
    study: Study
    panel: list[Panellist]
    round_: Round

    def url(self, endpoint: str, **values) -> str:
        from flask import current_app, url_for

        with current_app.test_request_context():
            return url_for(endpoint, slug=self.study.slug, **values)


def page_text(response) -> str:
    """What the page says: tags dropped, whitespace collapsed (entities left as sent)."""
    html = re.sub(r"</?(strong|span|em|a|b)\b[^>]*>", "", response.get_data(as_text=True))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def text():
    """``text(response)``: what the page says, as a reader sees it."""
    return page_text


@pytest.fixture
def running(db, make_study, make_panel):
    """Build a study (one section of ``items`` items) with ``panel`` panellists, round 1 open."""

    def build(items=3, panel=6, slug="test-study", **settings) -> Running:
        study = make_study(slug=slug, sections=1, items_per_section=items, **settings)
        panellists = make_panel(study, n=panel)
        round_ = open_round(study, closes_at=utcnow() + timedelta(days=7))
        db.session.commit()
        return Running(study=study, panel=panellists, round_=round_)

    return build


# Ratings of one section of three items by six panellists, with statistics worked out by hand
# (linear quantiles, Hyndman & Fan type 7, positions 1 + p(n - 1) in the sorted ratings):
#   S1.1: 7 7 8 8 9 9  -> median 8, Q1 at 2.25 = 7.25, Q3 at 4.75 = 8.75, IQR 1.5; 100% in 7-9:
#         consensus in (COMET: >= 70% in 7-9 and < 15% in 1-3).
#   S1.2: 1 1 2 2 3 3  -> median 2, 100% in 1-3: consensus out.
#   S1.3: 1 5 5 5 9 9  -> median 5, 33% high and 17% low: no consensus, carried forward.
RATINGS = {
    "S1.1": [7, 8, 9, 9, 8, 7],
    "S1.2": [1, 2, 3, 1, 2, 3],
    "S1.3": [1, 5, 9, 5, 5, 9],
}


@pytest.fixture
def closed(db, running, submit):
    """Round 1 of a three-item study, rated by six panellists as in ``RATINGS``, then closed."""

    def build(**settings) -> Running:
        state = running(**settings)
        for k, panellist in enumerate(state.panel):
            submit(state.round_, panellist, {code: values[k] for code, values in RATINGS.items()})
        close_round(state.round_)
        db.session.commit()
        return state

    return build
