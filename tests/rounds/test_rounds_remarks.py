"""What panellists wrote, where the team decides: comments and reasons on each review card and on
the reword form, section comments on the review, and the team's summary of the arguments."""
from __future__ import annotations

import re

import pytest

from delphi.models import (AuditEvent, Rating, Response, Round, RoundItem, SectionComment,
                           StudyStatus, Suggestion, SuggestionKind)
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import prepare_next_round

# Six panellists in turn Social workers (P001, P003, P005) and People who use services (P002,
# P004, P006); P006 is then moved to Carers. With a minimum group size of 3, Social workers (3
# responses) are shown by name; People who use services (2) and Carers (1) are "another group".
RATINGS = {"S1.1": [7, 8, 9, 9, 8, 7], "S1.2": [1, 2, 3, 1, 2, 3], "S1.3": [1, 5, 9, 5, 5, 9]}


def _article(page: str, code: str) -> str:
    for article in re.findall(r"<article class=\"review-item.*?</article>", page, flags=re.S):
        if f'<span class="code">{code}</span>' in article:
            return " ".join(re.sub(r"<[^>]+>", " ", article).split())
    raise AssertionError(f"no article for {code}")


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def commented(db, running, submit):
    """Round 1 closed, with item comments, a reason outside the IQR and section comments."""

    def build(**settings):
        state = running(min_group_size=3, **settings)
        comments = {0: {"S1.1": "Central to good practice."},
                    2: {"S1.1": "Also needs supervision."},
                    5: {"S1.1": "Hard to do without time."},
                    1: {"S1.3": "Depends on the person."}}
        for k, panellist in enumerate(state.panel):
            submit(state.round_, panellist, {code: values[k] for code, values in RATINGS.items()},
                   comments.get(k))
        state.panel[5].group = "Carers"
        responses = {r.panellist_id: r for r in db.session.scalars(
            db.select(Response).filter_by(round_id=state.round_.id))}
        s13 = next(ri for ri in state.round_.round_items if ri.code == "S1.3")
        rating = db.session.scalar(db.select(Rating).filter_by(
            response_id=responses[state.panel[2].id].id, round_item_id=s13.id))
        rating.reason = "I have seen it fail."
        section = state.study.sections[0]
        db.session.add(SectionComment(response=responses[state.panel[1].id], section_id=section.id,
                                      comment="The section misses carers."))
        db.session.add(SectionComment(response=responses[state.panel[4].id], section_id=section.id,
                                      comment="Clear section."))
        close_round(state.round_)
        db.session.commit()
        return state

    return build


def _item(db, code: str) -> RoundItem:
    db.session.expire_all()
    return db.session.scalar(db.select(RoundItem).join(Round).filter(
        RoundItem.code == code, Round.number == 1))


def test_the_review_card_shows_comments_and_reasons_under_groups_without_names(
        db, client, login_as, commented):
    state = commented()
    login_as("coordinator", studies=[state.study])
    response = client.get(state.url("rounds.review", number=1))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    s11 = _article(page, "S1.1")
    assert "3 comments" in s11
    # Social workers (3 responses) by name, in alphabetical order; Carers (1) below the minimum.
    assert ("Social workers Also needs supervision. Central to good practice. "
            "another group Hard to do without time.") in s11
    assert "Carers" not in page
    s13 = _article(page, "S1.3")
    assert "1 comment, 1 reason for a rating outside the IQR" in s13
    assert "another group Depends on the person." in s13
    assert "Reasons for ratings outside the interquartile range: Social workers I have seen it fail." in s13
    for panellist in state.panel:
        assert panellist.name not in page and panellist.pseudonym not in page


def test_the_review_shows_each_sections_comments_by_group(db, client, login_as, commented):
    state = commented()
    login_as("coordinator", studies=[state.study])
    page = _words(client.get(state.url("rounds.review", number=1)).get_data(as_text=True))
    assert ("Comments on the sections Without names, under the writer's stakeholder group "
            "(“another group” for a group with fewer than 3 responses in the round).") in page
    assert ("S1 Section 1 Social workers Clear section. another group The section misses carers."
            in page)


