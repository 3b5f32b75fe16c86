"""A panellist answers two rounds in Chromium, by mouse and keyboard, on a desktop and a phone.

Each page is checked with axe-core. With DELPHI_SCREENSHOTS=1 the main pages are saved to
docs/screenshots/questionnaire-*.png (viewport-sized) for the README.
"""
from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest
from flask import request, request_finished
from playwright.sync_api import expect

from delphi.models import Rating, Response, ResponseStatus
from delphi.panel.tokens import token_for
from delphi.questionnaire import views as questionnaire_views
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round
from tests.support.backends import sqlite_only
from tests.system.browser.steps import words_of

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
OTHERS = [[8, 8, 9, 6, 7, 8], [2, 5, 9, 7, 8, 4], [7, 9, 8, 3, 6, 9], [9, 7, 7, 5, 8, 6],
          [5, 8, 6, 8, 9, 7]]  # round 1 ratings of the five other panellists, items in order


def shoot(page, name: str) -> None:
    if os.environ.get("DELPHI_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"questionnaire-{name}.png"))


@pytest.fixture
def study_in_round_one(db, make_study, make_panel):
    study = make_study(reason_outside_iqr=True, group_feedback=True, min_group_size=3)
    study.title = "Care planning guidance"
    study.description = "Which practices should the national guidance on care planning recommend?"
    panel = make_panel(study, n=6)
    round_ = open_round(study)
    db.session.commit()
    return study, panel, round_


def _rating(db, round_item_id: int, panellist_id: int):
    db.session.expire_all()
    return db.session.scalar(
        db.select(Rating).join(Response)
        .where(Rating.round_item_id == round_item_id, Response.panellist_id == panellist_id))


def test_a_panellist_answers_round_one_then_uses_the_feedback_in_round_two(
        page, live_server, axe_check, db, study_in_round_one, submit):
    study, panel, round1 = study_in_round_one
    me = panel[0]
    items = round1.round_items
    welcome = live_server.url(f"/p/{token_for(me)}")

    page.goto(welcome)
    expect(page.get_by_role("heading", name="Round 1 of the consultation")).to_be_visible()
    axe_check(page)
    shoot(page, "welcome")

    # A first rating by mouse; the autosave script stores it without pressing a button.
    page.get_by_role("link", name="Start the questionnaire").click()
    page.locator(f"label[for='rating-{items[0].id}-7']").click()
    page.get_by_role("status").filter(has_text="Draft saved at").wait_for()
    assert page.locator("#progress").inner_text() == "Rated 1 of 6"
    assert page.locator("[data-section-count='1']").inner_text() == "(1/3)"
    axe_check(page)
    shoot(page, "round1")

    # Leave and come back: the draft is there.
    page.goto("about:blank")
    page.goto(welcome)
    expect(page.get_by_text("Rated 1 of 6")).to_be_visible()
    page.get_by_role("link", name="Continue the questionnaire").click()
    expect(page.locator(f"#rating-{items[0].id}-7")).to_be_checked()

    # The rest of section 1 by keyboard alone: arrow keys move within a radio group.
    page.locator(f"#rating-{items[1].id}-5").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement.closest('label'))"
                            ".outlineStyle")
    assert outline == "solid", "the focused rating point has no visible focus outline"
    page.keyboard.press("ArrowRight")
    assert page.locator(f"#rating-{items[1].id}-6").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Depends on the setting.")
    assert page.locator(f"#comment-{items[1].id}").input_value() == "Depends on the setting."
    page.get_by_role("button", name="Save and go to the next section").click()
    expect(page.get_by_role("heading", name="Section 2")).to_be_visible()
    page.locator(f"label[for='rating-{items[3].id}-8']").click()
    page.get_by_role("button", name="Save and review my answers").click()

    expect(page.get_by_role("heading", name="Review and submit round 1")).to_be_visible()
    expect(page.get_by_text("Items you have not rated (3)")).to_be_visible()
    axe_check(page)
    shoot(page, "review")
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you: your answers are submitted")
    ).to_be_visible()
    axe_check(page)
    shoot(page, "confirmation")
    assert _rating(db, items[1].id, me.id).comment == "Depends on the setting."

    # The others answer, the round closes, round 2 opens.
    for panellist, values in zip(panel[1:], OTHERS):
        submit(round1, panellist, {ri.code: v for ri, v in zip(items, values)},
               {items[0].code: f"A thought from the panel ({values[0]})."})
    close_round(round1)
    round2 = launch_next_round(study)
    db.session.commit()
    first = round2.round_items[0]
    assert first.code == items[0].code

    page.goto(welcome)
    expect(page.get_by_role("heading", name="Round 2 of the consultation")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Start the questionnaire").click()
    item = page.locator(f"#item-{first.id}")
    assert "Your rating in round 1:" in item.inner_text()
    assert re.search(r"Median \d", item.inner_text())
    page.locator(f"#feedback-{first.id} summary").click()  # open the comments
    expect(item.get_by_text("A thought from the panel (8).")).to_be_visible()
    axe_check(page)
    item.scroll_into_view_if_needed()
    page.evaluate(f"document.getElementById('item-{first.id}').scrollIntoView()")
    shoot(page, "feedback")
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the feedback page scrolls sideways at 320px: {width}px wide"
    axe_check(page, context="the feedback page at 320px")
    page.set_viewport_size({"width": 1280, "height": 800})

    # Change the rating (the previous one was not pre-selected) to 8, above the round 1
    # interquartile range (2 5 7 7 8 9: Q3 = 7 + 0.75 * (8 - 7) = 7.75), so a reason is asked.
    assert not page.locator(f"#rating-{first.id}-7").is_checked()
    page.locator(f"label[for='rating-{first.id}-8']").click()
    page.get_by_role("button", name="Review and submit").last.click()
    alert = page.get_by_role("alert")
    assert "1 rating needs a reason" in alert.inner_text()
    axe_check(page)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("alert")).to_be_visible()  # refused: still on the review page
    alert.get_by_role("link").click()
    page.locator(f"#reason-{first.id}").fill("In my service this decides the whole plan.")
    page.get_by_role("button", name="Review and submit").last.click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Review and submit round \d+$"))
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you: your answers are submitted")
    ).to_be_visible()
    rating = _rating(db, first.id, me.id)
    assert (rating.value, rating.reason) == (8, "In my service this decides the whole plan.")
    assert rating.response.status is ResponseStatus.SUBMITTED


