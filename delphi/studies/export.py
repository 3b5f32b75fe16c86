"""Writing a study back out as a study file that ``delphi study import`` accepts unchanged.

The file holds the study's settings and its current guidance: every item that is not retired, in
its latest wording (an item replaced by a rewording is left out, its new wording kept).
"""

from __future__ import annotations

import enum

from delphi.consent.study_file import consultation_toml
from delphi.models import DocumentKind, Study
from delphi.signup.settings import SIGNUP_SETTINGS, signup_toml_value
from delphi.studies.documents import documents_of
from delphi.studies.study_file_format import TABLES

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: str) -> str:
    """A TOML basic string on one line, every character TOML forbids there escaped."""
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _multiline_string(value: str) -> str:
    """A TOML multi-line basic string keeping the text's line breaks readable."""
    out = []
    for char in value:
        if char == "\n":
            out.append("\n")
        elif char == "\t":
            out.append("\t")
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"""\n' + "".join(out) + '"""'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return toml_string(str(value.value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        cells = ", ".join(
            f"{toml_string(str(k))} = {toml_string(str(v))}"
            for k, v in sorted(value.items(), key=lambda kv: int(kv[0]))
        )
        return "{ " + cells + " }" if cells else "{}"
    text = str(value)
    return _multiline_string(text) if "\n" in text else toml_string(text)


def _setting(study: Study, table: str, key: str) -> object:
    attribute = TABLES[table][key].attribute
    value = getattr(study, attribute)
    if attribute in SIGNUP_SETTINGS:
        return signup_toml_value(value)
    if attribute == "reminder_days":
        days = [int(d) for d in value.split(",") if d.strip()]
        return "[" + ", ".join(str(d) for d in days) + "]"
    return None if value is None else _toml_value(value)


def export_study_file(study: Study) -> str:
    """The study as a study file (TOML text)."""
    lines = [f"# Study file of {study.slug}, written by delphi study export.", ""]
    for table, keys in TABLES.items():
        lines.append(f"[{table}]")
        for key in keys:
            value = _setting(study, table, key)
            if value is not None:
                lines.append(f"{key} = {value}")
        lines.append("")
    lines += consultation_toml(study, _toml_value)
    replaced = {
        item.reworded_from_id for item in study.items if item.reworded_from_id and not item.retired
    }
    for section in study.sections:
        lines += [
            "[[sections]]",
            f"code = {toml_string(section.code)}",
            f"title = {toml_string(section.title)}",
        ]
        if section.guidance:
            lines.append(f"guidance = {_multiline_string(section.guidance)}")
        lines.append("items = [")
        for item in section.items:
            if item.retired or item.id in replaced:
                continue
            code, text = toml_string(item.code), toml_string(item.text)
            explanation = (
                f", explanation = {toml_string(item.explanation)}" if item.explanation else ""
            )
            lines.append(f"  {{ code = {code}, text = {text}{explanation} }},")
        lines += ["]", ""]
    return "\n".join(lines + _documents(study))


def _documents(study: Study) -> list[str]:
    """The study's links as [[documents]]; uploaded files are named in a comment only (they
    stay in the database and its backups, and are attached again on the Documents page)."""
    lines: list[str] = []
    for document in documents_of(study):
        if document.kind is DocumentKind.FILE:
            where = f" (section {document.section.code})" if document.section else ""
            lines.append(
                f"# File not included: {document.filename}{where}, {document.title}".replace(
                    "\n", " "
                )
            )
            continue
        assert document.url is not None
        lines += [
            "[[documents]]",
            f"title = {toml_string(document.title)}",
            f"url = {toml_string(document.url)}",
        ]
        if document.section is not None:
            lines.append(f"section = {toml_string(document.section.code)}")
        lines.append("")
    return lines
