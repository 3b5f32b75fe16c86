"""The supplementary bundle for the journal and the data repository: one ZIP holding the report
(HTML and PDF), each round's questionnaire as panellists saw it, the invitation and reminder
texts, the study file, the consensus definition's audit history, every table of the report as
CSV, and the raw data with its codebook.

The raw data in the bundle is meant to be shared: in a round where a stakeholder group had
fewer submitted responses than the study's minimum group size, its panellists' rows (their
ratings, comments, reasons, section comments and suggestions) read "another group".
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence

from flask import render_template

from delphi import audit
from delphi.consensus.definition import SETTINGS as CONSENSUS_SETTINGS
from delphi.extensions import db
from delphi.mail.outbox import STANDARD_TEXTS
from delphi.models import AuditEvent, StaffUser, Study
from delphi.reports.csv_export import export_csv, write_csv
from delphi.reports.data import StudyReport, build_report
from delphi.reports.html import export_pdf, render_html
from delphi.reports.raw_export import (
    SECTION_COMMENT_COLUMNS,
    SUGGESTION_COLUMNS,
    codebook,
    section_comment_rows,
    suggestion_rows,
    write_ratings,
)
from delphi.reports.remarks import ANOTHER_GROUP
from delphi.reports.story import story_tables
from delphi.studies.export import export_study_file

# The study columns of the consensus definition, whose changes the history lists.
_DEFINITION_KEYS = {setting.column for setting in CONSENSUS_SETTINGS}


def _small_groups(report: StudyReport) -> dict[int, set[str]]:
    """Per round, the groups with fewer submitted responses than the study's minimum size."""
    return {
        r.number: {
            g
            for g in report.groups
            if r.participation.responded_by_group.get(g, 0) < report.study.min_group_size
        }
        for r in report.rounds
    }


def _group_shown(small: dict[int, set[str]]) -> Callable[[int, str], str]:
    """The group a round's rows give for a panellist's group: small groups' names replaced."""

    def shown(number: int, group: str) -> str:
        return ANOTHER_GROUP if group in small.get(number, ()) else group

    return shown


def _shareable(rows: Iterable[Sequence[object]], small: dict[int, set[str]]) -> list[list[object]]:
    """Rows laid out [panellist, group, round, ...] with a small group's name replaced."""
    shared = []
    for panellist, group, number, *rest in rows:
        hidden = group in small.get(int(str(number or 0)), set())
        shared.append([panellist, ANOTHER_GROUP if hidden else group, number, *rest])
    return shared


def definition_history(study: Study) -> tuple[list[str], list[list[object]]]:
    """The consensus definition's audit history: each change of a setting of the definition
    (when, who, before, after), then the definition each round recorded when it opened."""
    columns = ["when_utc", "who", "event", "setting", "before", "after"]
    rows: list[list[object]] = []
    events = db.session.execute(
        db.select(AuditEvent, StaffUser.name)
        .outerjoin(StaffUser, AuditEvent.staff_id == StaffUser.id)
        .where(
            AuditEvent.study_id == study.id,
            AuditEvent.action.in_(("study.create", "study.update", "study.import", "round.open")),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    for event, name in events:
        who = name or ("a staff member" if "@" in event.actor else event.actor)
        when = event.created_at.strftime("%Y-%m-%d %H:%M")
        before, after = event.before or {}, event.after or {}
        if event.action == "round.open":
            rows.append([when, who, f"{event.target} opened: definition fixed", "", "", ""])
            continue
        for key in sorted(_DEFINITION_KEYS & (set(before) | set(after))):
            rows.append([when, who, event.action, key, before.get(key, ""), after.get(key, "")])
    for round_ in study.rounds:
        for key, value in (round_.settings or {}).items():
            when = round_.opened_at.strftime("%Y-%m-%d %H:%M") if round_.opened_at else ""
            rows.append([when, "", f"recorded with round {round_.number}", key, "", value])
    return columns, rows


def _messages(study: Study) -> str:
    parts = []
    for key, standard in STANDARD_TEXTS.items():
        text = getattr(study, key) or standard
        parts.append(f"== {key.replace('_', ' ')} ==\n{text}\n")
    return (
        "The texts panellists received; {study}, {round}, {link}, {deadline} and {contact} "
        "were filled in for each message.\n\n" + "\n".join(parts)
    )


def _questionnaires(report: StudyReport) -> dict[str, str]:
    """Each opened round's questionnaire as panellists saw it, read-only."""
    pages = {}
    for round_ in report.study.rounds:
        if round_.opened_at is None:
            continue
        pages[f"questionnaire/round-{round_.number}.html"] = render_template(
            "reports/bundle_questionnaire.html", study=report.study, round_=round_
        )
    return pages


def build_bundle(
    study: Study,
    *,
    by: StaffUser | None = None,
    on_round: Callable[[int], None] | None = None,
) -> bytes:
    """The study's supplementary bundle as ZIP bytes; recorded in the audit trail.
    ``on_round`` is called as each round is read (see ``build_report``)."""
    report = build_report(study, on_round=on_round)
    small = _small_groups(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(slug=study.slug, size=study.min_group_size))
        page = render_html(report, stylesheet="inline")
        archive.writestr("report.html", page.encode("utf-8"))
        archive.writestr("report.pdf", export_pdf(report, page))
        archive.writestr("tables/items.csv", export_csv(report))
        for title, columns, rows in story_tables(report):
            name = title.lower().replace(" ", "_")
            archive.writestr(f"tables/{name}.csv", write_csv(columns, rows))
        for name, page in _questionnaires(report).items():
            archive.writestr(name, page)
        archive.writestr("messages.txt", _messages(study))
        archive.writestr("study.toml", export_study_file(study))
        archive.writestr("consensus_definition_history.csv", write_csv(*definition_history(study)))
        write_ratings(archive, "raw/ratings.csv", report, _group_shown(small))
        archive.writestr(
            "raw/section_comments.csv",
            write_csv(SECTION_COMMENT_COLUMNS, _shareable(section_comment_rows(report), small)),
        )
        archive.writestr(
            "raw/suggestions.csv",
            write_csv(SUGGESTION_COLUMNS, _shareable(suggestion_rows(report), small)),
        )
        archive.writestr(
            "raw/codebook.txt",
            (codebook(report) + SHAREABLE_NOTE.format(size=study.min_group_size)).encode(),
        )
    audit.record(
        "report.bundle",
        study=study,
        by=by,
        target=study.slug,
        after={"rounds": len(report.reported_rounds)},
    )
    db.session.flush()
    return buffer.getvalue()


SHAREABLE_NOTE = """
In this bundle, a panellist whose stakeholder group had fewer than {size} submitted responses in
a round is in the group "another group" in that round's rows, so that the data can be shared.
"""

README = """Supplementary material of the Delphi study {slug}

report.html, report.pdf     The consensus report (methods, participation, participant flow,
                            every item round by round, final status, decisions, comments).
tables/*.csv                Every table of the report: items (one row per item and round),
                            participation, participant flow, item flow, final status and the
                            team's decisions from the audit trail.
questionnaire/round-N.html  Each round's questionnaire as panellists saw it (read-only).
messages.txt                The invitation and reminder texts.
study.toml                  The study file: settings, sections and items as set up.
consensus_definition_history.csv
                            Every change to the consensus definition, and the definition each
                            round recorded when it opened.
raw/                        Every rating in long format with pseudonymous ids, section comments,
                            suggestions and the codebook. Groups with fewer than {size}
                            responses in a round read "another group".
"""
