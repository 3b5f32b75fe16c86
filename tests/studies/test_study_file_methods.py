"""The study file keeps how "unable to rate" counts, the stability measure and its threshold, and
the Wilcoxon variant: imported, downloaded and imported back the same."""
from __future__ import annotations

import html
import io
import tomllib

from delphi.models import StabilityMeasure, Study, UnableCounts, WilcoxonMethod

STUDY_FILE = """[study]
title = "Methods"
slug = "methods"

[scale]
min = 1
max = 9

[consensus]
rule = "comet"
unable_counts = "not_agreeing"
stability_measure = "net_change"
net_change_max = 20
wilcoxon = "asymptotic"

[[sections]]
code = "S1"
title = "Section"
items = [{ code = "S1.1", text = "An item." }]
"""
KEYS = ("unable_counts", "stability_measure", "net_change_max", "wilcoxon")


def _import(client, content: str):
    return client.post("/console/studies/import",
                       data={"file": (io.BytesIO(content.encode()), "methods.toml")})


def _study(db, slug="methods") -> Study | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug=slug))


def test_the_methods_are_imported_downloaded_and_imported_back(client, db, login_as):
    login_as("admin")
    assert _import(client, STUDY_FILE).status_code == 302
    study = _study(db)
    assert study.unable_counts is UnableCounts.NOT_AGREEING
    assert study.stability_measure is StabilityMeasure.NET_CHANGE
    assert study.net_change_max_pct == 20
    assert study.wilcoxon_method is WilcoxonMethod.ASYMPTOTIC

    download = client.get("/console/studies/methods/export")
    assert download.status_code == 200
    written = download.get_data(as_text=True).lstrip("\ufeff")
    consensus = tomllib.loads(written)["consensus"]
    assert {key: consensus[key] for key in KEYS} == {
        "unable_counts": "not_agreeing", "stability_measure": "net_change",
        "net_change_max": 20, "wilcoxon": "asymptotic"}
    assert _import(client, written.replace('slug = "methods"',
                                           'slug = "methods-2"')).status_code == 302
    copy = _study(db, "methods-2")
    assert (copy.unable_counts, copy.stability_measure, copy.net_change_max_pct,
            copy.wilcoxon_method) == (UnableCounts.NOT_AGREEING, StabilityMeasure.NET_CHANGE,
                                      20, WilcoxonMethod.ASYMPTOTIC)


def test_a_file_without_them_takes_the_defaults(client, db, login_as):
    login_as("admin")
    plain = "".join(line for line in STUDY_FILE.splitlines(keepends=True)
                    if not line.startswith(KEYS))
    assert _import(client, plain).status_code == 302
    study = _study(db)
    assert (study.unable_counts, study.stability_measure, study.net_change_max_pct,
            study.wilcoxon_method) == (UnableCounts.LEFT_OUT, StabilityMeasure.PANELLISTS, 15,
                                       WilcoxonMethod.EXACT_SMALL_PANELS)


def test_an_unknown_variant_is_refused_with_its_line_and_key(client, db, login_as):
    login_as("admin")
    response = _import(client, STUDY_FILE.replace('"asymptotic"', '"spss"'))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "methods.toml, line 14, [consensus] wilcoxon: found 'spss'" in page
    assert "asymptotic" in page  # the choices are named
    assert _study(db) is None
