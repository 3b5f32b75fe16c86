"""One way to write a statistic for people: the formatters every template uses."""
from __future__ import annotations

import pytest

from delphi.formatting import MISSING, number, percent


@pytest.mark.parametrize("value", [None, float("nan")])
def test_a_missing_statistic_is_a_dash_wherever_it_is_written(value):
    assert number(value) == number(value, 3) == percent(value) == percent(value, 0) == "–"
    assert MISSING == "–"


def test_whole_numbers_are_written_without_decimals():
    assert [number(7), number(7.0), number(0.0), number(-0.001), number(12, 3)] == \
        ["7", "7", "0", "0", "12"]


def test_halves_and_quarters_keep_their_digits_and_no_trailing_zeros():
    assert [number(6.5), number(6.25), number(7.75), number(2 / 3), number(0.0314, 3)] == \
        ["6.5", "6.25", "7.75", "0.67", "0.031"]


def test_percentages_have_one_decimal_at_most_and_a_percent_sign():
    assert [percent(100.0), percent(50.0), percent(100 / 3), percent(200 / 3), percent(2.5)] == \
        ["100%", "50%", "33.3%", "66.7%", "2.5%"]
    assert [percent(200 / 3, 0), percent(70.0, 0), percent(0, 0)] == ["67%", "70%", "0%"]
