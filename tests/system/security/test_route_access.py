"""Every route of the app against six visitors, with the status each must get.

The table below has one row per (endpoint, method) of ``app.url_map``; a route added without a
row fails ``test_every_route_has_a_row``. The visitors, always in this order against the same
study (round 1 closed with a suggestion to review, round 2 open):

    anon   nobody: no session, no link, no API token
    A      panellist A, who followed their link (panellist pages use A's link)
    B      panellist B of the same study (panellist pages use B's own link)
    other  a coordinator of another study (their own session and API token)
    coord  the study's coordinator (session and API token)
    admin  an administrator (session and API token)

Every response, whatever its status, must carry the security headers (a Content-Security-Policy
without inline script, no framing, nosniff, no referrer). Visitors without a personal link use
a forged one on panellist pages. Forms are posted empty,
so a permitted visitor gets past the access checks and meets the form's own validation; only a
few empty posts change anything, and those are idempotent or refused the second time.
"""

from __future__ import annotations

import pytest
from flask import url_for

from delphi.auth.api_tokens import issue_api_token
from delphi.mail.sender import dev_files, send_pending
from delphi.models import AuditEvent, Panellist, StaffUser, Study, Suggestion, SuggestionKind
from delphi.studies.documents import attach_file
from delphi.panel.tokens import token_for
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round
from tests.support.snapshots import built_once

VISITORS = ("anon", "A", "B", "other", "coord", "admin")
A_SECRET = "A-draft-comment-only-A-may-see"
STAFF_ONLY = "302 302 302 404 200 200"  # login redirect for all but staff; 404 another study
# Actions on the visitor's own account, audited whoever the visitor is (any study or none).
OWN_ACCOUNT = {"auth.logout_everywhere"}
STAFF_FORM = "302 302 302 404 400 400"  # an empty form is refused by validation
STAFF_SAVED = "302 302 302 404 302 302"  # done (or refused with a message) and back
ADMIN_PAGE = "302 302 302 403 403 200"  # administrators only, whichever study
ADMIN_FORM = "302 302 302 403 403 400"
PANELLIST_PAGE = "404 200 200 404 404 404"  # only the link's holder

