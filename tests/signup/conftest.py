"""A study whose public sign-up page is open: an information sheet with two consent statements,
one eligibility question, and two panellists (one social worker, one person who uses services)."""
from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest

from delphi.consent.operations import set_consent_text
from delphi.mail.sender import send_pending
from delphi.models import Signup, SignupState, Study

SHEET = "# About the study\n\nWe ask **you** to rate the guidance."
STATEMENTS = ["I have read the information sheet.", "I agree to take part."]
QUESTION = {"text": "Do you work in England?", "choices": ["Yes", "No"], "accepted": ["Yes"]}
PAGE = "/signup/open-study"


@pytest.fixture
def study(db, make_study, make_panel) -> Study:
    study = make_study(slug="open-study", signup=SignupState.OPEN, signup_questions=[QUESTION])
    make_panel(study, n=2)
    set_consent_text(study, sheet=SHEET, statements=STATEMENTS)
    db.session.commit()
    return study


def form(**changes) -> dict:
    """A complete, eligible sign-up as the page posts it."""
    data = {"name": "Nia Evans", "email": "nia.evans@example.org", "group": "Social workers",
            "eligibility_0": "Yes", "statement_1": "y", "statement_2": "y", "website": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def signups(db) -> list[Signup]:
    db.session.expire_all()
    return db.session.scalars(db.select(Signup).order_by(Signup.id)).all()


def sent_mail(app) -> list[tuple[str, str, str]]:
    """Send the outbox (to files, as without MAIL_HOST); every message written so far as
    (to, subject, body)."""
    send_pending()
    folder = Path(app.config["INSTANCE_PATH"]) / "mail"
    mails = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            mails.append((message["To"], message["Subject"], message.get_content()))
    return mails


def links(body: str, kind: str) -> list[str]:
    """The paths of the links of ``kind`` ("signup/confirm" or "p") in a message's body."""
    return re.findall(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_-]+)", body)
