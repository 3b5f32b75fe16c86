"""Open sign-up's operations: sign up, confirm, accept or decline, and clear expired sign-ups.

Nobody learns from the sign-up page whether an address is on the panel: every sign-up gets the
same reply, and only the address's owner learns more, by e-mail (a confirmation link, or a note
that they are already on the panel with their own link). Audit events name panellists by
pseudonym and sign-ups by number, never by name or address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy.exc import IntegrityError

from delphi import audit
from delphi.consent.operations import current_version, record_consent
from delphi.extensions import db
from delphi.models import (
    ConsentVersion,
    JoinedBy,
    Panellist,
    Signup,
    SignupState,
    SignupStatus,
    StaffUser,
    Study,
    utcnow,
)
from delphi.panel.groups import study_groups
from delphi.panel.operations import add_panellist
from delphi.refusal import Refused
from delphi.rounds.lifecycle import open_round_of
from delphi.signup.messages import (
    CONFIRMATION_HOURS,
    queue_already_on_panel,
    queue_confirmation,
    queue_declined,
    queue_welcome,
)
from delphi.signup.tokens import issue_confirmation

SIGNUP_ACTOR = "the person, through the sign-up page"


class SignupRefused(Refused):
    """A sign-up, a confirmation or a review decision is refused; the message says why."""


class Confirmed(Enum):
    JOINED = "joined"  # now a panellist; their personal link is on its way
    AWAITING_REVIEW = "awaiting_review"  # the team accepts or declines


@dataclass(frozen=True)
class GroupPlace:
    group: str
    cap: int | None  # None: no cap
    taken: int  # panellists in the group and confirmed sign-ups awaiting review

    @property
    def full(self) -> bool:
        return self.cap is not None and self.taken >= self.cap


def group_places(study: Study) -> list[GroupPlace]:
    """Each stakeholder group of the study (its panel's and its caps') with its cap and the
    places taken; groups match whatever their case."""
    names = {g.casefold(): g for g in study_groups(study)}
    for group in study.signup_caps:
        names.setdefault(group.casefold(), group)
    caps = {group.casefold(): cap for group, cap in study.signup_caps.items()}
    taken: dict[str, int] = {}
    for model in (Panellist, Signup):
        query = db.select(model.group, db.func.count()).where(model.study_id == study.id)
        if model is Panellist:
            query = query.where(Panellist.erased_at.is_(None))
        else:
            query = query.where(Signup.status == SignupStatus.AWAITING_REVIEW)
        for group, count in db.session.execute(query.group_by(model.group)):
            taken[group.casefold()] = taken.get(group.casefold(), 0) + count
    return [
        GroupPlace(name, caps.get(key), taken.get(key, 0))
        for key, name in sorted(names.items(), key=lambda pair: pair[1].casefold())
    ]


def offered_groups(study: Study) -> list[str]:
    """The groups the sign-up page offers: every group that is not full."""
    return [place.group for place in group_places(study) if not place.full]


def meets_eligibility(study: Study, answers: list[str | None]) -> bool:
    """Whether each eligibility question's answer is one it accepts."""
    questions = study.signup_questions
    return len(answers) == len(questions) and all(
        answer in question["accepted"] for question, answer in zip(questions, answers, strict=True)
    )


def _on_panel(study: Study, email: str) -> Panellist | None:
    return db.session.scalar(
        db.select(Panellist).where(
            Panellist.study_id == study.id, db.func.lower(Panellist.email) == email.lower()
        )
    )


def _pending(study: Study, email: str) -> Signup | None:
    return db.session.scalar(
        db.select(Signup).where(Signup.study_id == study.id, Signup.email == email.lower())
    )


def sign_up(
    study: Study, *, name: str, email: str, group: str, consent: ConsentVersion | None
) -> None:
    """Take a sign-up (the form checked eligibility and consent): queue a confirmation link, or,
    for an address already on the panel, a note with that panellist's own link. A second
    sign-up with an address waiting for confirmation sends a new link and adds nothing."""
    if study.signup is not SignupState.OPEN:
        raise SignupRefused("Sign-up to this study has closed.")
    if group.casefold() not in {g.casefold() for g in offered_groups(study)}:
        raise SignupRefused(
            f"The group {group} is full or not part of this study; choose another.", "group"
        )
    panellist = _on_panel(study, email)
    if panellist is not None:
        queue_already_on_panel(study, panellist)
        db.session.flush()
        return
    signup = _pending(study, email)
    now = utcnow()
    if signup is None:
        signup = _new_signup(study, name, email, group, consent, now)
    if signup is None:  # taken by a sign-up that has already gone again
        return
    if signup.status is SignupStatus.AWAITING_REVIEW:
        return
    signup.expires_at = now + timedelta(hours=CONFIRMATION_HOURS)
    issue_confirmation(signup)
    db.session.flush()
    queue_confirmation(study, signup)
    db.session.flush()