# (endpoint, method): statuses for anon, A, B, other, coord, admin.
TABLE: dict[tuple[str, str], str] = {
    ("home.index", "GET"): "200 200 200 200 200 200",
    ("home.healthz", "GET"): "200 200 200 200 200 200",
    ("home.favicon", "GET"): "200 200 200 200 200 200",
    ("static", "GET"): "200 200 200 200 200 200",
    ("auth.login", "GET"): "200 200 200 200 200 200",
    ("auth.login", "POST"): "200 200 200 200 200 200",
    ("auth.logout", "POST"): "302 302 302 302 302 302",
    ("auth.logout_everywhere", "POST"): "302 302 302 302 302 302",
    ("auth.staff", "GET"): "302 302 302 403 403 200",
    ("auth.staff", "POST"): "302 302 302 403 403 200",
    ("auth.staff_edit", "GET"): "302 302 302 403 403 200",
    ("auth.staff_edit", "POST"): "302 302 302 403 403 302",  # unchanged form: saved
    ("api.openapi", "GET"): "200 200 200 200 200 200",
    ("api.studies", "GET"): "401 401 401 200 200 200",
    ("api.study", "GET"): "401 401 401 404 200 200",
    ("api.round_items", "GET"): "401 401 401 404 200 200",
    ("api.report_builds", "POST"): "401 401 401 404 400 400",  # no format asked for
    ("api.report_build", "GET"): "401 401 401 404 404 404",  # an unknown build
    ("api.report_build_file", "GET"): "401 401 401 404 404 404",
    ("console.index", "GET"): "302 302 302 200 200 200",
    ("studies.new_study", "GET"): "302 302 302 200 200 200",
    ("studies.new_study", "POST"): "302 302 302 400 400 400",
    ("studies.import_study", "GET"): "302 302 302 200 200 200",
    ("studies.import_study", "POST"): "302 302 302 400 400 400",
    ("audit.audit", "GET"): STAFF_ONLY,
    ("studies.content", "GET"): STAFF_ONLY,
    ("studies.export_study", "GET"): STAFF_ONLY,
    ("studies.reopen_study", "GET"): ADMIN_PAGE,  # says the study is not complete
    ("studies.reopen_study", "POST"): ADMIN_FORM,  # no reason given
    ("studies.delete_study", "GET"): ADMIN_PAGE,  # says why a study with rounds is kept
    ("studies.delete_study", "POST"): ADMIN_FORM,  # the slug not typed
    ("studies.new_item", "POST"): STAFF_FORM,
    ("studies.import_items", "POST"): STAFF_FORM,  # neither a file nor pasted rows
    ("studies.edit_item", "GET"): STAFF_ONLY,
    ("studies.edit_item", "POST"): STAFF_SAVED,  # shown in round 1: its explanation, optional
    ("studies.move_item", "POST"): STAFF_FORM,  # no direction
    ("studies.retire_item", "POST"): STAFF_SAVED,
    ("mail.messages", "GET"): STAFF_ONLY,
    ("mail.dev_file", "GET"): STAFF_ONLY,
    ("mail.send", "POST"): STAFF_SAVED,
    ("mail.retry_mail", "POST"): STAFF_SAVED,
    ("mail.texts", "POST"): STAFF_SAVED,  # every text optional
    ("panel.panel", "GET"): STAFF_ONLY,
    ("panel.edit_panellist", "GET"): STAFF_ONLY,
    ("panel.edit_panellist", "POST"): STAFF_SAVED,
    ("panel.link", "GET"): STAFF_ONLY,
    ("panel.regenerate", "POST"): STAFF_SAVED,
    ("panel.reinstate", "POST"): STAFF_SAVED,
    ("panel.withdraw", "POST"): STAFF_SAVED,
    ("panel.import_panel", "POST"): STAFF_FORM,
    ("panel.panel_links", "POST"): STAFF_ONLY,  # the links as CSV, audited
    ("panel.new_panellist", "GET"): STAFF_ONLY,
    ("panel.new_panellist", "POST"): STAFF_FORM,
    ("studies.new_section", "POST"): STAFF_FORM,
    ("studies.edit_section", "GET"): STAFF_ONLY,
    ("studies.edit_section", "POST"): STAFF_SAVED,
    ("studies.move_section", "POST"): STAFF_FORM,
    ("studies.setup", "GET"): STAFF_ONLY,
    ("studies.setup", "POST"): STAFF_FORM,
    ("studies.protocol", "GET"): STAFF_ONLY,
    ("studies.protocol", "POST"): STAFF_SAVED,  # every field may be empty: nothing changed
    ("reports.index", "GET"): STAFF_ONLY,
    ("reports.view", "GET"): STAFF_ONLY,
    ("reports.build", "POST"): STAFF_FORM,  # nothing chosen to build
    ("reports.build_page", "GET"): "302 302 302 404 404 404",  # an unknown build
    ("reports.build_download", "POST"): "302 302 302 404 404 404",
    ("reports.build_view", "GET"): "302 302 302 404 404 404",
    ("reports.api_token", "POST"): STAFF_ONLY,  # shows the new token once
    ("rounds.dashboard", "GET"): STAFF_ONLY,
    ("rounds.open_first", "GET"): STAFF_ONLY,  # the confirmation: round 1 opened already
    ("rounds.open_first", "POST"): STAFF_FORM,
    ("rounds.close", "GET"): STAFF_ONLY,
    ("rounds.close", "POST"): STAFF_FORM,
    ("rounds.deadline", "POST"): STAFF_FORM,  # no date
    ("rounds.remind", "GET"): STAFF_ONLY,  # round 1 is closed: says no reminder can go
    ("rounds.remind", "POST"): STAFF_FORM,  # no confirmation moment
    ("rounds.review", "GET"): STAFF_ONLY,
    ("rounds.decide", "POST"): STAFF_FORM,
    ("rounds.summary", "POST"): STAFF_FORM,  # round 2 is prepared: the summary is fixed
    ("rounds.reword", "GET"): STAFF_ONLY,
    ("rounds.reword", "POST"): STAFF_FORM,
    ("rounds.suggestion", "POST"): STAFF_FORM,
    ("rounds.undo_reword", "POST"): STAFF_FORM,  # refused: round 2 has opened
    ("rounds.undo_suggestion", "POST"): STAFF_FORM,  # refused: round 2 has opened
    ("rounds.open_next", "GET"): STAFF_ONLY,  # the confirmation: round 2 opened already
    ("rounds.open_next", "POST"): STAFF_FORM,
    ("rounds.complete", "GET"): STAFF_ONLY,  # the confirmation: round 2 is still open
    ("rounds.complete", "POST"): STAFF_FORM,
    ("preview.welcome", "GET"): STAFF_ONLY,  # the team's preview of round 2, saving nothing
    ("preview.section", "GET"): STAFF_ONLY,
    ("preview.section", "POST"): STAFF_SAVED,  # nothing saved: on to the section asked for
    ("preview.autosave", "POST"): STAFF_ONLY,  # says nothing was saved
    ("preview.review", "GET"): STAFF_ONLY,
    ("preview.submit", "POST"): STAFF_SAVED,  # says nothing was submitted
    ("questionnaire.welcome", "GET"): PANELLIST_PAGE,
    ("questionnaire.my_answers", "GET"): PANELLIST_PAGE,
    ("questionnaire.section", "GET"): PANELLIST_PAGE,
    ("questionnaire.section", "POST"): "404 302 302 404 404 404",
    ("questionnaire.autosave", "POST"): PANELLIST_PAGE,
    ("questionnaire.review", "GET"): PANELLIST_PAGE,
    ("questionnaire.submit", "POST"): "404 302 302 404 404 404",
    ("questionnaire.done", "GET"): "404 302 302 404 404 404",  # not submitted: to review
    ("questionnaire.suggest", "GET"): PANELLIST_PAGE,
    ("questionnaire.suggest", "POST"): "404 400 400 404 404 404",
    ("questionnaire.document", "GET"): PANELLIST_PAGE,  # the study's file, through a link
    ("questionnaire.consent", "GET"): PANELLIST_PAGE,  # the information sheet
    ("questionnaire.consent", "POST"): PANELLIST_PAGE,  # nothing to agree to: the sheet again
    ("questionnaire.background", "GET"): "404 302 302 404 404 404",  # no questions: welcome
    ("questionnaire.background", "POST"): "404 302 302 404 404 404",
    ("questionnaire.withdraw", "GET"): PANELLIST_PAGE,  # says what withdrawing does
    ("questionnaire.withdraw", "POST"): "404 400 400 404 404 404",  # not confirmed
    ("consent.consent_page", "GET"): STAFF_ONLY,
    ("consent.save_consent", "POST"): STAFF_SAVED,  # nothing to ask: saved as it was
    ("consent.save_questions", "POST"): "302 302 302 404 409 409",  # round 1 has opened
    ("consent.consent_log", "POST"): STAFF_ONLY,  # the consent log as CSV, audited
    ("studies.documents", "GET"): STAFF_ONLY,
    ("studies.add_document", "POST"): STAFF_FORM,  # neither a file nor a link
    ("studies.download_document", "GET"): STAFF_ONLY,
    ("studies.delete_document", "POST"): "302 302 302 404 302 404",  # deleted by the first
    # Open sign-up is off for this study: its public page does not exist, and a personal link
    # or a forged token is no confirmation link.
    ("signup.signup_page", "GET"): "404 404 404 404 404 404",
    ("signup.signup_page", "POST"): "404 404 404 404 404 404",
    ("signup.confirm", "GET"): "404 404 404 404 404 404",
    ("signup.confirm", "POST"): "404 404 404 404 404 404",
    ("signup.console", "GET"): STAFF_ONLY,
    ("signup.accept", "POST"): "302 302 302 404 404 404",  # no such sign-up
    ("signup.decline", "POST"): "302 302 302 404 404 404",
}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_row(app):
    missing = sorted(_routes(app) - set(TABLE))
    assert not missing, f"add these routes to the access table: {missing}"
    stale = sorted(set(TABLE) - _routes(app))
    assert not stale, f"these rows name routes that no longer exist: {stale}"


