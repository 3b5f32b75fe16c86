"""The study file's [consent] table and [[background]] questions: imported, checked with lines,
and written back by export so that importing the export gives the same study."""
from __future__ import annotations

import pytest

from delphi.consent.background import questions_of
from delphi.consent.operations import current_version
from delphi.importing import InvalidFile
from delphi.models import QuestionKind, WithdrawalRule
from delphi.studies.export import export_study_file
from delphi.studies.study_file import import_study_file, parse_study_file

FILE = '''
[study]
title = "Consulted study"
slug = "consulted"

[consent]
sheet = """
# About the study

You will rate **guidance**: "as you see it".
"""
statements = ["I have read the sheet.", "I agree to take part."]
withdrawal = "erase"

[[background]]
code = "role"
text = "Your main role"
kind = "single"
required = true
choices = ["Social worker", "Nurse"]

[[background]]
code = "years"
text = "Years in practice"
kind = "number"
min = 0
max = 60

[[sections]]
code = "S1"
title = "Preparing"
items = [{ code = "S1.1", text = "Share ownership." }]
'''


def _facts(study):
    version = current_version(study)
    return (
        version.sheet, version.statements, study.withdrawal_rule,
        [(q.code, q.text, q.kind, q.required, q.choices, q.min_value, q.max_value)
         for q in questions_of(study)],
    )


def test_import_and_export_round_trip(db):
    study = import_study_file(parse_study_file(FILE.encode(), "consulted.toml"))
    db.session.flush()
    facts = _facts(study)
    assert facts == (
        '# About the study\n\nYou will rate **guidance**: "as you see it".',
        ["I have read the sheet.", "I agree to take part."],
        WithdrawalRule.ERASE,
        [("role", "Your main role", QuestionKind.SINGLE, True, ["Social worker", "Nurse"],
          None, None),
         ("years", "Years in practice", QuestionKind.NUMBER, False, [], 0, 60)],
    )
    exported = export_study_file(study).replace('slug = "consulted"', 'slug = "again"')
    again = import_study_file(parse_study_file(exported.encode(), "again.toml"))
    db.session.flush()
    assert _facts(again) == facts


@pytest.mark.parametrize(("change", "line", "message"), [
    (('withdrawal = "erase"', 'withdrawal = "forget"'), 13,
     '[consent] withdrawal: found \'forget\', expected "keep" or "erase"'),
    (('kind = "number"', 'kind = "slider"'), 25, "background question years kind: expected one of"),
    (("max = 60", "max = -5"), 26, "background question years min: min 0 is above max -5"),
    (('choices = ["Social worker", "Nurse"]', 'choices = ["Nurse"]'), 20,
     "a single choice question needs at least two choices"),
    (('statements = ["I have read the sheet.",', 'statements = ["\\u0007",'), 12,
     "[consent] statement 1"),
])
def test_problems_are_reported_with_the_line_and_nothing_is_imported(db, change, line, message):
    with pytest.raises(InvalidFile) as raised:
        parse_study_file(FILE.replace(*change).encode(), "consulted.toml")
    described = [p.describe("consulted.toml") for p in raised.value.problems]
    assert any(f"line {line}" in d and message in d for d in described), described