def test_a_review_without_section_comments_says_so(db, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    page = _words(client.get(state.url("rounds.review", number=1)).get_data(as_text=True))
    assert "No panellist commented on a section in round 1." in page
    assert "0 comments" in page


def test_the_reword_form_starts_from_the_wording_and_shows_what_panellists_wrote(
        db, client, login_as, commented):
    state = commented()
    login_as("coordinator", studies=[state.study])
    s11 = _item(db, "S1.1")
    response = client.get(state.url("rounds.reword", number=1, round_item_id=s11.id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<textarea[^>]*name=\"text\"[^>]*>\s*Guidance item 1\.1\.</textarea>", html)
    page = _words(html)
    assert ("What panellists wrote about S1.1" in page
            and "Comments Social workers Also needs supervision. Central to good practice. "
                "another group Hard to do without time." in page)
    assert "Panellist 6" not in page and "P006" not in page


def test_a_suggested_rewording_explains_its_two_choices(db, client, login_as, commented):
    state = commented()
    s12 = _item(db, "S1.2")
    db.session.add(Suggestion(round_id=s12.round_id, panellist_id=state.panel[0].id,
                              kind=SuggestionKind.REWORDING, item_id=s12.item_id,
                              section_id=s12.section_id, text="Say it plainly."))
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    page = _words(client.get(state.url("rounds.review", number=1)).get_data(as_text=True))
    assert ("Use as the new wording of S1.2… Replaces S1.2 in round 2 by this wording; the old "
            "wording is not rated again.") in page
    assert ("Or accept it as a new item below: it is rated in round 2 beside S1.2, which keeps "
            "its decision.") in page


def test_the_team_writes_a_summary_of_the_arguments_audited(db, client, login_as, commented):
    state = commented()
    user = login_as("coordinator", studies=[state.study])
    s11 = _item(db, "S1.1")
    revision = s11.round.revision
    response = client.post(state.url("rounds.summary", number=1, round_item_id=s11.id),
                           data={f"summary-{s11.id}-summary": "  Most see it as central.  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#item-{s11.id}")
    s11 = _item(db, "S1.1")
    assert s11.argument_summary == "Most see it as central."
    assert s11.round.revision == revision + 1  # feedback drawn from the round is drawn again
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="item.summarise_arguments"))
    assert event.target == "S1.1" and event.staff_id == user.id
    assert event.after == {"summary": "Most see it as central."}
    page = client.get(state.url("rounds.review", number=1)).get_data(as_text=True)
    assert "Item S1.1: summary of the arguments saved." in page
    assert re.search(r"<textarea[^>]*>\s*Most see it as central\.</textarea>", page)
    # The study shows comments only: the form says where the summary goes.
    assert "The study shows panellists the comments, not summaries" in page


def test_a_summary_is_fixed_once_the_next_round_is_prepared(db, client, login_as, commented):
    state = commented()
    login_as("coordinator", studies=[state.study])
    s11 = _item(db, "S1.1")
    s11.argument_summary = "Agreed wording."
    prepare_next_round(state.study)
    db.session.commit()
    response = client.post(state.url("rounds.summary", number=1, round_item_id=s11.id),
                           data={f"summary-{s11.id}-summary": "Changed afterwards."})
    assert response.status_code == 400
    assert ("Round 2 has already been prepared; round 1&#39;s decisions are final."
            in response.get_data(as_text=True))
    assert _item(db, "S1.1").argument_summary == "Agreed wording."
    page = _words(client.get(state.url("rounds.review", number=1)).get_data(as_text=True))
    assert "Summary of the arguments: Agreed wording." in page


def test_a_summary_is_locked_once_the_study_is_complete(db, client, login_as, commented):
    state = commented()
    login_as("coordinator", studies=[state.study])
    state.study.status = StudyStatus.COMPLETE
    db.session.commit()
    s11 = _item(db, "S1.1")
    response = client.post(state.url("rounds.summary", number=1, round_item_id=s11.id),
                           data={f"summary-{s11.id}-summary": "Too late."})
    assert response.status_code == 400
    assert ("The study is complete; reopen it to change summaries of the arguments."
            in response.get_data(as_text=True))
    assert _item(db, "S1.1").argument_summary is None


def test_a_summary_with_control_characters_is_refused_on_its_field(db, client, login_as,
                                                                    commented):
    state = commented()
    login_as("coordinator", studies=[state.study])
    s11 = _item(db, "S1.1")
    response = client.post(state.url("rounds.summary", number=1, round_item_id=s11.id),
                           data={f"summary-{s11.id}-summary": "Bad\x00text"})
    assert response.status_code == 400
    assert f'id="summary-{s11.id}-summary-error"' in response.get_data(as_text=True)
    assert _item(db, "S1.1").argument_summary is None
    assert db.session.scalar(db.select(AuditEvent).filter_by(
        action="item.summarise_arguments")) is None
