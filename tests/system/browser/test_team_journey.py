"""A research team's whole study in Chromium, from an empty database: nothing imported from a
study file, nothing from the demo.

A coordinator creates the study in the form, pastes its items, imports the panel, downloads the
personal links, previews round 1 and opens it through its confirmation. Panellists answer through
their links (item and section comments, a suggested wording, one draft left unsubmitted). The
team moves the deadline, sends a reminder, closes the round, reads the comments under each
stakeholder group on the review page, writes a summary of the arguments, rewords an item and
takes it back, previews and opens round 2 through its confirmation. A panellist sees the summary,
the comments and her own rating; the team closes round 2, marks the study complete (decisions
locked) and downloads every report format, each holding the section comments and the suggestion.

With DELPHI_SCREENSHOTS=1 the review page and the preview of round 2 are saved to
docs/screenshots/ for the README.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from delphi.models import Panellist, Round, Study
from tests.system.browser.steps import words_of

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery staple"
ITEMS = """section,code,text,explanation
Preparing to work together,,The worker and the individual agree to share ownership of the work.,
Preparing to work together,,Decisions are made jointly.,Both take responsibility for acting on them.
Mapping the social network,,The worker and the individual map the network together.,
Mapping the social network,,The map includes connections made within services.,
Reviewing the plan,,The plan is reviewed at every meeting.,
Reviewing the plan,,Changes to the plan are written down.,
"""
PANEL = """name,email,group
Ada Byron,ada@example.org,Carers
Ben Okafor,ben@example.org,Carers
Cy Jones,cy@example.org,Carers
Dee Patel,dee@example.org,Nurses
Eli Novak,eli@example.org,Nurses
Fay Green,fay@example.org,Nurses
Ivy Stone,ivy@example.org,Nurses
Gus Moore,gus@example.org,Managers
Hal Price,hal@example.org,Managers
"""
CODES = ["S1.1", "S1.2", "S2.1", "S2.2", "S3.1", "S3.2"]
# Ada answers in the browser: 8 everywhere but S1.2 (5). The others answer through the
# operations. S1.2's seven ratings, 1 2 3 5 6 8 9, have no region with 70% (3 of 7 low, 3 of 7
# high); every other item has all its ratings in 7-9.
OTHERS = {
    "ben@example.org": (2, None),
    "cy@example.org": (8, None),
    "eli@example.org": (3, "Nurses rarely decide alone."),
    "fay@example.org": (9, None),
    "ivy@example.org": (6, None),
    "gus@example.org": (1, "Managers sign off every decision."),
}
ITEM_COMMENT = "Jointly with whom? Name the family."
SECTION_COMMENT = "This section leaves out the family's part."
SUGGESTED = "Decisions are made jointly with the individual and their family."
EARLY = "Everyone we expected has answered."
SUMMARY = "Panellists asked who takes part in the decisions: the family, managers, nurses."



def _paris_end_in_utc(day: date) -> str:
    """23:59 on ``day`` in Paris, as staff pages give it in UTC: "15 December 2026, 22:59"."""
    moment = datetime.combine(day, time(23, 59), ZoneInfo("Europe/Paris")).astimezone(UTC)
    return f"{moment:%d %B %Y, %H:%M}"

def shoot(page, name: str, until=None) -> None:
    """Save the page (down to the bottom of ``until``, if given) for the README."""
    if os.environ.get("DELPHI_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        clip = None
        if until is not None:
            box = until.bounding_box()
            scroll = page.evaluate("() => window.scrollY")
            clip = {"x": 0, "y": 0, "width": page.viewport_size["width"],
                    "height": box["y"] + scroll + box["height"] + 16}
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=clip)


@pytest.fixture
def app_config(app_config):
    """Every form needs its CSRF token, as in production; without DELPHI_BASE_URL the personal
    links follow the address the app is served at."""
    return {**app_config, "WTF_CSRF_ENABLED": True, "BASE_URL": ""}


@pytest.fixture
def panellist_page(browser):
    """The panellists' browser: one context, each panellist arriving through their own link."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, "the panellist's page reported script errors:\n" + "\n".join(errors)


def _nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Study").get_by_role("link", name=name, exact=True).click()


def _item(page, code: str):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)} "))


def _rate(page, code: str, value: int) -> None:
    _item(page, code).locator(f"label.point:has(input[value='{value}'])").click()


