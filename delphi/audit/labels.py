"""The audit trail in the team's words: each action, setting and value as the console names
it, rather than the code names events are stored under (``item.add_from_suggestion``,
``closes_at``). An action or key without a label here is shown in plain words from its name."""

from __future__ import annotations

import re
from datetime import datetime

from delphi.consensus.definition import BY_COLUMN
from delphi.studies.protocol import PROTOCOL_LABELS

ACTIONS = {
    "background.change": "Background questions changed",
    "consent.change": "Consent statements changed",
    "consent.log_export": "Consent log downloaded",
    "document.add": "Document added",
    "document.delete": "Document deleted",
    "item.add": "Item added",
    "item.add_from_suggestion": "Suggestion accepted as a new item",
    "item.add_from_suggestion.undo": "New item from a suggestion taken back",
    "item.decide": "Decision on an item",
    "item.explanation": "Item explanation changed",
    "item.move": "Item moved",
    "item.restore": "Item restored",
    "item.retire": "Item retired",
    "item.reword": "Item reworded",
    "item.reword.undo": "Rewording taken back",
    "item.summarise_arguments": "Summary of the arguments written",
    "item.update": "Item edited",
    "items.import": "Sections and items imported",
    "mail.retry": "Failed messages queued again",
    "panel.import": "Panel imported",
    "panel.links_download": "Personal links downloaded",
    "panellist.add": "Panellist added",
    "panellist.erase": "Panellist erased on request",
    "panellist.new_link": "Personal link replaced",
    "panellist.reinstate": "Panellist reinstated",
    "panellist.update": "Panellist edited",
    "panellist.withdraw": "Panellist withdrawn",
    "responses.import": "Paper responses imported",
    "report.bundle": "Supplementary bundle built for download",
    "round.close": "Round closed",
    "round.deadline": "Deadline changed",
    "round.deadline_notice": "Panel told of the deadline",
    "round.open": "Round opened",
    "round.prepare": "Next round prepared",
    "round.remind": "Reminder sent",
    "section.add": "Section added",
    "section.move": "Section moved",
    "section.update": "Section edited",
    "signup.accept": "Sign-up accepted onto the panel",
    "signup.confirm": "Sign-up confirmed, awaiting review",
    "signup.decline": "Sign-up declined",
    "study.complete": "Study marked complete",
    "study.create": "Study created",
    "study.delete": "Study deleted",
    "study.reopen": "Study reopened",
    "study.update": "Settings changed",
    "suggestion.decline": "Suggestion declined",
}

KEYS = {
    "closes_at": "Deadline",
    "invited_to_round": "Invited to round",
    "joined_by": "Joined by",
    "queued_again": "Messages queued again",
    "new_groups": "New stakeholder groups",
    "min_group_size": "Smallest group shown separately",
    "scale_labels": "Labels of scale points",
    "unable_to_rate": "“Unable to rate” offered",
    "reminder_days": "Reminders, days before the deadline",
    "auto_close": "Closes automatically at its deadline",
    "group_feedback": "Feedback per stakeholder group",
    "preselect_previous": "Previous rating preselected",
    "reason_outside_iqr": "Reason asked outside the IQR",
    "invitation_subject": "Invitation subject",
    "invitation_body": "Invitation text",
    "reminder_subject": "Reminder subject",
    "reminder_body": "Reminder text",
} | {column: setting.label for column, setting in BY_COLUMN.items()}
KEYS |= PROTOCOL_LABELS  # the Protocol page's fields (delphi/studies/protocol.py)

# A stored time: ISO 8601, as events record datetimes.
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _plain(name: str) -> str:
    words = re.sub(r"[._]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def action_label(action: str) -> str:
    """What the team did, in words: "Suggestion accepted as a new item"."""
    return ACTIONS.get(action) or _plain(action)


def key_label(key: str) -> str:
    """A before/after key in words: "Deadline" for ``closes_at``."""
    return KEYS.get(key) or _plain(key)


def value_text(value: object, key: str = "") -> str:
    """A before/after value as the console shows it: a choice by its label, yes/no, times to
    the minute in UTC."""
    setting = BY_COLUMN.get(key)
    if setting is not None and setting.choices and isinstance(value, str):
        return dict(setting.choices).get(value, value)
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(value_text(each) for each in value) or "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items()) or "(none)"
    return str(value)
