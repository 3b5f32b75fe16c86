"""Consent: the versions of the information sheet and statements, what each panellist agreed to,
withdrawal, and the consent log.

A study with neither a sheet nor a statement asks for no consent. Otherwise a panellist answers
only after agreeing to a version; when the team changes the sheet or the statements once round 1
has opened (or anyone has agreed), a new version is made, and if the team asks for it every
panellist who agreed to an earlier version agrees again before answering on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from delphi import audit
from delphi.extensions import db
from delphi.models import (
    ConsentEvent,
    ConsentEventKind,
    ConsentVersion,
    Panellist,
    StaffUser,
    Study,
    WithdrawalRule,
)
from delphi.panel.erasure import erase_panellist
from delphi.panel.operations import withdraw
from delphi.refusal import Refused
from delphi.reports.safety import neutralise_row

PANELLIST_ACTOR = "the panellist, through their link"

RULE_WORDS = {
    WithdrawalRule.KEEP: (
        "If you withdraw, the answers you have already given are kept and used under your "
        "pseudonym; your name and e-mail address are never shown with them."
    ),
    WithdrawalRule.ERASE: (
        "If you withdraw, your name, e-mail address, comments, background answers and any "
        "answers to a round still open are erased. Ratings in rounds that have already closed "
        "stay in the published statistics, without anything that leads to you."
    ),
}


class ConsentRefused(Refused):
    """A consent, a withdrawal or a change to the sheet is refused; the message says why."""


# Built once, as every answering page runs it (see ``current_version``).
_LATEST_VERSION = (
    db.select(ConsentVersion)
    .where(ConsentVersion.study_id == db.bindparam("study_id"))
    .order_by(ConsentVersion.number.desc())
    .limit(1)
)


def current_version(study: Study) -> ConsentVersion | None:
    """The sheet and statements in force: the study's latest version, if any. Its statement is
    built once: a statement object keeps its cache key, so running it again skips building and
    hashing it."""
    return db.session.scalar(_LATEST_VERSION, {"study_id": study.id})


def asks_consent(version: ConsentVersion | None) -> bool:
    return version is not None and sheet_asks(version.sheet, version.statements)


def sheet_asks(sheet: str, statements: list[str]) -> bool:
    """Whether a version with this sheet and these statements asks panellists to agree."""
    return bool(sheet.strip() or statements)


def last_consent(panellist: Panellist) -> ConsentEvent | None:
    """The panellist's latest consent event (consented or withdrew)."""
    return db.session.scalar(
        db.select(ConsentEvent)
        .filter_by(panellist_id=panellist.id)
        .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())
        .limit(1)
    )


def consent_needed(panellist: Panellist) -> ConsentVersion | None:
    """The version the panellist must agree to before answering, or None when they may answer.

    They must when the study asks for consent and they never agreed, or when a version later
    than the one they agreed to asks everyone to agree again.
    """
    version = current_version(panellist.study)
    if not asks_consent(version):
        return None
    assert version is not None
    agreed = last_consent(panellist)
    if agreed is None or agreed.kind is not ConsentEventKind.CONSENTED:
        return version
    later = db.session.scalar(
        db.select(db.func.count(ConsentVersion.id)).where(
            ConsentVersion.study_id == panellist.study_id,
            ConsentVersion.number > agreed.version.number,
            ConsentVersion.reconsent.is_(True),
        )
    )
    return version if later else None


def record_consent(panellist: Panellist, version: ConsentVersion, ticked: set[int]) -> None:
    """Record that the panellist agreed to ``version``: every statement must be ticked."""
    if not panellist.active:
        raise ConsentRefused("This link has been withdrawn from the study.")
    current = current_version(panellist.study)
    if current is None or current.id != version.id:
        raise ConsentRefused(
            "The information sheet changed while you were reading it. Read the new version "
            "below and agree again.",
            "statements",
        )
    missing = [n for n in range(1, len(version.statements) + 1) if n not in ticked]
    if missing:
        raise ConsentRefused(
            "Tick every statement to take part; not ticked: "
            + ", ".join(f"statement {n}" for n in missing)
            + ".",
            "statements",
        )
    db.session.add(
        ConsentEvent(
            study_id=panellist.study_id,
            panellist_id=panellist.id,
            version=version,
            kind=ConsentEventKind.CONSENTED,
        )
    )
    _record(panellist, "consent.give", {"version": version.number})
    db.session.flush()