@pytest.fixture
def world(app, db, make_study, make_panel, make_staff, submit, tmp_path_factory):
    """The study: round 1 closed with A's suggestion, round 2 open with A's draft (built once
    per database in each test process; each test gets a copy of it)."""
    built = built_once(
        "route-access", lambda: _build_world(db, make_study, make_panel, make_staff, submit),
        tmp_path_factory)
    staff = {name: db.session.get(StaffUser, user_id) for name, user_id in built["staff"].items()}
    return {"study": db.session.get(Study, built["study_id"]),
            "a": db.session.get(Panellist, built["a"]), "b": db.session.get(Panellist, built["b"]),
            "staff": staff, "api": built["api"], "ids": built["ids"]}


def _build_world(db, make_study, make_panel, make_staff, submit) -> dict:
    study = make_study(slug="access-study")
    panel = make_panel(study, n=6)
    a, b = panel[0], panel[1]
    round1 = open_round(study)
    codes = [ri.code for ri in round1.round_items]
    for k, panellist in enumerate(panel):
        submit(round1, panellist, {code: (k + i) % 9 + 1 for i, code in enumerate(codes)})
    db.session.add(
        Suggestion(
            round_id=round1.id,
            panellist_id=a.id,
            kind=SuggestionKind.NEW_ITEM,
            section_id=study.sections[0].id,
            text="A new item, please.",
        )
    )
    close_round(round1)
    round2 = launch_next_round(study)
    save_answers(
        response_for(round2, a),
        [Answer(round2.round_items[0].id, value=4, comment=A_SECRET)],
        submit=False,
    )
    other_study = make_study(slug="other-study")
    staff = {
        "other": make_staff(email="other@example.org", role="coordinator", studies=[other_study]),
        "coord": make_staff(email="coord@example.org", role="coordinator", studies=[study]),
        "admin": make_staff(email="admin@example.org", role="admin"),
    }
    api_tokens = {name: issue_api_token(user) for name, user in staff.items()}
    document = attach_file(study, title="Guide", filename="guide.pdf", data=b"%PDF-1.4\n%%EOF\n")
    db.session.commit()
    send_pending()  # no MAIL_HOST: the invitations are written to files for the messages page
    ids = {
        "slug": study.slug,
        "section_id": study.sections[0].id,
        "item_id": study.items[0].id,
        "panellist_id": b.id,
        "staff_id": staff["coord"].id,
        "name": dev_files(study)[0].name,
        "round_item_id": round1.round_items[0].id,
        "format_name": "csv",
        "index": 1,
        "suggestion_id": db.session.scalar(db.select(Suggestion.id)),
        "filename": "questionnaire.css",
        "document_id": document.id,
        "signup_id": 1,
        "build_id": "no-such-build",
    }
    return {"study_id": study.id, "a": a.id, "b": b.id, "api": api_tokens, "ids": ids,
            "staff": {name: user.id for name, user in staff.items()}}


