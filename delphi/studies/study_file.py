"""The study file: a TOML description of a study's scale, consensus definition and guidance items.

``parse_study_file`` checks a whole file before anything is written and reports every problem with
the file name, the line and the key; ``import_study_file`` then builds the study from the checked
result. ``export_study_file`` writes a study back as a study file that imports again unchanged.
The format is in ``study_file_format``; the checks of each table and key in ``study_file_checker``.
"""

from __future__ import annotations

import tomllib

from delphi import audit
from delphi.consent.study_file import apply_consultation, check_consultation
from delphi.extensions import db
from delphi.importing import Problems, decode_utf8
from delphi.models import Item, Section, StaffUser, Study
from delphi.studies.documents import attach_link
from delphi.studies.study_file_checker import Checker
from delphi.studies.study_file_documents import check_documents
from delphi.studies.study_file_format import TABLES, StudyFile
from delphi.studies.toml_source import TomlSource, toml_syntax_problem, unreadable_toml_problem


def _column_default(attribute: str) -> object:
    default = Study.__table__.c[attribute].default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def parse_study_file(data: bytes, filename: str) -> StudyFile:
    """Check a study file completely; raise InvalidFile listing every problem found."""
    problems = Problems(filename)
    text = decode_utf8(data, filename)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        syntax = toml_syntax_problem(error, text)
        problems.add(syntax.line, syntax.where, syntax.message)
        problems.raise_if_any()
    except (RecursionError, ValueError) as error:
        # Lists or tables nested thousands deep, or a number of thousands of digits.
        unreadable = unreadable_toml_problem(error, text)
        problems.add(unreadable.line, unreadable.where, unreadable.message)
        problems.raise_if_any()
    source = TomlSource(text)
    checker = Checker(source, problems)
    for key in document:
        if key not in TABLES and key not in ("sections", "documents", "consent", "background"):
            checker.problem(
                source.key_line(None, key),
                key,
                f"unknown table or key {key!r}; expected: "
                f"{', '.join(f'[{t}]' for t in TABLES)}, [consent], [[sections]], [[documents]], "
                "[[background]]",
            )
    settings: dict[str, object] = {
        rule.attribute: _column_default(rule.attribute)
        for spec in TABLES.values()
        for rule in spec.values()
    }
    for name in TABLES:
        checker.table(document, name, settings)
    sections = checker.sections(document)
    documents = check_documents(document, sections, source, checker.problem)
    consultation = check_consultation(document, source, checker.problem)
    if not problems:
        checker.scale(settings)
    if not problems:
        checker.consensus(settings)
    _check_slug(settings, source, problems)
    problems.raise_if_any()
    return StudyFile(settings, sections, documents, consultation)


def _check_slug(settings: dict[str, object], source: TomlSource, problems: Problems) -> None:
    """A slug the checks let through must also be free."""
    slug = settings.get("slug")
    if not isinstance(slug, str) or not slug:
        return
    line = source.key_line("study", "slug")
    if db.session.scalar(db.select(Study.id).filter_by(slug=slug)) is not None:
        problems.add(
            line,
            "[study] slug",
            f"a study with the slug {slug!r} already exists; choose another slug",
        )


def import_study_file(parsed: StudyFile, *, by: StaffUser | None = None) -> Study:
    """Create the study, its sections and items from a checked study file (flushed)."""
    study = Study(**parsed.settings)
    db.session.add(study)
    for position, parsed_section in enumerate(parsed.sections, start=1):
        section = Section(
            study=study,
            code=parsed_section.code,
            title=parsed_section.title,
            guidance=parsed_section.guidance,
            position=position,
        )
        db.session.add(section)
        for item_position, parsed_item in enumerate(parsed_section.items, start=1):
            db.session.add(
                Item(
                    study=study,
                    section=section,
                    code=parsed_item.code,
                    text=parsed_item.text,
                    explanation=parsed_item.explanation,
                    position=item_position,
                )
            )
    audit.record(
        "study.create",
        study=study,
        by=by,
        target=study.slug,
        after={
            "sections": len(parsed.sections),
            "items": sum(len(s.items) for s in parsed.sections),
        },
    )
    db.session.flush()
    apply_consultation(study, parsed.consultation, by=by)
    by_code = {section.code: section for section in study.sections}
    for link in parsed.documents:
        attach_link(
            study,
            title=link.title,
            url=link.url,
            section=by_code[link.section] if link.section else None,
            by=by,
        )
    return study
