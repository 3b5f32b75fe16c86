"""Open sign-up in Chromium: from the public page through the e-mailed confirmation link, past
the consent already given on the sign-up page, the background question and the section's
guidance text, to a submitted round."""
from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from playwright.sync_api import expect

from delphi.consent.background import QuestionSpec, replace_questions
from delphi.consent.operations import set_consent_text
from delphi.mail.sender import send_pending
from delphi.models import JoinedBy, Panellist, QuestionKind, ResponseStatus, SignupState
from delphi.rounds.lifecycle import open_round
from tests.system.browser.conftest import axe_check
from tests.system.browser.steps import rate_every_item

GUIDANCE = "Workers **map the social network** together with the person."


def _link_in_last_mail(app, to: str, kind: str) -> str:
    """Send the outbox (to files) and return the path of the ``kind`` link in the last
    message to ``to``."""
    send_pending()
    bodies = []
    for path in sorted((Path(app.config["INSTANCE_PATH"]) / "mail").rglob("*")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == to:
            bodies.append(message.get_content())
    return re.findall(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_-]+)", bodies[-1])[0]


def test_a_person_signs_up_confirms_and_submits_round_1(app, db, page, live_server,
                                                         make_study, make_panel):
    study = make_study(slug="open-study", sections=1, items_per_section=2,
                       signup=SignupState.OPEN,
                       signup_questions=[{"text": "Do you work in England?",
                                          "choices": ["Yes", "No"], "accepted": ["Yes"]}])
    study.sections[0].guidance = GUIDANCE
    make_panel(study, n=2)
    set_consent_text(study, sheet="We ask **you** to rate the guidance.",
                     statements=["I have read the information sheet.", "I agree to take part."])
    replace_questions(study, [QuestionSpec("role", "Your main role", QuestionKind.SINGLE, True,
                                           ("Social worker", "Nurse"))])
    open_round(study)
    db.session.commit()

    page.goto(live_server.url("/signup/open-study"))
    expect(page.get_by_role("heading", name="Take part: Study open-study")).to_be_visible()
    assert page.locator(".information-sheet strong").inner_text() == "you"
    axe_check(page, context="the sign-up page")
    page.get_by_label("Your name").fill("Nia Evans")
    page.get_by_label("Your e-mail address").fill("nia@example.org")
    page.get_by_label("Social workers").check()
    page.get_by_label("Yes").check()
    page.get_by_label("I have read the information sheet.").check()
    page.get_by_label("I agree to take part.").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    page.goto(live_server.url(_link_in_last_mail(app, "nia@example.org", "signup/confirm")))
    page.get_by_role("button", name="Confirm my sign-up").click()
    expect(page.get_by_role("heading", name="Welcome to the panel")).to_be_visible()

    # The round's invitation carries the personal link; consent was given on the sign-up page.
    page.goto(live_server.url(_link_in_last_mail(app, "nia@example.org", "p")))
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Start the questionnaire").click()
    expect(page.get_by_text("map the social network")).to_be_visible()
    rate_every_item(page, "Section 1", 8)
    page.get_by_role("button", name="Save and review my answers").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you: your answers are submitted")
    ).to_be_visible()

    db.session.expire_all()
    nia = db.session.scalar(db.select(Panellist).filter_by(email="nia@example.org"))
    assert nia.joined_by is JoinedBy.SIGNUP
    assert [r.status for r in nia.responses] == [ResponseStatus.SUBMITTED]
