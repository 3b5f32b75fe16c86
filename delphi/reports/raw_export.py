"""Raw ratings for analysis in R or SPSS: a ZIP of a long-format CSV and its codebook, with
panellists' section comments and suggestions beside it.

One row per panellist, round and item, for every submitted response of the reported rounds.
Panellists appear only by their pseudonymous id, stable within the study.
"""

from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa

from delphi.consent.characteristics import (
    BACKGROUND_COLUMNS,
    background_codebook,
    background_rows,
)
from delphi.extensions import db
from delphi.models import (
    Panellist,
    Rating,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    Section,
    SectionComment,
    Suggestion,
)
from delphi.reports.csv_export import write_csv
from delphi.reports.data import StudyReport

COLUMNS = [
    "panellist",
    "group",
    "round",
    "section",
    "item",
    "value",
    "unable",
    "missing",
    "comment",
    "reason",
]
SECTION_COMMENT_COLUMNS = ["panellist", "group", "round", "section", "comment"]
SUGGESTION_COLUMNS = [
    "panellist",
    "group",
    "round",
    "kind",
    "section",
    "item",
    "text",
    "outcome",
    "resulting_item",
    "reason",
]


def raw_rows(report: StudyReport) -> list[tuple[object, ...]]:
    """The long-format rows, in one statement whatever the study's size: every item of a round
    for every panellist who submitted it, with the rating when there is one."""
    study = report.study
    unable = sa.func.coalesce(Rating.unable, sa.false())
    statement = (
        db.select(
            Panellist.pseudonym,
            Panellist.group,
            Round.number,
            Section.code,
            RoundItem.code,
            Rating.value,
            sa.case((unable, 1), else_=0),
            sa.case((sa.and_(Rating.value.is_(None), sa.not_(unable)), 1), else_=0),
            sa.func.coalesce(Rating.comment, ""),
            sa.func.coalesce(Rating.reason, ""),
        )
        .select_from(Response)
        .join(Round, Response.round_id == Round.id)
        .join(Panellist, Response.panellist_id == Panellist.id)
        .join(RoundItem, RoundItem.round_id == Round.id)
        .join(Section, RoundItem.section_id == Section.id)
        .outerjoin(
            Rating,
            sa.and_(Rating.response_id == Response.id, Rating.round_item_id == RoundItem.id),
        )
        .where(
            Round.study_id == study.id,
            Round.number.in_(report.reported_rounds),
            Response.status == ResponseStatus.SUBMITTED,
        )
        .order_by(Round.number, Panellist.pseudonym, RoundItem.position, RoundItem.id)
    )
    # Plain tuples from the database cursor: no row objects for hundreds of thousands of rows.
    result = db.session.connection().execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def section_comment_rows(report: StudyReport) -> list[list[object]]:
    """Each submitted comment on a section, by panellist."""
    return [
        list(row)
        for row in db.session.execute(
            db.select(
                Panellist.pseudonym,
                Panellist.group,
                Round.number,
                Section.code,
                SectionComment.comment,
            )
            .join(Response, SectionComment.response_id == Response.id)
            .join(Round, Response.round_id == Round.id)
            .join(Panellist, Response.panellist_id == Panellist.id)
            .join(Section, SectionComment.section_id == Section.id)
            .where(
                Round.study_id == report.study.id,
                Round.number.in_(report.reported_rounds),
                Response.status == ResponseStatus.SUBMITTED,
            )
            .order_by(Round.number, Panellist.pseudonym, Section.position, Section.id)
        )
    ]


def suggestion_rows(report: StudyReport) -> list[list[object]]:
    """Each suggestion of the reported rounds with what became of it, by panellist."""
    writers = {
        row.id: (row.pseudonym, row.group)
        for row in db.session.execute(
            db.select(Suggestion.id, Panellist.pseudonym, Panellist.group)
            .join(Panellist, Suggestion.panellist_id == Panellist.id)
            .join(Round, Suggestion.round_id == Round.id)
            .where(Round.study_id == report.study.id)
        )
    }
    return [
        [
            *writers.get(s.id, ("", "")),
            s.round,
            s.kind,
            s.section_code or "",
            s.item_code or "",
            s.text,
            s.outcome,
            s.resulting_code or "",
            s.reason or "",
        ]
        for round_ in report.rounds
        if round_.number in report.reported_rounds
        for s in round_.suggestions
    ]


def codebook(report: StudyReport) -> str:
    study = report.study
    labels = "\n".join(
        f"    {p} = {study.label_for(p)}" for p in study.scale_points if study.label_for(p)
    )
    groups = "\n".join(f"    {g}" for g in report.groups)
    rounds = ", ".join(str(n) for n in report.reported_rounds)
    return f"""Codebook for ratings.csv: {study.title} ({study.slug})

One row per panellist, round and item, for every panellist who submitted the round.
Rounds included: {rounds or "none"}. Encoding UTF-8, comma-separated, one header row.
Text cells that begin with = + - @ (or a tab or carriage return) are prefixed with a single
quote so that a spreadsheet does not run them as formulas.

panellist  Pseudonymous panellist id, stable across rounds of this study (text).
group      Stakeholder group of the panellist (text):
{groups or "    (none)"}
round      Round number (integer, 1 = first round).
section    Code of the guidance section (text).
item       Code of the item as shown in that round (text). A reworded item has a new code;
           the rewording history is in the study report.
value      Rating on the scale {study.scale_min} to {study.scale_max} (integer); empty when the
           panellist was unable to rate the item or left it out.
{labels}
unable     1 if the panellist chose "unable to rate", else 0.
missing    1 if the panellist submitted the round without answering the item, else 0.
comment    The panellist's comment on the item, if any (text).
reason     The panellist's reason for a rating outside the group's interquartile range, if
           asked and given (text).

section_comments.csv: one row per comment on a section (panellist, group, round, section,
comment).

suggestions.csv: one row per suggestion made in a reported round (panellist, group, round,
kind: "new item" or "rewording", section, item to reword, text, outcome: pending, new_item,
new_wording or declined, resulting_item: the item made from it, reason: the reason stored with
the outcome). A former panellist's suggestion has an empty panellist and group.

In R: read.csv("ratings.csv", na.strings = "", encoding = "UTF-8").
In SPSS: File > Import Data > CSV Data, with value as a numeric variable.
"""


def export_raw(report: StudyReport) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ratings.csv", write_csv(COLUMNS, raw_rows(report)))
        archive.writestr(
            "section_comments.csv",
            write_csv(SECTION_COMMENT_COLUMNS, section_comment_rows(report)),
        )
        archive.writestr("suggestions.csv", write_csv(SUGGESTION_COLUMNS, suggestion_rows(report)))
        if background := background_codebook(report.study):
            archive.writestr(
                "background.csv", write_csv(BACKGROUND_COLUMNS, background_rows(report.study))
            )
        archive.writestr("codebook.txt", (codebook(report) + background).encode("utf-8"))
    return buffer.getvalue()
