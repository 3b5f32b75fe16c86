"""Texts a panellist writes (comments, reasons, section comments, suggestions) may not hold a
NUL or another control character: PostgreSQL cannot store one, and it is never meant. The page
comes back with the text as typed and a message naming the box and the character; nothing is
stored."""
from __future__ import annotations

from delphi.models import Rating, Response, ResponseStatus, SectionComment, Suggestion


def _stored(db) -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                 for model in (Rating, SectionComment, Suggestion))


def _status(db, setting) -> ResponseStatus:
    db.session.expire_all()
    return db.session.scalar(db.select(Response.status).filter_by(panellist_id=setting.me.id))


def test_a_comment_with_a_nul_is_shown_again_with_a_message_and_nothing_saved(client, db,
                                                                            round_one):
    setting = round_one()
    s11, s12 = setting.item("S1.1"), setting.item("S1.2")
    section = s11.section_id
    client.get(setting.url())  # the welcome page marks the response opened
    before = _stored(db)

    response = client.post(setting.section_url(1), data={
        f"rating-{s11.id}": "7", f"comment-{s11.id}": "Good\x00idea",
        f"rating-{s12.id}": "3", f"reason-{s12.id}": "Too\x07vague",
        f"section-comment-{section}": "Fine\r\n\tas it is.", "action": "next"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your answers were not saved: 2 texts to correct" in page
    assert (f'<a href="#comment-{s11.id}">Your comment on item S1.1 contains a control '
            "character (U+0000) at character 5; remove it.</a>") in page
    assert (f'<a href="#reason-{s12.id}">Your reason for item S1.2 contains a control '
            "character (U+0007) at character 4; remove it.</a>") in page
    assert "Fine\r\n\tas it is." in page  # what was typed is still there to correct
    assert _stored(db) == before
    assert _status(db, setting) is ResponseStatus.OPENED


def test_a_section_comment_with_a_control_character_is_refused(client, db, round_one):
    setting = round_one()
    section = setting.item("S1.1").section_id

    response = client.post(setting.section_url(1), data={
        f"section-comment-{section}": "\x1bEscape", "action": "save"})

    assert response.status_code == 422
    assert ("Your comment on the section “Section 1” contains a control character (U+001B) at "
            "character 1; remove it.") in response.get_data(as_text=True)
    assert _stored(db) == (0, 0, 0)


def test_line_breaks_and_tabs_are_still_fine(client, db, round_one):
    setting = round_one()
    s11 = setting.item("S1.1")
    response = client.post(setting.section_url(1), data={
        f"rating-{s11.id}": "7", f"comment-{s11.id}": "First line\r\n\tsecond line",
        "action": "save"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Rating.comment)) == "First line\r\n\tsecond line"


def test_autosave_says_what_is_wrong_and_saves_nothing(client, db, round_one):
    setting = round_one()
    s11 = setting.item("S1.1")

    response = client.post(setting.url("/round/1/autosave"), data={
        f"rating-{s11.id}": "7", f"comment-{s11.id}": "a\x00b"})

    assert response.status_code == 422
    assert response.json == {"status": "invalid", "message": (
        "Not saved yet. Your comment on item S1.1 contains a control character (U+0000) at "
        "character 2; remove it.")}
    assert _stored(db) == (0, 0, 0)


def test_a_suggestion_with_a_nul_is_refused_with_the_message_on_the_field(client, db, round_one):
    setting = round_one()
    s12 = setting.item("S1.2")

    response = client.post(setting.url("/round/1/suggest"), data={
        "kind": "new_item", "section": str(s12.section_id), "item": "0",
        "text": "Ask\x00about carers."})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your suggestion was not sent" in page
    assert ('<a href="#text">Your suggestion contains a control character (U+0000) at '
            "character 4; remove it.</a>") in page
    assert 'aria-describedby="text-error"' in page
    assert _stored(db) == (0, 0, 0)
