"""No browser or proxy keeps a copy of a page that may show a personal link or a panellist's
answers: every questionnaire page, every response to signed-in staff and to an API token says
``Cache-Control: no-store``. Static files, which hold nothing personal, stay cacheable."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from delphi.auth.api_tokens import issue_api_token
from delphi.panel.tokens import token_for
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.lifecycle import close_round, open_round
from tests.support.reports import queue_report


@pytest.fixture
def setting(db, make_study, make_panel):
    """Round 1 answered and closed (so reports exist), round 2 not yet open; the study and one
    of its panellists."""
    study = make_study(slug="no-store")
    panellists = make_panel(study, n=3)
    round_ = open_round(study)
    for panellist in panellists:
        save_answers(response_for(round_, panellist),
                     [Answer(ri.id, value=5, comment="Kept private") for ri in round_.round_items],
                     submit=True)
    close_round(round_)
    db.session.commit()
    return study, panellists[0]


def _get_paths(app, values: dict[str, object], prefix: str = "") -> list[str]:
    """A path for every GET route whose rule starts with ``prefix``, arguments from ``values``
    (whole numbers 1 unless named)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.startswith(prefix) or \
                rule.endpoint == "static":
            continue
        path = rule.rule
        for name, converter in rule._converters.items():
            value = values.get(name, 1 if isinstance(converter, IntegerConverter) else "x")
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        paths.append(path)
    return paths


def test_every_questionnaire_page_says_no_store(app, client, setting):
    _, panellist = setting
    paths = _get_paths(app, {"token": token_for(panellist), "number": 1, "index": 1}, "/p/")
    paths += ["/p/not-a-link", f"/p/{token_for(panellist)}/round/9/review"]
    assert len(paths) >= 7
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        assert response.headers.get("Cache-Control") == "no-store", (path, response.status_code)
    autosave = client.post(f"/p/{token_for(panellist)}/round/1/autosave", data={})
    assert autosave.headers["Cache-Control"] == "no-store"


def test_every_page_for_signed_in_staff_says_no_store(app, client, setting, login_as):
    study, panellist = setting
    login_as("admin")
    paths = _get_paths(app, {"slug": study.slug, "panellist_id": panellist.id, "number": 1,
                             "format_name": "csv"}, "/")
    paths = [p for p in paths if not p.startswith(("/p/", "/api/"))]
    assert len(paths) >= 20
    for path in paths:
        # Closed like a server closes it: /favicon.ico is a file sent as a stream.
        with client.get(path) as response:
            assert response.status_code < 500, path
            assert response.headers.get("Cache-Control") == "no-store", \
                (path, response.status_code)


def test_the_personal_link_page_and_the_report_download_say_no_store(client, setting, login_as):
    study, panellist = setting
    login_as("coordinator", studies=[study])
    link = client.get(f"/console/studies/no-store/panel/{panellist.id}/link")
    assert link.status_code == 200
    assert token_for(panellist) in link.get_data(as_text=True)
    assert link.headers["Cache-Control"] == "no-store"
    queued = queue_report(client, "no-store", "csv:1")
    build_page = client.get(queued.headers["Location"])
    assert build_page.status_code == 200 and build_page.headers["Cache-Control"] == "no-store"
    download = client.post(queued.headers["Location"] + "/download")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"


def test_api_answers_say_no_store(client, db, setting, make_staff):
    study, _ = setting
    staff = make_staff(email="api@example.org", role="coordinator", studies=[study])
    token = issue_api_token(staff)
    db.session.commit()
    response = client.get("/api/v1/studies/no-store", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_public_pages_and_static_files_may_be_cached(client, setting):
    for path in ("/", "/login", "/static/delphi.css"):
        response = client.get(path)
        response.close()
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
