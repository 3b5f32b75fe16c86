"""The Panel page's list: one page of panellists with their response to each round, found by a
search over pseudonym, name, e-mail and group and by status. Its statements do not depend on the
panel's size: the counts are one statement, the page's panellists one, their responses one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import Panellist, Response, Round, Study

PER_PAGE = 100


class PanelStatus(StrEnum):
    """A panellist's standing on the panel, as the search offers it."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


_STATUS_CONDITION = {
    PanelStatus.ACTIVE: sa.and_(Panellist.withdrawn_at.is_(None), Panellist.erased_at.is_(None)),
    PanelStatus.WITHDRAWN: sa.and_(
        Panellist.withdrawn_at.is_not(None), Panellist.erased_at.is_(None)
    ),
    PanelStatus.ERASED: Panellist.erased_at.is_not(None),
}


@dataclass(frozen=True)
class PanelRow:
    panellist: Panellist
    responses: list[Response | None]  # one per round, in round order


@dataclass(frozen=True)
class PanelPage:
    """One page of the panel list and the counts the page states."""

    rounds: Sequence[Round]
    rows: list[PanelRow]
    total: int  # panellists in the study
    active: int  # of whom active
    found: int  # matching the search
    page: int  # this page's number, from 1
    pages: int  # pages of matching panellists (at least 1)


def _matching(study: Study, text: str, status: PanelStatus | None) -> list[sa.ColumnElement]:
    conditions: list[sa.ColumnElement] = [Panellist.study_id == study.id]
    text = text.strip()
    if text:
        conditions.append(
            sa.or_(
                *(
                    column.icontains(text, autoescape=True)
                    for column in (
                        Panellist.pseudonym,
                        Panellist.name,
                        Panellist.email,
                        Panellist.group,
                    )
                )
            )
        )
    if status is not None:
        conditions.append(_STATUS_CONDITION[status])
    return conditions


def panel_page(
    study: Study,
    *,
    text: str = "",
    status: PanelStatus | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> PanelPage:
    """Page ``page`` of the panellists matching ``text`` (in their pseudonym, name, e-mail or
    group, whatever the case) and ``status``, in the order they joined, with their responses;
    a page past the last shows the last."""
    matching = sa.and_(*_matching(study, text, status))
    total, active, found = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(_STATUS_CONDITION[PanelStatus.ACTIVE]),
            sa.func.count().filter(matching),
        ).where(Panellist.study_id == study.id)
    ).one()
    pages = max(1, math.ceil(found / per_page))
    page = min(max(1, page), pages)
    rounds = db.session.scalars(
        db.select(Round).filter_by(study_id=study.id).order_by(Round.number)
    ).all()
    panellists = db.session.scalars(
        db.select(Panellist)
        .where(matching)
        .order_by(Panellist.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    by_key = {}
    if panellists and rounds:
        responses = db.session.scalars(
            db.select(Response).where(
                Response.panellist_id.in_([p.id for p in panellists]),
                Response.round_id.in_([r.id for r in rounds]),
            )
        )
        by_key = {(r.panellist_id, r.round_id): r for r in responses}
    rows = [PanelRow(p, [by_key.get((p.id, r.id)) for r in rounds]) for p in panellists]
    return PanelPage(rounds, rows, total, active, found, page, pages)