def withdraw_consent(panellist: Panellist) -> WithdrawalRule:
    """The panellist withdraws consent: their link stops, and the study's rule is applied to
    their answers (kept under the pseudonym, or erased with the panel's erasure)."""
    if not panellist.active:
        raise ConsentRefused("You have already withdrawn from this study.")
    study = panellist.study
    version = current_version(study)
    if version is not None:
        db.session.add(
            ConsentEvent(
                study_id=study.id,
                panellist_id=panellist.id,
                version=version,
                kind=ConsentEventKind.WITHDREW,
            )
        )
    rule = study.withdrawal_rule
    _record(panellist, "consent.withdraw", {"rule": rule.value})
    withdraw(panellist, actor=PANELLIST_ACTOR)
    if rule is WithdrawalRule.ERASE:
        erase_panellist(panellist, actor=PANELLIST_ACTOR)
    db.session.flush()
    return rule


def _record(panellist: Panellist, action: str, after: dict) -> None:
    audit.record(
        action,
        study=panellist.study,
        actor=PANELLIST_ACTOR,
        target=panellist.pseudonym,
        after=after,
    )


def set_consent_text(
    study: Study,
    *,
    sheet: str,
    statements: list[str],
    reconsent: bool = False,
    by: StaffUser | None = None,
) -> ConsentVersion | None:
    """Set the information sheet and statements. Before round 1 opens and before anyone agreed,
    the current version changes in place; after, a new version is made, which asks everyone to
    agree again when ``reconsent``. Returns the version in force (None: nothing asked)."""
    version = current_version(study)
    if version is not None and version.sheet == sheet and version.statements == statements:
        return version
    if version is None and not sheet.strip() and not statements:
        return None
    agreed = version is not None and (
        db.session.scalar(
            db.select(db.func.count(ConsentEvent.id)).filter_by(version_id=version.id)
        )
        or 0
    )
    if version is None or agreed or study.consensus_locked:
        before = {"version": version.number} if version is not None else None
        version = ConsentVersion(
            study_id=study.id,
            number=version.number + 1 if version is not None else 1,
            sheet=sheet,
            statements=statements,
            reconsent=reconsent and before is not None,
        )
        db.session.add(version)
    else:
        before = {"version": version.number}
        version.sheet, version.statements = sheet, statements
    audit.record(
        "consent.change",
        study=study,
        by=by,
        target=study.slug,
        before=before,
        after={
            "version": version.number,
            "statements": len(statements),
            "reconsent": version.reconsent,
        },
    )
    db.session.flush()
    return version


@dataclass(frozen=True)
class ConsentLogRow:
    pseudonym: str
    version: int
    at: datetime
    event: str


LOG_COLUMNS = ["pseudonym", "version", "time_utc", "event"]


def consent_log(study: Study) -> list[ConsentLogRow]:
    """Every consent event of the study, oldest first: pseudonym, version, time, event."""
    rows = db.session.execute(
        db.select(Panellist.pseudonym, ConsentVersion.number, ConsentEvent.at, ConsentEvent.kind)
        .join(Panellist, ConsentEvent.panellist_id == Panellist.id)
        .join(ConsentVersion, ConsentEvent.version_id == ConsentVersion.id)
        .where(ConsentEvent.study_id == study.id)
        .order_by(ConsentEvent.at, ConsentEvent.id)
    ).all()
    return [ConsentLogRow(p, n, at, kind.value) for p, n, at, kind in rows]


def consent_log_csv(study: Study, *, by: StaffUser | None = None) -> str:
    """The consent log as CSV for the ethics committee; recorded in the audit trail."""
    rows = consent_log(study)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LOG_COLUMNS)
    for row in rows:
        writer.writerow(
            neutralise_row([row.pseudonym, row.version, f"{row.at:%Y-%m-%d %H:%M:%S}", row.event])
        )
    audit.record(
        "consent.log_export", study=study, by=by, target=study.slug, after={"rows": len(rows)}
    )
    return buffer.getvalue()
