"""Benchmark 3: SQL statements per request for the pages that show every item of a round.

The same study is built at two sizes (10 and 200 items, five panellists, ratings spread so no
item reaches consensus); the open round's dashboard, the closed round's review and the round-2
questionnaire pages (with feedback) are requested and their statements counted. The counts
must not depend on the number of items. ``tests/system/scale`` asserts this; ``make bench``
prints it.
"""
from __future__ import annotations

from delphi.extensions import db
from tests.support.statements import SIZES, sign_in_admin, statements_per_page


def run(app) -> dict[int, dict[str, int]]:
    """Counts at every size, on a migrated empty database behind ``app``."""
    with app.app_context():
        client = app.test_client()
        sign_in_admin(client)
        counts = {items: statements_per_page(client, items) for items in SIZES}
        db.session.remove()
        db.engine.dispose()
    return counts


def describe(counts: dict[int, dict[str, int]]) -> list[str]:
    small, large = (counts[size] for size in SIZES)
    return [f"{page}: {small[page]} statements at {SIZES[0]} items, {large[page]} at "
            f"{SIZES[1]} ({'equal' if small[page] == large[page] else 'NOT EQUAL'})"
            for page in small]
