"""CSV cells as the exports write them, whether the rows are a list (checked column by column)
or streamed (checked cell by cell): the same bytes either way."""
from delphi.reports.csv_export import write_csv

HEADER = ["who", "value", "flag", "comment"]
# Written by hand: None is an empty cell, booleans are true/false, formula text gets a quote
# (and the cell is quoted, its quotes doubled, since it holds quotes).
EXPECTED = ("who,value,flag,comment\r\n"
            "P001,7,1,\r\n"
            "P002,,true,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
            "P003,-3,0,a=b\r\n")


def _rows():
    return [("P001", 7, 1, ""),
            ("P002", None, True, '=HYPERLINK("x")'),  # True hides among the 1s of a set
            ("P003", -3, 0, "a=b")]


def test_a_list_of_rows_is_written_like_streamed_rows():
    assert write_csv(HEADER, _rows()).decode() == EXPECTED
    assert write_csv(HEADER, iter(_rows())).decode() == EXPECTED


def test_a_boolean_among_numbers_is_written_as_true_in_a_list_of_rows():
    rows = [("P001", 1, 1, ""), ("P002", 2, True, "")]
    assert write_csv(HEADER, rows).decode().splitlines()[2] == "P002,2,true,"


def test_formula_text_among_plain_codes_gets_its_quote_in_a_list_of_rows():
    rows = [(f"P{k:03d}", k, 0, "") for k in range(500)] + [("-P", 1, 0, "@cmd")]
    assert write_csv(HEADER, rows).decode().splitlines()[-1] == "'-P,1,0,'@cmd"
