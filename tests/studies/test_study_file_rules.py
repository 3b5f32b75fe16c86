"""A study file is held to the same rules as the console's forms (delphi/validation.py): codes,
lengths, control characters, line breaks in header values, reminder days, {link} in message
texts, numbers in range; and a large or hostile file is checked in linear time without a
traceback."""
from __future__ import annotations

import pytest

from delphi.importing import InvalidFile
from delphi.models import Study
from delphi.studies import study_file
from delphi.studies.study_file import parse_study_file
from delphi.studies.toml_source import TomlSource
from tests.support.fixtures import STUDY_FILE

GOOD = STUDY_FILE.read_text("utf-8")
# Lines of study.toml: 2 title, 8 scale min, 10 labels, 15 quantiles, 18/19 section 1 code and
# title, 22 item S1.2.
AFTER_QUANTILES = 'quantiles = "linear"'


def _fails(cli, write_file, row_counts, content: str) -> str:
    before = row_counts()
    result = cli("study", "import", write_file("study.toml", content))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert row_counts() == before
    return result.output


def _table(name: str, line: str) -> tuple[str, str]:
    """Add ``[name]`` holding ``line`` after the quantiles key: the table is line 17, the key 18."""
    return AFTER_QUANTILES, f"{AFTER_QUANTILES}\n\n[{name}]\n{line}"


@pytest.mark.parametrize("change, expected", [
    (('code = "S1"', 'code = "=cmd"'),
     "line 18, section 1 code: found '=cmd', which must start with a letter or digit"),
    (('code = "S1.2"', 'code = "S1.2\\"<b>"'),
     """line 22, section S1 item 2 code: found 'S1.2"<b>', which must start"""),
    (_table("schedule", "reminder_days = [0]"),
     "line 18, [schedule] reminder_days: holds 0: each day before the deadline must be between "
     "1 and 365."),
    (_table("schedule", f"reminder_days = [{', '.join(str(d) for d in range(1, 41))}]"),
     "line 18, [schedule] reminder_days: has too many days"),
    (_table("messages", 'invitation_body = "Please rate the items."'),
     "line 18, [messages] invitation_body: must contain {link}, where the personal link goes."),
    (_table("messages", 'reminder_body = "Please finish."'),
     "line 18, [messages] reminder_body: must contain {link}"),
    (_table("messages", 'invitation_subject = "Round open\\nBcc: all@example.org"'),
     "line 18, [messages] invitation_subject: contains a line break at character 11"),
    (_table("messages", 'reminder_subject = "Reminder\\r\\nBcc: all@example.org"'),
     "line 18, [messages] reminder_subject: contains a line break at character 9"),
    (('title = "Test guidance"', 'title = "Test\\u0000guidance"'),
     "line 2, [study] title: contains a control character (U+0000) at character 5"),
    (('title = "Test guidance"', 'title = "Test\\nguidance"'),
     "line 2, [study] title: contains a line break at character 5"),
    (('title = "Test guidance"', f'title = "{"t" * 301}"'),
     "line 2, [study] title: is 301 characters long; the limit is 300."),
    (('contact = "team@example.org"', 'contact = "team\\u001b@example.org"'),
     "line 5, [study] contact: contains a control character (U+001B) at character 5"),
    (('title = "Preparing to work together"', 'title = "Preparing\\u0007"'),
     "line 19, section 1 title: contains a control character (U+0007) at character 10"),
    (('text = "Decisions are made jointly."', f'text = "{"x" * 2_000_000}"'),
     "line 22, item S1.2 text: is 2,000,000 characters long; the limit is 2,000."),
    (('text = "Decisions are made jointly."', 'text = "Decisions\\u0000"'),
     "line 22, item S1.2 text: contains a control character (U+0000) at character 10"),
    (('1 = "Not important"', '1 = "Not\\u0000important"'),
     "line 10, [scale] labels 1: contains a control character (U+0000)"),
    ((AFTER_QUANTILES, f"{AFTER_QUANTILES}\nmin_ratings = {10 ** 30}"),
     "line 16, [consensus] min_ratings: found a number of 31 digits, expected a number from 1 "
     "to 1,000,000"),
    (_table("feedback", f"min_group_size = {10 ** 30}"),
     "line 18, [feedback] min_group_size: found a number of 31 digits, expected a number from 3"),
    (("min = 1", f"min = {10 ** 30}"), "line 8, [scale] min: found a number of 31 digits"),
    (("max = 9", "max = -5"), "line 9, [scale] max: found -5, expected a number from 0 to"),
    ((AFTER_QUANTILES, f"{AFTER_QUANTILES}\niqr_max = inf"),
     "line 16, [consensus] iqr_max: found inf, expected a number from 0 to 1,000,000"),
    ((AFTER_QUANTILES, f"{AFTER_QUANTILES}\nmin_ratings = {'9' * 5000}"),
     "line 16: a number with thousands of digits"),
    (('contact = "team@example.org"', f'contact = "x"\nnested = {"[" * 5000}{"]" * 5000}'),
     "line 6: lists or tables are nested more than 100 levels deep"),
])
def test_the_forms_rules_hold_in_a_study_file(cli, write_file, row_counts, change, expected):
    old, new = change
    assert old in GOOD
    output = _fails(cli, write_file, row_counts, GOOD.replace(old, new, 1))
    assert expected in output
    assert len(output) < 2_000  # a huge value is described, never echoed


