"""The study file's ``[[documents]]``: links panellists can open, to the study or to a section.

Uploaded files are not written into a study file; they stay in the database (and its backups)
and are attached again on the study's Documents page.
"""

from __future__ import annotations

from delphi.studies.study_file_format import DOCUMENT_KEYS, ParsedDocument, ParsedSection
from delphi.studies.toml_source import TomlSource
from delphi.validation import header_problem, link_problem


def check_documents(
    document: dict, sections: list[ParsedSection], source: TomlSource, problem
) -> list[ParsedDocument]:
    """The file's links, each checked; ``problem(line, where, message)`` reports a fault."""
    raw = document.get("documents", [])
    if not isinstance(raw, list) or not all(isinstance(d, dict) for d in raw):
        problem(
            source.key_line(None, "documents") or source.table_line("documents"),
            "[[documents]]",
            "expected [[documents]] tables, each with a title and a url",
        )
        return []
    codes = {section.code for section in sections}
    parsed = []
    for index, content in enumerate(raw):
        line = source.table_line("documents", index)
        where = f"document {index + 1}"
        faulty = False
        for key in content:
            if key not in DOCUMENT_KEYS:
                problem(
                    source.key_line("documents", key, index) or line,
                    f"{where} {key}",
                    f"unknown key {key!r}; expected: {', '.join(DOCUMENT_KEYS)}",
                )
                faulty = True
        values: dict[str, str] = {}
        for key, check in (("title", header_problem), ("url", link_problem)):
            value = content.get(key)
            key_line = source.key_line("documents", key, index) or line
            if not isinstance(value, str) or not value.strip():
                problem(key_line, f"{where} {key}", f"expected the document's {key} in quotes")
                faulty = True
            elif message := check(value.strip()):
                problem(key_line, f"{where} {key}", message)
                faulty = True
            else:
                values[key] = value.strip()
        section = content.get("section")
        if section is not None and (not isinstance(section, str) or section not in codes):
            problem(
                source.key_line("documents", "section", index) or line,
                f"{where} section",
                f"found {section!r}, expected the code of one of the file's sections",
            )
            faulty = True
        if not faulty:
            parsed.append(ParsedDocument(values["title"], values["url"], section))
    return parsed
