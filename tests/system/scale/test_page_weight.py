"""Pages travel compressed: a round-2 page of 60 items with feedback is at most 60 kB on the wire.

The page is built as a panellist meets it (round 1 rated by the panel with comments, closed, round
2 opened) and fetched the way browsers ask for it (``Accept-Encoding``). Its size is measured by
decompressing with the standard codecs, so the figures do not come from the app.
"""
from __future__ import annotations

import gzip

import brotli
import pytest

from delphi import create_app
from delphi.extensions import db
from delphi.models import Panellist
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round
from tests.support import data

ITEMS = 60
PANELLISTS = 40
WIRE_LIMIT = 60_000


@pytest.fixture
def round_two_page(app, db):
    """The path of a panellist's round-2 page holding 60 items with feedback."""
    study = data.make_study("weight", ITEMS, sections=1)
    panel = data.add_panel(study, PANELLISTS)
    round_one = data.open_round_one(study)
    ratings = data.random_ratings(PANELLISTS, ITEMS, (1, 9), 0.1, centres=(4.5, 5.5))
    data.submit_all(round_one, panel, ratings, comment_every=10)
    close_round(round_one)
    launch_next_round(study)
    db.session.commit()
    token = token_for(db.session.get(Panellist, panel[0]))
    return f"/p/{token}/round/2/section/1"


@pytest.mark.parametrize("encoding, decompress", [("br", brotli.decompress),
                                                  ("gzip", gzip.decompress)])
def test_the_round_two_page_is_compressed_to_at_most_60_kB(client, round_two_page, encoding,
                                                           decompress):
    plain = client.get(round_two_page)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers  # a client that asks for nothing gets text
    assert len(plain.data) > 4 * WIRE_LIMIT  # the page is heavy: compression is what helps

    packed = client.get(round_two_page, headers={"Accept-Encoding": encoding})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    print(f"{encoding}: {len(plain.data) / 1000:.0f} kB of HTML, {len(packed.data) / 1000:.0f} kB sent")
    assert len(packed.data) <= WIRE_LIMIT, (encoding, len(packed.data), len(plain.data))
    assert decompress(packed.data) == plain.data


def test_compression_can_be_left_to_the_proxy(app, db, round_two_page):
    config = {key: app.config[key] for key in
              ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INSTANCE_PATH", "BASE_URL")}
    plain_app = create_app({**config, "COMPRESS_RESPONSES": False, "RATELIMIT_ENABLED": False})
    try:
        response = plain_app.test_client().get(round_two_page,
                                               headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert b"Guidance statement number 60 for the benchmark." in response.data
    finally:
        with plain_app.app_context():
            db.engine.dispose()
