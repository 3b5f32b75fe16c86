"""The ACCORD checklist, pre-filled: where in the report each item is answered, or which field
would answer it.

ACCORD (ACcurate COnsensus Reporting Document; Gattrell WT, Logullo P, van Zuuren EJ, et al.,
PLOS Medicine 2024;21(1):e1004326, doi:10.1371/journal.pmed.1004326, PMC10805282) has 35 items:
title (1), introduction (3), methods (21), results (5), discussion (2) and other information (3),
as its abstract states. The topics below follow those sections and counts, numbered 1-35 in that
order; the topic given each number is our paraphrase, written without the paper's item table
(explained item by item in Logullo P et al., PLOS Medicine 2024;21(5):e1004390), so an author
should check each number and topic against the published checklist before submitting.

An item is answered by sections of the report (a few appear only with their data: see
``_present``) and by protocol fields (answered only when filled in, on the Protocol page or in
the study file's ``[protocol]`` table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from delphi.studies.protocol import BY_KEY, protocol_value

if TYPE_CHECKING:
    from delphi.reports.data import StudyReport

ANSWERED, PARTLY, NOT_RECORDED = "answered", "partly", "not recorded"

# Report sections an item can point to: anchor -> title in the report.
SECTIONS = {
    "design": "Design",
    "protocol": "Protocol",
    "methods-design": "Methods: design",
    "methods-rounds": "Methods: rounds",
    "methods-definition": "Methods: consensus definition",
    "methods-feedback": "Methods: feedback between rounds",
    "methods-review": "Methods: decisions between rounds",
    "methods-anonymity": "Methods: anonymity",
    "methods-consent": "Methods: consent",
    "methods-missing": "Methods: missing answers",
    "methods-groups": "Methods: stakeholder groups",
    "participation": "Participation",
    "participant-flow": "Participant flow",
    "characteristics": "Panel characteristics",
    "flow": "Item flow across rounds",
    "rounds": "Items, round by round",
    "final": "Items that reached consensus",
    "excluded": "Excluded items",
    "suggestions": "Suggestions from panellists",
    "rewording": "Rewording history",
    "decisions": "Who decided what and when",
    "limitations": "Limitations",
}
# What the platform cannot know, and where the author records it instead.
OUTSIDE = {
    "discussion": "the paper's discussion (the platform holds no field for it)",
    "changes": "the paper: any other change to the planned methods (the Audit page lists every "
    "change the team made on the platform, with its time)",
}


@dataclass(frozen=True)
class AccordItem:
    number: int
    section: str  # Title, Introduction, Methods, Results, Discussion, Other information
    topic: str  # a paraphrase of the item
    sections: tuple[str, ...] = ()  # anchors of report sections that answer it
    fields: tuple[str, ...] = ()  # protocol field keys that answer it
    outside: str | None = None  # a key of OUTSIDE: answered outside the platform


def _items() -> tuple[AccordItem, ...]:
    T, I, M, R, D, O = (  # noqa: E741 - the checklist's section letters
        "Title",
        "Introduction",
        "Methods",
        "Results",
        "Discussion",
        "Other information",
    )
    return (
        AccordItem(
            1,
            T,
            "Identify the report as a consensus exercise and name the method",
            ("design", "methods-design"),
        ),
        AccordItem(
            2,
            I,
            "Background: why the question needs a consensus method",
            fields=("aim", "evidence"),
        ),
        AccordItem(3, I, "Aim and research question of the consensus exercise", fields=("aim",)),
        AccordItem(
            4,
            I,
            "Intended users or audience, and the scope (including geography)",
            fields=("scope",),
        ),
        AccordItem(5, M, "Registration or published protocol", fields=("registration",)),
        AccordItem(
            6,
            M,
            "Steering group or organisers: who they were and how chosen",
            fields=("steering_group",),
        ),
        AccordItem(
            7,
            M,
            "Roles of the organisers: drafting items, deciding between rounds, rating",
            fields=("steering_group",),
        ),
        AccordItem(8, M, "Eligibility criteria for panellists", fields=("eligibility",)),
        AccordItem(
            9, M, "How panellists were sampled and recruited", fields=("eligibility", "recruitment")
        ),
        AccordItem(
            10, M, "Incentives or compensation offered to panellists", fields=("recruitment",)
        ),
        AccordItem(11, M, "Panel size sought and its rationale", fields=("panel_size",)),
        AccordItem(
            12, M, "Evidence or information sources behind the initial items", fields=("evidence",)
        ),
        AccordItem(13, M, "How the initial items were drafted", ("methods-design",), ("evidence",)),
        AccordItem(
            14,
            M,
            "The consensus method and how it was administered (online, modified Delphi)",
            ("methods-design",),
        ),
        AccordItem(15, M, "Piloting of the questionnaire", fields=("piloting",)),
        AccordItem(
            16,
            M,
            "Number of rounds planned and the stopping rule",
            ("methods-rounds",),
            ("rounds_planned", "stopping_rule"),
        ),
        AccordItem(17, M, "Definition of consensus, set in advance", ("methods-definition",)),
        AccordItem(
            18, M, "The question, rating scale and how answers were collected", ("methods-design",)
        ),
        AccordItem(19, M, "Feedback given to panellists between rounds", ("methods-feedback",)),
        AccordItem(20, M, "Anonymity of panellists", ("methods-anonymity",)),
        AccordItem(
            21,
            M,
            "How items were added, reworded or dropped between rounds",
            ("methods-review", "flow", "suggestions", "rewording"),
        ),
        AccordItem(
            22, M, "Analysis: the statistics and the stability rule", ("methods-definition",)
        ),
        AccordItem(
            23,
            M,
            "Handling of missing answers, “unable to rate” and non-response",
            ("methods-missing", "participation", "participant-flow"),
        ),
        AccordItem(24, M, "Ethics approval and consent", ("methods-consent",), ("ethics",)),
        AccordItem(
            25, M, "Timeline: the dates of each round and the reminders", ("methods-rounds",)
        ),
        AccordItem(
            26,
            R,
            "Panellists invited and responding in each round (attrition)",
            ("participation", "participant-flow", "limitations"),
        ),
        AccordItem(
            27, R, "Characteristics of the panellists", ("characteristics", "methods-groups")
        ),
        AccordItem(
            28, R, "Results of each round, with the level of agreement per item", ("rounds",)
        ),
        AccordItem(
            29, R, "The final outcome: items agreed and items excluded", ("final", "excluded")
        ),
        AccordItem(
            30,
            R,
            "Changes to the planned methods during the study",
            ("methods-rounds", "methods-review", "decisions"),
            outside="changes",
        ),
        AccordItem(
            31, D, "Summary of the findings and their place among other work", outside="discussion"
        ),
        AccordItem(32, D, "Strengths and limitations of the consensus process", ("limitations",)),
        AccordItem(33, O, "Funding and the funder's role", fields=("funding",)),
        AccordItem(34, O, "Conflicts of interest and how they were managed", fields=("conflicts",)),
        AccordItem(
            35,
            O,
            "Where the protocol, materials and data can be found",
            ("protocol",),
            ("registration",),
        ),
    )


ACCORD_ITEMS = _items()


@dataclass(frozen=True)
class ChecklistRow:
    number: int
    section: str
    topic: str
    status: str  # answered, partly, not recorded
    answered_in: list[tuple[str, str]]  # (anchor, title) of the report's sections
    missing: list[str]  # the fields that would answer it, by their names

    @property
    def where(self) -> str:
        return "; ".join(f"{title} (#{anchor})" for anchor, title in self.answered_in)


def _present(report: StudyReport, anchor: str) -> bool:
    """Whether the report holds the section (some appear only with their data)."""
    if anchor == "characteristics":
        return report.characteristics is not None
    if anchor in ("rounds", "flow"):  # each needs a closed round to show anything
        return bool(report.reported_rounds)
    return True


def _anchor(report: StudyReport, anchor: str) -> str:
    if anchor == "rounds" and report.reported_rounds:
        return f"round-{report.reported_rounds[0]}"
    return anchor


def checklist(report: StudyReport) -> list[ChecklistRow]:
    rows = []
    for item in ACCORD_ITEMS:
        answered = [(_anchor(report, a), SECTIONS[a]) for a in item.sections if _present(report, a)]
        missing = []
        for anchor in item.sections:
            if not _present(report, anchor):
                missing.append(
                    "Consent page: background questions"
                    if anchor == "characteristics"
                    else f"{SECTIONS[anchor]} (no round has closed)"
                )
        for key in item.fields:
            field = BY_KEY[key]
            if protocol_value(report.study, field):
                answered.append((field.anchor, f"Protocol: {field.label}"))
            else:
                missing.append(f"Protocol: {field.label} ([protocol] {field.key})")
        if item.outside:
            missing.append(OUTSIDE[item.outside])
        status = NOT_RECORDED if not answered else (PARTLY if missing else ANSWERED)
        rows.append(ChecklistRow(item.number, item.section, item.topic, status, answered, missing))
    return rows


CSV_HEADER = ["item", "section", "topic", "status", "answered_in", "field_to_fill"]


def checklist_table(report: StudyReport) -> tuple[list[str], list[list[object]]]:
    return CSV_HEADER, [
        [row.number, row.section, row.topic, row.status, row.where, "; ".join(row.missing)]
        for row in report.checklist
    ]


def export_checklist_csv(report: StudyReport) -> bytes:
    """The pre-filled checklist, one row per ACCORD item."""
    from delphi.reports.csv_export import write_csv  # it reads the report model, as this does

    return write_csv(*checklist_table(report))


__all__ = ["ACCORD_ITEMS", "ChecklistRow", "checklist", "checklist_table", "export_checklist_csv"]