def _visitor_client(app, world, visitor: str):
    """A test client as the visitor, with the token their panellist pages use."""
    client = app.test_client()
    headers: dict[str, str] = {}
    token = token_for(world["a"])[:-4] + "XXXX"  # forged
    if visitor in ("A", "B"):
        token = token_for(world["a" if visitor == "A" else "b"])
        with app.app_context():
            client.get(f"/p/{token}")
    elif visitor in world["staff"]:
        with client.session_transaction() as session:
            session["_user_id"] = world["staff"][visitor].get_id()
            session["_fresh"] = True
        headers["Authorization"] = f"Bearer {world['api'][visitor]}"
    return client, token, headers


def _url(app, endpoint: str, token: str, ids: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    arguments = {name: ids[name] for name in rule.arguments if name in ids}
    if "token" in rule.arguments:
        arguments["token"] = token
    if "number" in rule.arguments:
        arguments["number"] = 2 if endpoint.startswith(("questionnaire.", "preview.")) else 1
    with app.test_request_context():
        return url_for(endpoint, **arguments)


def _assert_security_headers(response, where) -> None:
    """The headers every response carries, whatever its status or type."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
    assert directives.get("script-src") == "'self'", where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("object-src") == "'none'", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "no-referrer", where


def _audit_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)))


@pytest.mark.parametrize("endpoint,method", sorted(TABLE))
def test_each_visitor_gets_the_expected_status(app, db, world, endpoint, method):
    expected = dict(zip(VISITORS, (int(s) for s in TABLE[(endpoint, method)].split())))
    observed = {}
    for visitor in VISITORS:
        client, token, headers = _visitor_client(app, world, visitor)
        before = _audit_count(db)
        url = _url(app, endpoint, token, world["ids"])
        with app.app_context():  # as in production, each request has its own context
            response = client.open(
                url, method=method, data={} if method == "POST" else None, headers=headers
            )
        observed[visitor] = response.status_code
        body = response.get_data().decode("utf-8", "replace")  # the favicon is not text
        response.close()
        _assert_security_headers(response, (visitor, endpoint))
        if visitor in ("anon", "B", "other"):
            assert A_SECRET not in body, (visitor, endpoint)
        if (
            expected[visitor] in (302, 401, 403, 404)
            and visitor in ("anon", "A", "B", "other")
            and endpoint not in OWN_ACCOUNT
        ):
            assert _audit_count(db) == before, (visitor, endpoint, "changed the study")
        if (
            response.status_code == 302
            and visitor in ("anon", "A", "B")
            and not endpoint.startswith(("questionnaire.", "auth."))
        ):
            assert "/login" in response.headers["Location"], (visitor, endpoint)
    assert observed == expected
