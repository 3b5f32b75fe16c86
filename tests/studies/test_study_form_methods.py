"""The set-up form offers how "unable to rate" counts, the stability measure and threshold and
the Wilcoxon variant, each with its help text; they lock with the definition at round 1."""
from __future__ import annotations

import html
from datetime import timedelta

from delphi.models import StabilityMeasure, Study, UnableCounts, WilcoxonMethod, utcnow
from delphi.rounds.lifecycle import open_round

FORM = {
    "title": "Methods", "slug": "methods", "scale_min": "1", "scale_max": "9",
    "consensus_rule": "comet", "quantile_method": "linear", "agreement_pct": "70",
    "opposite_max_pct": "15", "percent_threshold": "75", "min_ratings": "5",
    "stability_max_pct": "15", "min_group_size": "5", "time_zone": "Europe/London",
    "unable_counts": "not_agreeing", "stability_measure": "net_change",
    "net_change_max_pct": "20", "wilcoxon_method": "asymptotic",
}


def _study(db) -> Study | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug="methods"))


def test_the_form_explains_each_choice_and_saves_it(client, db, login_as):
    login_as("admin")
    page = html.unescape(client.get("/console/studies/new").get_data(as_text=True))
    assert "How “unable to rate” counts in percentages" in page
    assert "Counted as not agreeing: “unable to rate” answers join the denominator" in page
    assert "an item is stable when its distribution changed by less than this share" in page
    assert "the two differ on small panels" in page
    assert "Net change: the change in the distribution (Scheibe et al. 1975)" in page
    assert "Normal approximation throughout (as SPSS)" in page

    response = client.post("/console/studies/new", data=FORM)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))
    study = _study(db)
    assert study.unable_counts is UnableCounts.NOT_AGREEING
    assert study.stability_measure is StabilityMeasure.NET_CHANGE
    assert study.net_change_max_pct == 20
    assert study.wilcoxon_method is WilcoxonMethod.ASYMPTOTIC


def test_they_lock_with_the_definition_when_round_one_opens(client, db, login_as, make_study,
                                                            make_panel):
    study = make_study(slug="methods")
    make_panel(study, n=3)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=7))
    db.session.commit()
    assert round_.settings["wilcoxon"] == "exact_small_panels"  # recorded as the round opened
    assert round_.settings["unable_counts"] == "left_out"
    login_as("coordinator", studies=[study])
    tampered = dict(FORM, title="Tampered", unable_counts="left_out",
                    stability_measure="panellists", net_change_max_pct="15")
    response = client.post("/console/studies/methods/setup", data=tampered)
    assert response.status_code == 400
    assert "cannot change after round 1 opened" in response.get_data(as_text=True)
    assert _study(db).wilcoxon_method is WilcoxonMethod.EXACT_SMALL_PANELS
    assert _study(db).title != "Tampered"
