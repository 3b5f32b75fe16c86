"""The study form: every problem at once, each beside its field and in the form's own words;
scale labels only on the scale; only the chosen rule's settings; small groups kept together."""
from __future__ import annotations

import html
import io
import re

from delphi.models import Study

NEW = "/console/studies/new"

STUDY_FILE = """[study]
title = "Bounds"
slug = "bounds"

[scale]
min = 1
max = 9
labels = {{ {labels} }}

[consensus]
rule = "comet"

[feedback]
min_group_size = {min_group_size}

[[sections]]
code = "S1"
title = "Section"
items = [{{ code = "S1.1", text = "An item." }}]
"""


def _form(**changes) -> dict:
    """A complete, valid study form as the browser sends it."""
    form = {
        "title": "Care planning", "slug": "bounds", "scale_min": "1", "scale_max": "9",
        "scale_labels": "1 = Not important\n9 = Critical", "consensus_rule": "comet",
        "quantile_method": "linear", "low_to": "", "high_from": "", "agreement_pct": "70",
        "opposite_max_pct": "15", "percent_threshold": "75", "iqr_max": "", "min_ratings": "5",
        "stability_max_pct": "15", "unable_counts": "left_out",
        "stability_measure": "panellists", "net_change_max_pct": "15",
        "wilcoxon_method": "exact_small_panels", "min_group_size": "5",
        "comment_feedback": "comments", "reminder_days": "7, 2", "time_zone": "Europe/London",
    }
    form.update(changes)
    return form


def _errors(response) -> dict[str, str]:
    """Each field's error message as the page shows it beside the field."""
    page = html.unescape(response.get_data(as_text=True))
    return dict(re.findall(r'<p class="error" id="(\w+)-error">([^<]*)</p>', page))


def _no_study(db) -> bool:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug="bounds")) is None


def test_every_problem_is_shown_at_once_beside_its_field_in_the_forms_words(client, db,
                                                                           login_as):
    login_as("admin")
    response = client.post(NEW, data=_form(
        title="", low_to="7", high_from="3", agreement_pct="60", opposite_max_pct="60",
        scale_labels="0 = Nothing\n1 = Not important\n10 = Everything", min_group_size="2"))
    assert response.status_code == 400
    errors = _errors(response)
    assert errors == {
        "title": "This field is required.",
        "scale_labels": "0 is not on the scale 1 to 9: remove its label or change the scale. "
                        "10 is not on the scale 1 to 9: remove its label or change the scale.",
        "low_to": "The last point of the low region (7) must be below the first point of the "
                  "high region (3): the regions overlap.",
        "opposite_max_pct": "The largest share in the opposite region (60%) must be below the "
                            "agreement needed in a region (60%), or an item could be in and "
                            "out at once.",
        "min_group_size": "Smallest group shown separately: must be between 3 and 1,000,000.",
    }
    assert _no_study(db)


def test_a_field_already_wrong_is_not_blamed_again_by_the_definition_checks(client, db,
                                                                            login_as):
    login_as("admin")
    response = client.post(NEW, data=_form(low_to="seven", high_from="3"))
    assert response.status_code == 400
    errors = _errors(response)
    assert list(errors) == ["low_to"] and "overlap" not in errors["low_to"]


def test_the_form_says_why_a_group_needs_three(client, db, login_as):
    login_as("admin")
    page = html.unescape(client.get(NEW).get_data(as_text=True))
    hint = re.search(r'<p class="hint" id="min_group_size-hint">([^<]*)</p>', page).group(1)
    assert hint == ("At least 3: with a group of two, each member could work out the other's "
                    "rating from the group's figures and their own.")


def test_a_study_file_refuses_labels_off_the_scale_and_groups_below_three(client, db,
                                                                          login_as):
    """The same rules as the form: a file the form's study exports always imports again."""
    login_as("admin")
    content = STUDY_FILE.format(labels='0 = "Nothing", 10 = "Everything"', min_group_size=2)
    response = client.post("/console/studies/import",
                           data={"file": (io.BytesIO(content.encode()), "bounds.toml")})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "line 14, [feedback] min_group_size: found 2, expected a number from 3" in page
    content = STUDY_FILE.format(labels='0 = "Nothing", 10 = "Everything"', min_group_size=3)
    response = client.post("/console/studies/import",
                           data={"file": (io.BytesIO(content.encode()), "bounds.toml")})
    page = html.unescape(response.get_data(as_text=True))
    assert "[scale] labels 0: 0 is not on the scale 1 to 9" in page
    assert "[scale] labels 10: 10 is not on the scale 1 to 9" in page
    assert _no_study(db)


def test_each_rule_is_explained_and_its_own_settings_are_marked_for_the_script(client, db,
                                                                              login_as):
    """Without JavaScript every setting shows, each saying which rule uses it; the page's
    script then hides the settings and explanations of the rules not chosen."""
    login_as("admin")
    page = html.unescape(client.get(NEW).get_data(as_text=True))
    explanations = dict(re.findall(
        r'<div data-rules="(\w+)"><dt>[^<]*</dt><dd>([^<]*)</dd></div>', page))
    assert sorted(explanations) == ["comet", "iqr", "percent", "rand"]
    assert explanations["iqr"].startswith("An item is in when its interquartile range is at most")
    for column, rules in (("agreement_pct", "comet"), ("percent_threshold", "percent"),
                          ("iqr_max", "iqr")):
        block = re.search(rf'<div data-rules="([\w ]+)">\s*<div class="field[^"]*">\s*'
                          rf'<label for="{column}"', page)
        assert block is not None and block.group(1) == rules, column
    assert "Used by the COMET rule only." in page
    assert "Used by the Percent agreement rule only." in page
    # Settings every rule uses are never hidden.
    assert not re.search(r'data-rules="[\w ]+">\s*<div class="field[^"]*">\s*'
                         r'<label for="min_ratings"', page)
    assert '<script src="/static/study_form.js"></script>' in page
    script = client.get("/static/study_form.js")
    assert "data-rules" in script.get_data(as_text=True)
    script.close()


def test_a_valid_form_still_creates_the_study(client, db, login_as):
    login_as("admin")
    response = client.post(NEW, data=_form(min_group_size="3"))
    assert response.status_code == 302
    db.session.expire_all()
    study = db.session.scalar(db.select(Study).filter_by(slug="bounds"))
    assert study.min_group_size == 3 and study.scale_labels == {"1": "Not important",
                                                                 "9": "Critical"}


def test_a_change_to_the_locked_definition_is_refused_in_the_forms_words(client, db, login_as,
                                                                        make_study, make_panel):
    from delphi.rounds.lifecycle import open_round

    study = make_study(slug="bounds")
    make_panel(study, n=2)
    open_round(study)
    db.session.commit()
    login_as("admin")
    response = client.post("/console/studies/bounds/setup",
                           data=_form(title=study.title, agreement_pct="80"))
    assert response.status_code == 400
    assert _errors(response)["agreement_pct"] == (
        "The consensus definition was stated in advance and cannot change after round 1 "
        "opened; refused change to agreement needed in a region (%).")
    db.session.expire_all()
    assert db.session.get(Study, study.id).agreement_pct == 70
