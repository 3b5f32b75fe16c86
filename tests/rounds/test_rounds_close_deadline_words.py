"""The close page words the deadline for when it is: still ahead, or past."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from delphi.models import utcnow
from delphi.rounds.lifecycle import open_round


def _said(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_a_deadline_two_weeks_ahead_is_not_called_past(client, db, make_study, make_panel,
                                                        login_as):
    study = make_study()
    make_panel(study, n=2)
    round_ = open_round(study, closes_at=(utcnow() + timedelta(days=14, hours=1)).replace(
        second=0, microsecond=0))
    login_as("coordinator", studies=[study])
    said = _said(client.get(f"/console/studies/{study.slug}/rounds/1/close"))
    deadline = f"{round_.closes_at:%d %B %Y, %H:%M} UTC"
    assert f"The deadline is {deadline}, still ahead (14 days 0 hours left)" in said
    assert "closing now ends the round early" in said
    assert "The deadline was" not in said

    round_.closes_at = (utcnow() - timedelta(days=1)).replace(second=0, microsecond=0)
    db.session.commit()
    said = _said(client.get(f"/console/studies/{study.slug}/rounds/1/close"))
    assert f"The deadline was {round_.closes_at:%d %B %Y, %H:%M} UTC." in said
    assert "still ahead" not in said
