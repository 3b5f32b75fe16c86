"""The demo panel's consent and background answers: every panellist who opened round 1 agreed
to the information sheet and answered the four background questions, drawn with a fixed seed
from their stakeholder group so the demo is the same on every machine."""

from __future__ import annotations

import random
from datetime import timedelta

from delphi.consent.background import questions_of, save_background
from delphi.consent.operations import current_version, record_consent
from delphi.extensions import db
from delphi.models import ConsentEvent, Panellist, Response, Round, Study

SEED = 20121105

# The role each stakeholder group answers; "People who use services" answer "None of these".
ROLE_OF_GROUP = {
    "Social workers": "Social worker",
    "Community psychiatric nurses": "Community psychiatric nurse",
    "Occupational therapists": "Occupational therapist",
    "Community development workers": "Community development worker",
    "Support time and recovery workers": "Support time and recovery worker",
    "Third-sector managers": "Manager in a third-sector agency",
    "Researchers": "Researcher",
}
OTHER_ROLE = "None of these: I use or have used services"
YEARS = ["Fewer than 2", "2 to 5", "6 to 10", "More than 10"]
REGIONS = ["London", "South East", "South West", "Midlands", "North of England"]
REGION_WEIGHTS = [8, 6, 5, 5, 6]


def agree_and_answer(study: Study, panellists: list[Panellist], skipped: set[int]) -> None:
    """Consent and background answers for every panellist but those at ``skipped`` positions."""
    version = current_version(study)
    assert version is not None, "the demo study file has an information sheet"
    questions = {question.code: question.id for question in questions_of(study)}
    rng = random.Random(SEED)
    for index, panellist in enumerate(panellists):
        if index in skipped:
            continue
        record_consent(panellist, version, set(range(1, len(version.statements) + 1)))
        service_user = panellist.group not in ROLE_OF_GROUP
        lived = rng.choices(["Yes", "No", "I prefer not to say"], [3, 6, 1])[0]
        save_background(
            panellist,
            {
                questions["role"]: ROLE_OF_GROUP.get(panellist.group, OTHER_ROLE),
                questions["years"]: rng.choice(YEARS[1:] if not service_user else YEARS),
                questions["region"]: rng.choices(REGIONS, REGION_WEIGHTS)[0],
                questions["lived_experience"]: "Yes" if service_user else lived,
            },
        )


def backdate_consent(study: Study, round_one: Round) -> None:
    """Each consent dated just before the panellist first opened round 1 (or when it opened)."""
    opened = dict(
        db.session.execute(
            db.select(Response.panellist_id, Response.opened_at).where(
                Response.round_id == round_one.id
            )
        ).all()
    )
    version = current_version(study)
    assert version is not None and round_one.opened_at is not None
    version.created_at = round_one.opened_at - timedelta(days=3)
    for event in db.session.scalars(db.select(ConsentEvent).filter_by(study_id=study.id)):
        first = opened.get(event.panellist_id) or round_one.opened_at
        event.at = first - timedelta(minutes=2)
    db.session.flush()
