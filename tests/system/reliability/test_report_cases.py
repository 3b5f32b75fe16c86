"""The reliability report names the test modules behind each case the review tried; a module
moved or renamed must not silently drop its case from ``make verify``."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.system.reliability.report import REVIEW_CASES, review_modules

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("case, modules", REVIEW_CASES, ids=[c for c, _ in REVIEW_CASES])
def test_every_case_names_test_modules_that_exist(case, modules):
    assert modules
    for module in modules:
        assert (ROOT / module).is_file(), f"{case}: {module} does not exist"


def test_make_verify_runs_the_modules_outside_its_two_folders():
    makefile = (ROOT / "Makefile").read_text()
    assert "tests.system.reliability.report --modules" in makefile
    assert "tests/system/cli/test_entry_point.py" in review_modules()