@sqlite_only  # the browser's side of the page does not depend on the database
def test_the_questionnaire_works_on_a_phone(browser, live_server, axe_check, study_in_round_one):
    _, panel, round1 = study_in_round_one
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(live_server.url(f"/p/{token_for(panel[0])}/round/1/section/1"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the page scrolls sideways: {width}px wide"
        item = round1.round_items[0]
        page.locator(f"label[for='rating-{item.id}-9']").tap()
        assert page.locator(f"#rating-{item.id}-9").is_checked()
        axe_check(page, context="the section page at 320px")
        shoot(page, "phone")
    finally:
        context.close()


@sqlite_only  # the browser's side of the page does not depend on the database
def test_every_other_panellist_page_passes_axe(page, live_server, axe_check, db,
                                                study_in_round_one, make_study, make_panel):
    study, panel, round1 = study_in_round_one
    link = live_server.url(f"/p/{token_for(panel[0])}")

    page.goto(f"{link}/round/1/section/1")
    page.get_by_role("button", name="Suggest a new item or a better wording").click()
    expect(
        page.get_by_role("heading", name="Suggest a new item or a better wording")
    ).to_be_visible()
    axe_check(page, context="the suggestion form")
    page.get_by_label("A new wording for an item").check()
    page.get_by_role("button", name="Send my suggestion").click()
    errors = words_of(page.get_by_role("alert"))
    assert "Choose the item you suggest a new wording for." in errors
    assert "Write your suggestion." in errors
    axe_check(page, context="the suggestion form with errors")
    page.get_by_role("alert").get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "item"

    page.goto(f"{link}/answers")
    axe_check(page, context="my answers")

    # Something the page could not have sent: a 400 page.
    page.goto(f"{link}/round/1/section/1")
    page.evaluate(f"document.getElementById('rating-{round1.round_items[0].id}-9').value = '99'")
    page.locator(f"label[for='rating-{round1.round_items[0].id}-9']").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Your answers could not be saved")).to_be_visible()
    axe_check(page, context="the bad request page")

    # The round closes while the panellist is answering: refused, draft kept read-only.
    page.goto(f"{link}/round/1/section/1")
    page.locator(f"label[for='rating-{round1.round_items[1].id}-4']").click()
    page.get_by_role("status").filter(has_text="Draft saved at").wait_for()
    close_round(round1)
    db.session.commit()
    page.locator(f"label[for='rating-{round1.round_items[2].id}-6']").click()
    page.get_by_role("button", name="Save draft").click()
    assert "could not be submitted" in words_of(page.get_by_role("alert"))
    expect(page.get_by_role("heading", name="Your draft (read-only)")).to_be_visible()
    axe_check(page, context="the round-closed page")

    page.goto(live_server.url("/p/no-such-link"))
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    axe_check(page, context="the invalid link page")

    waiting = make_study(slug="not-started")
    newcomer = make_panel(waiting, n=1)[0]
    db.session.commit()
    page.goto(live_server.url(f"/p/{token_for(newcomer)}"))
    expect(page.get_by_role("heading", name="The questionnaire is not open yet")).to_be_visible()
    axe_check(page, context="the not-open-yet page")


@pytest.fixture
def slow_autosave(app, monkeypatch):
    """Every autosave waits a second before it saves; the event is set when one is answered."""
    answered = threading.Event()
    parse = questionnaire_views.parse_or_400

    def slow_parse(questionnaire):
        if request.path.endswith("/autosave"):
            time.sleep(1.0)
        return parse(questionnaire)

    def finished(sender, response, **extra):
        if request.path.endswith("/autosave"):
            answered.set()

    monkeypatch.setattr(questionnaire_views, "parse_or_400", slow_parse)
    request_finished.connect(finished, app)
    yield answered
    request_finished.disconnect(finished, app)


def _rate_5_then_8(page, link: str, item) -> None:
    """Rate ``item`` 5, and change it to 8 while the autosave of the 5 is on its way."""
    page.goto(link)
    with page.expect_request("**/autosave"):
        page.locator(f"label[for='rating-{item.id}-5']").click()
    page.locator(f"label[for='rating-{item.id}-8']").click()


def test_a_button_waits_for_the_autosave_on_its_way(page, live_server, db, study_in_round_one,
                                                    slow_autosave):
    """An autosave still on its way when the panellist presses a button never lands after the
    button's save: the rating the panellist changed to is the one kept."""
    _, panel, round1 = study_in_round_one
    me, item = panel[0], round1.round_items[0]
    _rate_5_then_8(page, live_server.url(f"/p/{token_for(me)}/round/1/section/1"), item)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your answers are saved as a draft.")).to_be_visible()
    assert slow_autosave.wait(timeout=10), "the autosave was never answered"
    assert _rating(db, item.id, me.id).value == 8


def test_the_last_button_pressed_while_waiting_is_the_one_that_posts(
        page, live_server, db, study_in_round_one, slow_autosave):
    _, panel, round1 = study_in_round_one
    me, item = panel[0], round1.round_items[0]
    _rate_5_then_8(page, live_server.url(f"/p/{token_for(me)}/round/1/section/1"), item)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Save and go to the next section").click()
    expect(page.get_by_role("heading", name="Section 2")).to_be_visible()
    assert slow_autosave.wait(timeout=10), "the autosave was never answered"
    assert _rating(db, item.id, me.id).value == 8
