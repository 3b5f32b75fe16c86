"""The study's protocol: what the team decided before round 1 that a published report must state.

Each field is declared once here, with its Study column, its study-file key (``[protocol]``), its
label and the ACCORD checklist items it answers (ACcurate COnsensus Reporting Document, Gattrell
et al., PLOS Medicine 2024, doi:10.1371/journal.pmed.1004326; numbers as in
``delphi/reports/checklist.py``). The Protocol page, the study file, the report and the checklist
all read this table. Every field is plain text (shown escaped, line breaks kept) except the
planned number of rounds, a whole number. An empty field reads "not reported" in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_REPORTED = "not reported"
ROUNDS_PLANNED = "rounds_planned"  # the one field that is a number


@dataclass(frozen=True)
class ProtocolField:
    key: str  # the study file's key under [protocol], and the report's anchor (#protocol-<key>)
    label: str
    help: str  # what to write, on the Protocol page

    @property
    def column(self) -> str:
        return f"protocol_{self.key}"

    @property
    def anchor(self) -> str:
        return f"protocol-{self.key}"

    @property
    def is_number(self) -> bool:
        return self.key == ROUNDS_PLANNED


PROTOCOL_FIELDS: tuple[ProtocolField, ...] = (
    ProtocolField(
        "aim",
        "Aim and research question",
        "What the study sets out to agree, and the question panellists answer.",
    ),
    ProtocolField(
        "rationale",
        "Why a consensus method",
        "Why the question is settled by agreement among experts and people with experience "
        "rather than by other research, and why this method.",
    ),
    ProtocolField(
        "scope",
        "Intended users and scope",
        "Who will use the result (practitioners, services, guideline groups) and what it covers "
        "and leaves out, including the geographical scope.",
    ),
    ProtocolField(
        "update_of",
        "Earlier document this updates",
        "If the study updates existing guidance: why an update is needed, and that document's "
        "full citation; or that this is a first version.",
    ),
    ProtocolField(
        "registration",
        "Registration or protocol",
        "The registry and registration number, or where the protocol was published.",
    ),
    ProtocolField(
        "steering_group",
        "Steering group and roles",
        "Who organised the study, who drafted the items, who decided between rounds, and "
        "whether the organisers rated as panellists.",
    ),
    ProtocolField(
        "public_involvement",
        "Patient and public involvement",
        "The part people who use services, carers or members of the public played in each step "
        "(drafting, rating, deciding, writing up), or that there was none.",
    ),
    ProtocolField(
        "eligibility",
        "Eligibility and sampling",
        "Who could take part, and how panellists were chosen (purposive, snowball, open call).",
    ),
    ProtocolField(
        "recruitment",
        "Recruitment and incentives",
        "How panellists were approached, and any payment, voucher or acknowledgement offered.",
    ),
    ProtocolField(
        "panel_size",
        "Target panel size and its rationale",
        "How many panellists were sought, overall and per stakeholder group, and why.",
    ),
    ProtocolField(
        "evidence",
        "Evidence behind the first items",
        "Where the round 1 items came from: reviews, guidance, interviews, the team's experience.",
    ),
    ProtocolField(
        "review_methods",
        "Literature review methods",
        "If a literature review produced the first items: the sources and searches, the dates "
        "and how studies were chosen (as PRISMA and PRISMA-S ask), or where they are published.",
    ),
    ProtocolField(
        "piloting",
        "Piloting",
        "Whether and how the questionnaire was tried out before round 1, and what changed.",
    ),
    ProtocolField(
        "definition_rationale",
        "Why this definition of consensus",
        "Why the consensus rule and its thresholds were chosen: a published standard, earlier "
        "studies, the panel's size.",
    ),
    ProtocolField(
        "comment_analysis",
        "How comments were analysed",
        "How panellists' comments and suggestions were read between rounds (for example a "
        "thematic or content analysis, and by whom), or that they were not analysed.",
    ),
    ProtocolField(
        "languages",
        "Languages and translations",
        "The language the rounds were run in, and any translation, easy-read version or "
        "plain-language summary offered.",
    ),
    ProtocolField(
        "ethics",
        "Ethics approval",
        "The committee, its reference and the date, or why approval was not needed.",
    ),
    ProtocolField("funding", "Funding", "Who funded the study and the funder's role in it."),
    ProtocolField(
        "conflicts",
        "Conflicts of interest and how they were managed",
        "The organisers' and panellists' declared interests and what was done about them.",
    ),
    ProtocolField(
        "endorsement",
        "Endorsing organisations",
        "Any organisation that endorses the result, and its part in the study, or none.",
    ),
    ProtocolField(
        ROUNDS_PLANNED,
        "Planned number of rounds",
        "How many rounds were planned before round 1 (a whole number).",
    ),
    ProtocolField(
        "stopping_rule",
        "Stopping rule",
        "When the study stops: after a fixed number of rounds, when results are stable, or "
        "when consensus is reached on enough items.",
    ),
    ProtocolField(
        "changes",
        "Changes to the planned methods",
        "Anything done differently from the plan (panellists added, rounds added or dropped, the "
        "stopping rule changed), with the round it happened in and why. The Audit page lists "
        "every change made on the platform.",
    ),
)
BY_KEY = {field.key: field for field in PROTOCOL_FIELDS}
PROTOCOL_LABELS = {field.column: field.label for field in PROTOCOL_FIELDS}


def protocol_value(study: object, field: ProtocolField) -> str:
    """The field's value as text, "" when not reported."""
    value = getattr(study, field.column)
    return "" if value is None else str(value).strip()


def protocol_values(study: object) -> dict[str, str]:
    """Every field by key, "" when not reported."""
    return {field.key: protocol_value(study, field) for field in PROTOCOL_FIELDS}
