"""Opening a round invites the panel in bulk: as many statements for 200 panellists as for 20,
each active panellist invited and sent one invitation in their own name, never two."""
from __future__ import annotations

from delphi.extensions import db
from delphi.models import OutboxMessage, Panellist, Response, ResponseStatus, utcnow
from delphi.rounds.lifecycle import invite_panel, open_round
from tests.support import data


def _statements_to_open(count_queries, slug: str, panellists: int) -> int:
    study = data.make_study(slug, 6, sections=2)
    data.add_panel(study, panellists)
    db.session.commit()
    with count_queries() as statements:
        open_round(study)
    db.session.commit()
    return len(statements)


def test_opening_runs_as_many_statements_for_200_panellists_as_for_20(db, count_queries):
    assert _statements_to_open(count_queries, "small", 20) == \
        _statements_to_open(count_queries, "large", 200)


def test_each_active_panellist_is_invited_once_in_their_own_name(db):
    study = data.make_study("invite", 4, sections=1)
    ids = data.add_panel(study, 5)
    withdrawn, erased = (db.session.get(Panellist, pid) for pid in ids[:2])
    withdrawn.withdrawn_at = utcnow()
    erased.erased_at, erased.email, erased.name = utcnow(), None, None
    db.session.commit()

    round_ = open_round(study)
    invite_panel(study, round_)  # again, as adding a panellist mid-round does: nothing new
    db.session.commit()

    responses = db.session.execute(
        db.select(Response.panellist_id, Response.status).filter_by(round_id=round_.id)).all()
    assert sorted(responses) == [(pid, ResponseStatus.INVITED) for pid in ids[2:]]
    messages = db.session.scalars(
        db.select(OutboxMessage).filter_by(round_id=round_.id).order_by(OutboxMessage.panellist_id)
    ).all()
    assert [m.panellist_id for m in messages] == ids[2:]
    for message, k in zip(messages, (3, 4, 5), strict=True):
        assert message.kind == "invitation"
        assert message.to_address == f"panellist{k}@example.org"
        assert message.body.startswith(f"Dear Panellist {k},")
        assert message.subject == "Benchmark study invite: round 1 is open"
        assert "{link}" in message.body  # filled in by the sender, never stored
