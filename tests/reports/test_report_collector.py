"""A report is built in the background with the cyclic garbage collector paused, and the
collector runs again after."""
from __future__ import annotations

import gc
from dataclasses import replace

from delphi.reports import FORMATS
from tests.support.reports import queue_report


def test_a_background_build_renders_with_the_collector_paused(two_rounds, login_as, client,
                                                              monkeypatch):
    assert gc.isenabled()
    csv = FORMATS["csv"]
    seen: list[bool] = []

    def render(report):
        seen.append(gc.isenabled())
        return csv.render(report)

    monkeypatch.setitem(FORMATS, "csv", replace(csv, render=render))
    login_as("coordinator", studies=[two_rounds.study])
    queued = queue_report(client, "two-rounds", "csv:1")
    page = client.get(queued.headers["Location"])
    assert page.status_code == 200 and "Ready" in page.get_data(as_text=True)
    assert seen == [False]
    assert gc.isenabled()
