"""The section page's fast path draws every item exactly as the templates would draw it in full.

``Fieldsets`` and the round feedback draw ``_item.html``, ``_scale.html`` and ``_feedback.html``
once with gaps and fill them in per item (``delphi/questionnaire/prerendered.py``). A filter or
an ``{% if %}`` on an argument that becomes a gap would see the gap's marker instead of the
value and silently break the page, so for generated studies, items, answers and feedback the
fast path's markup must equal ``fieldset_in_full``, which draws the same macros with the real
values. The comparison is exact: not even whitespace is normalised. Generated examples can miss
a rare case, so a second test reads the templates and refuses any use of a gapped argument other
than printing it as it is.

Run with more examples by setting DELPHI_HEAVY=1.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import nodes
from markupsafe import Markup
import pytest

from delphi.consensus import MISSING, UNABLE, ConsensusSettings, summarise
from delphi.models import RoundItem, Study
from delphi.panel.tokens import token_for
from delphi.questionnaire.feedback import Chart, FrozenItem, GroupFeedback, ItemFeedback
from delphi.questionnaire.fieldsets import Fieldsets, fieldset_in_full
from delphi.questionnaire.standing import load_questionnaire, standing_for
from delphi.rounds.answers import Answer

pytestmark = pytest.mark.slow  # hypothesis: many generated items

EXAMPLES = 1000 if os.environ.get("DELPHI_HEAVY") else 200
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Text that could be mistaken for markup, for a template or for a gap's marker.
PIECES = ["<", ">", "&", '"', "'", "&amp;", "<b>", "<script>alert(1)</script>", "{{ item }}",
          "{% if x %}", "{", "}", "<GAP-item>", "<GAP-comment>", "<GAP-own>", "<GAP-chart>",
          "<GAP-group-0>", "GAP-", "\n", " ", "Zoë", "王", "7", "none", "None"]
hostile_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=6).map("".join)
optional_text = st.none() | st.just("") | hostile_text


@st.composite
def studies(draw) -> Study:
    scale_min = draw(st.integers(0, 2))
    scale_max = scale_min + draw(st.integers(2, 10))
    labelled = draw(st.sets(st.integers(scale_min, scale_max)))
    labels = {str(point): draw(hostile_text) for point in labelled}
    return Study(slug="generated", title="Generated", scale_min=scale_min, scale_max=scale_max,
                 scale_labels=labels, unable_to_rate=draw(st.booleans()),
                 reason_outside_iqr=draw(st.booleans()))


def answers(study: Study, round_item_id: int):
    """No answer; or a rating, "unable to rate" or neither, each with or without text."""
    kinds = [st.just((None, False)), st.tuples(st.sampled_from(study.scale_points),
                                               st.just(False))]
    if study.unable_to_rate:
        kinds.append(st.just((None, True)))
    answer = st.builds(lambda rating, comment, reason: Answer(round_item_id, *rating, comment,
                                                              reason),
                       st.one_of(kinds), optional_text, optional_text)
    return st.none() | answer


def chart(summary, study: Study, high_region: tuple[int, int], who: str) -> Chart:
    return Chart(summary, study.scale_points, high_region, who)


@st.composite
def feedbacks(draw, study: Study, round_number: int) -> ItemFeedback | None:
    """The previous round's feedback on the item, as ``feedback.py`` builds it, or none."""
    if round_number == 1 or draw(st.booleans()):
        return None
    consensus = ConsensusSettings(scale_min=study.scale_min, scale_max=study.scale_max)
    cell = st.sampled_from([*study.scale_points, MISSING, UNABLE])
    ratings = draw(st.lists(cell, min_size=1, max_size=12))
    summary = summarise([[value] for value in ratings], consensus).items[0]
    group_names = sorted(draw(st.sets(hostile_text, max_size=2)))
    groups = []
    for name in group_names:
        group_ratings = draw(st.lists(cell, min_size=1, max_size=8))
        group_summary = summarise([[value] for value in group_ratings], consensus).items[0]
        groups.append((name, group_summary,
                       chart(group_summary, study, consensus.high_region, f"panellists in {name}")))
    frozen = FrozenItem(
        round_item_id=1, round_number=round_number - 1, code=draw(hostile_text),
        text=draw(hostile_text), summary=summary, high_region=consensus.high_region,
        chart=chart(summary, study, consensus.high_region, "panellists"),
        comments=sorted(draw(st.lists(hostile_text, max_size=3)), key=str.casefold),
        groups=groups)
    own_group = draw(st.sampled_from([None, *group_names]))
    own_unable = study.unable_to_rate and draw(st.booleans())
    own_value = None if own_unable else draw(st.none() | st.sampled_from(study.scale_points))
    return ItemFeedback(
        frozen=frozen, replaced_text=frozen.text if draw(st.booleans()) else None,
        own_value=own_value, own_unable=own_unable,
        groups=[GroupFeedback(group=name, own=name == own_group, summary=group_summary,
                              chart=group_chart) for name, group_summary, group_chart in groups])


@st.composite
def pages(draw):
    """A study, a round, and one item of it with what the panellist sees of it."""
    study = draw(studies())
    round_number = draw(st.integers(1, 3))
    round_item = RoundItem(id=draw(st.integers(1, 10**6)), code=draw(hostile_text),
                           text=draw(hostile_text))
    return (study, round_number, round_item, draw(answers(study, round_item.id)),
            draw(feedbacks(study, round_number)), draw(st.booleans()))


