"""Formula neutralisation: text that a spreadsheet would run gets a quote, numbers stay numbers."""
import pytest

from delphi.reports.safety import neutralise


@pytest.mark.parametrize("text", ["=1+2", "+33 612", "-SUM(A1)", "@cmd", "\tx", "\rx",
                                  '=HYPERLINK("http://evil.example")'])
def test_text_that_could_start_a_formula_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-3, -0.25, 0, 7, 2.5, None, True, "plain text", "", "a=b"])
def test_numbers_and_harmless_text_are_unchanged(value):
    assert neutralise(value) == value
    assert type(neutralise(value)) is type(value)
