"""The installed ``delphi tick`` expires a report nobody downloaded, in the queue file the app
and the worker share: its file is removed and its page says it expired (README: Configuration,
DELPHI_REPORT_BUILD_TTL_HOURS, 7 days by default)."""
from __future__ import annotations

from dataclasses import asdict, replace
from datetime import timedelta

import pytest

from delphi import tasks
from delphi.models import utcnow
from delphi.reports.builds import BuildState, find_build
from delphi.rounds.lifecycle import close_round, open_round


@pytest.fixture
def app_config(app_config, cli_instance):
    """The app queues into the SQLite queue file of the instance folder the command uses."""
    return {**app_config, "TASK_QUEUE": "", "INSTANCE_PATH": str(cli_instance)}


def test_tick_removes_a_file_ready_for_over_seven_days(app_config, db, make_study, make_panel,
                                                        login_as, client, delphi):
    study = make_study(slug="expiring", sections=1, items_per_section=1)
    make_panel(study, n=3)
    close_round(open_round(study))
    login_as("admin")
    page_url = client.post("/console/studies/expiring/reports/builds",
                           data={"build": "csv:1"}).headers["Location"]
    build_id = page_url.rsplit("/", 1)[1]
    # As a worker leaves it: ready, its file stored; here finished eight days ago.
    eight_days_ago = utcnow() - timedelta(days=8)
    build = replace(find_build(study, build_id), state=BuildState.READY, size=3,
                    finished_at=eight_days_ago, updated_at=eight_days_ago)
    tasks.queue().put(f"build-file:{build_id}", b"a,b")
    tasks.queue().put(f"build:{build_id}", asdict(build))

    result = delphi("tick")
    assert result.returncode == 0, result.stderr
    assert "1 report builds expired: their files removed." in result.stdout
    assert tasks.queue().get(f"build-file:{build_id}", peek=True) is None
    words = " ".join(client.get(page_url).get_data(as_text=True).split())
    assert "<strong>Expired</strong>: expiring-round1-report.csv was kept for 7 days" in words
    assert "Build it again" in words

    again = delphi("tick")  # nothing more to do for a week
    assert "report builds" not in again.stdout
