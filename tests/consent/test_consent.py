"""Consent before the first answer: refused answers, versions and agreeing again, withdrawal."""
from __future__ import annotations

from delphi.consent.operations import set_consent_text
from delphi.models import (AuditEvent, BackgroundAnswer, ConsentEvent, ConsentVersion, Panellist,
                           Rating, Response, ResponseStatus, WithdrawalRule)
from tests.consent.conftest import ALL_TICKED, GOOD_BACKGROUND, STATEMENTS, background_form

STATEMENT_ONE = STATEMENTS[0]


def _ratings(db) -> int:
    return db.session.scalar(db.select(db.func.count(Rating.id)))


def _events(db, panellist) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(e.version.number, e.kind.value) for e in db.session.scalars(
        db.select(ConsentEvent).filter_by(panellist_id=panellist.id).order_by(ConsentEvent.id))]


def _agree_and_answer_background(client, setting):
    assert client.post(setting.url("/consent"), data=ALL_TICKED).status_code == 302
    posted = client.post(setting.url("/background"),
                         data=background_form(setting, GOOD_BACKGROUND))
    assert posted.status_code == 302


def test_answers_before_consent_are_refused_and_nothing_is_saved(client, db, consenting):
    setting = consenting()
    item = setting.round.round_items[0]
    welcome = client.get(setting.url())
    assert welcome.status_code == 302 and welcome.location.endswith("/consent")
    page = client.get(setting.url("/consent")).get_data(as_text=True)
    assert "About the study" in page and STATEMENT_ONE in page and "I agree to take part." in page
    assert "If you withdraw" in page and "kept and used under your pseudonym" in page

    posted = client.post(setting.section_url(1), data={f"rating-{item.id}": "7", "action": "save"})
    assert posted.status_code == 403
    assert "Nothing was saved: please agree to the information sheet" in posted.get_data(
        as_text=True)
    saved = client.post(setting.url("/round/1/autosave"), data={f"rating-{item.id}": "7"})
    assert saved.status_code == 403 and saved.json["status"] == "error"
    submitted = client.post(setting.url("/round/1/submit"))
    assert submitted.status_code == 403
    assert _ratings(db) == 0
    assert db.session.scalar(db.select(Response.status).filter_by(
        panellist_id=setting.me.id)) is not ResponseStatus.SUBMITTED


def test_every_statement_must_be_ticked(client, db, consenting):
    setting = consenting()
    refused = client.post(setting.url("/consent"), data={"version": "1", "statement-1": "yes"})
    assert refused.status_code == 422
    assert "not ticked: statement 2" in refused.get_data(as_text=True)
    assert _events(db, setting.me) == []

    agreed = client.post(setting.url("/consent"), data=ALL_TICKED)
    assert agreed.status_code == 302
    assert _events(db, setting.me) == [(1, "consented")]
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="consent.give"))
    assert event.target == setting.me.pseudonym and event.after == {"version": 1}
    assert "panellist" in event.actor


def test_after_consent_and_background_answers_are_saved(client, db, consenting):
    setting = consenting()
    item = setting.round.round_items[0]
    assert client.post(setting.url("/consent"), data=ALL_TICKED).status_code == 302
    # Consent given, background questions still to answer: answers are refused.
    early = client.post(setting.section_url(1), data={f"rating-{item.id}": "7", "action": "save"})
    assert early.status_code == 403 and "answer the questions about you" in early.get_data(
        as_text=True)
    assert client.get(setting.url()).location.endswith("/background")
    posted = client.post(setting.url("/background"),
                         data=background_form(setting, GOOD_BACKGROUND))
    assert posted.status_code == 302
    answered = client.post(setting.section_url(1),
                           data={f"rating-{item.id}": "7", "action": "save"})
    assert answered.status_code == 302
    assert _ratings(db) == 1


def test_before_anyone_agrees_and_round_one_opens_a_change_keeps_version_one(db, make_study):
    study = make_study()
    set_consent_text(study, sheet="First", statements=["I agree."])
    set_consent_text(study, sheet="Second", statements=["I agree."])
    versions = db.session.scalars(db.select(ConsentVersion).filter_by(study_id=study.id)).all()
    assert [(v.number, v.sheet) for v in versions] == [(1, "Second")]


