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

Files from large panels run to hundreds of thousands of rows, so the rows are checked without
building an object per answer and written in bulk (COPY on PostgreSQL, one prepared INSERT run
over every row on SQLite): the time is close to that of inserting the rows bare. The round and
the panellists' responses are locked for update before the check, so a round closing or a
panellist submitting online meanwhile waits for the import, or the import for them; the round's
rating tally is then counted again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from delphi import audit
from delphi.consent.operations import asks_consent, current_version
from delphi.extensions import db
from delphi.importing import MAX_FILE_BYTES, Problems, csv_records, wrong_width
from delphi.models import (
    ConsentEvent,
    ConsentEventKind,
    Panellist,
    Response,
    ResponseStatus,
    Round,
    StaffUser,
    Study,
)
from delphi.rounds import tally
from delphi.rounds.bulk_answers import NO_VALUE, AnsweredItems, AnswerRows, store_submitted
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import current_round, open_round_of
from delphi.validation import COMMENT_MAX_LENGTH, text_problem

# ASCII digits only: \d and int() also accept other scripts' digits (Arabic-Indic, full-width).
# Nine digits hold any scale; a longer number is a typing mistake, and int() refuses to read
# numbers of thousands of digits.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")
_REQUIRED, _OPTIONAL = ("email", "item", "rating"), ("comment",)
# How many pseudonyms a refusal for want of consent names.
_PSEUDONYMS_NAMED = 5
# How much of a refused rating the problem repeats.
_SHOWN_MAX = 20


@dataclass(frozen=True)
class ImportedResponses:
    """What an import stored: how many panellists' responses and how many answers."""

    round_number: int
    panellists: int
    answers: int


@dataclass(frozen=True)
class _Panellist:
    id: int
    pseudonym: str
    active: bool


class _RowChecker:
    """Checks the rows of one responses file against a study's open round, keeping the checked
    answers (``answers``) and which items each panellist answered (``answered``)."""

    def __init__(self, study: Study, round_: Round, problems: Problems, online: set[int]):
        self.study = study
        self.round_ = round_
        self.problems = problems
        self.online = online  # panellists who submitted this round online
        columns = (
            Panellist.id,
            Panellist.email,
            Panellist.pseudonym,
            Panellist.withdrawn_at,
            Panellist.erased_at,
        )
        self.panellists = {
            (email or "").lower(): _Panellist(id_, pseudonym, withdrawn is None and erased is None)
            for id_, email, pseudonym, withdrawn, erased in db.session.execute(
                sa.select(*columns).where(
                    Panellist.study_id == study.id, Panellist.email.is_not(None)
                )
            )
        }
        self.positions = {ri.code: n for n, ri in enumerate(round_.round_items)}
        self.item_ids = [ri.id for ri in round_.round_items]
        self.answers = AnswerRows()
        self.answered = AnsweredItems(self.answers, self.item_ids)
        self.first_line: dict[tuple[str, str], int] = {}  # rows refused for their e-mail address
        self.scale = f"a whole number from {study.scale_min} to {study.scale_max}"
        self.offered = f"{self.scale} or U (unable to rate)" if study.unable_to_rate else self.scale
        # Every valid spelling of a rating, read once: the rows then need one look-up each.
        self.ratings: dict[str, tuple[int | None, bool]] = {
            str(value): (value, False) for value in range(study.scale_min, study.scale_max + 1)
        }
        if study.unable_to_rate:
            self.ratings.update({"U": (None, True), "u": (None, True)})

    def panellist(self, line: int, email: str) -> _Panellist | None:
        panellist = self.panellists.get(email.lower())
        if panellist is not None and panellist.active and panellist.id not in self.online:
            return panellist
        if not email:
            self.problems.add(line, "column email", "the e-mail address is empty")
        elif panellist is None:
            self.problems.add(
                line, "column email", f"{email} is not on the panel of {self.study.slug}"
            )
        elif not panellist.active:
            self.problems.add(
                line,
                "column email",
                f"{email} ({panellist.pseudonym}) has withdrawn from the study",
            )
        else:
            self.problems.add(
                line,
                "column email",
                f"{email} ({panellist.pseudonym}) already submitted round "
                f"{self.round_.number} online; those answers are not overwritten",
            )
        return None

    def comment(self, line: int, comment: str) -> bool:
        """Whether the row's comment (if any) follows the questionnaire's rules for comments."""
        if not comment:
            return True
        problem = text_problem(comment, max_length=COMMENT_MAX_LENGTH, multiline=True)
        if problem:
            self.problems.add(line, "column comment", f"the comment {problem}")
        return problem is None

    def answer(self, line: int, cells: tuple[str, ...], by: int | None, ok: bool) -> None:
        """Check the row's item and rating, and keep its answer if ``by`` (the panellist's id,
        when accepted) is given and the rest of the row is ``ok``: unless the row repeats an
        answer, its item counts as answered from here on, even if the row is refused."""
        email, code, rating, comment = cells
        position = self.positions.get(code)
        if position is None:
            self.problems.add(
                line,
                "column item",
                f"{code!r} is not an item of round {self.round_.number}"
                if code
                else "the item code is empty",
            )
            return
        if by is None:
            first = self.first_line.setdefault((email.lower(), code), line)
        else:
            first = self.answered.claim(by, position, line)
        if first != line:
            self.problems.add(
                line,
                "column item",
                f"a second row for {email} and item {code} (the first is on line {first})",
            )
            return
        known = self.ratings.get(rating)
        value = known if known is not None else self._unusual(line, rating, comment)
        if by is None:
            return
        if value is None or not ok:
            self.answered.refuse(by, position, line)
        else:
            self.answers.add(line, by, self.item_ids[position], *value, comment)

    def _unusual(self, line: int, rating: str, comment: str) -> tuple[int | None, bool] | None:
        """A rating spelt otherwise than its plain digits or U: accepted ("+7", "07") or not."""
        if rating.upper() == "U":
            self.problems.add(
                line,
                "column rating",
                f"U (unable to rate) is not offered by this study; expected {self.scale}",
            )
            return None
        if not rating:
            if comment:
                return (None, False)
            self.problems.add(
                line,
                "column rating",
                f"the rating is empty; expected {self.offered} (or leave the row out)",
            )
            return None
        if _WHOLE_NUMBER.fullmatch(rating) and (
            self.study.scale_min <= int(rating) <= self.study.scale_max
        ):
            return (int(rating), False)
        self.problems.add(line, "column rating", f"found {_shown(rating)}, expected {self.offered}")
        return None


