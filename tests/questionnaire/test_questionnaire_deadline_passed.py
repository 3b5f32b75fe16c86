"""A round left open after its deadline: panellists are told their answers are still accepted."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from delphi.models import Rating, utcnow

STILL_ACCEPTED = ("has passed, but the round is still open: your answers are still accepted "
                  "until the research team closes the round.")


def _said(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_after_the_deadline_the_pages_say_answers_are_still_accepted(client, db, round_one):
    setting = round_one(time_zone="UTC")  # deadlines are shown in the study's time zone
    setting.round.closes_at = (utcnow() - timedelta(hours=3)).replace(second=0, microsecond=0)
    db.session.commit()
    deadline = f"{setting.round.closes_at:%-d %B %Y, %H:%M} UTC"

    welcome = client.get(setting.url())
    section = client.get(setting.section_url(1))

    assert welcome.status_code == 200 and section.status_code == 200
    assert f"The deadline ({deadline}) {STILL_ACCEPTED}" in _said(welcome)
    assert f"The deadline ({deadline}) {STILL_ACCEPTED}" in _said(section)

    # And they are: a rating saved now is stored.
    s11 = setting.item("S1.1")
    saved = client.post(setting.section_url(1), data={f"rating-{s11.id}": "6", "action": "save"})
    assert saved.status_code == 302
    assert db.session.scalar(db.select(Rating.value).filter_by(round_item_id=s11.id)) == 6
    review = client.get(setting.url(f"/round/{setting.round.number}/review"))
    assert ("you can still change your answers until the round closes (the deadline has passed; "
            "the research team closes the round).") in _said(review)


def test_before_the_deadline_no_such_notice(client, db, round_one):
    setting = round_one()
    setting.round.closes_at = utcnow() + timedelta(days=2)
    db.session.commit()
    assert "still accepted" not in _said(client.get(setting.url()))
    assert "still accepted" not in _said(client.get(setting.section_url(1)))
