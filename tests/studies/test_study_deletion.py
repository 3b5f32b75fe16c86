"""An administrator deletes a study that never opened a round, typing its slug to confirm: the
study goes with its panel (and their links), items, messages and message files; the deletion
stays in the audit trail. Once a round has opened the study is kept."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from delphi.mail.sender import message_file
from delphi.models import (
    AuditEvent,
    Item,
    MessageStatus,
    OutboxMessage,
    Panellist,
    Section,
    Study,
    utcnow,
)
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round


def _words(response) -> str:
    html = re.sub(r"</?(strong|span|em|a|b)\b[^>]*>", "", response.get_data(as_text=True))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'")


@pytest.fixture
def test_study(db, make_study, make_panel, app):
    """A study set up but never opened: 2 sections of 3 items, 4 panellists, a message sent to
    a file (as without a mail server) and one still pending, and another study beside it."""
    study = make_study(slug="trial-run")
    panel = make_panel(study, n=4)
    sent = OutboxMessage(study_id=study.id, panellist_id=panel[0].id, kind="test",
                         to_address=panel[0].email, subject="Hello", body="Hi {link}",
                         status=MessageStatus.SENT, sent_at=utcnow())
    pending = OutboxMessage(study_id=study.id, panellist_id=panel[1].id, kind="test",
                            to_address=panel[1].email, subject="Hello", body="Hi {link}")
    other = make_study(slug="kept-study")
    make_panel(other, n=2)
    db.session.add_all([sent, pending])
    db.session.commit()
    path = message_file(study.id, sent.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Subject: Hello\n\nHi\n")
    kept = message_file(other.id, sent.id)  # another study's file, named by its own id
    kept.write_text("Subject: Kept\n\nHi\n")
    return {"study": study, "panel": panel, "file": path, "kept_file": kept, "other": other,
            "link": f"/p/{token_for(panel[0])}"}


def _url(study: Study, page: str = "delete") -> str:
    return f"/console/studies/{study.slug}/{page}"


def test_the_page_says_what_deleting_removes(db, client, login_as, test_study):
    login_as("admin")
    response = client.get(_url(test_study["study"]))
    assert response.status_code == 200
    words = _words(response)
    assert "Delete Study trial-run?" in words
    assert "its 2 sections and 6 items;" in words
    assert "its 4 panellists and their personal links;" in words
    assert "its 2 messages, and the files of those written without a mail server;" in words
    assert "Type the study's slug to confirm The slug is trial-run." in words


def test_a_wrong_slug_deletes_nothing(db, client, login_as, test_study):
    login_as("admin")
    study = test_study["study"]
    response = client.post(_url(study), data={"confirm": "trial"})
    assert response.status_code == 400
    assert "Type the study's slug, trial-run, to confirm the deletion." in _words(response)
    empty = client.post(_url(study), data={"confirm": ""})
    assert empty.status_code == 400
    assert "Type the study's slug to confirm the deletion." in _words(empty)
    db.session.expire_all()
    assert db.session.scalar(db.select(Study.id).filter_by(slug="trial-run")) == study.id
    assert len(db.session.scalars(db.select(Panellist.id).filter_by(study_id=study.id)).all()) == 4
    assert test_study["file"].exists()
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="study.delete")) is None


def test_typing_the_slug_deletes_the_study_and_everything_it_holds(db, client, login_as,
                                                                   test_study):
    admin = login_as("admin")
    study, other = test_study["study"], test_study["other"]
    study_id = study.id
    assert client.get(test_study["link"]).status_code == 200

    response = client.post(_url(study), data={"confirm": "trial-run"}, follow_redirects=True)

    assert response.status_code == 200
    assert "Study Study trial-run (trial-run) is deleted." in _words(response)
    db.session.expire_all()
    assert db.session.scalar(db.select(Study.id).filter_by(slug="trial-run")) is None
    for model in (Section, Item, Panellist, OutboxMessage):
        assert db.session.scalar(db.select(model.id).filter_by(study_id=study_id)) is None
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(study_id=study_id)) is None
    assert not test_study["file"].exists()
    assert client.get(test_study["link"]).status_code == 404
    # The deletion stays in the audit trail, without a study; the other study is untouched.
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="study.delete"))
    assert (event.study_id, event.actor, event.target) == (None, admin.email, "trial-run")
    assert event.before == {"title": "Study trial-run", "sections": 2, "items": 6,
                            "panellists": 4, "messages": 2}
    assert len(db.session.scalars(db.select(Panellist.id).filter_by(study_id=other.id)).all()) == 2
    assert len(db.session.scalars(db.select(Item.id).filter_by(study_id=other.id)).all()) == 6
    assert test_study["kept_file"].exists()


def test_a_study_whose_round_opened_is_kept(db, client, login_as, test_study):
    admin = login_as("admin")
    study = test_study["study"]
    open_round(study, closes_at=utcnow() + timedelta(days=5))
    db.session.commit()
    dashboard = client.get(f"/console/studies/{study.slug}/rounds/")
    assert "Delete this study…" not in _words(dashboard)
    page = client.get(_url(study))
    assert page.status_code == 200
    refusal = (f"Study trial-run cannot be deleted: round 1 opened on "
               f"{utcnow():%d %B %Y}, so its panel was invited and its record is kept. "
               "Mark it complete instead.")
    assert refusal in _words(page)
    assert "Type the study's slug" not in _words(page)

    response = client.post(_url(study), data={"confirm": "trial-run"})

    assert response.status_code == 400
    assert refusal in _words(response)
    db.session.expire_all()
    assert db.session.get(Study, study.id) is not None
    assert test_study["file"].exists()
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="study.delete")) is None
    assert admin.is_admin


def test_a_coordinator_cannot_delete(db, client, login_as, test_study):
    study = test_study["study"]
    login_as("coordinator", studies=[study])
    dashboard = client.get(f"/console/studies/{study.slug}/rounds/")
    assert "Delete this study…" not in _words(dashboard)
    assert client.get(_url(study)).status_code == 403
    assert client.post(_url(study), data={"confirm": "trial-run"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Study, study.id) is not None


def test_the_dashboard_offers_an_admin_to_delete_a_study_not_yet_opened(db, client, login_as,
                                                                        test_study):
    login_as("admin")
    study = test_study["study"]
    page = client.get(f"/console/studies/{study.slug}/rounds/").get_data(as_text=True)
    assert f'<a href="/console/studies/{study.slug}/delete">Delete this study…</a>' in page
