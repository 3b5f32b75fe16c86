"""The research team's whole journey in Chromium, with e-mail delivered to a real SMTP server.

Sign in, import a study file and a panel, open round 1 (after its confirmation), send the
invitations, watch the dashboard move as a panellist answers through the link in their e-mail,
close the round, review it and reword an item, open round 2 and check its invitations arrived.
An undone rewording, completing, reopening and deleting a study follow. The round pages
are checked with axe-core. With DELPHI_SCREENSHOTS=1 the dashboard is saved to
docs/screenshots/console-dashboard.png for the README (the review's screenshot comes from
test_team_journey.py, where panellists have commented).
"""
from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import expect

from delphi.models import Item, ItemOrigin, Panellist, Round, RoundState, Study
from tests.system.browser.steps import rate_every_item, words_of

ROOT = Path(__file__).resolve().parents[3]
STUDY_FILE = ROOT / "tests" / "support" / "study.toml"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery staple"
PANEL_CSV = ("name,email,group\n"
             "Ada Byron,ada@example.org,Social workers\n"
             "Ben Okafor,ben@example.org,People who use services\n"
             "Cy Jones,cy@example.org,Social workers\n"
             "Dee Patel,dee@example.org,People who use services\n"
             "Eli Novak,eli@example.org,Social workers\n"
             "Fay Green,fay@example.org,People who use services\n")
EMAILS = ["ada@example.org", "ben@example.org", "cy@example.org", "dee@example.org",
          "eli@example.org", "fay@example.org"]
# Ada rates every item 8 in the browser; four others answer by the operations; Fay never starts.
# With Ada's 8s, S1.1 and S2.2 have 80-100% in 7-9 and none in 1-3 (consensus in); S1.2 and S2.1
# have no region with 70%.
OTHERS = {"ben@example.org": {"S1.1": 9, "S1.2": 3, "S2.1": 1, "S2.2": 7},
          "cy@example.org": {"S1.1": 8, "S1.2": 5, "S2.1": 1, "S2.2": 8},
          "dee@example.org": {"S1.1": 7, "S1.2": 9, "S2.1": 2, "S2.2": 5},
          "eli@example.org": {"S1.1": 9, "S1.2": 2, "S2.1": 3, "S2.2": 9}}
LINK = re.compile(r"http://delphi\.test/p/([A-Za-z0-9_-]+)")  # BASE_URL of the test app


@dataclass
class Inbox:
    """What arrived at the loopback SMTP server."""

    port: int
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return sorted(str(m["Subject"]) for m in self.received)


@pytest.fixture
def inbox():
    """An aiosmtpd server on a free loopback port for the test's duration."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Inbox(port=port)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config, inbox):
    """The live server's mail goes to the loopback SMTP server; every form needs its CSRF token."""
    return {**app_config, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": inbox.port,
            "MAIL_SECURITY": "none", "MAIL_SENDER": "delphi@example.org",
            "WTF_CSRF_ENABLED": True}


