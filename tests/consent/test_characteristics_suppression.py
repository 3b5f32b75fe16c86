"""Secondary suppression in the panel characteristics table: one hidden count alone, in a
question whose rows add up to the total, would be the total minus the rows shown."""
from __future__ import annotations

from delphi.consent.characteristics import QuestionFacts, tabulate
from delphi.models import QuestionKind

ROLE = QuestionFacts("role", "Your role", QuestionKind.SINGLE, ("Nurse", "Doctor", "Other"))
SETTINGS = QuestionFacts("settings", "Where you work", QuestionKind.MULTIPLE, ("Urban", "Rural"))
# Panellists 1-6 nurses, 7-9 doctors, 10 other; all work in towns, the 10th in the country too.
ANSWERS = {
    pid: {"role": "Nurse" if pid <= 6 else "Doctor" if pid <= 9 else "Other",
          "settings": ["Urban", "Rural"] if pid == 10 else ["Urban"]}
    for pid in range(1, 11)
}
RESPONDERS = {1: {1, 2, 3, 4, 7, 8, 9, 10}, 2: {1, 2, 3, 4, 5, 7, 8}}

# Counted by hand; the minimum group size is 3, so 1 and 2 are hidden (primary), and where a
# column of a question would have one hidden count only, its next smallest count above zero
# is hidden too (secondary).
EXPECTED = {
    # all: 6, 3, 1, 0 -> Other hidden, then Doctor (3, the smallest above zero of the rest)
    # round 1: 4, 3, 1, 0 -> Other, then Doctor; round 2: 5, 2, 0, 0 -> Doctor, then Nurse
    ("role", "Nurse"): (6, 4, None),
    ("role", "Doctor"): (None, None, None),
    ("role", "Other"): (None, None, 0),
    ("role", "(not answered)"): (0, 0, 0),
    # several choices: the rows do not add up to the total (the 10th counts twice), so the
    # one hidden count cannot be worked out and nothing more is hidden
    ("settings", "Urban"): (10, 8, 7),
    ("settings", "Rural"): (None, None, 0),
    ("settings", "(not answered)"): (0, 0, 0),
}


def test_a_lone_hidden_count_takes_the_next_smallest_with_it():
    table = tabulate([ROLE, SETTINGS], ANSWERS, RESPONDERS, min_group_size=3)
    found = {(row.question, row.answer): (row.overall, row.by_round[1], row.by_round[2])
             for row in table.rows}
    assert found == EXPECTED
    assert (table.panellists, table.responders) == (10, {1: 8, 2: 7})
