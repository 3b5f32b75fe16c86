"""The study form's choice of what panellists see of the comments from round 2 on."""
from __future__ import annotations

import re

from delphi.models import AuditEvent, CommentFeedback, Study


def test_the_study_form_offers_the_three_choices_and_saves_one(client, db, login_as, make_study):
    study = make_study(slug="care-planning")
    login_as("coordinator", studies=[study])
    page = client.get("/console/studies/care-planning/setup").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="comment_feedback".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]*)</option>', select) == [
        ("comments", "The comments as written (anonymised)"),
        ("summary", "The research team&#39;s summary of the arguments"),
        ("both", "Both the summary and the comments"),
    ]
    assert re.search(r'<option selected value="comments"|<option value="comments" selected',
                     select)
    form = {field: value for field, value in re.findall(
        r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page)}
    form.update({"comment_feedback": "summary", "scale_labels": "",
                 "consensus_rule": "comet", "quantile_method": "linear"})
    for name in re.findall(r'<select[^>]*name="(\w+)"', page):
        if name not in form:
            chosen = re.search(rf'<select[^>]*name="{name}".*?<option[^>]*selected[^>]*value="([^"]*)"'
                               rf'|<select[^>]*name="{name}".*?<option[^>]*value="([^"]*)"[^>]*selected',
                               page, re.S)
            form[name] = next(v for v in chosen.groups() if v is not None)
    response = client.post("/console/studies/care-planning/setup", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.scalar(db.select(Study)).comment_feedback is CommentFeedback.SUMMARY
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="study.update"))
    assert event.after["comment_feedback"] == "summary"
