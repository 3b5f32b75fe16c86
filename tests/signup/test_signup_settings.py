"""The sign-up settings in the study file's [signup] table and on the study form: read, checked
with the line at fault, saved, shown again, and written back by ``delphi study export``."""
from __future__ import annotations

import tomllib

from delphi.models import SignupState, Study

STUDY_FILE = """[study]
title = "Open panel"
slug = "open-panel"

[signup]
page = "open"
review = true
caps = { "Social workers" = 10, "People who use services" = 12 }
eligibility = [
  { text = "Do you work in England?", choices = ["Yes", "No"], accepted = ["Yes"] },
  { text = "Your age band", choices = ["Under 18", "18-64", "65+"], accepted = ["18-64", "65+"] },
]

[[sections]]
code = "S1"
title = "Section"
items = [{ code = "S1.1", text = "An item." }]
"""
QUESTIONS = [
    {"text": "Do you work in England?", "choices": ["Yes", "No"], "accepted": ["Yes"]},
    {"text": "Your age band", "choices": ["Under 18", "18-64", "65+"],
     "accepted": ["18-64", "65+"]},
]


def _study(db, slug: str) -> Study:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug=slug))


def test_the_study_file_sets_sign_up_and_export_writes_it_back(cli, write_file, db):
    assert cli("study", "import", write_file("open.toml", STUDY_FILE)).exit_code == 0
    study = _study(db, "open-panel")
    assert (study.signup, study.signup_review) == (SignupState.OPEN, True)
    assert study.signup_caps == {"Social workers": 10, "People who use services": 12}
    assert study.signup_questions == QUESTIONS

    exported = cli("study", "export", "open-panel").output
    assert tomllib.loads(exported)["signup"] == {
        "page": "open", "review": True,
        "caps": {"Social workers": 10, "People who use services": 12},
        "eligibility": QUESTIONS}
    copy = exported.replace('slug = "open-panel"', 'slug = "copy"')
    assert cli("study", "import", write_file("copy.toml", copy)).exit_code == 0
    again = _study(db, "copy")
    assert (again.signup, again.signup_caps, again.signup_questions) == (
        study.signup, study.signup_caps, study.signup_questions)


def test_sign_up_is_off_by_default(cli, write_file, db):
    plain = STUDY_FILE[:STUDY_FILE.index("[signup]")] + STUDY_FILE[STUDY_FILE.index("[[sections]]"):]
    assert cli("study", "import", write_file("plain.toml", plain)).exit_code == 0
    study = _study(db, "open-panel")
    assert (study.signup, study.signup_review, study.signup_caps, study.signup_questions) == (
        SignupState.OFF, False, {}, [])


def test_an_answer_accepted_that_is_not_a_choice_is_reported_with_its_line(
        cli, write_file, db, row_counts):
    before = row_counts()
    bad = STUDY_FILE.replace('accepted = ["Yes"]', 'accepted = ["Oui"]').replace(
        "= 12 }", "= 0 }")
    result = cli("study", "import", write_file("bad.toml", bad))
    assert result.exit_code != 0
    assert ("bad.toml, line 8, [signup] caps: the cap of 'People who use services' must be "
            "between 1 and 1,000,000") in result.output
    assert ("bad.toml, line 9, [signup] eligibility: eligibility question 1: the accepted "
            "answers must be some of its choices") in result.output
    assert row_counts() == before


def _study_form(**changes) -> dict:
    """A complete, valid study form as the browser sends it."""
    form = {
        "title": "Care planning", "slug": "care", "scale_min": "1", "scale_max": "9",
        "scale_labels": "", "consensus_rule": "comet", "quantile_method": "linear",
        "agreement_pct": "70", "opposite_max_pct": "15", "percent_threshold": "75",
        "min_ratings": "5", "stability_max_pct": "15", "unable_counts": "left_out",
        "stability_measure": "panellists", "net_change_max_pct": "15",
        "wilcoxon_method": "exact_small_panels", "min_group_size": "5",
        "comment_feedback": "comments", "reminder_days": "7, 2", "time_zone": "Europe/London",
        "signup": "open", "signup_review": "y",
        "signup_caps": "Social workers = 10\nCarers = 4",
        "signup_questions": "Do you work in England? | Yes* | No\n"
                            "Your age band | Under 18 | 18-64* | 65+*",
    }
    form.update(changes)
    return form


def test_the_study_form_saves_the_settings_and_shows_them_as_written(client, db, login_as):
    login_as("admin")
    response = client.post("/console/studies/new", data=_study_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    study = _study(db, "care")
    assert (study.signup, study.signup_review) == (SignupState.OPEN, True)
    assert study.signup_caps == {"Social workers": 10, "Carers": 4}
    assert study.signup_questions == QUESTIONS
    page = client.get("/console/studies/care/setup").get_data(as_text=True)
    assert "Social workers = 10\nCarers = 4" in page
    assert "Your age band | Under 18 | 18-64* | 65+*" in page


def test_the_study_form_names_the_line_of_a_question_it_cannot_use(client, db, login_as):
    login_as("admin")
    response = client.post("/console/studies/new", data=_study_form(
        signup_questions="Do you work in England? | Yes* | No\nYour age band | 18-64"))
    assert response.status_code == 400
    assert "Line 2: give from 2 to 20 different choices" in response.get_data(as_text=True)
    assert _study(db, "care") is None