# Drawing reads nothing from the database, so the generated examples run on one backend only.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@SETTINGS
@given(page=pages())
def test_the_fast_path_draws_each_item_as_the_templates_draw_it_in_full(app, page):
    study, round_number, round_item, answer, feedback, needs_reason = page
    fast = Fieldsets(study, round_number).fieldset(round_item, answer, feedback, needs_reason)
    plain = fieldset_in_full(study, round_number, round_item, answer, feedback, needs_reason)
    assert isinstance(fast, Markup)
    assert str(fast) == str(plain)
    assert "<GAP-" not in fast  # every gap was filled (escaped text never holds "<")


def test_the_reference_shows_what_the_panellist_typed_and_rated(app):
    """The reference is a real drawing, not a copy of the fast path: it holds the item's values."""
    study = Study(slug="s", title="S", scale_min=1, scale_max=5, scale_labels={"5": "<Top>"},
                  unable_to_rate=True, reason_outside_iqr=False)
    round_item = RoundItem(id=42, code="A&1", text="Say <why>")
    answer = Answer(42, 4, False, 'It is "fine" {{ x }} <GAP-comment>', None)
    plain = str(fieldset_in_full(study, 1, round_item, answer, None, False))
    assert '<fieldset class="item" id="item-42">' in plain
    assert '<span class="code">A&amp;1</span> Say &lt;why&gt;</legend>' in plain
    assert 'id="rating-42-4" name="rating-42" value="4" checked>' in plain
    assert plain.count(" checked") == 1
    assert '<span class="point-label">&lt;Top&gt;</span>' in plain
    assert ">It is &#34;fine&#34; {{ x }} &lt;GAP-comment&gt;</textarea>" in plain
    assert str(Fieldsets(study, 1).fieldset(round_item, answer, None, False)) == plain


def test_a_round_two_page_holds_each_item_as_the_templates_draw_it_in_full(client, round_two):
    """The page as served: feedback with groups, a reworded item, a rating, typed text."""
    setting = round_two(group_feedback=True, min_group_size=3, reason_outside_iqr=True,
                        unable_to_rate=True)
    s11, s13 = setting.item("S1.1"), setting.item("S1.3")
    saved = client.post(setting.section_url(1), data={
        f"rating-{s11.id}": "6", f"comment-{s11.id}": 'Mostly <b>"yes"</b> & {{ no }}',
        f"reason-{s11.id}": "<GAP-reason>", f"rating-{s13.id}": "unable"})
    assert saved.status_code == 302
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    assert "Mostly &lt;b&gt;&#34;yes&#34;&lt;/b&gt; &amp; {{ no }}</textarea>" in page
    assert ">&lt;GAP-reason&gt;</textarea>" in page and "(your group)" in page
    assert "This item has been reworded" in page
    assert f'id="rating-{s13.id}-unable" name="rating-{s13.id}" value="unable" checked' in page

    questionnaire = load_questionnaire(standing_for(token_for(setting.me)), setting.round)
    for round_item in questionnaire.part(1).round_items:
        stored = questionnaire.ratings.get(round_item.id)
        answer = Answer(round_item.id, stored.value, stored.unable, stored.comment,
                        stored.reason) if stored is not None else None
        plain = fieldset_in_full(setting.study, 2, round_item, answer,
                                 questionnaire.feedback.get(round_item.id), False)
        assert str(plain) in page, round_item.code


# What the fast path draws as gaps, by template and macro: each must be printed as it is. Kept in
# step with fieldsets.py (GAPS, ITEM) and feedback.py (_FeedbackWithGaps, _GapChart).
GAPPED = {
    "questionnaire/_item.html": {"item_fieldset": None},  # None: every argument
    "questionnaire/_scale.html": {"scale_point": {"item"}, "unable_point": {"item"}},
    "questionnaire/_feedback.html": {
        "feedback_block": {"item_id", "fb.own_rating", "fb.chart.svg", "group.chart.svg"}},
}


def _dotted(node: nodes.Node) -> str | None:
    """``fb.chart.svg`` for the expression that reads it, None for anything else."""
    if isinstance(node, nodes.Name):
        return node.name if node.ctx == "load" else None
    if isinstance(node, nodes.Getattr):
        owner = _dotted(node.node)
        return f"{owner}.{node.attr}" if owner is not None else None
    return None


def _misused(node: nodes.Node, gapped: set[str], parent: nodes.Node | None = None):
    """Line and expression of each use of a gapped expression under ``node`` other than
    ``{{ it }}`` or ``{{ it(...) }}``."""
    for child in node.iter_child_nodes():
        name = _dotted(child)
        if name in gapped:
            printed = isinstance(node, nodes.Output) or (
                isinstance(node, nodes.Call) and node.node is child
                and isinstance(parent, nodes.Output))
            if not printed:
                yield child.lineno, name
            continue
        yield from _misused(child, gapped, node)


def test_the_fragment_templates_print_every_gapped_argument_as_it_is(app):
    """A filter or test on a gap sees its marker, not the value: the templates must not hold one."""
    env = app.jinja_env
    problems = []
    for template, macros in GAPPED.items():
        tree = env.parse(env.loader.get_source(env, template)[0])
        found = {macro.name: macro for macro in tree.find_all(nodes.Macro)}
        for name, gapped in macros.items():
            assert name in found, f"{template} has no macro {name}"
            macro = found[name]
            gapped = gapped or {arg.name for arg in macro.args}
            problems += [f"{template}, line {line}: {expression} is drawn as a gap once per "
                         f"page; print it as {{{{ {expression} }}}} with no filter, test or "
                         f"condition" for part in macro.body
                         for line, expression in _misused(part, gapped)]
    assert not problems, "\n".join(problems)
