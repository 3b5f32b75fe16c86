"""The personal link: who gets in, and what people without a usable link see."""
from __future__ import annotations

from delphi.models import Response, ResponseStatus, utcnow
from delphi.panel.tokens import issue_token, token_for


def test_unknown_link_gets_a_plain_404_that_reveals_nothing(client, round_one):
    setting = round_one()
    response = client.get("/p/not-a-real-token-at-all")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This link is not valid" in page
    assert "contact the research team that sent you the link" in page
    assert setting.study.title not in page
    assert "research.team@example.org" not in page


def test_revoked_link_gets_the_same_404(client, db, round_one):
    setting = round_one()
    old = setting.url()
    issue_token(setting.me)
    db.session.commit()
    response = client.get(old)
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)
    assert client.get(setting.url()).status_code == 200


def test_welcome_page_says_what_is_asked_and_marks_the_response_opened(client, db, round_one):
    setting = round_one()
    response = client.get(setting.url())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert setting.study.title in page
    assert "Round 1 of the consultation" in page
    assert "Rated 0 of 6" in page
    assert "About 2 minutes for 6 items" in page  # 6 items x 20 s
    assert "from 1 (Not important) to 9 (Critical)" in page
    stored = db.session.scalar(db.select(Response).filter_by(panellist_id=setting.me.id))
    assert stored.status is ResponseStatus.OPENED and stored.opened_at is not None


def test_withdrawn_panellist_is_told_so_and_cannot_answer(client, db, round_one):
    setting = round_one()
    setting.me.withdrawn_at = utcnow()
    db.session.commit()
    response = client.get(setting.url())
    assert response.status_code == 403
    assert "You have left this study" in response.get_data(as_text=True)
    item = setting.item("S1.1")
    posted = client.post(setting.section_url(1), data={f"rating-{item.id}": "5"})
    assert posted.status_code == 403
    assert "You have left this study" in posted.get_data(as_text=True)
    assert not db.session.scalars(db.select(Response).filter_by(
        panellist_id=setting.me.id)).one().ratings


def test_a_withdrawn_panellists_link_shows_none_of_their_answers_anywhere(client, db, round_one,
                                                                           submit):
    setting = round_one()
    submit(setting.round, setting.me, {"S1.1": 7}, {"S1.1": "Only-mine remark"})
    setting.me.withdrawn_at = utcnow()
    db.session.commit()
    number = setting.round.number
    for rest in ("", "/answers", f"/round/{number}/section/1", f"/round/{number}/review",
                 f"/round/{number}/done", f"/round/{number}/suggest"):
        response = client.get(setting.url(rest))
        page = response.get_data(as_text=True)
        assert response.status_code == 403, rest
        assert "You have left this study" in page, rest
        assert "Only-mine remark" not in page and "S1.1" not in page, rest


def test_study_without_an_open_round_says_what_happens_next(client, db, make_study, make_panel):
    study = make_study()
    panellist = make_panel(study, n=1)[0]
    db.session.commit()
    response = client.get(f"/p/{token_for(panellist)}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The questionnaire is not open yet" in page
    assert "You will receive an e-mail when it does" in page


def test_a_round_page_of_an_unknown_round_is_a_404(client, round_one):
    setting = round_one()
    assert client.get(setting.url("/round/7/section/1")).status_code == 404
    assert client.get(setting.section_url(9)).status_code == 404


def test_between_rounds_the_page_says_the_round_closed_and_what_comes_next(
        client, db, round_one, submit):
    from delphi.rounds.lifecycle import close_round
    from delphi.rounds.review import prepare_next_round

    setting = round_one()
    submit(setting.round, setting.me, {"S1.1": 5})
    close_round(setting.round)
    db.session.commit()
    page = client.get(setting.url()).get_data(as_text=True)
    assert "Round 1 has closed" in page
    assert "your answers to round 1 were received and are counted" in page
    assert "If another round follows, you will receive an e-mail" in page
    prepare_next_round(setting.study)  # round 2 prepared, not yet open
    db.session.commit()
    assert "Round 1 has closed" in client.get(setting.url()).get_data(as_text=True)
    # A page of the closed round sends the panellist to this explanation.
    moved = client.get(setting.section_url(1))
    assert moved.status_code == 302 and moved.location.endswith(setting.url())
