"""The protocol as the report states it: every declared field, "not reported" when empty."""

from __future__ import annotations

from dataclasses import dataclass

from delphi.models import Study
from delphi.studies.protocol import NOT_REPORTED, PROTOCOL_FIELDS, protocol_value


@dataclass(frozen=True)
class ProtocolRow:
    key: str  # the study file's key
    label: str
    anchor: str  # the row's id in the report, cited by the checklist
    text: str  # "" when not reported

    @property
    def reported(self) -> bool:
        return bool(self.text)

    @property
    def shown(self) -> str:
        return self.text or NOT_REPORTED


def protocol_rows(study: Study) -> list[ProtocolRow]:
    return [
        ProtocolRow(field.key, field.label, field.anchor, protocol_value(study, field))
        for field in PROTOCOL_FIELDS
    ]


__all__ = ["NOT_REPORTED", "ProtocolRow", "protocol_rows"]
