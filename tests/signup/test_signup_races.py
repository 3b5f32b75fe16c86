"""Sign-ups and confirmations that meet at the same moment: a second sign-up with the same
address ends as any repeated sign-up does, and confirmations of one study take turns."""
from __future__ import annotations

from datetime import timedelta

from delphi.extensions import db as _db
from delphi.models import Signup, utcnow
from delphi.signup import operations
from tests.signup.conftest import PAGE, form, signups
from tests.support.outbox import outbox_messages


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

