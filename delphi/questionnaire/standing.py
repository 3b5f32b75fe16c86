"""What a personal link leads to: the panellist, their study, and where the study stands.

Everything a panellist page shows is loaded here with a fixed number of set-based queries, so a
page's statement count does not grow with the number of items. The statements every page runs
are built once, with parameters: a statement object keeps its cache key, so running it again
skips building and hashing it, a good part of the cost of a small query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple, overload

from sqlalchemy import bindparam

from delphi.extensions import db
from delphi.models import (
    Decision,
    Item,
    Panellist,
    Rating,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    RoundState,
    Section,
    Study,
    utcnow,
)
from delphi.panel.tokens import find_panellist
from delphi.questionnaire.feedback import ItemFeedback, feedback_for_round
from delphi.rounds.answers import response_for
from delphi.rounds.deadline import deadline_passed


@dataclass
class Standing:
    """Where a panellist who followed their link stands: their study, its latest round and the
    one before, and their responses to both."""

    panellist: Panellist
    study: Study
    latest: Round | None  # the study's latest round in any state
    before_latest: Round | None = None  # the round before it, loaded with it
    # The panellist's responses to those two rounds, by round id (None: not invited to it).
    responses: dict[int, Response | None] = field(default_factory=dict)

    @property
    def open_round(self) -> Round | None:
        if self.latest is not None and self.latest.state is RoundState.OPEN:
            return self.latest
        return None


# The study's last two rounds, each with the panellist's response to it (None: not invited).
_LATEST_ROUNDS = (
    db.select(Round, Response)
    .outerjoin(
        Response,
        (Response.round_id == Round.id) & (Response.panellist_id == bindparam("panellist_id")),
    )
    .where(Round.study_id == bindparam("study_id"))
    .order_by(Round.number.desc())
    .limit(2)
)


def standing_for(token: str) -> Standing | None:
    """Where the panellist whose link this is stands; None for an unknown, revoked or
    erased link (two queries)."""
    panellist = find_panellist(token, with_study=True)
    if panellist is None or panellist.erased_at is not None:
        return None
    study = panellist.study
    rows = db.session.execute(
        _LATEST_ROUNDS, {"panellist_id": panellist.id, "study_id": study.id}
    ).all()
    latest, before_latest = ([round_ for round_, _ in rows] + [None, None])[:2]
    return Standing(
        panellist=panellist,
        study=study,
        latest=latest,
        before_latest=before_latest,
        responses={round_.id: response for round_, response in rows},
    )


def round_of(standing: Standing, number: int) -> Round | None:
    """One of the study's rounds by number (the last two without another query)."""
    for known in (standing.latest, standing.before_latest):
        if known is not None and known.number == number:
            return known
    return db.session.scalar(db.select(Round).filter_by(study_id=standing.study.id, number=number))


class StoredRating(NamedTuple):
    """A rating as stored, for showing it again."""

    round_item_id: int
    value: int | None
    unable: bool
    comment: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ShownItem:
    """A round item as the panellist's pages show it: the wording of this round, read-only.

    Plain values rather than ORM objects: a page lists every item of a section, and nothing on
    it changes a round item.
    """

    id: int  # the round item's
    item_id: int
    section_id: int
    code: str
    text: str
    position: int
    reworded_from_id: int | None  # the item this one rewords, if any
    explanation: str = ""  # the item's explanation (Markdown), shown under the wording


@dataclass
class SectionPart:
    """A guidance section as it appears in one round: its items, and how many are rated."""

    index: int  # 1-based position among the round's sections
    section: Section
    round_items: list[ShownItem]
    rated: int = 0  # answered: a point of the scale or "unable to rate"
    unable: int = 0  # of those, "unable to rate"


@dataclass
class AgreedItem:
    """An item that left the rating at consensus, listed for information."""

    code: str
    text: str
    round_number: int
    included: bool


@dataclass
class Questionnaire:
    """A panellist's response to one round with everything its pages show."""

    study: Study
    round: Round
    panellist: Panellist
    response: Response
    sections: list[SectionPart]
    ratings: dict[int, StoredRating]  # by round item id
    section_comments: dict[int, str]  # by section id
    feedback: dict[int, ItemFeedback] = field(default_factory=dict)  # by round item id
    agreed: list[AgreedItem] = field(default_factory=list)  # loaded for the welcome page only

    @property
    def round_items(self) -> list[ShownItem]:
        return [ri for part in self.sections for ri in part.round_items]

    @property
    def total(self) -> int:
        return sum(len(part.round_items) for part in self.sections)

    @property
    def rated(self) -> int:
        """Items answered, "unable to rate" included (what is left is listed as unrated)."""
        return sum(part.rated for part in self.sections)

    @property
    def unable(self) -> int:
        """Items answered "unable to rate"."""
        return sum(part.unable for part in self.sections)

    @property
    def progress(self) -> str:
        """How far the panellist is, "unable to rate" counted apart from ratings on the scale:
        "Rated 8 of 9, 1 unable to rate"."""
        return progress_text(self.rated - self.unable, self.unable, self.total)

    @property
    def submitted(self) -> bool:
        return self.response.status is ResponseStatus.SUBMITTED

    @property
    def deadline_passed(self) -> bool:
        """The round is still open after its deadline: answers are accepted until it closes."""
        return deadline_passed(self.round)

    def unrated(self) -> list[tuple[SectionPart, ShownItem]]:
        return [
            (part, ri)
            for part in self.sections
            for ri in part.round_items
            if not _is_rated(self.ratings.get(ri.id))
        ]

    def part(self, index: int) -> SectionPart | None:
        return self.sections[index - 1] if 1 <= index <= len(self.sections) else None

    def part_of(self, round_item_id: int) -> SectionPart | None:
        return next(
            (p for p in self.sections if any(ri.id == round_item_id for ri in p.round_items)), None
        )


