"""Background questions: asked once after consent, each answer checked before anything is kept."""
from __future__ import annotations

from delphi.models import BackgroundAnswer
from tests.consent.conftest import ALL_TICKED, GOOD_BACKGROUND, background_form


def _stored(db, panellist) -> dict[int, object]:
    db.session.expire_all()
    return {a.question.code: a.value for a in db.session.scalars(
        db.select(BackgroundAnswer).filter_by(panellist_id=panellist.id))}


def _consented(client, consenting):
    setting = consenting()
    assert client.post(setting.url("/consent"), data=ALL_TICKED).status_code == 302
    return setting


def test_the_questions_come_after_consent(client, db, consenting):
    setting = consenting()
    assert client.get(setting.url("/background")).location.endswith("/consent")
    assert client.post(setting.url("/consent"), data=ALL_TICKED).location.endswith(setting.url())
    assert client.get(setting.url()).location.endswith("/background")
    page = client.get(setting.url("/background")).get_data(as_text=True)
    assert "Your main role" in page and "Years in practice" in page
    assert "Where you work <span class=\"muted\">(optional)</span>" in page


def test_a_required_question_left_blank_is_refused(client, db, consenting):
    setting = _consented(client, consenting)
    posted = client.post(setting.url("/background"),
                         data=background_form(setting, {"years": "4"}))
    assert posted.status_code == 422
    assert "&#39;Your main role&#39; needs an answer." in posted.get_data(as_text=True)
    assert _stored(db, setting.me) == {}


def test_a_number_outside_its_range_or_not_a_number_is_refused(client, db, consenting):
    setting = _consented(client, consenting)
    for given, words in (("61", "must be between 0 and 60."), ("ten", "must be a whole number."),
                         ("-1", "must be a whole number.")):
        posted = client.post(setting.url("/background"),
                             data=background_form(setting, {"role": "Nurse", "years": given}))
        assert posted.status_code == 422, given
        page = posted.get_data(as_text=True)
        assert f"&#39;Years in practice&#39;: {words}" in page, given
        assert f'value="{given}"' in page  # what was typed is shown again
    assert _stored(db, setting.me) == {}


def test_a_choice_not_offered_is_refused(client, db, consenting):
    setting = _consented(client, consenting)
    posted = client.post(setting.url("/background"), data=background_form(
        setting, {"role": "Astronaut", "years": "3", "settings": ["Urban", "Seaside"]}))
    assert posted.status_code == 422
    page = posted.get_data(as_text=True)
    assert "&#39;Your main role&#39;: &#39;Astronaut&#39; is not one of the choices." in page
    assert "&#39;Where you work&#39;: &#39;Seaside&#39; is not one of the choices." in page
    assert _stored(db, setting.me) == {}


def test_good_answers_are_kept_once(client, db, consenting):
    setting = _consented(client, consenting)
    posted = client.post(setting.url("/background"),
                         data=background_form(setting, GOOD_BACKGROUND))
    assert posted.status_code == 302 and posted.location.endswith(setting.url())
    assert _stored(db, setting.me) == {"role": "Nurse", "years": 12,
                                       "settings": ["Urban", "Rural"]}
    # Asked once: the page now leads on, and a second post changes nothing.
    again = client.post(setting.url("/background"), data=background_form(
        setting, {"role": "Other", "years": "1"}))
    assert again.status_code == 302
    assert _stored(db, setting.me)["role"] == "Nurse"


def test_an_optional_question_may_be_left_blank(client, db, consenting):
    setting = _consented(client, consenting)
    posted = client.post(setting.url("/background"), data=background_form(
        setting, {"role": "Other", "years": "0"}))
    assert posted.status_code == 302
    assert _stored(db, setting.me) == {"role": "Other", "years": 0, "settings": None}
