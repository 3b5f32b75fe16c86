"""Raw ratings for analysis in R or SPSS: a ZIP of a long-format CSV and its codebook, with
panellists' section comments and suggestions beside it.

One row per panellist, round and item, for every submitted response of the reported rounds.
Panellists appear only by their pseudonymous id, stable within the study. The ratings are read
and written a few panellists at a time, so the export holds a few megabytes beside the finished
ZIP whatever the number of ratings.
"""

from __future__ import annotations

import io
import itertools
import operator
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

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
from delphi.reports.csv_export import LINE_END, csv_fields, write_csv
from delphi.reports.data import StudyReport
from delphi.reports.safety import FORMULA_STARTS, neutralise

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


# The ratings of as many panellists as give about this many rows are read at a time, so that
# a study of a million ratings is held a few megabytes at a time.
_CHUNK_ROWS = 10_000
# Panellists read in one statement at most, whatever the number of items.
_PANELLISTS_AT_A_TIME = 1_000
# What a row says of an item its panellist left out: value, unable, missing, comment, reason.
_LEFT_OUT: tuple[object, ...] = (None, 0, 1, "", "")
_RATED = operator.itemgetter(0, 1)  # of an answer row: response id, round item id
_ANSWER = operator.itemgetter(slice(2, None))  # value, unable, missing, comment, reason
_COMMENT = operator.itemgetter(5)
_REASON = operator.itemgetter(6)

# Answers by (response id, round item id): value, unable, missing, comment, reason.
_Answers = dict[tuple[int, int], tuple[object, ...]]


def _group_as_is(number: int, group: str) -> str:
    return group


