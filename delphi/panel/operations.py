"""The panel as the research team manages it: add, edit, withdraw, reinstate, new links.

Audit events name panellists by pseudonym and never copy names or e-mail addresses, so erasing a
panellist on request leaves no identity behind in the trail.
"""

from __future__ import annotations

from delphi import audit
from delphi.extensions import db
from delphi.models import JoinedBy, Panellist, StaffUser, Study, utcnow
from delphi.panel.groups import spelt_as_study
from delphi.panel.importer import next_pseudonym_number
from delphi.panel.tokens import issue_token
from delphi.refusal import Refused
from delphi.rounds.lifecycle import invite_panel, open_round_of


class PanelError(Refused):
    """A change to the panel is refused; ``field`` names the form field at fault."""


def _require_free_email(study: Study, email: str, panellist: Panellist | None = None) -> None:
    other = db.session.scalar(
        db.select(Panellist).where(
            Panellist.study_id == study.id, db.func.lower(Panellist.email) == email.lower()
        )
    )
    if other is not None and other is not panellist:
        raise PanelError(f"{email} is already on the panel as {other.pseudonym}.", "email")


def add_panellist(
    study: Study,
    *,
    name: str,
    email: str,
    group: str,
    by: StaffUser | None = None,
    joined_by: JoinedBy = JoinedBy.CONSOLE,
    actor: str | None = None,
) -> Panellist:
    """Add one panellist with a new personal link; invite them if a round is open. The group
    takes the study's spelling when it exists in another case. ``joined_by`` says how they
    came (the Panel page unless said otherwise); ``actor`` names who added them when it is not
    staff."""
    _require_free_email(study, email)
    group = spelt_as_study(study, group)
    panellist = Panellist(
        study=study,
        pseudonym=f"P{next_pseudonym_number(study):03d}",
        name=name,
        email=email,
        group=group,
        joined_by=joined_by,
    )
    issue_token(panellist)
    db.session.add(panellist)
    db.session.flush()
    round_ = open_round_of(study)
    if round_ is not None:
        invite_panel(study, round_)
    audit.record(
        "panellist.add",
        study=study,
        by=by,
        actor=actor,
        target=panellist.pseudonym,
        after={
            "group": group,
            "joined_by": joined_by.value,
            "invited_to_round": round_.number if round_ else None,
        },
    )
    db.session.flush()
    return panellist


def update_panellist(
    panellist: Panellist, *, name: str, email: str, group: str, by: StaffUser | None = None
) -> None:
    if panellist.erased_at is not None:
        raise PanelError(f"{panellist.pseudonym} was erased on request and cannot be edited.")
    _require_free_email(panellist.study, email, panellist)
    group = spelt_as_study(panellist.study, group)
    before = {"group": panellist.group}
    changed = [
        key for key, value in (("name", name), ("email", email)) if getattr(panellist, key) != value
    ]
    panellist.name, panellist.email, panellist.group = name, email, group
    audit.record(
        "panellist.update",
        study=panellist.study,
        by=by,
        target=panellist.pseudonym,
        before=before,
        after={"group": group, "changed": changed},
    )
    db.session.flush()


def withdraw(
    panellist: Panellist, *, by: StaffUser | None = None, actor: str | None = None
) -> None:
    """Withdraw a panellist: no more invitations or reminders from now on. ``actor`` names who
    asked when it is not staff (the panellist withdrawing consent through their link)."""
    if panellist.withdrawn_at is not None:
        raise PanelError(f"{panellist.pseudonym} is already withdrawn.")
    panellist.withdrawn_at = utcnow()
    audit.record(
        "panellist.withdraw",
        study=panellist.study,
        by=by,
        actor=actor,
        target=panellist.pseudonym,
        before={"withdrawn": False},
        after={"withdrawn": True},
    )
    db.session.flush()


def reinstate(panellist: Panellist, *, by: StaffUser | None = None) -> None:
    if panellist.withdrawn_at is None:
        raise PanelError(f"{panellist.pseudonym} is not withdrawn.")
    if panellist.erased_at is not None:
        raise PanelError(f"{panellist.pseudonym} was erased on request and cannot return.")
    panellist.withdrawn_at = None
    round_ = open_round_of(panellist.study)
    if round_ is not None:
        invite_panel(panellist.study, round_)
    audit.record(
        "panellist.reinstate",
        study=panellist.study,
        by=by,
        target=panellist.pseudonym,
        before={"withdrawn": True},
        after={"withdrawn": False},
    )
    db.session.flush()


def regenerate_link(panellist: Panellist, *, by: StaffUser | None = None) -> None:
    """Give the panellist a new personal link; the old one stops working at once."""
    issue_token(panellist)
    audit.record("panellist.new_link", study=panellist.study, by=by, target=panellist.pseudonym)
    db.session.flush()
