"""Who may use the console's own pages: every route under every kind of visitor.

Anonymous visitors and panellists (who hold only a personal link) are sent to sign in; a
coordinator of another study gets 404 and changes nothing; the study's coordinator and an admin
get the page or the action. The staff account pages are for admins only (403 for coordinators).
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import url_for

from delphi.mail.sender import dev_files, send_pending
from delphi.models import AuditEvent, Item, Panellist, Study, utcnow
from delphi.panel.tokens import link_for
from delphi.rounds.lifecycle import open_round
from tests.support.snapshots import built_once

PANEL_CSV = b"name,email,group\nNew Person,new.person@example.org,Carers\n"

# (endpoint, method, form data, status for a permitted user). {section} is filled in from the
# study built by the ``route_call`` fixture; "csv" stands for an uploaded panel file.
ROUTES = [
    ("console.index", "GET", None, 200),
    ("studies.new_study", "GET", None, 200),
    ("studies.import_study", "GET", None, 200),
    ("studies.setup", "GET", None, 200),
    ("studies.setup", "POST", {"title": "Renamed study"}, 400),  # locked fields: see test_setup
    ("studies.export_study", "GET", None, 200),
    ("studies.content", "GET", None, 200),
    ("studies.new_section", "POST", {"section-code": "S9", "section-title": "Added"}, 302),
    ("studies.edit_section", "GET", None, 200),
    ("studies.edit_section", "POST", {"code": "S1", "title": "Renamed section"}, 302),
    ("studies.move_section", "POST", {"direction": "down"}, 302),
    ("studies.new_item", "POST", {"item-section": "{section}", "item-code": "S1.9",
                                  "item-text": "An added item."}, 302),
    ("studies.edit_item", "GET", None, 200),
    ("studies.edit_item", "POST", {"section": "{section}", "code": "S2.9",
                                   "text": "Edited before any round."}, 302),
    ("studies.move_item", "POST", {"direction": "up"}, 302),
    ("studies.retire_item", "POST", {}, 302),
    ("panel.panel", "GET", None, 200),
    ("panel.import_panel", "POST", "csv", 302),
    ("panel.new_panellist", "GET", None, 200),
    ("panel.new_panellist", "POST", {"name": "Added Person", "email": "added@example.org",
                                       "group": "Carers"}, 302),
    ("panel.edit_panellist", "GET", None, 200),
    ("panel.edit_panellist", "POST", {"name": "Renamed", "email": "renamed@example.org",
                                        "group": "Carers"}, 302),
    ("panel.withdraw", "POST", {}, 302),
    ("panel.reinstate", "POST", {}, 302),  # not withdrawn: refused with a message
    ("panel.link", "GET", None, 200),
    ("panel.regenerate", "POST", {"confirm": "yes"}, 302),
    ("mail.messages", "GET", None, 200),
    ("mail.send", "POST", {}, 302),
    ("mail.retry_mail", "POST", {}, 302),  # nothing failed: nothing queued again
    ("mail.texts", "POST", {"action": "preview", "invitation_subject": "Hello {name}"}, 200),
    ("mail.texts", "POST", {"action": "save", "invitation_subject": "Hello {name}"}, 302),
    ("mail.dev_file", "GET", None, 200),
    ("audit.audit", "GET", None, 200),
]
ADMIN_ROUTES = [
    ("auth.staff", "GET", None, 200),
    ("auth.staff", "POST", {"email": "new@example.org", "role": "coordinator",
                            "password": "a long enough password",
                            "confirm": "a long enough password"}, 302),
    ("auth.staff_edit", "GET", None, 200),
]
# Actions permitted without an audit event: reading, previewing, sending, refused reinstating,
# queuing again when no message failed.
NOT_AUDITED = {"mail.send", "panel.reinstate", "mail.retry_mail"}


@pytest.fixture
def route_call(app, db, client, make_study, make_panel, make_staff, tmp_path_factory):
    """Build a study with round 1 open, an item added since, and one message in a file (once
    per database in each test process; each test gets a copy of it)."""

    def build() -> dict:
        study = make_study(slug="console-study")
        panel = make_panel(study, n=2)
        open_round(study, closes_at=utcnow() + timedelta(days=7))
        section = study.sections[0]
        unshown = Item(study=study, section=section, code="S1.8", text="Added after round 1.",
                       position=8)
        db.session.add(unshown)
        staff = make_staff(email="someone@example.org", role="coordinator")
        db.session.commit()
        send_pending()  # no MAIL_HOST: the invitations are written to files
        return {"study_id": study.id, "panellist_ids": [p.id for p in panel],
                "section_id": section.id, "item_id": unshown.id, "panellist_id": panel[0].id,
                "name": dev_files(study)[0].name, "staff_id": staff.id}

    built = built_once("console-access", build, tmp_path_factory)
    study = db.session.get(Study, built["study_id"])
    panel = [db.session.get(Panellist, panellist_id) for panellist_id in built["panellist_ids"]]
    section_id = str(built["section_id"])
    ids = {key: built[key] for key in ("section_id", "item_id", "panellist_id", "name",
                                       "staff_id")}

    def call(endpoint, method, data):
        arguments = {key: value for key, value in ids.items()
                     if f"<{key}>" in _rule(endpoint) or f":{key}>" in _rule(endpoint)}
        if "<slug>" in _rule(endpoint):
            arguments["slug"] = study.slug
        with app.test_request_context():
            url = url_for(endpoint, **arguments)
        if data == "csv":
            form = {"file": (io.BytesIO(PANEL_CSV), "panel.csv")}
        else:
            form = {k: v.replace("{section}", section_id) for k, v in (data or {}).items()}
        return client.open(url, method=method, data=form if method == "POST" else None)

    call.study = study
    call.panel = panel
    return call


def _rule(endpoint: str) -> str:
    from flask import current_app

    return next(r.rule for r in current_app.url_map.iter_rules() if r.endpoint == endpoint)


def _audit_count(db) -> int:
    db.session.expire_all()
    return len(db.session.scalars(db.select(AuditEvent.id)).all())


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES + ADMIN_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(db, route_call, endpoint, method, data, allowed):
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert _is_login_redirect(response)
    assert _audit_count(db) == before


@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES + ADMIN_ROUTES)
def test_a_panellist_with_a_personal_link_has_no_access(db, client, route_call, endpoint, method,
                                                        data, allowed):
    link = link_for(route_call.panel[0])
    client.get(link.removeprefix("http://delphi.test"))
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert _is_login_redirect(response)
    assert _audit_count(db) == before


@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES)
def test_a_coordinator_of_another_study_gets_not_found(db, login_as, make_study, route_call,
                                                       endpoint, method, data, allowed):
    login_as("coordinator", studies=[make_study(slug="another-study")])
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    if endpoint in ("console.index", "studies.new_study", "studies.import_study"):
        # Pages that are not about one study: open to every staff member, and they list only
        # the studies the coordinator is assigned to.
        assert response.status_code == 200
        assert "console-study" not in response.get_data(as_text=True)
    else:
        assert response.status_code == 404
        assert "Not Found" in response.get_data(as_text=True)
    assert _audit_count(db) == before


@pytest.mark.parametrize("endpoint, method, data, allowed", ADMIN_ROUTES)
def test_coordinators_may_not_manage_staff_accounts(db, login_as, route_call, endpoint, method,
                                                    data, allowed):
    login_as("coordinator", studies=[route_call.study])
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert response.status_code == 403
    assert _audit_count(db) == before


@pytest.mark.parametrize("role", ["coordinator", "admin"])
@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES)
def test_the_studys_coordinator_and_an_admin_may(db, login_as, route_call, role, endpoint, method,
                                                 data, allowed):
    login_as(role, studies=[route_call.study] if role == "coordinator" else [])
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert response.status_code == allowed, response.get_data(as_text=True)[:2000]
    if method == "GET":
        assert route_call.study.title in response.get_data(as_text=True) \
            or endpoint in ("studies.export_study", "studies.new_study", "studies.import_study")
    changed = method == "POST" and allowed == 302 and endpoint not in NOT_AUDITED
    assert (_audit_count(db) > before) is changed


@pytest.mark.parametrize("endpoint, method, data, allowed", ADMIN_ROUTES)
def test_an_admin_may_manage_staff_accounts(db, login_as, route_call, endpoint, method, data,
                                            allowed):
    login_as("admin")
    response = route_call(endpoint, method, data)
    assert response.status_code == allowed