def _new_signup(
    study: Study,
    name: str,
    email: str,
    group: str,
    consent: ConsentVersion | None,
    now: datetime,
) -> Signup | None:
    """Add the sign-up in a savepoint. When a sign-up with the same address was saved at the
    same moment (the database's unique rule refuses this one), that sign-up is returned, so
    the second ends as any repeated sign-up does: the same page, a new link."""
    signup = Signup(
        study_id=study.id,
        name=name,
        email=email.lower(),
        group=group,
        consent_version_id=consent.id if consent else None,
        created_at=now,
        expires_at=now + timedelta(hours=CONFIRMATION_HOURS),
    )
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError:
        return _pending(study, email)
    return signup


def confirm(signup: Signup) -> Confirmed:
    """Confirm a sign-up's address (its link then stops working): with automatic acceptance
    the person joins the panel; with review they wait for the team."""
    if signup.status is not SignupStatus.UNCONFIRMED or signup.expires_at <= utcnow():
        raise SignupRefused("This confirmation link has expired or has already been used.")
    # Confirmations of one study take turns (a row lock on PostgreSQL; SQLite writes one
    # transaction at a time): two at the same moment cannot both take a group's last place.
    study = db.session.scalars(
        db.select(Study)
        .where(Study.id == signup.study_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    signup.token_nonce = signup.token_hash = None
    signup.confirmed_at = utcnow()
    if study.signup is not SignupState.OPEN:
        db.session.delete(signup)
        db.session.flush()
        raise SignupRefused(
            "Sign-up to this study closed before you confirmed; the details you gave are "
            "deleted. Write to the research team if you would still like to take part."
        )
    if signup.group.casefold() not in {g.casefold() for g in offered_groups(study)}:
        db.session.delete(signup)
        db.session.flush()
        raise SignupRefused(
            f"The group {signup.group} filled up before you confirmed; the details you gave "
            "are deleted. Write to the research team if you would still like to take part."
        )
    if study.signup_review:
        signup.status = SignupStatus.AWAITING_REVIEW
        audit.record(
            "signup.confirm",
            study=study,
            actor=SIGNUP_ACTOR,
            target=f"sign-up {signup.id}",
            after={"group": signup.group, "status": signup.status.value},
        )
        db.session.flush()
        return Confirmed.AWAITING_REVIEW
    _admit(study, signup, actor=SIGNUP_ACTOR)
    return Confirmed.JOINED


def accept(signup: Signup, *, by: StaffUser | None = None) -> Panellist:
    """The team accepts a confirmed sign-up: the person joins the panel and gets their link."""
    study = _awaiting(signup)
    panellist = _admit(study, signup, by=by)
    audit.record(
        "signup.accept",
        study=study,
        by=by,
        target=f"sign-up {signup.id}",
        after={"pseudonym": panellist.pseudonym, "group": panellist.group},
    )
    db.session.flush()
    return panellist


def decline(signup: Signup, *, by: StaffUser | None = None) -> None:
    """The team declines a confirmed sign-up: the person is told and their details deleted."""
    study = _awaiting(signup)
    queue_declined(study, signup)
    audit.record(
        "signup.decline",
        study=study,
        by=by,
        target=f"sign-up {signup.id}",
        after={"group": signup.group},
    )
    db.session.delete(signup)
    db.session.flush()


def _awaiting(signup: Signup) -> Study:
    if signup.status is not SignupStatus.AWAITING_REVIEW:
        raise SignupRefused(f"Sign-up {signup.id} is not awaiting review.")
    return db.session.get_one(Study, signup.study_id)


def _admit(
    study: Study, signup: Signup, *, by: StaffUser | None = None, actor: str | None = None
) -> Panellist:
    """Make the sign-up a panellist (next pseudonym, personal link, invited to the open round)
    with the consent given on the sign-up page, send the link, and delete the sign-up."""
    existing = _on_panel(study, signup.email)
    if existing is not None:
        raise SignupRefused(f"{signup.email} is already on the panel as {existing.pseudonym}.")
    panellist = add_panellist(
        study,
        name=signup.name,
        email=signup.email,
        group=signup.group,
        by=by,
        actor=actor,
        joined_by=JoinedBy.SIGNUP,
    )
    version = signup.consent_version
    current = current_version(study)
    if version is not None and current is not None and version.id == current.id:
        record_consent(panellist, version, set(range(1, len(version.statements) + 1)))
    if open_round_of(study) is None:  # otherwise the round's invitation carries the link
        queue_welcome(study, panellist)
    db.session.delete(signup)
    db.session.flush()
    return panellist


def awaiting_review(study: Study) -> list[Signup]:
    return list(
        db.session.scalars(
            db.select(Signup)
            .filter_by(study_id=study.id, status=SignupStatus.AWAITING_REVIEW)
            .order_by(Signup.confirmed_at, Signup.id)
        )
    )


def delete_expired(now: datetime | None = None) -> int:
    """Delete every sign-up not confirmed in time, with its confirmation message; how many."""
    result = db.session.execute(
        db.delete(Signup)
        .where(Signup.status == SignupStatus.UNCONFIRMED, Signup.expires_at <= (now or utcnow()))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
