"""The consent log for the ethics committee: its rows, who may download it, the audit trail; and
the information sheet shown sanitised."""
from __future__ import annotations

import csv
import io

from delphi.consent.operations import set_consent_text
from delphi.models import AuditEvent, ConsentEvent
from tests.consent.conftest import ALL_TICKED


def test_the_log_lists_pseudonym_version_time_and_event(client, db, consenting, login_as):
    setting = consenting(questions=False)
    login_as("coordinator", studies=[setting.study])
    first, second = setting.panel[0], setting.panel[1]
    assert client.post(setting.url("/consent", first), data=ALL_TICKED).status_code == 302
    assert client.post(setting.url("/consent", second), data=ALL_TICKED).status_code == 302
    assert client.post(setting.url("/withdraw", second),
                       data={"confirm": "withdraw"}).status_code == 200
    times = [e.at for e in db.session.scalars(db.select(ConsentEvent).order_by(ConsentEvent.id))]
    response = client.post(f"/console/studies/{setting.study.slug}/consent/log.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "consent-log.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows == [
        ["pseudonym", "version", "time_utc", "event"],
        [first.pseudonym, "1", f"{times[0]:%Y-%m-%d %H:%M:%S}", "consented"],
        [second.pseudonym, "1", f"{times[1]:%Y-%m-%d %H:%M:%S}", "consented"],
        [second.pseudonym, "1", f"{times[2]:%Y-%m-%d %H:%M:%S}", "withdrew"],
    ]
    body = response.get_data(as_text=True)
    assert first.email not in body and first.name not in body
    exported = db.session.scalar(db.select(AuditEvent).filter_by(action="consent.log_export"))
    assert exported is not None and exported.after == {"rows": 3}


def test_only_the_study_staff_may_download_the_log(app, client, db, consenting, make_study,
                                                   login_as):
    setting = consenting(questions=False)
    url = f"/console/studies/{setting.study.slug}/consent/log.csv"
    login_as("coordinator", studies=[make_study(slug="another-study")])
    refused = client.post(url)
    with app.app_context():  # a request of its own, as in production: nobody signed in
        anonymous = app.test_client().post(url)
    assert refused.status_code == 404 and "pseudonym" not in refused.get_data(as_text=True)
    assert anonymous.status_code == 302 and anonymous.location.startswith("/login")
    assert db.session.scalar(
        db.select(db.func.count(AuditEvent.id)).filter_by(action="consent.log_export")) == 0


def test_the_console_saves_a_new_version_when_round_one_has_opened(client, db, consenting,
                                                                     login_as):
    setting = consenting(questions=False)
    login_as("coordinator", studies=[setting.study])
    page = client.get(f"/console/studies/{setting.study.slug}/consent")
    assert page.status_code == 200 and "I agree to take part." in page.get_data(as_text=True)
    saved = client.post(f"/console/studies/{setting.study.slug}/consent", data={
        "sheet": "New sheet", "statements": "One\nTwo\n", "withdrawal_rule": "erase",
        "reconsent": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert setting.study.withdrawal_rule.value == "erase"
    page = client.get(f"/console/studies/{setting.study.slug}/consent").get_data(as_text=True)
    assert "Information sheet saved as version 2." in page
    change = db.session.scalar(db.select(AuditEvent).filter_by(action="consent.change")
                               .order_by(AuditEvent.id.desc()))
    assert change.after == {"version": 2, "statements": 2, "reconsent": True}


HOSTILE = """Read this.

<script>alert('sheet')</script>
<img src="x" onerror="alert('img')">
<a href="#" onclick="alert('a')">click</a>

[a link](javascript:alert('link'))
[the study](https://example.org/study)
"""


def test_the_sheet_is_shown_sanitised(client, db, make_study, make_panel):
    from delphi.panel.tokens import token_for
    from delphi.rounds.lifecycle import open_round

    study = make_study()
    set_consent_text(study, sheet=HOSTILE, statements=["I agree."])
    panellist = make_panel(study, n=1)[0]
    open_round(study)
    db.session.commit()
    page = client.get(f"/p/{token_for(panellist)}/consent").get_data(as_text=True)
    assert "Read this." in page
    assert "<script" not in page and "alert('sheet')" not in page
    assert "onerror" not in page and "onclick" not in page
    assert 'href="javascript' not in page.lower() and "<img" not in page
    assert '<a href="https://example.org/study"' in page and 'rel="noopener noreferrer"' in page