@dataclass(frozen=True)
class _RoundRows:
    """A reported round's items in order and its submitted panellists in pseudonym order: the
    round's rows are every item for every panellist, in that order."""

    number: int
    items: list[tuple[int, str, str]]  # round item id, section code, item code
    panellists: list[tuple[int, str, str]]  # response id, pseudonym, group

    def batches(self) -> Iterator[list[tuple[int, str, str]]]:
        """The panellists a few at a time, about _CHUNK_ROWS rows' worth."""
        if not self.items:
            return
        step = max(1, min(_PANELLISTS_AT_A_TIME, _CHUNK_ROWS // len(self.items)))
        for start in range(0, len(self.panellists), step):
            yield self.panellists[start : start + step]


def _reported_rounds(
    report: StudyReport, group_shown: Callable[[int, str], str]
) -> Iterator[_RoundRows]:
    """Each reported round with its items and panellists, their texts neutralised; a panellist's
    group is written as ``group_shown`` gives it for the round."""
    rounds = db.session.execute(
        db.select(Round.id, Round.number)
        .where(Round.study_id == report.study.id, Round.number.in_(report.reported_rounds))
        .order_by(Round.number)
    ).all()
    for round_id, number in rounds:
        items = db.session.execute(
            db.select(RoundItem.id, Section.code, RoundItem.code)
            .join(Section, RoundItem.section_id == Section.id)
            .where(RoundItem.round_id == round_id)
            .order_by(RoundItem.position, RoundItem.id)
        )
        panellists = db.session.execute(
            db.select(Response.id, Panellist.pseudonym, Panellist.group)
            .join(Panellist, Response.panellist_id == Panellist.id)
            .where(Response.round_id == round_id, Response.status == ResponseStatus.SUBMITTED)
            .order_by(Panellist.pseudonym)
        )
        yield _RoundRows(
            number,
            [(item, neutralise(section), neutralise(code)) for item, section, code in items],
            [
                (response, neutralise(pseudonym), neutralise(group_shown(number, group)))
                for response, pseudonym, group in panellists
            ],
        )


def _answers(panellists: list[tuple[int, str, str]]) -> _Answers:
    """The panellists' ratings, read through the index of response and item: the rows come in
    the order of the round's panellists and items, read apart, so nothing sorts the ratings.
    A comment or reason that could start a formula carries its quote."""
    unable = sa.func.coalesce(Rating.unable, sa.false())
    statement = db.select(
        Rating.response_id,
        Rating.round_item_id,
        Rating.value,
        sa.case((unable, 1), else_=0),
        sa.case((sa.and_(Rating.value.is_(None), sa.not_(unable)), 1), else_=0),
        sa.func.coalesce(Rating.comment, ""),
        sa.func.coalesce(Rating.reason, ""),
    ).where(Rating.response_id.in_([response for response, _, _ in panellists]))
    # Plain tuples from the database cursor: no row objects for tens of thousands of rows.
    result = db.session.connection().execute(statement)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    # Checked over the chunk's distinct texts: most ratings have no comment or reason.
    texts = set(map(_COMMENT, rows))
    texts.update(map(_REASON, rows))
    if any(isinstance(t, str) and t.startswith(FORMULA_STARTS) for t in texts):
        rows = [(*row[:5], neutralise(row[5]), neutralise(row[6])) for row in rows]
    return dict(zip(map(_RATED, rows), map(_ANSWER, rows), strict=True))


class _AnswerTexts(dict[tuple[object, ...], str]):
    """The CSV text of an answer and the line's end, kept for the few answers without comment
    or reason that make up most rows."""

    def __missing__(self, answer: tuple[object, ...]) -> str:
        text = csv_fields(answer) + LINE_END
        if answer[3] == answer[4] == "":
            self[answer] = text
        return text


def ratings_csv(
    report: StudyReport, group_shown: Callable[[int, str], str] = _group_as_is
) -> Iterator[str]:
    """ratings.csv a chunk of text at a time: every item of a round for every panellist who
    submitted it, with the rating when there is one, text neutralised; a panellist's group as
    ``group_shown`` gives it for the round (its number and the group as stored).
    Each panellist's and each item's cells are written once as CSV, and each answer's once for
    all the rows that give it, so a row costs a few joins of text."""
    yield csv_fields(COLUMNS) + LINE_END
    answer_texts = _AnswerTexts()
    for round_ in _reported_rounds(report, group_shown):
        item_ids = [item for item, _, _ in round_.items]
        item_texts = [csv_fields((section, code)) + "," for _, section, code in round_.items]
        for panellists in round_.batches():
            yield _lines(round_.number, panellists, item_ids, item_texts, answer_texts)


def _lines(
    number: int,
    panellists: list[tuple[int, str, str]],
    item_ids: list[int],
    item_texts: list[str],
    answer_texts: _AnswerTexts,
) -> str:
    """The panellists' lines of round ``number``: each panellist's cells, then for each item its
    cells and the panellist's answer."""
    given = _answers(panellists)
    pieces: list[str] = []
    for response, pseudonym, group in panellists:
        head = csv_fields((pseudonym, group, number)) + ","
        answers = map(
            given.get, zip(itertools.repeat(response), item_ids), itertools.repeat(_LEFT_OUT)
        )
        texts = map(answer_texts.__getitem__, answers)
        pieces.extend(itertools.chain.from_iterable(zip(itertools.repeat(head), item_texts, texts)))
    return "".join(pieces)


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


# zlib's fastest level: ratings.csv of 600,000 rows compresses about four times as fast as at the
# default level (6), for a file about a sixth larger.
COMPRESS_LEVEL = 1


def _member(name: str, level: int | None) -> zipfile.ZipInfo:
    """A file of the ZIP compressed at ``level`` (None: zlib's default), dated now and private
    to its owner, as ``writestr`` makes one for the files written whole."""
    member = zipfile.ZipInfo(name, time.localtime(time.time())[:6])
    member.compress_type = zipfile.ZIP_DEFLATED
    member._compresslevel = level  # type: ignore[attr-defined]  # public from 3.13
    member.external_attr = 0o600 << 16
    return member


def write_ratings(
    archive: zipfile.ZipFile,
    name: str,
    report: StudyReport,
    group_shown: Callable[[int, str], str] = _group_as_is,
) -> None:
    """ratings.csv (see ``ratings_csv``) written into ``archive`` as ``name``, a chunk at a time,
    compressed at the archive's level as the files it is given whole."""
    with archive.open(_member(name, archive.compresslevel), "w") as ratings:
        for text in ratings_csv(report, group_shown):
            ratings.write(text.encode("utf-8"))


def export_raw(report: StudyReport) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(
        buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
    ) as archive:
        write_ratings(archive, "ratings.csv", report)
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
