"""Importing responses given on paper or by e-mail into the open round, as submitted.

The CSV file has the columns ``email,item,rating,comment`` (``comment`` may be left out). A row is
one panellist's answer to one item: ``rating`` is a whole number on the study's scale or ``U`` for
"unable to rate". An empty rating with a comment records the comment without a rating (the item
counts as missing, like an item a panellist skipped online); an empty rating without a comment is
refused, since the row would say nothing. An item without a row is simply missing. A comment
follows the questionnaire's rules: at most 4,000 characters, and no control characters but tabs
and line breaks.

A panellist's imported answers replace earlier imported ones for the same items; a response the
panellist already submitted online is never overwritten. The whole file is checked first and
then every panellist's answers are saved in the one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from delphi import audit
from delphi.extensions import db
from delphi.importing import CsvRow, Problems, read_csv
from delphi.models import Panellist, Response, ResponseStatus, Round, StaffUser, Study
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import current_round, open_round_of
from delphi.validation import COMMENT_MAX_LENGTH, text_problem

# ASCII digits only: \d and int() also accept other scripts' digits (Arabic-Indic, full-width).
# Nine digits hold any scale; a longer number is a typing mistake, and int() refuses to read
# numbers of thousands of digits.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")
# How much of a refused rating the problem repeats.
_SHOWN_MAX = 20


@dataclass(frozen=True)
class ImportedResponses:
    """What an import stored: how many panellists' responses and how many answers."""

    round_number: int
    panellists: int
    answers: int


class _RowChecker:
    """Checks the rows of one responses file against a study's open round."""

    def __init__(self, study: Study, round_: Round, problems: Problems):
        self.study = study
        self.round_ = round_
        self.problems = problems
        self.panellists = {
            p.email.lower(): p
            for p in db.session.scalars(
                db.select(Panellist).where(
                    Panellist.study_id == study.id, Panellist.email.is_not(None)
                )
            )
        }
        self.items = {ri.code: ri for ri in round_.round_items}
        self.online = set(
            db.session.scalars(
                db.select(Response.panellist_id).filter_by(
                    round_id=round_.id, status=ResponseStatus.SUBMITTED, imported=False
                )
            )
        )
        self.first_line: dict[tuple[str, str], int] = {}

    def panellist(self, row: CsvRow) -> Panellist | None:
        email = row.cells["email"]
        panellist = self.panellists.get(email.lower())
        if not email:
            self.problems.add(row.line, "column email", "the e-mail address is empty")
        elif panellist is None:
            self.problems.add(
                row.line, "column email", f"{email} is not on the panel of {self.study.slug}"
            )
        elif not panellist.active:
            self.problems.add(
                row.line,
                "column email",
                f"{email} ({panellist.pseudonym}) has withdrawn from the study",
            )
        elif panellist.id in self.online:
            self.problems.add(
                row.line,
                "column email",
                f"{email} ({panellist.pseudonym}) already submitted round "
                f"{self.round_.number} online; those answers are not overwritten",
            )
        else:
            return panellist
        return None

    def comment(self, row: CsvRow) -> bool:
        """Whether the row's comment (if any) follows the questionnaire's rules for comments."""
        problem = text_problem(
            row.cells.get("comment", ""), max_length=COMMENT_MAX_LENGTH, multiline=True
        )
        if problem:
            self.problems.add(row.line, "column comment", f"the comment {problem}")
        return problem is None

    def answer(self, row: CsvRow) -> Answer | None:
        code, rating = row.cells["item"], row.cells["rating"]
        comment = row.cells.get("comment", "") or None
        round_item = self.items.get(code)
        if round_item is None:
            self.problems.add(
                row.line,
                "column item",
                f"{code!r} is not an item of round {self.round_.number}"
                if code
                else "the item code is empty",
            )
            return None
        key = (row.cells["email"].lower(), code)
        if key in self.first_line:
            self.problems.add(
                row.line,
                "column item",
                f"a second row for {row.cells['email']} and item {code} "
                f"(the first is on line {self.first_line[key]})",
            )
            return None
        self.first_line[key] = row.line
        scale = f"a whole number from {self.study.scale_min} to {self.study.scale_max}"
        offered = f"{scale} or U (unable to rate)" if self.study.unable_to_rate else scale
        if rating.upper() == "U":
            if not self.study.unable_to_rate:
                self.problems.add(
                    row.line,
                    "column rating",
                    f"U (unable to rate) is not offered by this study; expected {scale}",
                )
                return None
            return Answer(round_item.id, unable=True, comment=comment)
        if not rating:
            if comment is None:
                self.problems.add(
                    row.line,
                    "column rating",
                    f"the rating is empty; expected {offered} (or leave the row out)",
                )
                return None
            return Answer(round_item.id, comment=comment)
        if not _WHOLE_NUMBER.fullmatch(rating) or not (
            self.study.scale_min <= int(rating) <= self.study.scale_max
        ):
            self.problems.add(
                row.line, "column rating", f"found {_shown(rating)}, expected {offered}"
            )
            return None
        return Answer(round_item.id, value=int(rating), comment=comment)


def _shown(rating: str) -> str:
    """The refused rating as the problem repeats it: whole when short, else its start and length."""
    if len(rating) <= _SHOWN_MAX:
        return repr(rating)
    return f"{rating[:_SHOWN_MAX]!r}... ({len(rating):,} characters)"


def check_responses_file(
    study: Study, round_: Round, data: bytes, filename: str
) -> dict[int, tuple[Panellist, list[Answer]]]:
    """Every panellist's answers in the file, keyed by panellist id; raises InvalidFile."""
    rows = read_csv(data, filename, required=("email", "item", "rating"), optional=("comment",))
    problems = Problems(filename)
    checker = _RowChecker(study, round_, problems)
    answers: dict[int, tuple[Panellist, list[Answer]]] = {}
    for row in rows:
        panellist = checker.panellist(row)
        comment_ok = checker.comment(row)
        answer = checker.answer(row)
        if panellist is not None and answer is not None and comment_ok:
            answers.setdefault(panellist.id, (panellist, []))[1].append(answer)
    if not rows:
        problems.add(None, None, "the file has a header but no responses")
    problems.raise_if_any()
    return answers


def import_responses(
    study: Study, data: bytes, filename: str, *, by: StaffUser | None = None
) -> ImportedResponses:
    """Store the file's responses in the open round as submitted (flushed, not committed)."""
    round_ = open_round_of(study)
    if round_ is None:
        latest = current_round(study)
        state = (
            "no round has been opened"
            if latest is None
            else f"round {latest.number} is {latest.state.value}"
        )
        raise RoundError(
            f"Responses are imported into the open round, but {state} in {study.slug}."
        )
    by_panellist = check_responses_file(study, round_, data, filename)
    for panellist, answers in by_panellist.values():
        save_answers(response_for(round_, panellist), answers, submit=True, imported=True)
    result = ImportedResponses(
        round_.number, len(by_panellist), sum(len(a) for _, a in by_panellist.values())
    )
    audit.record(
        "responses.import",
        study=study,
        by=by,
        target=filename,
        after={"round": round_.number, "panellists": result.panellists, "answers": result.answers},
    )
    db.session.flush()
    return result
