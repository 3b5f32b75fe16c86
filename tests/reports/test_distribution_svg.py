"""A distribution's SVG, written in Python by ``delphi.charts``, is the markup the template drew
expression by expression (``reference_distribution.html``): for every layout, for charts with
no ratings, no median or no quartiles, for names and descriptions that need escaping or are not
ASCII, and for the viewer's own rating anywhere or nowhere on the scale. The comparison is exact,
whitespace included, for the whole chart and for the three parts the questionnaire's feedback
draws apart.

Run with more examples by setting DELPHI_HEAVY=1.
"""
from __future__ import annotations

import os
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader, select_autoescape
import pytest

from delphi.charts import CONSOLE, FEEDBACK, REPORT, distribution_chart

pytestmark = pytest.mark.slow  # hypothesis: many generated charts

EXAMPLES = 2000 if os.environ.get("DELPHI_HEAVY") else 300
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None)

TEMPLATES = Path(__file__).parents[2] / "delphi" / "templates"
# The reference beside the product's template, in an environment that escapes as the app's does.
ENV = Environment(loader=FileSystemLoader([str(Path(__file__).parent), str(TEMPLATES)]),
                  autoescape=select_autoescape())
REFERENCE = ENV.get_template("reference_distribution.html").module
PRODUCT = ENV.get_template("_distribution.html").module

PIECES = ["<", ">", "&", '"', "'", "&amp;", "<title>", "</svg>", "{{ chart }}", "Zoë", "王",
          "–", "\n", " ", "7", "None"]
text = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=5).map("".join)
value = st.none() | st.integers(0, 12) | st.floats(-1, 13, allow_nan=False).map(
    lambda v: round(v * 4) / 4)


@st.composite
def charts(draw):
    low = draw(st.integers(0, 2))
    points = list(range(low, low + draw(st.integers(1, 10))))
    counts = {point: draw(st.integers(0, 3) | st.integers(0, 10_000)) for point in points
              if draw(st.booleans())}
    counts = {str(point) if draw(st.booleans()) else point: n for point, n in counts.items()}
    regions = draw(st.lists(st.tuples(st.integers(low - 1, low + 10),
                                      st.integers(low - 1, low + 10)), max_size=2))
    chart = distribution_chart(
        counts, points, draw(st.sampled_from([FEEDBACK, CONSOLE, REPORT])),
        median=draw(value), q1=draw(value), q3=draw(value), regions=regions,
        name=draw(st.none() | st.just("") | text),
        description=draw(st.none() | st.just("") | text))
    return chart, draw(st.none() | st.integers(low - 1, low + 10))


@SETTINGS
@given(charts())
# No ratings at all, and the median line at x = 0 (drawn although zero is false).
@example((distribution_chart({}, [0, 1, 2], CONSOLE, median=-0.5, q1=-0.5, q3=-0.5), 0))
def test_the_svg_is_the_markup_the_template_drew(drawn):
    chart, own = drawn
    expected = REFERENCE.distribution(chart, own)
    assert chart.svg(own) == expected
    assert PRODUCT.distribution(chart, own) == expected
    assert PRODUCT.distribution(chart) == REFERENCE.distribution(chart)
    assert chart.svg_head() == REFERENCE.distribution_head(chart)
    assert chart.svg_tail() == REFERENCE.distribution_tail(chart)
    for bar in chart.bars:
        for mine in (False, True):
            assert bar.svg(mine) == REFERENCE.distribution_bar(bar, mine)


def test_text_is_escaped_once_and_numbers_written_to_one_decimal():
    chart = distribution_chart({"1": 0, "2": 3}, [1, 2], REPORT, median=2,
                               name='Ratings of "A&B" <i>', description="Zoë <3")
    svg = chart.svg(2)
    assert 'aria-label="Ratings of &#34;A&amp;B&#34; &lt;i&gt;"' in svg
    assert "<title>Ratings of &#34;A&amp;B&#34; &lt;i&gt;</title>" in svg
    assert '<p class="visually-hidden">Zoë &lt;3</p>' in svg
    # Two points over 250 - 2 * 8 units: 117 each, the second centred at 8 + 1.5 * 117 = 183.5;
    # its bar, the tallest, 70% of a point wide (81.9) and 57 high, stands on the axis at 83.
    assert 'y="26.0" width="81.9" height="57.0" fill="#0b5cad"' in svg
    assert '<rect class="bar own" x=' in svg
    assert '<text class="count" x="183.5" y="23.0"' in svg
    assert '<text class="count" x="66.5"' not in svg  # no count is written over an empty bar
