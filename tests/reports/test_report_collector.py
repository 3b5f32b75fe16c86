"""A report is built with the cyclic garbage collector paused, and the collector runs again
once no build in the process is still running, whatever happened inside."""
from __future__ import annotations

import gc
import threading
from dataclasses import replace

import pytest

from delphi.reports import FORMATS
from delphi.reports.collector import collector_paused
from tests.support.reports import queue_report


@pytest.fixture(autouse=True)
def collector_running():
    """Each test starts with the collector on, and leaves it as it was."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_inside_and_on_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failure_inside_turns_the_collector_on_again():
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_waits_for_the_last_of_overlapping_builds():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.isenabled()
        seen["after both ended"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"after the first ended": False, "after both ended": True}


def test_a_background_build_renders_with_the_collector_paused(two_rounds, login_as, client,
                                                              monkeypatch):
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
