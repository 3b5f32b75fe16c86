"""The ACCORD checklist, pre-filled: where in the report each item is answered, or which field
would answer it.

ACCORD (ACcurate COnsensus Reporting Document; Gattrell WT, Logullo P, van Zuuren EJ, et al.,
PLOS Medicine 2024;21(1):e1004326, doi:10.1371/journal.pmed.1004326, PMC10805282) has 35 items,
numbered within their section: title T1, introduction I1-I3, methods M1-M21 (registration M1,
selection of the steering committee and panellists M2-M5, preparatory research M6-M8, assessing
consensus M9-M19, participation M20-M21), results R1-R5, discussion D1-D2 and other information
O1-O3. The numbers, their order and what each item asks follow the editable checklist the ACCORD
group publishes (https://www.ismpp.org/assets/ACCORD/ACCORD%20checklist%20editable.docx). Each
topic below is a short paraphrase of its item; a journal's form takes the published wording.

An item is answered by sections of the report (a few appear only with their data: see
``_present``) and by protocol fields (answered only when filled in, on the Protocol page or in
the study file's ``[protocol]`` table), each named with its field when empty. Only the paper's
discussion lies outside the platform (``OUTSIDE``): its two items are at most partly answered here.
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
    "methods-design": "Methods: design",
    "methods-rounds": "Methods: rounds",
    "methods-definition": "Methods: consensus definition",
    "methods-feedback": "Methods: feedback between rounds",
    "methods-review": "Methods: decisions between rounds",
    "methods-anonymity": "Methods: anonymity",
    "methods-missing": "Methods: missing answers",
    "methods-groups": "Methods: stakeholder groups",
    "participation": "Participation",
    "participant-flow": "Participant flow",
    "characteristics": "Panel characteristics",
    "flow": "Item flow across rounds",
    "rounds": "Items, round by round",
    "final": "Items that reached consensus",
    "excluded": "Excluded items",
    "rewording": "Rewording history",
    "decisions": "Who decided what and when",
    "limitations": "Limitations",
}
# What the platform cannot hold: the paper's discussion is written from the results.
OUTSIDE = {
    "discussion": "the paper's discussion, written from the results (the platform holds no "
    "field for it)",
}


@dataclass(frozen=True)
class AccordItem:
    item: str  # the published number: T1, I1-I3, M1-M21, R1-R5, D1-D2, O1-O3
    section: str  # Title, Introduction, Methods, Results, Discussion, Other information
    topic: str  # a short paraphrase of the published item
    sections: tuple[str, ...] = ()  # anchors of report sections that answer it
    fields: tuple[str, ...] = ()  # protocol field keys that answer it
    outside: str | None = None  # a key of OUTSIDE: answered (also) outside the platform


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
            "T1",
            T,
            "Identify the report as a consensus exercise and name the method (for example, Delphi)",
            ("design", "methods-design"),
        ),
        AccordItem(
            "I1",
            I,
            "Why a consensus exercise was chosen over other approaches",
            fields=("rationale",),
        ),
        AccordItem(
            "I2",
            I,
            "Aim of the consensus exercise, its intended audience and geographical scope",
            fields=("aim", "scope"),
        ),
        AccordItem(
            "I3",
            I,
            "If it updates an existing document: why an update is needed, and the original's "
            "citation",
            fields=("update_of",),
        ),
        # Methods: registration
        AccordItem(
            "M1", M, "Registration: the registry, number and date", fields=("registration",)
        ),
        # Methods: selection of the steering committee and panellists
        AccordItem(
            "M2",
            M,
            "Who led the exercise (chair, co-chairs or steering committee) and how they were "
            "chosen",
            fields=("steering_group",),
        ),
        AccordItem(
            "M3",
            M,
            "Criteria for including panellists, the rationale for their number, and who selected "
            "them",
            fields=("eligibility", "panel_size"),
        ),
        AccordItem(
            "M4",
            M,
            "How panellists were recruited: the invitations sent and how, and whether panellists "
            "could suggest others",
            ("participant-flow",),
            ("recruitment",),
        ),
        AccordItem(
            "M5",
            M,
            "The role of members of the public, patients or carers in each step",
            fields=("public_involvement",),
        ),
        # Methods: preparatory research
        AccordItem(
            "M6",
            M,
            "Preparatory research before the consensus steps (literature review, interviews, "
            "surveys)",
            fields=("evidence",),
        ),
        AccordItem(
            "M7",
            M,
            "The methods of any systematic literature review (as PRISMA and PRISMA-S ask)",
            fields=("evidence", "review_methods"),
        ),
        AccordItem(
            "M8",
            M,
            "How existing evidence was summarised, and whether panellists were given it",
            fields=("evidence",),
        ),
        # Methods: assessing consensus
        AccordItem(
            "M9",
            M,
            "The consensus method used, and how and why it was modified",
            ("methods-design",),
        ),
        AccordItem(
            "M10",
            M,
            "The questionnaire or list of statements (best given as supplementary material)",
            ("methods-design", "rounds"),
        ),
        AccordItem(
            "M11",
            M,
            "The consensus steps (Delphi rounds, meetings or interviews) planned, and the rule "
            "for stopping",
            ("methods-rounds",),
            ("rounds_planned", "stopping_rule"),
        ),
        AccordItem(
            "M12",
            M,
            "The definition of consensus and the rationale for it",
            ("methods-definition",),
            ("definition_rationale",),
        ),
        AccordItem(
            "M13",
            M,
            "Whether statements that met the definition of consensus were voted on again",
            ("methods-review",),
        ),
        AccordItem(
            "M14",
            M,
            "How responses were collected in each step, individually or in a group",
            ("methods-design",),
        ),
        AccordItem(
            "M15",
            M,
            "How responses were analysed: the statistics, missing answers and any analysis of "
            "free text",
            ("methods-definition", "methods-missing"),
            ("comment_analysis",),
        ),
        AccordItem(
            "M16",
            M,
            "Piloting of the study materials: by whom, what changed, or that there was none",
            fields=("piloting",),
        ),
        AccordItem(
            "M17",
            M,
            "Feedback between steps: quantitative or qualitative, and whether anonymised",
            ("methods-feedback",),
        ),
        AccordItem(
            "M18",
            M,
            "Anonymity: whether it was planned, to whom it applied and how it was kept",
            ("methods-anonymity",),
        ),
        AccordItem(
            "M19",
            M,
            "The roles of those running the process, such as whether organisers also voted",
            ("decisions",),
            ("steering_group",),
        ),
        # Methods: participation
        AccordItem(
            "M20",
            M,
            "What encouraged participation, such as repeated invitations or payment",
            ("methods-rounds",),
            ("recruitment",),
        ),
        AccordItem(
            "M21",
            M,
            "The language of the surveys or meetings, and any translation or plain-language "
            "summary",
            fields=("languages",),
        ),
        AccordItem(
            "R1",
            R,
            "When the exercise took place: its start and the time each step took, with any "
            "extension or delay",
            ("methods-rounds", "decisions"),
        ),
        AccordItem(
            "R2",
            R,
            "Changes to the planned methods (panellists added, number of steps, stopping "
            "criteria) and the step where each happened",
            ("methods-rounds", "methods-review", "decisions"),
            ("changes",),
        ),
        AccordItem(
            "R3",
            R,
            "The panellists in each step: their number, response rate and characteristics",
            ("participation", "participant-flow", "characteristics", "methods-groups"),
        ),
        AccordItem(
            "R4",
            R,
            "The final outcome, in numbers (such as medians and ranges) and themes",
            ("final", "rounds"),
        ),
        AccordItem(
            "R5",
            R,
            "Statements modified or removed during the process, with why and when",
            ("flow", "rewording", "excluded"),
        ),
        AccordItem(
            "D1",
            D,
            "Strengths and limitations, and what may have affected the decisions (response "
            "rates, representativeness)",
            ("limitations",),
            outside="discussion",
        ),
        AccordItem(
            "D2",
            D,
            "Whether the recommendations agree with earlier literature, and why they may differ",
            outside="discussion",
        ),
        AccordItem("O1", O, "Endorsing organisations and their role", fields=("endorsement",)),
        AccordItem(
            "O2",
            O,
            "Conflicts of interest, of those directing the study and of panellists, and how they "
            "were managed",
            fields=("conflicts",),
        ),
        AccordItem("O3", O, "Funding and the funder's role in the study", fields=("funding",)),
    )


ACCORD_ITEMS = _items()


@dataclass(frozen=True)
class ChecklistRow:
    item: str  # the published number (T1, I1, M1 ...)
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
        rows.append(ChecklistRow(item.item, item.section, item.topic, status, answered, missing))
    return rows


CSV_HEADER = ["item", "section", "topic", "status", "answered_in", "field_to_fill"]


def checklist_table(report: StudyReport) -> tuple[list[str], list[list[object]]]:
    return CSV_HEADER, [
        [row.item, row.section, row.topic, row.status, row.where, "; ".join(row.missing)]
        for row in report.checklist
    ]


def export_checklist_csv(report: StudyReport) -> bytes:
    """The pre-filled checklist, one row per ACCORD item."""
    from delphi.reports.csv_export import write_csv  # it reads the report model, as this does

    return write_csv(*checklist_table(report))


__all__ = ["ACCORD_ITEMS", "ChecklistRow", "checklist", "checklist_table", "export_checklist_csv"]
