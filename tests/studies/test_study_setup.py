"""Study set-up pages: create and edit a study, the consensus lock, import and export."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from delphi.models import AuditEvent, ConsensusRule, Item, Study, utcnow
from delphi.rounds.lifecycle import open_round


def study_form(**changes) -> dict:
    """A complete, valid settings form, as the browser would send it."""
    form = {
        "title": "Care planning guidance", "slug": "care-planning",
        "description": "What good care planning looks like.", "contact": "team@example.org",
        "scale_min": "1", "scale_max": "9",
        "scale_labels": "1 = Not important\n5 = Important but not critical\n9 = Critical",
        "unable_to_rate": "y", "consensus_rule": "comet", "quantile_method": "linear",
        "low_to": "", "high_from": "", "agreement_pct": "70", "opposite_max_pct": "15",
        "percent_threshold": "75", "iqr_max": "", "min_ratings": "5",
        "stability_max_pct": "15", "unable_counts": "left_out",
        "stability_measure": "panellists", "net_change_max_pct": "15",
        "wilcoxon_method": "exact_small_panels", "min_group_size": "5", "reminder_days": "7, 2",
        "time_zone": "Europe/London",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def _study(db, slug="care-planning") -> Study | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug=slug))


def test_create_a_study_from_the_form(client, db, login_as):
    coordinator = login_as("coordinator")
    response = client.post("/console/studies/new", data=study_form(consensus_rule="percent",
                                                                   percent_threshold="80"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/studies/care-planning/content"
    study = _study(db)
    assert study.title == "Care planning guidance"
    assert study.consensus_rule is ConsensusRule.PERCENT and study.percent_threshold == 80
    assert study.scale_labels == {"1": "Not important", "5": "Important but not critical",
                                  "9": "Critical"}
    assert study.reminder_days == "7,2"
    assert [s.email for s in study.staff] == [coordinator.email]  # the creator may run it
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="study.create"))
    assert event.actor == coordinator.email and event.after["consensus_rule"] == "percent"


def test_the_engine_refuses_a_bad_definition_on_the_right_field(client, db, login_as):
    login_as("admin")
    response = client.post("/console/studies/new",
                           data=study_form(low_to="7", high_from="3"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="low_to-error"' in page and "the regions overlap" in page
    assert _study(db) is None


def test_a_percent_threshold_of_half_is_refused_by_the_engine(client, db, login_as):
    login_as("admin")
    response = client.post("/console/studies/new", data=study_form(
        consensus_rule="percent", percent_threshold="50"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="percent_threshold-error"' in page and "between 51 and 100" in page


def test_field_errors_name_the_field_and_the_line(client, db, login_as):
    login_as("admin")
    response = client.post("/console/studies/new", data=study_form(
        slug="Bad Slug", scale_labels="1 = Low\nnine is high", reminder_days="7, soon"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="slug-error"' in page
    assert "Line 2: write a point and its label" in page
    assert "Give whole numbers of days" in page
    assert _study(db, "Bad Slug") is None


def test_a_taken_slug_is_refused(client, db, login_as, make_study):
    make_study(slug="care-planning")
    login_as("admin")
    response = client.post("/console/studies/new", data=study_form())
    assert response.status_code == 400
    assert "already used by another study" in response.get_data(as_text=True)


def test_renaming_to_a_taken_slug_is_refused(client, db, login_as, make_study):
    make_study(slug="care-planning")
    make_study(slug="taken")
    login_as("admin")
    response = client.post("/console/studies/care-planning/setup", data=study_form(slug="taken"))
    assert response.status_code == 400
    assert "The slug taken is already used by another study." in response.get_data(as_text=True)
    assert _study(db) is not None


def test_edit_settings_records_before_and_after(client, db, login_as, make_study):
    study = make_study(slug="care-planning")
    login_as("coordinator", studies=[study])
    response = client.post("/console/studies/care-planning/setup",
                           data=study_form(agreement_pct="80", auto_close="y"))
    assert response.status_code == 302
    study = _study(db)
    assert study.agreement_pct == 80 and study.auto_close is True
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="study.update"))
    assert event.before["agreement_pct"] == 70 and event.after["agreement_pct"] == 80


def test_after_round_one_opens_the_definition_is_locked(client, db, login_as, make_study,
                                                        make_panel):
    study = make_study(slug="care-planning")
    make_panel(study, n=3)
    open_round(study, closes_at=utcnow() + timedelta(days=7))
    db.session.commit()
    login_as("coordinator", studies=[study])
    page = client.get("/console/studies/care-planning/setup").get_data(as_text=True)
    assert "The consensus definition was stated in advance" in page
    assert "disabled" in re.search(r'<input[^>]*id="agreement_pct"[^>]*>', page).group(0)
    assert "disabled" not in re.search(r'<input[^>]*id="title"[^>]*>', page).group(0)

    # What the browser sends: the disabled fields are left out. The other settings still change.
    browser_form = study_form(title="Renamed", scale_min=None, scale_max=None,
                              consensus_rule=None, quantile_method=None, low_to=None,
                              high_from=None, agreement_pct=None, opposite_max_pct=None,
                              percent_threshold=None, iqr_max=None, min_ratings=None,
                              stability_max_pct=None, unable_counts=None,
                              stability_measure=None, net_change_max_pct=None,
                              wilcoxon_method=None)
    assert client.post("/console/studies/care-planning/setup",
                       data=browser_form).status_code == 302
    assert _study(db).title == "Renamed"
    assert _study(db).agreement_pct == 70

    # A tampered form that sends a locked field is refused, and nothing changes.
    tampered = dict(browser_form, title="Tampered", agreement_pct="51")
    response = client.post("/console/studies/care-planning/setup", data=tampered)
    assert response.status_code == 400
    assert "cannot change after round 1 opened" in response.get_data(as_text=True)
    assert _study(db).agreement_pct == 70 and _study(db).title == "Renamed"


def test_add_edit_reorder_and_retire_sections_and_items(client, db, login_as, make_study):
    study = make_study(slug="care-planning", sections=1, items_per_section=2)
    login_as("coordinator", studies=[study])
    base = "/console/studies/care-planning"
    assert client.post(f"{base}/sections", data={"section-code": "S2",
                                                 "section-title": "Reviewing"}).status_code == 302
    section_two = _study(db).sections[1]
    added = client.post(f"{base}/items", data={"item-section": section_two.id,
                                               "item-code": "S2.1",
                                               "item-text": "Plans are reviewed."})
    assert added.status_code == 302
    # Reorder: S2 up above S1, and item S1.2 above S1.1.
    client.post(f"{base}/sections/{section_two.id}/move", data={"direction": "up"})
    second = next(i for i in _study(db).items if i.code == "S1.2")
    client.post(f"{base}/items/{second.id}/move", data={"direction": "up"})
    study = _study(db)
    assert [s.code for s in study.sections] == ["S2", "S1"]
    assert [i.code for i in study.sections[1].items] == ["S1.2", "S1.1"]
    page = client.get(f"{base}/content").get_data(as_text=True)
    assert page.index("Plans are reviewed.") < page.index("Guidance item 1.2.") \
        < page.index("Guidance item 1.1.")
    # Edit, then retire and restore.
    response = client.post(f"{base}/items/{second.id}", data={
        "section": second.section_id, "code": "S1.2", "text": "Clearer wording."})
    assert response.status_code == 302
    client.post(f"{base}/items/{second.id}/retire", data={})
    assert db.session.get(Item, second.id).retired is True
    client.post(f"{base}/items/{second.id}/retire", data={"restore": "1"})
    item = db.session.get(Item, second.id)
    assert item.retired is False and item.text == "Clearer wording."
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["section.add", "item.add", "section.move", "item.move", "item.update",
                       "item.retire", "item.restore"]


def test_a_duplicate_item_code_is_refused_on_the_code_field(client, db, login_as, make_study):
    study = make_study(slug="care-planning", sections=1, items_per_section=1)
    login_as("admin")
    response = client.post("/console/studies/care-planning/items", data={
        "item-section": study.sections[0].id, "item-code": "S1.1", "item-text": "Again."})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="item-code-error"' in page and "Item code S1.1 is already used" in page
    assert len(_study(db).items) == 1


def test_an_item_shown_in_a_round_keeps_its_wording_and_only_its_explanation_changes(
        client, db, login_as, make_study, make_panel):
    study = make_study(slug="care-planning", sections=1, items_per_section=1)
    make_panel(study, n=2)
    open_round(study)
    db.session.commit()
    item = study.items[0]
    login_as("admin")
    page = client.get(f"/console/studies/care-planning/items/{item.id}").get_data(as_text=True)
    assert "Reword it between rounds on the review page" in page
    assert 'name="text"' not in page  # the wording rated is not offered for editing
    response = client.post(f"/console/studies/care-planning/items/{item.id}", data={
        "section": item.section_id, "code": "S1.1", "text": "Sneaky new wording.",
        "explanation": "What the item means in practice."})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(Item, item.id)
    assert item.text == "Guidance item 1.1."  # a wording sent anyway is not taken
    assert item.explanation == "What the item means in practice."


def test_an_item_of_another_study_is_not_found(client, db, login_as, make_study):
    mine = make_study(slug="mine")
    theirs = make_study(slug="theirs")
    login_as("coordinator", studies=[mine])
    item = theirs.items[0]
    response = client.post(f"/console/studies/mine/items/{item.id}/retire", data={})
    assert response.status_code == 404
    assert db.session.get(Item, item.id).retired is False


def test_import_a_study_file_then_export_it(client, db, login_as, study_file_bytes):
    login_as("coordinator")
    response = client.post("/console/studies/import", data={
        "file": (io.BytesIO(study_file_bytes), "study.toml")})
    assert response.status_code == 302
    study = _study(db, "test-guidance")
    assert study.title == "Test guidance"
    assert [i.code for s in study.sections for i in s.items] == ["S1.1", "S1.2", "S2.1", "S2.2"]
    exported = client.get("/console/studies/test-guidance/export")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == 'attachment; filename="test-guidance.toml"'
    text = exported.get_data(as_text=True)
    assert 'slug = "test-guidance"' in text
    assert "The worker and the individual map the network together." in text


def test_a_bad_study_file_lists_each_problem_with_its_line(client, db, login_as,
                                                           study_file_bytes):
    login_as("admin")
    broken = study_file_bytes.replace(b"max = 9", b'max = "nine"').replace(
        b'rule = "comet"', b'rule = "unanimity"')
    response = client.post("/console/studies/import", data={
        "file": (io.BytesIO(broken), "broken.toml")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The study file was not imported" in page
    assert "broken.toml, line 9" in page and "broken.toml, line 14" in page
    assert _study(db, "test-guidance") is None
