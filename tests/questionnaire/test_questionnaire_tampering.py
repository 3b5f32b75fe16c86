"""Input the pages could not have produced gets a 400 naming what is wrong, and stores nothing."""
from __future__ import annotations

import re

import pytest

from delphi.models import Rating, Response, ResponseStatus


def _nothing_stored(db) -> bool:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(Rating.id))) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("rating-{s11}", "10", "Item S1.1: the rating 10 is outside the scale 1 to 9."),
    ("rating-{s11}", "0", "Item S1.1: the rating 0 is outside the scale 1 to 9."),
    ("rating-{s11}", "seven",
     "Item S1.1: the rating &#39;seven&#39; is not a point on the scale 1 to 9."),
    ("rating-{other}", "5", "Item {other} is not in round 1."),
    ("rating-999999", "5", "Item 999999 is not in round 1."),
    ("score-{s11}", "5", "The form field &#39;score-{s11}&#39; is not part of this questionnaire."),
    ("section-comment-999999", "Hi", "Section 999999 is not in round 1."),
])
def test_tampered_answers_are_refused(client, db, round_one, make_study, make_panel, field, value,
                                      message):
    setting = round_one()
    from delphi.rounds.lifecycle import open_round

    other_study = make_study(slug="another-study")
    make_panel(other_study, n=1)
    other_round = open_round(other_study)
    db.session.commit()
    ids = {"s11": setting.item("S1.1").id, "other": other_round.round_items[0].id}
    s12 = setting.item("S1.2")
    data = {field.format(**ids): value, f"rating-{s12.id}": "4"}  # a good answer alongside
    response = client.post(setting.section_url(1), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your answers could not be saved" in page
    assert message.format(**ids) in page
    assert "Traceback" not in page
    assert _nothing_stored(db)


def test_unable_to_rate_is_refused_where_the_study_does_not_offer_it(client, db, round_one):
    setting = round_one(unable_to_rate=False)
    s11 = setting.item("S1.1")
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    assert "Unable to rate" not in page
    response = client.post(setting.section_url(1), data={f"rating-{s11.id}": "unable"})
    assert response.status_code == 400
    assert "this study does not offer unable to rate" in response.get_data(as_text=True)
    assert _nothing_stored(db)


def test_tampered_autosave_answers_json_400(client, db, round_one):
    setting = round_one()
    s11 = setting.item("S1.1")
    response = client.post(setting.url("/round/1/autosave"), data={f"rating-{s11.id}": "99"})
    assert response.status_code == 400
    assert response.json == {"status": "error",
                             "message": "Item S1.1: the rating 99 is outside the scale 1 to 9."}
    assert _nothing_stored(db)


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True


def test_a_form_without_its_csrf_token_is_refused(csrf_on, client, db, round_one):
    setting = round_one()
    s11 = setting.item("S1.1")
    for url in (setting.section_url(1), setting.url("/round/1/submit"),
                setting.url("/round/1/suggest")):
        response = client.post(url, data={f"rating-{s11.id}": "5", "kind": "new_item",
                                          "text": "x"})
        assert response.status_code == 400, url
        assert "security token" in response.get_data(as_text=True)
    autosave = client.post(setting.url("/round/1/autosave"), data={f"rating-{s11.id}": "5"})
    assert autosave.status_code == 400 and "security token" in autosave.json["message"]
    assert _nothing_stored(db)
    assert db.session.scalars(db.select(Response.status)).all().count(ResponseStatus.SUBMITTED) == 0

    # The same form with the page's token goes through.
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    ok = client.post(setting.section_url(1), data={"csrf_token": token, f"rating-{s11.id}": "5"})
    assert ok.status_code == 302
    assert not _nothing_stored(db)
