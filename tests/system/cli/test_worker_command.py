"""``delphi worker`` in a process of its own builds what the console queues: the app (the test
client, with the queue file in the instance folder they share) queues a report, the worker
builds it, and the build's page turns ready and hands over the file. SIGTERM stops the worker."""
from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from delphi.rounds.lifecycle import close_round, open_round

DELPHI = Path(sys.executable).with_name("delphi")  # the installed entry point


@pytest.fixture
def app_config(app_config, cli_instance):
    """The app queues into the SQLite queue file of the instance folder the worker uses."""
    return {**app_config, "TASK_QUEUE": "", "INSTANCE_PATH": str(cli_instance)}


def test_the_worker_builds_a_report_the_console_queued(app_config, db, make_study, make_panel,
                                                         submit, login_as, client, tmp_path,
                                                         cli_instance):
    study = make_study(slug="queued", sections=1, items_per_section=2)
    panel = make_panel(study, n=3)
    round1 = open_round(study)
    for k, panellist in enumerate(panel):  # ratings 1, 2, 3 and 5, 6, 7: medians 2 and 6
        submit(round1, panellist, {round1.round_items[0].code: 1 + k,
                                   round1.round_items[1].code: 5 + k})
    close_round(round1)
    login_as("admin")

    queued = client.post("/console/studies/queued/reports/builds", data={"build": "csv:1"})
    assert queued.status_code == 303
    page_url = queued.headers["Location"]
    assert "Queued" in client.get(page_url).get_data(as_text=True)  # no worker yet

    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("DELPHI_", "DATABASE_", "MAIL_", "SECRET_KEY"))}
    env.update(DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"], DELPHI_ENV="development",
               DELPHI_INSTANCE=str(cli_instance), SECRET_KEY=app_config["SECRET_KEY"])
    worker = subprocess.Popen([str(DELPHI), "worker", "--workers", "1"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while "Ready" not in (text := client.get(page_url).get_data(as_text=True)):
            assert "Failed" not in text, text
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < deadline, "the worker did not build the report in 60 s"
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "Worker started: 1 at once, reading the queue file" in out
    assert "Traceback" not in err

    download = client.post(f"{page_url}/download")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert [(r["item"], float(r["median"])) for r in rows] == [
        (round1.round_items[0].code, 2.0), (round1.round_items[1].code, 6.0)]
