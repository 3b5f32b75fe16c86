"""Two mail senders running at once on one outbox deliver every message exactly once.

Each server machine could run ``delphi mail send`` (or ``delphi tick``) from cron; a message is
claimed before it is sent, so running two is safe. Without MAIL_HOST each sender writes the
messages it sends as files under its own instance folder, which shows who sent what.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from delphi.models import MessageStatus, OutboxMessage
from delphi.rounds.lifecycle import open_round

ROOT = Path(__file__).resolve().parents[3]
DELPHI = Path(sys.executable).with_name("delphi")
PANEL = 150


def test_two_senders_at_once_send_each_message_once(app, app_config, db, make_study,
                                                    make_panel, tmp_path):
    study = make_study(sections=1, items_per_section=2)
    make_panel(study, n=PANEL)
    open_round(study)
    db.session.commit()

    senders = []
    for k in range(2):
        env = dict(os.environ, DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
                   SECRET_KEY=app_config["SECRET_KEY"], DELPHI_INSTANCE=str(tmp_path / f"s{k}"),
                   MAIL_HOST="")
        senders.append(subprocess.Popen([str(DELPHI), "mail", "send"], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    outputs = [sender.communicate(timeout=300)[0].decode() for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], outputs

    written = Counter(path.name for k in range(2)
                      for path in (tmp_path / f"s{k}" / "mail").glob("*.eml"))
    assert len(written) == PANEL
    assert set(written.values()) == {1}, [name for name, n in written.items() if n > 1]
    db.session.expire_all()
    statuses = Counter(db.session.scalars(sa.select(OutboxMessage.status)))
    assert statuses == {MessageStatus.SENT: PANEL}