def shoot(page, name: str) -> None:
    if os.environ.get("DELPHI_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"console-{name}.png"), full_page=True)


def _study_nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Study").get_by_role("link", name=name, exact=True).click()


def _send_messages(page) -> None:
    _study_nav(page, "Messages")
    page.get_by_role("button", name="Send pending messages").click()
    page.get_by_text("Messages: ").first.wait_for()


def _answer_as_panellist(browser, link: str) -> None:
    """Rate every item 8 through the questionnaire, in a browser context of the panellist's own."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(link)
        page.get_by_role("link", name="Start the questionnaire").click()
        rate_every_item(page, "Preparing to work together", 8)
        page.get_by_role("button", name="Save and go to the next section").click()
        rate_every_item(page, "Mapping the social network", 8)
        page.get_by_role("button", name="Save and review my answers").click()
        page.get_by_role("button", name="Submit my answers").click()
        page.get_by_role("heading", name="Thank you: your answers are submitted").wait_for()
    finally:
        context.close()


def test_the_research_teams_journey_through_two_rounds(page, browser, live_server, axe_check, db,
                                                       make_staff, submit, inbox, tmp_path):
    make_staff(email="coordinator@example.org", role="coordinator", password=PASSWORD)
    db.session.commit()

    # Sign in through the login page.
    page.goto(live_server.url("/console/"))
    page.get_by_label("E-mail").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))

    # Create the study by importing its file, then import the panel.
    page.get_by_role("link", name="Import a study file").click()
    page.get_by_label("File").set_input_files(str(STUDY_FILE))
    page.get_by_role("button", name="Import study").click()
    page.wait_for_url("**/studies/test-guidance/content")
    panel_file = tmp_path / "panel.csv"
    panel_file.write_text(PANEL_CSV)
    _study_nav(page, "Panel")
    page.get_by_label("File").set_input_files(str(panel_file))
    page.get_by_role("button", name="Import panel").click()
    expect(page.get_by_text("6 panellists imported from panel.csv.")).to_be_visible()

    # Open round 1 from the rounds page.
    _study_nav(page, "Rounds")
    expect(page.get_by_role("heading", name="Open round 1")).to_be_visible()
    axe_check(page, context="rounds page before round 1")
    page.get_by_label("Deadline").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Open round 1…").click()
    # The confirmation says what opening does before anything happens.
    expect(page.get_by_role("heading", name="Open round 1?")).to_be_visible()
    consequences = words_of(page.locator("ul.consequences"))
    assert "lock the consensus definition" in consequences
    assert "queue 6 invitations, one to each of the 6 active panellists" in consequences
    axe_check(page, context="confirm opening round 1")
    page.get_by_role("button", name="Open round 1 and queue 6 invitations").click()
    expect(page.get_by_text("Round 1 is open; the invitations are queued.")).to_be_visible()
    expect(page.get_by_text("0 of 6 panellists submitted (0%)")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^1[45] days \d+ hours? left$"))).to_be_visible()

    # The invitations go out over SMTP, each with the panellist's own link.
    _send_messages(page)
    assert inbox.subjects() == ["Test guidance: round 1 is open"] * 6
    to_ada = next(m for m in inbox.received if m["To"] == "ada@example.org")
    link = live_server.url(f"/p/{LINK.search(to_ada.get_content()).group(1)}")

    # Ada answers through her link; the dashboard moves.
    _answer_as_panellist(browser, link)
    _study_nav(page, "Rounds")
    expect(page.get_by_text("1 of 6 panellists submitted (17%)")).to_be_visible()
    s11 = page.get_by_role("row", name=re.compile(r"^S1\.1 "))
    assert "Ratings of S1.1: 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 1, 9: 0" in \
        s11.locator("svg").get_attribute("aria-label")

    # Four more answer; Fay has not started.
    db.session.expire_all()
    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    round_one = db.session.scalar(db.select(Round).filter_by(study_id=study.id))
    for panellist in db.session.scalars(db.select(Panellist).filter_by(study_id=study.id)):
        if panellist.email in OTHERS:
            submit(round_one, panellist, OTHERS[panellist.email])
    db.session.commit()
    page.reload()
    expect(page.get_by_text("5 of 6 panellists submitted (83%)")).to_be_visible()
    assert page.locator("ul.waiting").inner_text() == "Fay Green (P006, People who use services)"
    # S1.1: Ada 8, then 9, 8, 7, 9.
    assert "Ratings of S1.1: 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 1, 8: 2, 9: 2" in \
        s11.locator("svg").get_attribute("aria-label")
    axe_check(page, context="dashboard of round 1")
    shoot(page, "dashboard")

    # Close the round after reading what will happen.
    page.get_by_role("link", name="Close round 1…").click()
    assert "from the 5 submitted responses" in words_of(page.locator("ul.consequences"))
    # The deadline is still ahead, so closing now asks for a reason, which the report shows.
    assert "has not passed: closing now ends the round early." in \
        page.locator("#close-concerns").inner_text()
    axe_check(page, context="close round 1")
    page.get_by_label("Reason for closing now").fill("Five of six answered; the last is away.")
    page.get_by_role("button", name="Close round 1 and freeze its summary").click()
    expect(page.get_by_role("heading", name="Review of round 1")).to_be_visible()
    expect(page.get_by_text("Round 1 is closed and its summary is frozen.")).to_be_visible()
    assert "Decisions: 2 consensus in, 0 consensus out, 2 carried forward, 0 reworded." in \
        page.locator("p.decision-counts").inner_text()
    axe_check(page, context="review of round 1")

    # Reword an item, giving the reason.
    page.get_by_role("link", name="Reword S1.2…").click()
    axe_check(page, context="reword S1.2")
    page.get_by_label("New wording").fill("Decisions about the plan are made jointly.")
    page.get_by_label("Reason for the rewording").fill("Panellists asked which decisions.")
    page.get_by_role("button", name="Reword S1.2").click()
    expect(page.get_by_text("Item S1.2 is reworded as S1.2-v2 for the next round.")).to_be_visible()
    assert page.locator("p.reworded").inner_text() == \
        "Reworded as S1.2-v2: “Decisions about the plan are made jointly.”"

    # Open round 2: the dashboard shows it, and its invitations arrive.
    page.get_by_label("Deadline").fill((date.today() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Open round 2…").click()
    consequences = words_of(page.locator("ul.consequences"))
    assert "put 2 items in front of the panel: 1 carried forward, 1 reworded, 0 new" in \
        consequences
    axe_check(page, context="confirm opening round 2")
    page.get_by_role("button", name="Open round 2 and queue 6 invitations").click()
    expect(page.get_by_text("Round 2 is open; the invitations are queued.")).to_be_visible()
    expect(page.get_by_role("heading", name="Round 2 is open")).to_be_visible()
    expect(page.get_by_text("0 of 6 panellists submitted (0%)")).to_be_visible()
    axe_check(page, context="dashboard of round 2")
    _send_messages(page)
    round_two = [m for m in inbox.received if m["Subject"] == "Test guidance: round 2 is open"]
    assert sorted(m["To"] for m in round_two) == EMAILS

    db.session.expire_all()
    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    rounds = db.session.scalars(db.select(Round).filter_by(study_id=study.id)
                                .order_by(Round.number)).all()
    assert [r.state for r in rounds] == [RoundState.CLOSED, RoundState.OPEN]
    assert [ri.code for ri in rounds[1].round_items] == ["S1.2-v2", "S2.1"]
    new = db.session.scalar(db.select(Item).filter_by(study_id=study.id, code="S1.2-v2"))
    assert new.origin is ItemOrigin.REWORDING and new.reworded_from.code == "S1.2"


def test_the_review_with_suggestions_and_a_refused_decision_passes_axe(
        page, live_server, axe_check, db, make_staff, make_study, make_panel, submit):
    from delphi.models import Suggestion, SuggestionKind, utcnow
    from delphi.rounds.lifecycle import close_round, open_round

    make_staff(email="admin@example.org", role="admin", password=PASSWORD)
    study = make_study(slug="reviewed", sections=1, items_per_section=2)
    panel = make_panel(study, n=5)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=5))
    for k, panellist in enumerate(panel):
        submit(round_, panellist, {"S1.1": 9, "S1.2": 1 + 2 * k})
    db.session.add_all([
        Suggestion(round_id=round_.id, panellist_id=panel[0].id, kind=SuggestionKind.NEW_ITEM,
                   section_id=study.sections[0].id, text="Ask about money worries."),
        Suggestion(round_id=round_.id, panellist_id=panel[1].id, kind=SuggestionKind.REWORDING,
                   item_id=study.items[1].id, text="Say who makes the plan."),
    ])
    close_round(round_)
    db.session.commit()

    page.goto(live_server.url("/login"))
    page.get_by_label("E-mail").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))
    page.goto(live_server.url("/console/studies/reviewed/rounds/1/review"))
    expect(page.get_by_role("heading", name="Rewording of S1.2 from P002")).to_be_visible()
    axe_check(page, context="review with suggestions")

    page.get_by_text("Change the decision for S1.1").click()
    page.get_by_label("Decision").first.select_option("consensus_out")
    page.get_by_role("button", name="Save decision for S1.1").click()
    alert = page.get_by_role("alert")
    assert "give a reason for changing it to “Consensus out”" in alert.inner_text()
    axe_check(page, context="review with a refused decision")

    page.get_by_role("link", name="Use as the new wording of S1.2…").click()
    assert page.get_by_label("New wording").input_value() == "Say who makes the plan."
    page.get_by_role("button", name="Reword S1.2").click()
    assert "Give a reason for the rewording." in words_of(page.get_by_role("alert"))
    axe_check(page, context="reword with errors")

    page.goto(live_server.url("/console/studies/reviewed/rounds/1/review"))
    page.get_by_role("button", name="Decline").first.click()
    expect(page.get_by_text("The suggestion is declined.")).to_be_visible()
    expect(page.get_by_text("Declined.", exact=True)).to_be_visible()

    # Take a rewording back, then mark the study complete after reading what it locks.
    page.get_by_role("link", name="Use as the new wording of S1.2…").click()
    page.get_by_label("Reason for the rewording").fill("Panellists asked who makes it.")
    page.get_by_role("button", name="Reword S1.2").click()
    expect(page.get_by_text("Item S1.2 is reworded as S1.2-v2 for the next round.")).to_be_visible()
    page.get_by_role("button", name="Undo the rewording of S1.2").click()
    expect(page.get_by_text(
        "The rewording S1.2-v2 is removed; item S1.2 is carried forward again.")).to_be_visible()
    axe_check(page, context="review after an undone rewording")

    page.get_by_role("link", name="Mark study complete…").click()
    expect(page.get_by_role("heading", name="Mark the study complete?")).to_be_visible()
    axe_check(page, context="confirm completing the study")
    page.get_by_role("button", name="Mark the study complete and lock its decisions").click()
    expect(page.get_by_text("The study is marked complete.")).to_be_visible()

    # An administrator reopens it, giving the reason.
    page.get_by_role("link", name="Reopen the study…").click()
    axe_check(page, context="reopen the study")
    page.get_by_label("Reason for reopening").fill("S1.1 was decided too early.")
    page.get_by_role("button", name="Reopen the study").click()
    expect(page.get_by_text("Study reviewed is reopened")).to_be_visible()
    expect(page.get_by_text("Change the decision for S1.1")).to_be_visible()


def test_an_admin_deletes_a_study_that_never_opened_a_round(page, live_server, axe_check, db,
                                                            make_staff, make_study, make_panel):
    make_staff(email="admin@example.org", role="admin", password=PASSWORD)
    make_panel(make_study(slug="trial-run"), n=3)
    db.session.commit()

    page.goto(live_server.url("/login"))
    page.get_by_label("E-mail").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))
    page.goto(live_server.url("/console/studies/trial-run/rounds/"))
    page.get_by_role("link", name="Delete this study…").click()
    assert "its 3 panellists and their personal links;" in words_of(page.locator("ul.consequences"))
    axe_check(page, context="delete a study")
    page.get_by_label("Type the study's slug to confirm").fill("trial-run")
    page.get_by_role("button", name="Delete the study").click()
    page.wait_for_url(live_server.url("/console/"))
    expect(page.get_by_text("Study Study trial-run (trial-run) is deleted.")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(db.select(Study.id).filter_by(slug="trial-run")) is None