def _shown(rating: str) -> str:
    """The refused rating as the problem repeats it: whole when short, else its start and length."""
    if len(rating) <= _SHOWN_MAX:
        return repr(rating)
    return f"{rating[:_SHOWN_MAX]!r}... ({len(rating):,} characters)"


def check_responses_file(
    study: Study,
    round_: Round,
    data: bytes,
    filename: str,
    *,
    online: set[int] | None = None,
    max_bytes: int | None = None,
) -> AnswerRows:
    """Every answer in the file, checked; raises InvalidFile naming every problem.

    ``online``: the panellists who submitted the round online (read here unless given). A row of
    a panellist already accepted, a known item and a plain rating, without a comment, takes a few
    look-ups; any other row is checked in full by ``_RowChecker``.
    """
    problems = Problems(filename)
    columns, records = csv_records(
        data,
        filename,
        required=_REQUIRED,
        optional=_OPTIONAL,
        problems=problems,
        max_bytes=max_bytes or MAX_FILE_BYTES,
    )
    if online is None:
        online = {
            pid
            for pid, (status, imported) in _responses(round_, lock=False).items()
            if status is ResponseStatus.SUBMITTED and not imported
        }
    checker = _RowChecker(study, round_, problems, online)
    # Each e-mail address as written, once its panellist passed: (id, answered items).
    accepted: dict[str, tuple[int, bytearray]] = {}
    positions, item_ids, answers = checker.positions, checker.item_ids, checker.answers
    stored = {  # each plain rating as its columns hold it
        rating: (NO_VALUE if value is None else value, unable)
        for rating, (value, unable) in checker.ratings.items()
    }
    add_line, add_panellist, add_item, add_value, add_unable = answers.appenders()
    width, expected = len(columns), ", ".join(_REQUIRED + _OPTIONAL)
    at_email, at_item, at_rating = (columns.index(name) for name in _REQUIRED)
    at_comment = columns.index("comment") if "comment" in columns else None
    read = 0
    for line, cells in records:
        if len(cells) != width:
            wrong_width(line, cells, width, expected, problems)
            continue
        email, code, rating = (
            cells[at_email].strip(),
            cells[at_item].strip(),
            cells[at_rating].strip(),
        )
        comment = "" if at_comment is None else cells[at_comment].strip()
        if not (email or code or rating or comment):
            continue
        read += 1
        by, position, known = accepted.get(email), positions.get(code), stored.get(rating)
        if by and known and position is not None and not comment and not by[1][position]:
            by[1][position] = 1
            add_line(line)
            add_panellist(by[0])
            add_item(item_ids[position])
            add_value(known[0])
            add_unable(known[1])
            continue
        panellist = checker.panellist(line, email)
        comment_ok = checker.comment(line, comment)
        panellist_id = None if panellist is None else panellist.id
        checker.answer(line, (email, code, rating, comment), panellist_id, comment_ok)
        if panellist_id is not None:
            accepted[email] = (panellist_id, checker.answered.of(panellist_id))
    if not read and not problems:
        problems.add(None, None, "the file has a header but no responses")
    problems.raise_if_any()
    return answers


