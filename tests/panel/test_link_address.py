"""Where personal links point: DELPHI_BASE_URL when it is set, else the address the app is
served at; the command line says when it has to guess."""
from __future__ import annotations

import pytest

from delphi.panel.tokens import token_for

SERVED_AT = "http://localhost:8000"  # where the test client says the app is reached


@pytest.fixture
def app_config(app_config):
    """No DELPHI_BASE_URL, as on a machine where it was not configured."""
    app_config["BASE_URL"] = None
    return app_config


def test_links_shown_while_serving_follow_the_address_the_app_is_reached_at(
        client, db, make_study, make_panel, login_as):
    study = make_study()
    panellist = make_panel(study, n=1)[0]
    login_as("coordinator", studies=[study])
    page = client.get(f"/console/studies/{study.slug}/panel/{panellist.id}/link",
                      base_url=SERVED_AT).get_data(as_text=True)
    assert f"{SERVED_AT}/p/{token_for(panellist)}" in page
    assert "127.0.0.1:5000" not in page


def test_the_message_preview_shows_where_links_will_point(client, db, make_study, make_panel,
                                                         login_as):
    study = make_study()
    make_panel(study, n=1)
    login_as("coordinator", studies=[study])
    preview = client.post(f"/console/studies/{study.slug}/messages/texts", base_url=SERVED_AT,
                          data={"invitation_subject": "", "invitation_body": "Your link: {link}",
                                "reminder_subject": "", "reminder_body": "",
                                "action": "preview"}).get_data(as_text=True)
    assert f"Your link: {SERVED_AT}/p/(the panellist&#39;s personal link)" in preview
    assert "example.org/p/" not in preview


def test_commands_that_print_links_warn_on_stderr_when_they_guess_the_address(
        db, runner, make_study, make_panel):
    study = make_study()
    panellist = make_panel(study, n=1)[0]
    db.session.commit()
    result = runner.invoke(args=["delphi", "panel", "list", study.slug])
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:5000/p/{token_for(panellist)}" in result.stdout
    assert result.stderr == ("Warning: DELPHI_BASE_URL is not set, so these links start with "
                             "http://127.0.0.1:5000; set it to the address panellists reach the "
                             "app at.\n")
    csv_out = runner.invoke(args=["delphi", "panel", "links", study.slug])
    assert csv_out.exit_code == 0 and csv_out.stderr.startswith("Warning: DELPHI_BASE_URL")


def test_with_a_base_url_configured_links_use_it_and_nothing_warns(
        app, client, db, runner, make_study, make_panel, login_as):
    app.config["BASE_URL"] = "https://delphi.example.org/"
    study = make_study()
    panellist = make_panel(study, n=1)[0]
    login_as("coordinator", studies=[study])
    page = client.get(f"/console/studies/{study.slug}/panel/{panellist.id}/link",
                      base_url=SERVED_AT).get_data(as_text=True)
    assert f"https://delphi.example.org/p/{token_for(panellist)}" in page
    result = runner.invoke(args=["delphi", "panel", "list", study.slug])
    assert result.exit_code == 0 and result.stderr == ""
    assert f"https://delphi.example.org/p/{token_for(panellist)}" in result.stdout
