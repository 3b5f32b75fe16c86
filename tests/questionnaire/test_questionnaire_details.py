"""What panellists read: deadlines in their study's time zone, changes after submitting, "unable to
rate" counted apart, whole words in the suggestion form, a round that is not open, the icon."""
from __future__ import annotations

import html
import re
from datetime import datetime

from delphi.models import Item, RoundState

UNABLE = "“unable to rate”"


def _said(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_deadlines_are_shown_in_the_studys_time_zone(client, db, round_one, submit):
    # New York keeps Eastern Standard Time, UTC-5, in January: 23:59 UTC is 18:59 there.
    setting = round_one(time_zone="America/New_York")
    setting.round.closes_at = datetime(2099, 1, 15, 23, 59)
    db.session.commit()
    welcome = _said(client.get(setting.url()))
    assert "Deadline 15 January 2099, 18:59 EST" in welcome
    assert "UTC" not in welcome
    review = _said(client.get(setting.url("/round/1/review")))
    assert "until the round closes on 15 January 2099, 18:59 EST." in review


def test_london_shows_summer_time_as_bst(client, db, round_one):
    # British Summer Time is UTC+1: 23:59 UTC on 15 June is 00:59 on 16 June in London.
    setting = round_one()
    setting.round.closes_at = datetime(2099, 6, 15, 23, 59)
    db.session.commit()
    assert "Deadline 16 June 2099, 00:59 BST" in _said(client.get(setting.url()))


def test_a_change_after_submitting_says_the_submitted_answers_were_updated(client, db,
                                                                          round_one, submit):
    setting = round_one(time_zone="Asia/Tokyo")  # JST all year
    s11 = setting.item("S1.1")
    draft = client.post(setting.url("/round/1/autosave"), data={f"rating-{s11.id}": "3"})
    assert re.fullmatch(r"Draft saved at \d\d:\d\d JST\.", draft.json["message"])
    client.post(setting.url("/round/1/submit"))
    changed = client.post(setting.url("/round/1/autosave"), data={f"rating-{s11.id}": "8"})
    assert changed.json["status"] == "saved"
    assert re.fullmatch(r"Your submitted answers were updated at \d\d:\d\d JST\.",
                        changed.json["message"])
    assert "Draft" not in changed.json["message"]


def test_unable_to_rate_is_counted_apart_from_ratings(client, db, round_one):
    setting = round_one()
    s11, s12 = setting.item("S1.1"), setting.item("S1.2")
    saved = client.post(setting.url("/round/1/autosave"),
                        data={f"rating-{s11.id}": "7", f"rating-{s12.id}": "unable"})
    assert saved.json["progress"] == "Rated 1 of 6, 1 unable to rate"
    assert "Rated 1 of 6, 1 unable to rate" in _said(client.get(setting.section_url(1)))
    assert "Rated 1 of 6, 1 unable to rate" in _said(client.get(setting.url()))
    review = _said(client.get(setting.url("/round/1/review")))
    assert f"You have rated 1 of 6 items and marked 1 {UNABLE}." in review
    assert "Items you have not rated (4)" in review
    done = _said(client.post(setting.url("/round/1/submit"), follow_redirects=True))
    assert f"You rated 1 of 6 items and marked 1 {UNABLE}." in done


def test_the_suggestion_form_cuts_long_wordings_between_words(client, db, round_one):
    wording = ("The worker and the individual agree together to share ownership of the work "
               "and responsibility for acting on it.")
    setting = round_one()
    item = db.session.get(Item, setting.item("S1.1").item_id)
    setting.item("S1.1").text = wording  # the wording the round shows
    item.text = wording
    db.session.commit()
    page = client.get(setting.url("/round/1/suggest")).get_data(as_text=True)
    shown = html.unescape(re.search(r'<option value="\d+">S1\.1: ([^<]*)</option>', page).group(1))
    assert shown.endswith(" …") and len(shown) <= 80
    kept = shown.removesuffix(" …")
    assert wording.startswith(kept) and wording[len(kept)] == " "  # a whole word ends there
    short = re.search(r'<option value="\d+">S1\.2: ([^<]*)</option>', page).group(1)
    assert short == "Guidance item 1.2."


def test_a_valid_link_to_a_round_that_has_not_opened_says_so_and_leads_to_the_open_round(
        client, db, round_one):
    setting = round_one()
    response = client.get(setting.url("/round/2/section/1"))
    said = _said(response)
    assert response.status_code == 404
    assert "Round 2 is not open" in said and "Your personal link is valid" in said
    assert "This link is not valid" not in said
    assert "The round open now is round 1." in said
    assert f'href="{setting.url()}">Go to round 1</a>' in response.get_data(as_text=True)

    setting.round.state = RoundState.CLOSED
    db.session.commit()
    closed = _said(client.get(setting.url("/round/3/review")))
    assert "Round 3 is not open" in closed and "No round is open at the moment." in closed


def test_the_site_has_an_icon(client):
    response = client.get("/favicon.ico")
    icon = response.get_data()
    response.close()
    assert response.status_code == 200
    assert icon[:4] == b"\x00\x00\x01\x00"  # the ICO file signature
    assert len(icon) < 5000