def import_responses(
    study: Study,
    data: bytes,
    filename: str,
    *,
    by: StaffUser | None = None,
    max_bytes: int | None = None,
    consent_on_paper: bool = False,
) -> ImportedResponses:
    """Store the file's responses in the open round as submitted (flushed, not committed).

    ``max_bytes`` raises the file size limit (the command line reads larger files from disk).
    When the study asks for consent, a panellist who never agreed online is refused unless the
    team attests that they consented on paper (``consent_on_paper``), which the audit trail
    records with their pseudonyms.
    """
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
    db.session.flush()
    _lock_round(round_)
    existing = _responses(round_, lock=True)
    online = {
        pid
        for pid, (status, imported) in existing.items()
        if status is ResponseStatus.SUBMITTED and not imported
    }
    answers = check_responses_file(
        study, round_, data, filename, online=online, max_bytes=max_bytes
    )
    attested = _without_consent(study, answers, filename, consent_on_paper)
    store_submitted(round_, answers, set(existing))
    tally.recount(round_)
    result = ImportedResponses(round_.number, len(answers.panellist_ids()), len(answers))
    after: dict[str, object] = {
        "round": round_.number,
        "panellists": result.panellists,
        "answers": result.answers,
    }
    if attested:
        after["consent_on_paper"] = attested
    audit.record("responses.import", study=study, by=by, target=filename, after=after)
    db.session.flush()
    return result


def _without_consent(
    study: Study, answers: AnswerRows, filename: str, consent_on_paper: bool
) -> list[str]:
    """The pseudonyms of the file's panellists who never agreed online, when the study asks for
    consent: refused, unless the team attests they consented on paper."""
    if not asks_consent(current_version(study)):
        return []
    agreed = set(
        db.session.scalars(
            sa.select(ConsentEvent.panellist_id).where(
                ConsentEvent.study_id == study.id,
                ConsentEvent.kind == ConsentEventKind.CONSENTED,
            )
        )
    )
    missing = sorted(set(answers.panellist_ids()) - agreed)
    if not missing:
        return []
    listed = missing if consent_on_paper else missing[:_PSEUDONYMS_NAMED]
    pseudonyms = list(
        db.session.scalars(
            sa.select(Panellist.pseudonym)
            .where(Panellist.id.in_(listed))
            .order_by(Panellist.pseudonym)
        )
    )
    if consent_on_paper:
        return pseudonyms
    named = ", ".join(pseudonyms) + (" and others" if len(missing) > len(pseudonyms) else "")
    raise RoundError(
        f"{filename}: {len(missing)} panellist(s) in the file ({named}) have not agreed to "
        f"the information sheet online, and {study.slug} asks for consent before any answer. "
        "If they consented on paper, import the file again attesting it (delphi responses "
        "import --consent-on-paper); nothing was imported."
    )


def _lock_round(round_: Round) -> None:
    """Take the round's row lock exclusively (PostgreSQL), as closing does, so the import either
    ends before the round closes or sees it closed; submissions, which hold it shared, wait for
    the import, so the round's tally counted again after it misses none of them."""
    db.session.execute(sa.select(Round.id).where(Round.id == round_.id).with_for_update()).one()


def _responses(round_: Round, *, lock: bool) -> dict[int, tuple[ResponseStatus, bool]]:
    """Each panellist's response to the round: (status, imported), keyed by panellist id."""
    query = sa.select(Response.panellist_id, Response.status, Response.imported).where(
        Response.round_id == round_.id
    )
    if lock:
        query = query.with_for_update()
    return {pid: (status, imported) for pid, status, imported in db.session.execute(query)}