def _download(page, link) -> bytes:
    with page.expect_download(timeout=60_000) as info:  # the PDF takes a few seconds
        link.click()
    return Path(info.value.path()).read_bytes()


def _words(text: str) -> str:
    return " ".join(text.split())


def test_a_research_team_runs_a_study_from_an_empty_database(
        page, panellist_page, live_server, axe_check, db, make_staff, submit):
    make_staff(email="coordinator@example.org", role="coordinator", password=PASSWORD)
    db.session.commit()
    panellist = panellist_page

    page.goto(live_server.url("/console/"))
    page.get_by_label("E-mail").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))

    # Create the study in the form: both mistakes are shown at once, each beside its field, and
    # what was typed is kept. Panellists will see round 2's summary and comments.
    page.get_by_role("link", name="Create a study").click()
    page.get_by_label("Title").fill("Care planning")
    page.get_by_label("Short name in addresses (slug)").fill("Care planning")
    page.get_by_label("Contact for panellists").fill("team@example.org")
    page.get_by_label("Smallest group shown separately").fill("3")
    page.get_by_label("What panellists see of the comments").select_option("both")
    page.get_by_label("Time zone of the deadlines panellists see").fill("Paris")
    page.get_by_role("button", name="Create study").click()
    expect(page.get_by_role("alert")).to_contain_text("The settings were not saved")
    expect(page.locator("#slug-error")).to_contain_text("must be lower-case letters and digits")
    expect(page.locator("#time_zone-error")).to_be_visible()
    assert page.get_by_label("Title").input_value() == "Care planning"
    page.get_by_label("Short name in addresses (slug)").fill("care-planning")
    page.get_by_label("Time zone of the deadlines panellists see").fill("Europe/Paris")
    page.get_by_role("button", name="Create study").click()
    page.wait_for_url("**/studies/care-planning/**")

    # Paste the items; blank codes are numbered within each section.
    _nav(page, "Content")
    page.get_by_label("Or paste the rows, the header row first").fill(ITEMS)
    page.get_by_role("button", name="Import items").click()
    for code, title in (("S1", "Preparing to work together"),
                        ("S2", "Mapping the social network"), ("S3", "Reviewing the plan")):
        expect(page.get_by_role("heading", name=f"{code} {title}")).to_be_visible()
    expect(page.get_by_role("cell", name="S3.2", exact=True)).to_be_visible()

    # Import the panel and download the personal links for a mail merge.
    _nav(page, "Panel")
    page.get_by_label("File").set_input_files(
        {"name": "panel.csv", "mimeType": "text/csv", "buffer": PANEL.encode()})
    page.get_by_role("button", name="Import panel").click()
    expect(page.get_by_text("9 panellists imported from panel.csv.")).to_be_visible()
    links_csv = _download(page, page.get_by_role("button", name="Download the links (CSV)"))
    links = {row["email"]: row["link"] for row in
             csv.DictReader(io.StringIO(links_csv.decode("utf-8-sig")))}
    assert len(links) == 9
    assert all(link.startswith(live_server.url("/p/")) for link in links.values())
    ada_link = links["ada@example.org"]
    dee_link = links["dee@example.org"]

    # Preview round 1: marked as a preview, the sections as panellists will see them.
    _nav(page, "Rounds")
    page.get_by_role("link", name="Preview round 1 as panellists will see it").click()
    expect(page.get_by_role("note")).to_contain_text("Preview of round 1")
    page.get_by_role("link", name="Start the questionnaire").click()
    expect(page.get_by_role("heading", name="Preparing to work together")).to_be_visible()
    expect(_item(page, "S1.2")).to_contain_text("Both take responsibility for acting on them.")
    page.get_by_role("link", name="Back to the rounds").click()

    # Open round 1 through its confirmation.
    deadline = date.today() + timedelta(days=14)
    page.get_by_label("Deadline").fill(deadline.isoformat())
    page.get_by_role("button", name="Open round 1…").click()
    expect(page.get_by_role("heading", name="Open round 1?")).to_be_visible()
    consequences = words_of(page.locator("ul.consequences"))
    assert "lock the consensus definition" in consequences
    assert "put 6 items in front of the panel" in consequences
    assert "queue 9 invitations, one to each of the 9 active panellists" in consequences
    page.get_by_role("button", name="Open round 1 and queue 9 invitations").click()
    expect(page.get_by_text("Round 1 is open; the invitations are queued.")).to_be_visible()

    # Ada answers through her link: a comment on S1.2, one on the section, a suggested wording.
    # The study has no information sheet, so she is asked for no consent.
    panellist.goto(ada_link)
    expect(panellist.get_by_role("heading", name="Round 1 of the consultation")).to_be_visible()
    panellist.get_by_role("link", name="Start the questionnaire").click()
    for section in ("S1", "S2", "S3"):
        for code in (c for c in CODES if c.startswith(section + ".")):
            _rate(panellist, code, 5 if code == "S1.2" else 8)
        if section == "S1":
            _item(panellist, "S1.2").get_by_label("Comment on S1.2 (optional)").fill(ITEM_COMMENT)
            panellist.get_by_label(
                "Comment on the section “Preparing to work together” (optional)"
            ).fill(SECTION_COMMENT)
            panellist.get_by_role("button", name="Suggest a new item or a better wording").click()
            panellist.get_by_label("A new wording for an item").check()
            panellist.get_by_label("Item to reword").select_option(
                label="S1.2: Decisions are made jointly.")
            panellist.get_by_label("Your suggestion").fill(SUGGESTED)
            panellist.get_by_role("button", name="Send my suggestion").click()
            expect(panellist.get_by_text(
                "Thank you: your suggestion has been passed to the research team.")
            ).to_be_visible()
            expect(_item(panellist, "S1.2").get_by_label("Comment on S1.2 (optional)")
                   ).to_have_value(ITEM_COMMENT)
        if section == "S3":
            panellist.get_by_role("button", name="Save and review my answers").click()
        else:
            panellist.get_by_role("button", name="Save and go to the next section").click()
    panellist.get_by_role("button", name="Submit my answers").click()
    expect(panellist.get_by_role("heading", name="Thank you: your answers are submitted")
           ).to_be_visible()

    # Dee saves the first section and stops; six more submit; Hal never opens his link.
    panellist.goto(dee_link)
    panellist.get_by_role("link", name="Start the questionnaire").click()
    _rate(panellist, "S1.1", 7)
    panellist.get_by_role("button", name="Save and go to the next section").click()
    expect(panellist.get_by_role("heading", name="Mapping the social network")).to_be_visible()
    db.session.expire_all()
    study = db.session.scalar(db.select(Study).filter_by(slug="care-planning"))
    round_one = db.session.scalar(db.select(Round).filter_by(study_id=study.id))
    for person in db.session.scalars(db.select(Panellist).filter_by(study_id=study.id)):
        if person.email in OTHERS:
            rating, comment = OTHERS[person.email]
            submit(round_one, person, {c: rating if c == "S1.2" else 9 for c in CODES},
                   {"S1.2": comment} if comment else None)
    db.session.commit()

    # The dashboard counts the draft apart; the deadline moves, with a notice.
    _nav(page, "Rounds")
    expect(page.locator("p.rate")).to_have_text(
        "7 of 9 panellists submitted (78%); 1 with a draft; 1 not started.")
    expect(page.locator("ul.drafting")).to_have_text("Dee Patel (P004, Nurses)")
    expect(page.locator("ul.waiting")).to_have_text("Hal Price (P009, Managers)")
    later = deadline + timedelta(days=7)
    page.locator("summary", has_text="Change the deadline").click()
    page.get_by_label("New deadline (the round closes at 23:59 that day, in the study's time "
                      "zone)").fill(later.isoformat())
    page.get_by_label("E-mail the panellists who have not submitted about the new deadline"
                      ).check()
    page.get_by_role("button", name="Change the deadline").click()
    # A date closes at 23:59 in the study's time zone; staff pages give times in UTC.
    expect(page.get_by_role("status")).to_contain_text(
        f"Round 1 now closes on {_paris_end_in_utc(later)} UTC (it was "
        f"{_paris_end_in_utc(deadline)} UTC). A notice of the deadline is queued for 2 "
        "panellists who have not submitted.")
    expect(page.locator("p.deadline")).to_contain_text(f"{_paris_end_in_utc(later)} UTC")

    # A reminder to the two who have not submitted, after seeing who gets it.
    page.get_by_role("link", name="Send a reminder now…").click()
    unsubmitted = "2 panellists who have not submitted (1 not started, 1 with a draft)"
    expect(page.locator("p.recipients")).to_have_text(f"This will e-mail {unsubmitted}.")
    page.get_by_role("button", name="Send the reminder to 2 panellists").click()
    expect(page.get_by_role("status")).to_have_text(f"2 reminders queued for the {unsubmitted}.")

    # Close round 1 after reading what will happen.
    page.get_by_role("link", name="Close round 1…").click()
    assert "from the 7 submitted responses" in words_of(page.locator("ul.consequences"))
    page.get_by_label("Reason for closing now (shown in the report)").fill(EARLY)
    page.get_by_role("button", name="Close round 1 and freeze its summary").click()
    expect(page.get_by_role("heading", name="Review of round 1")).to_be_visible()

    # The review shows what panellists wrote, under their group, never a name; a group below
    # three responses (Managers: Gus alone) is "another group".
    section_comments = page.locator("section.section-comments")
    expect(section_comments).to_contain_text("Preparing to work together")
    expect(section_comments.locator("dt")).to_have_text(["Carers"])
    expect(section_comments.locator("dd")).to_have_text([SECTION_COMMENT])
    s12 = page.locator("article.review-item").filter(
        has=page.get_by_role("heading", name="S1.2 Decisions are made jointly."))
    comments = s12.locator("details.item-comments dl.comments").first
    expect(comments.locator("dt")).to_have_text(["Carers", "Nurses", "another group"])
    expect(comments.locator("dd")).to_have_text(
        [ITEM_COMMENT, "Nurses rarely decide alone.", "Managers sign off every decision."])
    assert "Ada" not in s12.inner_text() and "Gus" not in s12.inner_text()

    # The team writes the summary of the arguments for S1.2.
    s12.get_by_label("Summary of the arguments").fill(SUMMARY)
    s12.get_by_role("button", name="Save the summary for S1.2").click()
    expect(page.get_by_text("Item S1.2: summary of the arguments saved.")).to_be_visible()
    expect(s12.get_by_label("Summary of the arguments")).to_have_value(SUMMARY)
    axe_check(page, context="review with comments and a summary")
    shoot(page, "console-review", until=s12)

    # Reword S1.2 from Ada's suggestion, then take the rewording back.
    page.get_by_role("link", name="Use as the new wording of S1.2…").click()
    expect(page.locator("dl.comments")).to_contain_text(ITEM_COMMENT)
    assert page.get_by_label("New wording").input_value() == SUGGESTED
    page.get_by_label("Reason for the rewording").fill("Panellists asked who decides.")
    page.get_by_role("button", name="Reword S1.2").click()
    expect(page.get_by_text("Item S1.2 is reworded as S1.2-v2 for the next round.")
           ).to_be_visible()
    page.get_by_role("button", name="Undo the rewording of S1.2").click()
    expect(page.get_by_text(
        "The rewording S1.2-v2 is removed; item S1.2 is carried forward again.")).to_be_visible()
    page.locator("article.suggestion").get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Declined.", exact=True)).to_be_visible()

    # Preview round 2: S1.2 with round 1's feedback and the summary.
    _nav(page, "Rounds")
    page.get_by_role("link", name="Preview round 2 as panellists will see it").click()
    expect(page.get_by_role("note")).to_contain_text("Preview of round 2")
    page.get_by_role("link", name="Start the questionnaire").click()
    expect(_item(page, "S1.2").locator("div.argument-summary")).to_contain_text(SUMMARY)
    shoot(page, "questionnaire-preview")
    page.get_by_role("link", name="Back to the rounds").click()

    # Open round 2 through its confirmation.
    page.get_by_role("link", name="Review its items").click()
    round_two_deadline = date.today() + timedelta(days=10)
    page.get_by_label("Deadline").fill(round_two_deadline.isoformat())
    page.get_by_role("button", name="Open round 2…").click()
    consequences = words_of(page.locator("ul.consequences"))
    assert "put 1 item in front of the panel: 1 carried forward, 0 reworded, 0 new" in consequences
    page.get_by_role("button", name="Open round 2 and queue 9 invitations").click()
    expect(page.get_by_text("Round 2 is open; the invitations are queued.")).to_be_visible()

    # Ada sees her rating, the panel's, the summary and the comments, and answers again.
    panellist.goto(ada_link)
    expect(panellist.get_by_role("heading", name="Round 2 of the consultation")).to_be_visible()
    # The deadline in the study's time zone: the end of the chosen day in Paris.
    paris = datetime.combine(round_two_deadline, time(23, 59), ZoneInfo("Europe/Paris"))
    expect(panellist.locator("dl.facts")).to_contain_text(
        f"{paris.day} {paris:%B %Y}, {paris:%H:%M %Z}")
    panellist.get_by_role("link", name="Start the questionnaire").click()
    feedback = _item(panellist, "S1.2").locator("div.feedback")
    expect(feedback.locator("p.own-rating")).to_have_text("Your rating in round 1: 5")
    expect(feedback.locator("div.argument-summary")).to_contain_text(SUMMARY)
    feedback.get_by_text("Comments from round 1 (3)").click()
    assert sorted(feedback.locator("details.comments li").all_inner_texts()) == sorted(
        [ITEM_COMMENT, "Nurses rarely decide alone.", "Managers sign off every decision."])
    _rate(panellist, "S1.2", 6)
    panellist.get_by_role("button", name="Save and review my answers").click()
    panellist.get_by_role("button", name="Submit my answers").click()
    expect(panellist.get_by_role("heading", name="Thank you: your answers are submitted")
           ).to_be_visible()

    # Close round 2 and mark the study complete: the decisions are locked.
    _nav(page, "Rounds")
    page.get_by_role("link", name="Close round 2…").click()
    page.get_by_label("Reason for closing now (shown in the report)").fill(EARLY)
    page.get_by_role("button", name="Close round 2 and freeze its summary").click()
    expect(page.get_by_role("heading", name="Review of round 2")).to_be_visible()
    page.get_by_role("link", name="Mark study complete…").click()
    page.get_by_role("button", name="Mark the study complete and lock its decisions").click()
    expect(page.get_by_text("The study is marked complete.")).to_be_visible()
    expect(page.get_by_text("This study is complete: no more rounds will open.")).to_be_visible()
    page.get_by_role("link", name="Review round 2").click()
    expect(page.get_by_text("its decisions, rewordings, suggestions and item list are locked")
           ).to_be_visible()
    expect(page.get_by_text("Change the decision for")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Reword "))).to_have_count(0)

    # Every report format holds the section comment and the suggestion with what became of it.
    _nav(page, "Reports")

    def whole_study(label: str) -> bytes:
        # Queues the build; the tests' queue builds it before the build's page opens (the PDF
        # takes a few seconds).
        page.get_by_role("button", name=f"Whole study: {label}").click(timeout=60_000)
        data = _download(page, page.get_by_role("button", name=re.compile("^Download ")))
        page.get_by_role("link", name="Back to the reports").click()
        return data

    html = whole_study("Report (HTML)").decode()
    assert SECTION_COMMENT.replace("'", "&#39;") in html and SUGGESTED in html
    assert EARLY in html

    from pypdf import PdfReader

    pdf = _words(" ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(whole_study("Report (PDF)"))).pages))
    assert SECTION_COMMENT in pdf and SUGGESTED in pdf

    raw = zipfile.ZipFile(io.BytesIO(whole_study("Raw ratings and codebook (ZIP)")))
    section_rows = list(csv.DictReader(io.StringIO(
        raw.read("section_comments.csv").decode("utf-8-sig"))))
    assert [row["comment"] for row in section_rows] == [SECTION_COMMENT]
    suggestion_rows = list(csv.DictReader(io.StringIO(
        raw.read("suggestions.csv").decode("utf-8-sig"))))
    assert [(row["text"], row["outcome"]) for row in suggestion_rows] == [(SUGGESTED, "declined")]
    item_table = whole_study("Item table (CSV)").decode("utf-8-sig")
    assert "S1.2" in item_table

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(whole_study("Workbook (XLSX)")), read_only=True)
    cells = {str(value) for sheet in workbook.worksheets
             for row in sheet.iter_rows(values_only=True) for value in row if value}
    assert SECTION_COMMENT in cells and SUGGESTED in cells

    first = json.loads(whole_study("Data (JSON)"))["rounds"][0]
    assert [(c["section"], c["group"], c["text"]) for c in first["section_comments"]] == [
        ("S1", "Carers", SECTION_COMMENT)]
    assert [(s["item"], s["text"], s["outcome"]) for s in first["suggestions"]] == [
        ("S1.2", SUGGESTED, "declined")]