def test_multiline_texts_keep_tabs_and_line_breaks_and_days_are_tidied(cli, write_file, db):
    content = GOOD.replace('text = "Decisions are made jointly."',
                           'text = "Decisions are made jointly:\\n\\tby both."').replace(
        AFTER_QUANTILES, f'{AFTER_QUANTILES}\n\n[schedule]\nreminder_days = [2, 7, 2]\n\n'
                         '[messages]\ninvitation_body = "Dear {name},\\n\\t{link}"')
    result = cli("study", "import", write_file("study.toml", content))

    assert result.exit_code == 0, result.output
    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    assert study.items[1].text == "Decisions are made jointly:\n\tby both."
    assert study.reminder_days == "7,2"
    assert study.invitation_body == "Dear {name},\n\t{link}"


def _study_file(items: int) -> bytes:
    head = GOOD[:GOOD.index("[[sections]]")]
    rows = [f'  {{ code = "I{n}", text = "Statement number {n}." }},' for n in range(items)]
    return (head + '[[sections]]\ncode = "S1"\ntitle = "All"\nitems = [\n' + "\n".join(rows)
            + "\n]\n").encode()


class _CountingLines(list):
    """A file's lines that count how many times a line is read."""

    reads = 0

    def __iter__(self):
        for line in super().__iter__():
            _CountingLines.reads += 1
            yield line

    def __getitem__(self, index):
        _CountingLines.reads += 1
        return super().__getitem__(index)


def test_checking_a_study_file_reads_each_line_a_bounded_number_of_times(app, db, monkeypatch):
    class CountingSource(TomlSource):
        def __init__(self, text: str):
            super().__init__(text)
            self.lines = _CountingLines(self.lines)

    monkeypatch.setattr(study_file, "TomlSource", CountingSource)
    reads = {}
    for items in (500, 2_000):
        _CountingLines.reads = 0
        parsed = parse_study_file(_study_file(items), "big.toml")
        assert len(parsed.sections[0].items) == items
        reads[items] = _CountingLines.reads
    # Indexing the text once is all the reading there is: no line is searched per item.
    assert reads[2_000] <= 2 * (2_000 + 30)
    assert reads[2_000] <= 4 * reads[500] + 30


def test_a_duplicate_among_many_items_is_found_on_its_line(app, db):
    content = _study_file(3_000).replace(b'"I2999"', b'"I7"')
    with pytest.raises(InvalidFile) as error:
        parse_study_file(content, "big.toml")
    lines = GOOD[:GOOD.index("[[sections]]")].count("\n") + 4  # section header, code, title, [
    assert error.value.problems[0].line == lines + 3_000
    assert "duplicate code 'I7'; it is already used on line " f"{lines + 8}" in str(error.value)
