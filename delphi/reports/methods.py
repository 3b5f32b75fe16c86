"""The methods paragraph: every setting of the study in prose an author can paste into a paper.

Each sentence is derived from a stored setting (the study's columns, the consensus definition
frozen with round 1, the rounds' dates), never from a constant that a setting could change. The
consensus definition's own sentences come from ``delphi.reports.settings.describe_settings``;
this module states everything around them. The paragraph answers the ACCORD items on the
consensus method, steps, definition, feedback, anonymity, timing and analysis (see
``delphi/reports/checklist.py``); its consent paragraph serves the ethics statement journals ask
for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from delphi.models import CommentFeedback, Decision, ItemOrigin, RoundState, Study, StudyStatus
from delphi.reports.settings import region_text, regions_of
from delphi.studies.protocol import BY_KEY, ROUNDS_PLANNED, protocol_value

if TYPE_CHECKING:
    from delphi.reports.data import RoundReport, StudyReport

SOFTWARE = "delphi"  # the distribution's name in the package metadata

COMMENT_WORDS = {
    CommentFeedback.COMMENTS: "the other panellists' comments on the item, without names",
    CommentFeedback.SUMMARY: "the research team's summary of the arguments in the comments "
    "(the comments themselves were not shown)",
    CommentFeedback.BOTH: "the research team's summary of the arguments in the comments and "
    "the comments themselves, without names",
}


@dataclass(frozen=True)
class MethodsParagraph:
    topic: str  # what the paragraph states ("Design", "Feedback", ...): its heading
    anchor: str  # its id in the report (#methods-<anchor>), cited by the checklist
    sentences: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def software_version() -> str:
    try:
        return version(SOFTWARE)
    except PackageNotFoundError:  # pragma: no cover - the app runs installed
        return "unknown"


def day(moment: datetime | None) -> str:
    """A date as a paper writes it: 5 March 2026 (UTC)."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""


