"""The set-up form and the study file both follow the one declaration of the consensus settings
(delphi/consensus/definition.py): each setting's label, bounds and lock, and the field or key
where the engine's objection to it is shown."""
from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest

from delphi.consensus.definition import SETTINGS
from delphi.models import Study, utcnow
from delphi.rounds.lifecycle import open_round

NUMBERS = [s for s in SETTINGS if s.kind in (int, float)]

STUDY_FILE = """[study]
title = "Bounds"
slug = "bounds"

[scale]
min = 1
max = 9

[consensus]
rule = "comet"

[[sections]]
code = "S1"
title = "Section"
items = [{ code = "S1.1", text = "An item." }]
"""


def _form(**changes) -> dict:
    form = {
        "title": "Bounds", "slug": "bounds", "scale_min": "1", "scale_max": "9",
        "consensus_rule": "comet", "quantile_method": "linear", "agreement_pct": "70",
        "opposite_max_pct": "15", "percent_threshold": "75", "min_ratings": "5",
        "stability_max_pct": "15", "unable_counts": "left_out",
        "stability_measure": "panellists", "net_change_max_pct": "15",
        "wilcoxon_method": "exact_small_panels", "min_group_size": "5",
    }
    form.update(changes)
    return form


def _with(text: str, table: str, key: str, value: str) -> str:
    """The study file ``text`` with ``key = value`` in ``[table]`` (replacing the key if there)."""
    text = re.sub(rf"(?m)^{key} = .*\n", "", text)
    return text.replace(f"[{table}]\n", f"[{table}]\n{key} = {value}\n")


def _import(client, content: bytes):
    return client.post("/console/studies/import",
                       data={"file": (io.BytesIO(content), "bounds.toml")})


def _no_study(db) -> bool:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug="bounds")) is None


def test_each_setting_is_shown_with_its_label_in_order_and_locked_after_round_one(
        client, db, login_as, make_study, make_panel):
    study = make_study(slug="bounds")
    make_panel(study, n=3)
    open_round(study, closes_at=utcnow() + timedelta(days=7))
    db.session.commit()
    login_as("coordinator", studies=[study])
    page = html.unescape(client.get("/console/studies/bounds/setup").get_data(as_text=True))
    positions = []
    for setting in SETTINGS:
        assert f'<label for="{setting.column}">{setting.label}</label>' in page, setting.column
        control = re.search(rf'<(input|select)[^>]*id="{setting.column}"[^>]*>', page).group(0)
        assert "disabled" in control, setting.column
        positions.append(page.index(f'id="{setting.column}"'))
    assert positions == sorted(positions)
    assert "disabled" not in re.search(r'<input[^>]*id="unable_to_rate"[^>]*>', page).group(0)


@pytest.mark.parametrize("setting", NUMBERS, ids=[s.engine for s in NUMBERS])
def test_a_number_out_of_bounds_is_refused_alike_by_the_form_and_the_study_file(
        client, db, login_as, setting):
    login_as("admin")
    for value in (setting.minimum - 1, setting.maximum + 1):
        response = client.post("/console/studies/new", data=_form(**{setting.column: value}))
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400
        error = re.search(rf'<p class="error" id="{setting.column}-error">([^<]*)</p>', page)
        assert error is not None, (setting.column, value)
        assert (f"between {setting.minimum:,} and {setting.maximum:,}" in error.group(1)
                or f"between {setting.minimum} and {setting.maximum}" in error.group(1))
        assert _no_study(db)

        response = _import(client, _with(STUDY_FILE, setting.table, setting.key,
                                         str(value)).encode())
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400
        assert (f"[{setting.table}] {setting.key}: found " in page
                and f"expected a number from {setting.minimum:,} to {setting.maximum:,}" in page)
        assert _no_study(db)


@pytest.mark.parametrize("changes, field, key, form_words, file_words", [
    ({"scale_min": "0", "scale_max": "1000"}, "scale_max", "[scale] max",
     "The scale 0-1000 has more than 101 points: the highest point of the scale (1000) is too "
     "large.",
     "the scale 0-1000 has more than 101 points: max = 1000 (the highest point of the scale) is "
     "too large"),
    ({"opposite_max_pct": "70"}, "opposite_max_pct", "[consensus] opposite_max",
     "The largest share in the opposite region (70%) must be below the agreement needed in a "
     "region (70%), or an item could be in and out at once.",
     "opposite_max = 70 (the largest share in the opposite region) must be below agreement = 70 "
     "(the agreement needed in a region)"),
    ({"consensus_rule": "rand", "scale_max": "5"}, "consensus_rule", "[consensus] rule",
     "The RAND/UCLA rule needs the 1-9 scale, not 1-5.",
     "the RAND/UCLA rule needs the 1-9 scale, not 1-5"),
])
def test_the_engines_objection_is_shown_by_the_setting_it_names(client, db, login_as, changes,
                                                                 field, key, form_words,
                                                                 file_words):
    """In the form's words by the field; in the study file by its key, naming each key."""
    login_as("admin")
    response = client.post("/console/studies/new", data=_form(**changes))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert re.search(rf'<p class="error" id="{field}-error">[^<]*{re.escape(form_words)}', page)
    assert _no_study(db)

    content = STUDY_FILE
    for column, value in changes.items():
        setting = next(s for s in SETTINGS if s.column == column)
        shown = f'"{value}"' if setting.choices else value
        content = _with(content, setting.table, setting.key, shown)
    response = _import(client, content.encode())
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert f"{key}: {file_words}" in page
    assert _no_study(db)