def test_a_new_version_that_asks_again_stops_answers_until_agreed(client, db, consenting):
    setting = consenting()
    _agree_and_answer_background(client, setting)
    set_consent_text(setting.study, sheet="A changed sheet.", statements=["I agree again."],
                     reconsent=True)
    db.session.commit()
    item = setting.round.round_items[0]

    section = client.get(setting.section_url(1))
    assert section.status_code == 302 and section.location.endswith("/consent")
    page = client.get(setting.url("/consent")).get_data(as_text=True)
    assert "has changed since you agreed" in page and "A changed sheet." in page
    refused = client.post(setting.section_url(1), data={f"rating-{item.id}": "5",
                                                         "action": "save"})
    assert refused.status_code == 403 and _ratings(db) == 0
    # Agreeing to the old version's number is refused: the sheet changed.
    stale = client.post(setting.url("/consent"), data=ALL_TICKED)
    assert stale.status_code == 422 and "changed while you were reading" in stale.get_data(
        as_text=True)
    assert client.post(setting.url("/consent"),
                       data={"version": "2", "statement-1": "yes"}).status_code == 302
    assert _events(db, setting.me) == [(1, "consented"), (2, "consented")]
    assert client.get(setting.section_url(1)).status_code == 200


def test_a_new_version_without_asking_again_leaves_answers_open(client, db, consenting):
    setting = consenting()
    _agree_and_answer_background(client, setting)
    version = set_consent_text(setting.study, sheet="Typo fixed.", statements=["I agree."],
                               reconsent=False)
    db.session.commit()
    assert version.number == 2
    assert client.get(setting.section_url(1)).status_code == 200
    # Someone who never agreed sees, and agrees to, the version in force.
    other = setting.panel[1]
    page = client.get(setting.url("/consent", other)).get_data(as_text=True)
    assert "Typo fixed." in page and "Consent (version 2)" in page


def test_withdrawing_keeps_answers_under_the_pseudonym_and_stops_the_link(client, db, consenting):
    setting = consenting()
    _agree_and_answer_background(client, setting)
    item = setting.round.round_items[0]
    client.post(setting.section_url(1), data={f"rating-{item.id}": "8", "action": "save"})
    confirm = client.get(setting.url("/withdraw")).get_data(as_text=True)
    assert "kept and used under your pseudonym" in confirm

    done = client.post(setting.url("/withdraw"), data={"confirm": "withdraw"})
    assert done.status_code == 200 and "You have withdrawn" in done.get_data(as_text=True)
    db.session.expire_all()
    me = db.session.get(Panellist, setting.me.id)
    assert me.withdrawn_at is not None and me.erased_at is None and me.email is not None
    assert _ratings(db) == 1
    assert _events(db, me) == [(1, "consented"), (1, "withdrew")]
    for url in (setting.url(), setting.section_url(1), setting.url("/consent")):
        assert client.get(url).status_code == 403
    actions = {e.action: e.actor for e in db.session.scalars(db.select(AuditEvent))}
    assert "panellist" in actions["consent.withdraw"]
    assert "panellist" in actions["panellist.withdraw"]


def test_withdrawing_erases_when_the_study_says_so(client, db, consenting):
    setting = consenting(withdrawal_rule=WithdrawalRule.ERASE)
    _agree_and_answer_background(client, setting)
    item = setting.round.round_items[0]
    client.post(setting.section_url(1), data={f"rating-{item.id}": "8", "action": "save"})
    url = setting.url()
    assert "are erased" in client.get(setting.url("/withdraw")).get_data(as_text=True)
    assert client.post(setting.url("/withdraw"), data={"confirm": "withdraw"}).status_code == 200
    db.session.expire_all()
    me = db.session.get(Panellist, setting.me.id)
    assert me.erased_at is not None and me.name is None and me.email is None
    # The open round's answers and the background answers are gone; the link opens nothing.
    assert _ratings(db) == 0
    assert db.session.scalar(db.select(db.func.count(BackgroundAnswer.id))) == 0
    assert client.get(url).status_code == 404


def test_an_unconfirmed_withdrawal_changes_nothing(client, db, consenting):
    setting = consenting()
    assert client.post(setting.url("/withdraw"), data={}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Panellist, setting.me.id).withdrawn_at is None


def test_a_study_without_a_sheet_asks_for_no_consent(client, db, make_study, make_panel):
    from delphi.panel.tokens import token_for
    from delphi.rounds.lifecycle import open_round

    study = make_study()
    panellist = make_panel(study, n=1)[0]
    open_round(study)
    db.session.commit()
    assert client.get(f"/p/{token_for(panellist)}").status_code == 200
    assert db.session.scalar(db.select(db.func.count(ConsentEvent.id))) == 0