def _sentence(text: str) -> str:
    """Staff-written text ending a sentence: one full stop, not two."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _and(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def methods_paragraphs(report: StudyReport) -> list[MethodsParagraph]:
    study = report.study
    settings = report.settings
    return [
        MethodsParagraph("Design", "design", _design(study, report)),
        MethodsParagraph("Rounds", "rounds", _rounds(study, report)),
        MethodsParagraph(
            "Consensus definition", "definition", _definition(report) + report.settings_words
        ),
        MethodsParagraph("Feedback between rounds", "feedback", _feedback(study, settings)),
        MethodsParagraph("Decisions between rounds", "review", _review(report)),
        MethodsParagraph("Anonymity", "anonymity", _anonymity(study)),
        MethodsParagraph("Consent", "consent", _consent(study)),
        MethodsParagraph("Missing answers and “unable to rate”", "missing", _missing(study)),
        MethodsParagraph("Stakeholder groups", "groups", _groups(study)),
    ]


def _design(study: Study, report: StudyReport) -> list[str]:
    first = report.rounds[0] if report.rounds else None
    round_one = [row for row in first.items] if first and first.items else []
    team_items = sum(1 for row in round_one if row.origin == ItemOrigin.GUIDANCE.value)
    sentences = []
    if round_one:
        drafted = "all" if team_items == len(round_one) else str(team_items)
        sentences.append(
            "The study was an online modified Delphi: round 1 presented a fixed list of "
            f"{len(round_one)} statements ({drafted} drafted by the research team) in "
            f"{len({row.section_code for row in round_one})} sections rather than open "
            "questions, and panellists could comment on each and suggest new statements or "
            "rewordings."
        )
    else:
        sentences.append(
            "The study is an online Delphi whose round 1 has not closed yet; its statements "
            "were drafted by the research team before round 1."
        )
    sentences.append(
        f"It was run on the open-source Delphi platform ({SOFTWARE} version "
        f"{software_version()}), which panellists reached through a personal link."
    )
    points = study.scale_points
    labelled = [f"{p} ({study.label_for(p)})" for p in points if study.label_for(p)]
    scale = (
        f"Panellists rated each statement on a scale from {study.scale_min} to {study.scale_max}"
    )
    if labelled:
        scale += f", labelled {_and(labelled)}"
    scale += (
        ', with an "unable to rate" option.'
        if study.unable_to_rate
        else '; no "unable to rate" option was offered.'
    )
    sentences.append(scale)
    aim = protocol_value(study, BY_KEY["aim"])
    sentences.append(
        f"Aim and research question: {_sentence(aim)}"
        if aim
        else "The research question is not reported (Protocol: Aim and research question)."
    )
    return sentences


def _round_words(r: RoundReport, close_reason: str | None) -> str:
    if r.opened_at is None:
        return f"round {r.number} had not opened"
    words = f"round {r.number} opened on {day(r.opened_at)}"
    if r.closes_at is not None:
        words += f" with a deadline of {day(r.closes_at)}"
    if r.state == RoundState.CLOSED.value and r.closed_at is not None:
        words += f" and closed on {day(r.closed_at)}"
        notes = []
        if r.closes_at is not None and r.closed_at < r.closes_at:
            notes.append("before its deadline")
        if close_reason:
            notes.append(f"the team's reason for closing it: “{close_reason.strip()}”")
        if notes:
            words += f" ({'; '.join(notes)})"
    else:
        words += " and is still open"
    return words


def _rounds(study: Study, report: StudyReport) -> list[str]:
    planned = protocol_value(study, BY_KEY[ROUNDS_PLANNED])
    reasons = {flow.round: flow.close_reason for flow in report.participant_flow}
    held = [r for r in report.rounds if r.opened_at is not None]
    sentences = [
        f"{planned} rounds were planned"
        if planned
        else "The planned number of rounds is not reported (Protocol: Planned number of rounds)"
    ]
    stopping = protocol_value(study, BY_KEY["stopping_rule"])
    sentences[0] += (
        f"; stopping rule: {_sentence(stopping)}" if stopping else "; no stopping rule is reported."
    )
    if held:
        sentences.append(
            f"{len(held)} {'round was' if len(held) == 1 else 'rounds were'} held: "
            + "; ".join(_round_words(r, reasons.get(r.number)) for r in held)
            + " (dates in UTC)."
        )
    else:
        sentences.append("No round has opened yet.")
    if study.status is StudyStatus.COMPLETE and planned.isdigit() and int(planned) != len(held):
        sentences.append(
            f"The study was completed after {_count(len(held), 'round')}, "
            f"{'fewer' if len(held) < int(planned) else 'more'} than the {planned} planned."
        )
    days = [int(d) for d in study.reminder_days.split(",") if d.strip()]
    if days:
        sentences.append(
            "Panellists who had not submitted were e-mailed a reminder "
            f"{_and([str(d) for d in days])} day{'s' if days != [1] else ''} before each "
            "round's deadline."
        )
    else:
        sentences.append("No reminders were scheduled.")
    sentences.append(
        "Each round closed automatically at its deadline."
        if study.auto_close
        else "The research team closed each round."
    )
    return sentences


def _definition(report: StudyReport) -> list[str]:
    first = report.rounds[0] if report.rounds else None
    if first is not None and first.opened_at is not None:
        return [
            "The consensus definition was stated before round 1 and locked when round 1 opened "
            f"on {day(first.opened_at)}; it did not change afterwards."
        ]
    return ["The consensus definition is stated before round 1 and locks when round 1 opens."]


def _feedback(study: Study, settings: dict) -> list[str]:
    regions = regions_of(settings or {})
    high = region_text(regions[1]) if regions else ""
    shown = [
        "their own rating from the round before",
        "a histogram of the panel's ratings",
        "the median and the interquartile range (the middle half of the ratings)",
        f"the percentage of ratings in the high region ({high})" if high else "",
        COMMENT_WORDS[study.comment_feedback],
    ]
    sentences = [
        "From round 2 on, each panellist saw for every statement rated again: "
        + _and([s for s in shown if s])
        + "."
    ]
    if study.group_feedback:
        sentences.append(
            "The same figures were shown for each stakeholder group that gave at least "
            f"{study.min_group_size} ratings on the statement."
        )
    else:
        sentences.append("Results were not shown per stakeholder group.")
    sentences.append(
        "Their previous rating was preselected."
        if study.preselect_previous
        else "Their previous rating was shown but not preselected."
    )
    if study.reason_outside_iqr:
        sentences.append(
            "A panellist whose new rating lay outside the interquartile range was asked for a "
            "reason, reported with the comments."
        )
    return sentences


def _review(report: StudyReport) -> list[str]:
    sentences = [
        "After each round, every statement's proposed decision followed the consensus "
        "definition: consensus in or out settled the statement, which was not rated again, and "
        "a statement without consensus was carried forward to the next round.",
        "The research team could change a proposed decision only by recording its reason, and "
        "could reword a statement, which the next round then rated in its new wording; "
        "suggestions from panellists that the team accepted were rated as new statements in the "
        "next round.",
    ]
    flows = [r.flow for r in report.rounds if r.flow and r.number in report.reported_rounds]
    if flows:
        reworded = sum(f.decided.get(Decision.REWORDED.value, 0) for f in flows)
        changed = sum(f.overridden for f in flows) - reworded
        sentences.append(
            f"After the rounds reported, the team changed {_count(changed, 'proposed decision')} "
            f"and reworded {_count(reworded, 'statement')}."
        )
    return sentences


def _anonymity(study: Study) -> list[str]:
    return [
        "Panellists did not learn who else was on the panel: feedback showed group results and "
        "comments without names.",
        "The research team knew who each panellist was (it held their names and e-mail "
        "addresses to send invitations and reminders), so the panel was anonymous to each other "
        "but not to the team; exports identify panellists by pseudonym only.",
    ]


def _consent(study: Study) -> list[str]:
    # imported here: delphi.consent.operations imports delphi.reports (for its CSV), a cycle
    from delphi.consent.operations import asks_consent, current_version

    version = current_version(study)
    if not asks_consent(version):
        return [
            "Panellists were not asked for consent on the platform; how consent was obtained is "
            "not reported (Protocol: Ethics approval)."
        ]
    assert version is not None  # asks_consent says so
    statements = len(version.statements)
    sheet = "the information sheet" + (
        f" (version {version.number} is the one in force)" if version.number > 1 else ""
    )
    agreed = (
        f"agreed to its {_count(statements, 'consent statement')}"
        if statements
        else "agreed to take part"
    )
    return [
        f"Before their first answer, panellists read {sheet} online and {agreed}; the "
        "platform accepts no answer from a panellist without a recorded consent, and the consent "
        "log records each agreement and withdrawal with its time.",
        "Answers the team imported from paper or e-mail were accepted only from panellists who "
        "had agreed online or whose consent on paper the team attested.",
    ]


def _missing(study: Study) -> list[str]:
    return [
        "Only submitted responses were analysed; a draft not submitted when the round closed "
        "was left out.",
        "A statement a panellist left unanswered counted as missing: it was not imputed and "
        "entered no statistic.",
        (
            'An "unable to rate" answer was counted apart from the ratings; how it enters the '
            "percentages is stated with the consensus definition."
            if study.unable_to_rate
            else 'Panellists could not answer "unable to rate".'
        ),
    ]


def _groups(study: Study) -> list[str]:
    return [
        f"A stakeholder group's results were reported separately only for statements it gave "
        f"at least {study.min_group_size} ratings on, and a group with fewer than "
        f"{study.min_group_size} panellists responding to a round was left out of that "
        "round's group results (its members' ratings count in the whole panel's)."
    ]


__all__ = ["MethodsParagraph", "methods_paragraphs", "software_version"]
