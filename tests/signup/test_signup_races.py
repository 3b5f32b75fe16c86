"""Sign-ups and confirmations that meet at the same moment: a second sign-up with the same
address ends as any repeated sign-up does, and confirmations of one study take turns."""
from __future__ import annotations

from datetime import timedelta

from delphi.extensions import db as _db
from delphi.models import Signup, utcnow
from delphi.signup import operations
from tests.signup.conftest import PAGE, form, links, sent_mail, signups
from tests.support.outbox import outbox_messages
from tests.support.statements import counting


def test_a_sign_up_saved_at_the_same_moment_with_the_same_address_ends_as_a_repeat(
        monkeypatch, client, db, study):
    looked_up = operations._pending

    def competing_sign_up_lands_now(study_, email):
        # Another request saves the same address between this one's look-up and its insert.
        now = utcnow()
        _db.session.add(Signup(study_id=study_.id, name="Nia Evans", email=email.lower(),
                               group="Social workers", created_at=now,
                               expires_at=now + timedelta(hours=48)))
        _db.session.flush()
        monkeypatch.setattr(operations, "_pending", looked_up)
        return None

    monkeypatch.setattr(operations, "_pending", competing_sign_up_lands_now)
    page = client.post(PAGE, data=form())
    assert page.status_code == 200
    assert "Check your e-mail" in page.get_data(as_text=True)
    assert [s.email for s in signups(db)] == ["nia.evans@example.org"]
    assert [(m.kind, m.to_address) for m in outbox_messages(db)] == [
        ("signup_confirm", "nia.evans@example.org")]


def test_a_confirmation_locks_its_study_and_the_last_place_goes_once(
        app, client, db, study):
    study.signup_caps = {"Carers": 1}
    db.session.commit()
    client.post(PAGE, data=form(group="Carers"))
    client.post(PAGE, data=form(group="Carers", email="other@example.org"))
    first, second = (links(body, "signup/confirm")[0] for _, _, body in sent_mail(app))
    with counting() as statements:
        joined = client.post(first)
    assert joined.status_code == 200 and "Welcome to the panel" in joined.get_data(as_text=True)
    if db.engine.dialect.name == "postgresql":
        assert any("FROM study " in s and s.rstrip().endswith("FOR UPDATE") for s in statements)
    late = client.post(second)
    assert late.status_code == 409 and "filled up" in late.get_data(as_text=True)
    assert signups(db) == []