def progress_text(on_scale: int, unable: int, total: int) -> str:
    """ "Rated 8 of 9", with ", 1 unable to rate" when some items were answered so."""
    return f"Rated {on_scale} of {total}" + (f", {unable} unable to rate" if unable else "")


def _is_rated(rating: StoredRating | None) -> bool:
    return rating is not None and (rating.value is not None or rating.unable)


# A round's items in order, with what each page shows of them and their sections.
_ROUND_ITEMS = (
    db.select(
        RoundItem.id,
        RoundItem.item_id,
        RoundItem.section_id,
        RoundItem.code,
        RoundItem.text,
        RoundItem.position,
        Item.reworded_from_id,
        Item.explanation,
        Section,
    )
    .join(Item, Item.id == RoundItem.item_id)
    .join(Section, Section.id == RoundItem.section_id)
    .where(RoundItem.round_id == bindparam("round_id"))
    .order_by(RoundItem.position, RoundItem.id)
)
# The ratings of some responses: one, or a response and the one before it.
_RATINGS = db.select(
    Rating.response_id,
    Rating.round_item_id,
    Rating.value,
    Rating.unable,
    Rating.comment,
    Rating.reason,
).where(Rating.response_id.in_(bindparam("response_ids", expanding=True)))


@overload
def load_questionnaire(
    standing: Standing, round_: Round, *, create: Literal[True] = True
) -> Questionnaire: ...


@overload
def load_questionnaire(
    standing: Standing, round_: Round, *, create: bool
) -> Questionnaire | None: ...


def load_questionnaire(
    standing: Standing, round_: Round, *, create: bool = True
) -> Questionnaire | None:
    """Load the panellist's response to ``round_`` with its items, ratings and feedback.

    ``create`` makes the response if the panellist joined after the round opened (an open round
    only); without it, a round the panellist had no response to gives None.
    """
    response = _response(standing, round_, create)
    if response is None:
        return None
    rows = db.session.execute(_ROUND_ITEMS, {"round_id": round_.id}).all()
    round_items = [ShownItem(*row[:-1]) for row in rows]
    # This response's ratings, and in the same query the panellist's submitted ratings of the
    # round before, which the feedback marks, when that response was loaded with the standing.
    previous = round_of(standing, round_.number - 1) if round_.number > 1 else None
    earlier = standing.responses.get(previous.id) if previous is not None else None
    # the panellist's submitted response to the round before, read in the same query
    together = (
        earlier if earlier is not None and earlier.status is ResponseStatus.SUBMITTED else None
    )
    ratings: dict[int, StoredRating] = {}
    own_before: dict[int, StoredRating] | None = (
        None if previous is None or (previous.id not in standing.responses) else {}
    )
    response_ids = [response.id, together.id] if together is not None else [response.id]
    for response_id, *values in db.session.execute(_RATINGS, {"response_ids": response_ids}):
        rating = StoredRating(*values)
        if response_id == response.id:
            ratings[rating.round_item_id] = rating
        else:
            assert own_before is not None  # the earlier response was loaded with the standing
            own_before[rating.round_item_id] = rating
    comments = {c.section_id: c.comment for c in response.section_comments}

    parts: list[SectionPart] = []
    for round_item, (*_, section) in zip(round_items, rows, strict=True):
        if not parts or parts[-1].section.id != round_item.section_id:
            parts.append(SectionPart(len(parts) + 1, section, []))
        parts[-1].round_items.append(round_item)
        stored = ratings.get(round_item.id)
        parts[-1].rated += _is_rated(stored)
        parts[-1].unable += stored is not None and stored.unable

    questionnaire = Questionnaire(
        study=standing.study,
        round=round_,
        panellist=standing.panellist,
        response=response,
        sections=parts,
        ratings=ratings,
        section_comments=comments,
    )
    if previous is not None:
        questionnaire.feedback = feedback_for_round(
            standing.study, round_items, standing.panellist, previous, own=own_before
        )
    return questionnaire


def _response(standing: Standing, round_: Round, create: bool) -> Response | None:
    """The panellist's response to ``round_``: loaded with the standing if it can be, else read;
    made if missing and ``create`` (the panellist joined after the round opened)."""
    if round_.id in standing.responses:
        response = standing.responses[round_.id]
        if response is None and create:
            response = response_for(round_, standing.panellist)
        return response
    if create:
        return response_for(round_, standing.panellist)
    return db.session.scalar(
        db.select(Response).filter_by(round_id=round_.id, panellist_id=standing.panellist.id)
    )


def mark_opened(questionnaire: Questionnaire) -> None:
    """Note that the panellist opened the round (for the team's response tracking)."""
    response = questionnaire.response
    if response.opened_at is None:
        response.opened_at = utcnow()
    if response.status is ResponseStatus.INVITED:
        response.status = ResponseStatus.OPENED
    db.session.flush()


def agreed_items(study: Study, round_: Round) -> list[AgreedItem]:
    """Items decided at consensus in the rounds before ``round_``, for information."""
    rows = db.session.execute(
        db.select(RoundItem.code, RoundItem.text, RoundItem.decision, Round.number)
        .join(Round, Round.id == RoundItem.round_id)
        .where(
            Round.study_id == study.id,
            Round.number < round_.number,
            RoundItem.decision.in_([Decision.CONSENSUS_IN, Decision.CONSENSUS_OUT]),
        )
        .order_by(Round.number, RoundItem.position)
    ).all()
    return [
        AgreedItem(code, text, number, decision is Decision.CONSENSUS_IN)
        for code, text, decision, number in rows
    ]
