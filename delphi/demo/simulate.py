"""The demo panel's simulated answers: plausible ratings, comments and suggestions.

Everything goes through the app's own operations (``save_answers``, ``reword_item``,
``add_item_from_suggestion``, ...), so the demo holds only what a real panel and research team
could have produced. Ratings are drawn from the profiles in ``simulation.toml`` with a fixed
seed, so the demo is the same on every machine.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from delphi.extensions import db
from delphi.models import (
    MessageStatus,
    OutboxMessage,
    Panellist,
    Rating,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    StaffUser,
    Study,
    Suggestion,
    SuggestionKind,
    utcnow,
)
from delphi.panel.tokens import token_for
from delphi.questionnaire.standing import load_questionnaire, standing_for
from delphi.questionnaire.suggestions import suggest
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.review import add_item_from_suggestion, decline_suggestion, reword_item

SIMULATION_FILE = Path(__file__).with_name("simulation.toml")

# How far towards the panel's round-1 median a panellist moves in round 2, and how often.
REVISION_STEPS = (0.0, 0.5, 1.0)
REVISION_CHANCES = (0.45, 0.35, 0.20)


@dataclass(frozen=True)
class Plan:
    """How the demo panel behaves, as read from ``simulation.toml`` (see its comments)."""

    seed: int
    unable_share: float
    missing_share: float
    reasons: list[str]
    participation: dict[str, list[int]]
    profiles: dict[str, dict[str, float]]
    items: dict[str, str]
    group_shifts: dict[str, dict[str, float]]
    unable_more: dict[str, list[str]]
    comments: list[dict[str, str]]
    suggestions: list[dict[str, str]]


def load_plan(path: Path = SIMULATION_FILE) -> Plan:
    with path.open("rb") as file:
        return Plan(**tomllib.load(file))


class Simulation:
    """Plays the panel and the research team through rounds 1 and 2 of the demo study.

    ``panellists`` are in the order of the panel file; the plan refers to them by position.
    """

    def __init__(
        self, plan: Plan, study: Study, panellists: list[Panellist], by: StaffUser | None = None
    ):
        self.plan = plan
        self.study = study
        self.panellists = panellists
        self.by = by
        self.rng = np.random.default_rng(plan.seed)
        self.suggestions: list[tuple[Suggestion, dict[str, str]]] = []

    # Round 1 ---------------------------------------------------------------------------

    def answer_round_one(self, round_: Round) -> None:
        """Most of the panel submits, one saves a draft, a few never start; suggestions made."""
        skipped = set(self.plan.participation["round1_not_started"])
        drafts = set(self.plan.participation["round1_draft"])
        submitters = [i for i in range(len(self.panellists)) if i not in skipped | drafts]
        comments = self._assign_comments(submitters)
        for index in submitters + sorted(drafts):
            panellist = self.panellists[index]
            answers = []
            for round_item in round_.round_items:
                comment = comments.get((index, round_item.code))
                value, unable = self._draw(
                    panellist.group, round_item.code, allow_missing=comment is None
                )
                if value is None and not unable:
                    continue
                answers.append(Answer(round_item.id, value=value, unable=unable, comment=comment))
            if index in drafts:
                answers = answers[: len(answers) // 3]
            save_answers(response_for(round_, panellist), answers, submit=index not in drafts)
        self._make_suggestions(round_, submitters)

    def _assign_comments(self, submitters: list[int]) -> dict[tuple[int, str], str]:
        """Give each planned comment to the first submitting panellist of its group free for it."""
        assigned: dict[tuple[int, str], str] = {}
        for comment in self.plan.comments:
            candidates = [
                i
                for i in submitters
                if self.panellists[i].group == comment["group"]
                and (i, comment["item"]) not in assigned
            ]
            if not candidates:
                raise ValueError(
                    f"simulation.toml: no panellist in {comment['group']} left to "
                    f"comment on {comment['item']}"
                )
            assigned[(candidates[0], comment["item"])] = comment["text"]
        return assigned

    def _draw(
        self, group: str, code: str, *, allow_missing: bool = True
    ) -> tuple[int | None, bool]:
        """One answer: (value, False), (None, True) for unable to rate, or (None, False)."""
        unable_share = self.plan.unable_share
        if code in self.plan.unable_more.get(group, []):
            unable_share += 0.4
        missing_share = self.plan.missing_share if allow_missing else 0.0
        chance = self.rng.random()
        if chance < missing_share:
            return None, False
        if chance < missing_share + unable_share:
            return None, True
        profile = self.plan.profiles[self.plan.items.get(code, "high")]
        mean = profile["mean"] + self.plan.group_shifts.get(code, {}).get(group, 0.0)
        value = np.rint(self.rng.normal(mean, profile["sd"]))
        return int(np.clip(value, self.study.scale_min, self.study.scale_max)), False

    def _make_suggestions(self, round_: Round, submitters: list[int]) -> None:
        """Panellists' suggestions of new items and rewordings, made through their links."""
        sections = {s.code: s for s in self.study.sections}
        items = {i.code: i for i in self.study.items}
        for spec in self.plan.suggestions:
            author = next(
                self.panellists[i] for i in submitters if self.panellists[i].group == spec["group"]
            )
            standing = standing_for(token_for(author))
            assert standing is not None  # the panellist's own link, just issued
            questionnaire = load_questionnaire(standing, round_)
            item = items.get(spec.get("item", ""))
            suggestion = suggest(
                questionnaire,
                SuggestionKind(spec["kind"]),
                spec["text"],
                section_id=sections[spec["section"]].id if item is None else None,
                item_id=item.id if item is not None else None,
            )
            self.suggestions.append((suggestion, spec))

    # Between rounds -------------------------------------------------------------------------

    def review(self, round_: Round) -> None:
        """The research team's response to the suggestions: reword, add, decline."""
        by_code = {ri.code: ri for ri in round_.round_items}
        sections = {s.code: s for s in self.study.sections}
        for suggestion, spec in self.suggestions:
            if spec["action"] == "reword":
                reword_item(
                    by_code[spec["item"]],
                    spec["text"],
                    reason=spec["reason"],
                    by=self.by,
                    suggestion=suggestion,
                )
            elif spec["action"] == "add":
                add_item_from_suggestion(
                    suggestion,
                    text=spec["item_text"],
                    section=sections[spec["section"]],
                    code=spec["code"],
                    by=self.by,
                )
            else:
                decline_suggestion(suggestion, by=self.by)

    # Round 2 ---------------------------------------------------------------------------

    def answer_round_two(self, round_one: Round, round_two: Round) -> None:
        """A few panellists have submitted round 2 and a few saved drafts; most not started.

        Panellists who rated an item in round 1 move some way towards the panel's frozen
        round-1 median, and give a reason when they stay outside the interquartile range.
        """
        frozen = {ri.item_id: ri.summary for ri in round_one.round_items}
        earlier = self._round_one_answers(round_one)
        submitted = self.plan.participation["round2_submitted"]
        drafts = self.plan.participation["round2_draft"]
        for index in submitted + drafts:
            panellist = self.panellists[index]
            revised = [
                self._revise(
                    panellist,
                    round_item,
                    frozen.get(round_item.item_id),
                    earlier.get((panellist.id, round_item.item_id)),
                )
                for round_item in round_two.round_items
            ]
            answers = [a for a in revised if a is not None]
            if index in drafts:
                answers = answers[: len(answers) // 2]
            save_answers(response_for(round_two, panellist), answers, submit=index in submitted)

    def _round_one_answers(self, round_one: Round) -> dict[tuple[int, int], Rating]:
        rows = db.session.execute(
            db.select(Response.panellist_id, RoundItem.item_id, Rating)
            .join(Rating, Rating.response_id == Response.id)
            .join(RoundItem, RoundItem.id == Rating.round_item_id)
            .where(Response.round_id == round_one.id, Response.status == ResponseStatus.SUBMITTED)
        ).all()
        return {(panellist_id, item_id): rating for panellist_id, item_id, rating in rows}

    def _revise(
        self,
        panellist: Panellist,
        round_item: RoundItem,
        summary: dict | None,
        before: Rating | None,
    ) -> Answer | None:
        if summary is None or before is None or (before.value is None and not before.unable):
            value, unable = self._draw(panellist.group, round_item.code)
            if value is None and not unable:
                return None
            return Answer(round_item.id, value=value, unable=unable)
        if before.unable:
            return Answer(round_item.id, unable=True)
        value = before.value
        median = summary.get("median")
        if median is not None:
            step = self.rng.choice(REVISION_STEPS, p=REVISION_CHANCES)
            value = int(np.rint(value + step * (median - value)))
        reason = None
        q1, q3 = summary.get("q1"), summary.get("q3")
        if (
            self.study.reason_outside_iqr
            and q1 is not None
            and q3 is not None
            and not q1 <= value <= q3
        ):
            reason = str(self.rng.choice(self.plan.reasons))
        return Answer(round_item.id, value=value, reason=reason)

    # Time -------------------------------------------------------------------------------

    def backdate(self, round_one: Round, round_two: Round) -> None:
        """Spread the demo over the past five weeks, as if round 1 had really run for three.

        The operations stamp everything with the moment the demo loads; a dashboard is easier
        to read when round 1 opened weeks ago and round 2 a couple of days ago. The invitations
        are marked as delivered: the demo's addresses are fictional.
        """
        now = utcnow()
        self.study.created_at = now - timedelta(days=40)
        for panellist in self.panellists:
            panellist.created_at = now - timedelta(days=38)
        one_opened, one_closed = now - timedelta(days=33), now - timedelta(days=12)
        two_opened = now - timedelta(days=2)
        round_one.opened_at = one_opened
        round_one.closes_at = round_one.closed_at = one_closed
        round_two.opened_at = two_opened
        for round_, opened, until in (
            (round_one, one_opened, one_closed),
            (round_two, two_opened, now),
        ):
            self._spread_responses(round_, opened, until)
            self._mark_delivered(round_, opened)
        db.session.flush()

    def _spread_responses(self, round_: Round, opened: datetime, until: datetime) -> None:
        hours = (until - opened).total_seconds() / 3600
        for response in round_.responses:
            response.invited_at = opened
            if response.saved_at is None:
                continue
            answered = opened + timedelta(hours=float(self.rng.uniform(1, hours - 1)))
            response.opened_at = answered - timedelta(minutes=40)
            response.saved_at = answered
            if response.submitted_at is not None:
                response.submitted_at = answered

    def _mark_delivered(self, round_: Round, opened: datetime) -> None:
        messages = db.session.scalars(db.select(OutboxMessage).filter_by(round_id=round_.id))
        for message in messages:
            message.created_at = opened
            message.next_attempt_at = opened
            message.status = MessageStatus.SENT
            message.attempts = 1
            message.sent_at = opened + timedelta(minutes=1)
