"""Loading the demo: the CPI practice-guidance study, its panel and two simulated rounds.

The demo is built with the same operations a research team uses (import the study file and the
panel, open round 1, close it, review, launch round 2), so it holds nothing the app itself could
not have produced. It flushes only: the caller commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from delphi.auth.accounts import create_staff, find_staff
from delphi.demo.consultation import agree_and_answer, backdate_consent
from delphi.demo.document import attach_overview
from delphi.demo.simulate import Simulation, load_plan
from delphi.extensions import db
from delphi.models import Panellist, Response, ResponseStatus, Role, Round, StaffUser, Study, utcnow
from delphi.panel.importer import import_panel
from delphi.panel.tokens import link_for
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round
from delphi.studies.study_file import import_study_file, parse_study_file

DEMO_DIR = Path(__file__).parent
STUDY_FILE = DEMO_DIR / "cpi-guidance.toml"
PANEL_FILE = DEMO_DIR / "panel.csv"
ADMIN_EMAIL = "admin@example.org"
ROUND_TWO_DAYS = 14

# The three panellist links printed, one for each state of a round-2 response.
LINK_LABELS = {
    ResponseStatus.INVITED: "has not started round 2",
    ResponseStatus.DRAFT: "has saved a round 2 draft",
    ResponseStatus.SUBMITTED: "has submitted round 2",
}


@dataclass(frozen=True)
class PanellistLink:
    label: str
    panellist: Panellist
    url: str


@dataclass(frozen=True)
class LoadedDemo:
    """What ``delphi demo`` prints: the study, the staff login and three panellist links."""

    study: Study
    admin_email: str
    admin_password: str | None  # None: the account already existed; its password is unchanged
    links: list[PanellistLink]


def database_holds_data() -> bool:
    """True when any study exists: the demo only goes into an empty database."""
    return db.session.scalar(db.select(Study.id).limit(1)) is not None


def load_demo() -> LoadedDemo:
    """Build the demo study in the current transaction and return the login and links."""
    admin, password = _demo_admin()
    study = import_study_file(parse_study_file(STUDY_FILE.read_bytes(), STUDY_FILE.name), by=admin)
    attach_overview(study, by=admin)
    import_panel(study, PANEL_FILE.read_bytes(), PANEL_FILE.name, by=admin)
    panellists = list(
        db.session.scalars(
            db.select(Panellist).filter_by(study_id=study.id).order_by(Panellist.pseudonym)
        )
    )
    simulation = Simulation(load_plan(), study, panellists, by=admin)
    agree_and_answer(study, panellists, set(simulation.plan.participation["round1_not_started"]))

    round_one = open_round(study, closes_at=utcnow() + timedelta(days=21), by=admin)
    simulation.answer_round_one(round_one)
    round_one.closes_at = utcnow()  # the simulated round has run to its deadline
    close_round(round_one, by=admin)
    simulation.review(round_one)
    round_two = launch_next_round(
        study, closes_at=utcnow() + timedelta(days=ROUND_TWO_DAYS), by=admin
    )
    simulation.answer_round_two(round_one, round_two)
    simulation.backdate(round_one, round_two)
    backdate_consent(study, round_one)
    return LoadedDemo(study, admin.email, password, _sample_links(round_two))


def _demo_admin() -> tuple[StaffUser, str | None]:
    """The staff administrator to sign in with, created with a fresh password if missing."""
    admin = find_staff(ADMIN_EMAIL)
    if admin is not None:
        return admin, None
    password = secrets.token_urlsafe(12)
    admin = create_staff(ADMIN_EMAIL, role=Role.ADMIN, password=password, name="Demo administrator")
    return admin, password


def _sample_links(round_two: Round) -> list[PanellistLink]:
    """One panellist link for each state of a round-2 response, first panellist of each."""
    links = []
    for status, label in LINK_LABELS.items():
        panellist = db.session.scalar(
            db.select(Panellist)
            .join(Response, Response.panellist_id == Panellist.id)
            .where(Response.round_id == round_two.id, Response.status == status)
            .order_by(Panellist.id)
            .limit(1)
        )
        if panellist is not None:
            links.append(PanellistLink(label, panellist, link_for(panellist)))
    return links
