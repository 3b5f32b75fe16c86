"""``carry_out``, the one way a page carries out an operation: commit and redirect when it is
done, roll back and show the refusal when it is refused."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from delphi.models import Study
from delphi.page_actions import carry_out
from delphi.refusal import Refused


class TitleForm(FlaskForm):
    title = StringField("Title")
    slug = StringField("Slug")


def _retitle(study_id: int, db, *, refuse_with: Refused | None = None):
    def operation() -> Study:
        study = db.session.get(Study, study_id)
        study.title = "Changed title"
        db.session.flush()
        if refuse_with is not None:
            raise refuse_with
        return study

    return operation


def _committed_study(db, make_study) -> int:
    """A study saved before the request starts, so a rollback cannot take it away too."""
    study_id = make_study().id
    db.session.commit()
    return study_id


def _title(db, study_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Study, study_id).title


def test_done_commits_flashes_and_redirects(app, db, make_study):
    study_id = _committed_study(db, make_study)
    with app.test_request_context("/", method="POST"):
        response = carry_out(
            _retitle(study_id, db),
            done=lambda study: f"Study {study.title} saved.",
            to="/next",
        )
        assert response.status_code == 302 and response.location == "/next"
        assert get_flashed_messages(with_categories=True) == [("info", "Study Changed title saved.")]
    db.session.rollback()  # a commit cannot be undone: the change stays
    assert _title(db, study_id) == "Changed title"


def test_a_refusal_is_rolled_back_and_shown_on_the_field_it_names(app, db, make_study):
    study_id = _committed_study(db, make_study)
    with app.test_request_context("/", method="POST"):
        form = TitleForm(meta={"csrf": False})
        response = carry_out(
            _retitle(study_id, db, refuse_with=Refused("The slug is taken.", "slug")),
            done="never shown",
            to="/next",
            form=form,
        )
        assert response is None  # the view renders the form again
        assert form.errors == {"slug": ["The slug is taken."]}
        assert get_flashed_messages() == []
    assert _title(db, study_id) == "Study test-study"


# WTForms keeps the form's own errors (form_errors) under the key "".
@pytest.mark.parametrize(("default_field", "expected"), [("title", "title"), (None, "")])
def test_a_refusal_naming_no_field_goes_to_the_default_or_the_form(
    app, db, make_study, default_field, expected
):
    study_id = _committed_study(db, make_study)
    with app.test_request_context("/", method="POST"):
        form = TitleForm(meta={"csrf": False})
        carry_out(
            _retitle(study_id, db, refuse_with=Refused("The study is complete.")),
            done="never shown",
            to="/next",
            form=form,
            field=default_field,
        )
        assert form.errors == {expected: ["The study is complete."]}
    assert _title(db, study_id) == "Study test-study"


def test_a_refusal_without_a_form_is_flashed_and_redirected(app, db, make_study):
    study_id = _committed_study(db, make_study)
    with app.test_request_context("/", method="POST"):
        response = carry_out(
            _retitle(study_id, db, refuse_with=Refused("The study is complete.")),
            done="never shown",
            to="/content",
        )
        assert response.status_code == 302 and response.location == "/content"
        assert get_flashed_messages(with_categories=True) == [("error", "The study is complete.")]
    assert _title(db, study_id) == "Study test-study"


def test_a_refusal_with_its_own_page_returns_that_page(app, db, make_study):
    study_id = _committed_study(db, make_study)
    with app.test_request_context("/", method="POST"):
        page = carry_out(
            _retitle(study_id, db, refuse_with=Refused("Round 1 has opened.")),
            done="never shown",
            to="/content",
            refused=lambda error: (f"refused: {error}", 409),
        )
        assert page == ("refused: Round 1 has opened.", 409)
    assert _title(db, study_id) == "Study test-study"
