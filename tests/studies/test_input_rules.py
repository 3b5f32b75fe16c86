"""The console's forms and the panel file hold input to the rules of delphi/validation.py: a
refused value is named beside its field with status 400 and nothing is written; derived text
(an invitation's subject) always fits its column, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from delphi.models import Item, OutboxMessage, Panellist, Section, Study, utcnow
from delphi.rounds.lifecycle import open_round

BASE = "/console/studies/test-study"


def settings_form(**changes) -> dict:
    """A complete, valid settings form, as the browser would send it."""
    form = {
        "title": "Care planning guidance", "slug": "test-study", "description": "",
        "contact": "team@example.org", "scale_min": "1", "scale_max": "9",
        "scale_labels": "1 = Not important\n9 = Critical", "consensus_rule": "comet",
        "quantile_method": "linear", "low_to": "", "high_from": "", "agreement_pct": "70",
        "opposite_max_pct": "15", "percent_threshold": "75", "iqr_max": "",
        "min_ratings": "5", "stability_max_pct": "15", "unable_counts": "left_out",
        "stability_measure": "panellists", "net_change_max_pct": "15",
        "wilcoxon_method": "exact_small_panels", "min_group_size": "5",
        "reminder_days": "7, 2",
    }
    form.update(changes)
    return form


def _study(db) -> Study:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug="test-study"))


def _refused(response, field: str, message: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:300]
    assert f'id="{field}-error"' in page
    error = page[page.index(f'id="{field}-error"'):]
    assert message in error[:600], error[:600]


@pytest.mark.parametrize("field, value, message", [
    ("title", "Care planning\r\nBcc: everyone@example.org",
     "Title: contains a line break at character 14; remove it."),
    ("title", "Care\x00planning", "Title: contains a control character (U+0000) at character 5"),
    ("title", "t" * 301, "Title: is 301 characters long; the limit is 300."),
    ("contact", "team\x1b@example.org", "contains a control character (U+001B)"),
    ("description", "Line one\x07", "contains a control character (U+0007)"),
    ("min_ratings", str(10 ** 30),
     "Minimum number of ratings for a verdict: must be between 1 and 1,000,000."),
    ("min_group_size", str(10 ** 30),
     "Smallest group shown separately: must be between 3 and 1,000,000."),
    ("scale_max", str(10 ** 30), "Highest point of the scale: must be between 0 and 1,000,000."),
    ("low_to", str(10 ** 30), "must be between 0 and 1,000,000."),
    ("agreement_pct", "101", "must be between 1 and 100."),
    ("iqr_max", "1e30", "Number must be between 0 and 1000000."),
    ("reminder_days", "7, 0", "holds 0: each day before the deadline must be between 1 and 365."),
    ("reminder_days", ", ".join(str(d) for d in range(1, 41)), "has too many days"),
    ("reminder_days", "9" * 5000, "Give whole numbers of days"),
    ("scale_labels", "1 = Not\x00important", "Line 1: the label contains a control character"),
])
def test_the_settings_form_names_a_refused_value_beside_its_field(
        client, db, login_as, make_study, field, value, message):
    make_study()
    db.session.commit()
    login_as("admin")
    response = client.post(f"{BASE}/setup", data=settings_form(**{field: value}))
    _refused(response, field, message)
    assert _study(db).title == "Study test-study"  # nothing saved


def test_a_new_study_with_a_line_break_in_its_title_is_not_created(client, db, login_as):
    login_as("admin")
    response = client.post("/console/studies/new", data=settings_form(
        slug="new-study", title="New\nstudy"))
    _refused(response, "title", "Title: contains a line break at character 4")
    assert db.session.scalar(db.select(Study).filter_by(slug="new-study")) is None


@pytest.mark.parametrize("data, field, message", [
    ({"section-code": "=cmd", "section-title": "Formula"}, "section-code",
     "Section code: must start with a letter or digit"),
    ({"section-code": "S3", "section-title": "Sec\x00tion"}, "section-title",
     "Section title: contains a control character (U+0000)"),
])
def test_the_section_form_holds_codes_and_titles_to_the_rules(client, db, login_as, make_study,
                                                              data, field, message):
    make_study()
    db.session.commit()
    login_as("admin")
    _refused(client.post(f"{BASE}/sections", data=data), field, message)
    assert db.session.scalar(db.select(db.func.count(Section.id))) == 2


@pytest.mark.parametrize("code, text, field, message", [
    ('A"<b>', "Fine wording.", "item-code", "Item code: must start with a letter or digit"),
    ("S1.9\n", "Fine wording.", "item-code", "Item code: must start with a letter or digit"),
    ("S1.9", "Bad\x00wording.", "item-text", "Wording: contains a control character (U+0000)"),
    ("S1.9", "w" * 2001, "item-text", "Wording: is 2,001 characters long; the limit is 2,000."),
])
def test_the_item_form_holds_codes_and_wordings_to_the_rules(client, db, login_as, make_study,
                                                             code, text, field, message):
    study = make_study()
    db.session.commit()
    login_as("admin")
    response = client.post(f"{BASE}/items", data={
        "item-section": study.sections[0].id, "item-code": code, "item-text": text})
    _refused(response, field, message)
    assert db.session.scalar(db.select(db.func.count(Item.id))) == 6


def test_an_item_wording_keeps_its_tabs_and_line_breaks(client, db, login_as, make_study):
    study = make_study()
    db.session.commit()
    login_as("admin")
    response = client.post(f"{BASE}/items", data={
        "item-section": study.sections[0].id, "item-code": "S1.9",
        "item-text": "First line,\n\tthen an indented one."})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Item.text).filter_by(code="S1.9")) == \
        "First line,\n\tthen an indented one."


@pytest.mark.parametrize("changes, field, message", [
    ({"name": "Ada\x00Byron"}, "name", "Name: contains a control character (U+0000)"),
    ({"group": "Carers\x07"}, "group", "Stakeholder group: contains a control character (U+0007)"),
    ({"group": "g" * 101}, "group", "is 101 characters long; the limit is 100."),
    # Addresses the panel file refuses are refused here too.
    ({"email": '"ada"@example.org'}, "email", "E-mail: is not an e-mail address"),
    ({"email": "ada@example.org,eve@example.org"}, "email", "E-mail: is not an e-mail address"),
    ({"email": "a" * 250 + "@example.org"}, "email", "E-mail: is 262 characters long"),
])
def test_the_panellist_form_uses_the_panel_files_rules(client, db, login_as, make_study,
                                                       changes, field, message):
    study = make_study()
    db.session.commit()
    login_as("admin")
    data = {"name": "Ada Byron", "email": "ada@example.org", "group": "Carers"} | changes
    _refused(client.post(f"{BASE}/panel/new", data=data), field, message)
    assert db.session.scalars(db.select(Panellist).filter_by(study_id=study.id)).all() == []


def test_editing_a_panellist_is_held_to_the_same_rules(client, db, login_as, make_study,
                                                      make_panel):
    study = make_study()
    panellist = make_panel(study, n=1)[0]
    db.session.commit()
    login_as("admin")
    response = client.post(f"{BASE}/panel/{panellist.id}", data={
        "name": "Renamed", "email": panellist.email, "group": "Social\nworkers"})
    _refused(response, "group", "Stakeholder group: contains a line break at character 7")
    db.session.expire_all()
    assert db.session.get(Panellist, panellist.id).name == "Panellist 1"


def test_a_panel_file_with_control_characters_adds_nobody(client, db, login_as, make_study):
    study = make_study()
    db.session.commit()
    login_as("admin")
    content = ('name,email,group\n'
               'Ada\x07Byron,ada@example.org,Carers\n'
               'Ben Okafor,ben@example.org,"Social\nworkers"\n'
               'Cy Jones,"""cy""@example.org",Carers\n').encode()
    response = client.post(f"{BASE}/panel/import",
                           data={"file": (io.BytesIO(content), "panel.csv")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("panel.csv, line 2, column name: contains a control character (U+0007) at "
            "character 4") in page
    assert "panel.csv, line 3, column group: contains a line break at character 7" in page
    assert ("panel.csv, line 5, column email: &#39;&#34;cy&#34;@example.org&#39; is not an "
            "e-mail address") in page
    assert db.session.scalars(db.select(Panellist).filter_by(study_id=study.id)).all() == []


@pytest.mark.parametrize("field, value, message", [
    ("invitation_subject", "Round {round}\nBcc: all@example.org",
     "Invitation subject: contains a line break at character 14"),
    ("reminder_subject", "Reminder\r", "Reminder subject: contains a line break at character 9"),
    ("reminder_body", "Please finish soon.", "Reminder text: must contain {link}"),
    ("invitation_body", "Rate: {link}\x00", "contains a control character (U+0000)"),
])
def test_message_texts_refuse_line_breaks_in_subjects_and_bodies_without_a_link(
        client, db, login_as, make_study, field, value, message):
    make_study()
    db.session.commit()
    login_as("admin")
    data = {"invitation_subject": "", "invitation_body": "", "reminder_subject": "",
            "reminder_body": "", "action": "save", field: value}
    _refused(client.post(f"{BASE}/messages/texts", data=data), field, message)
    study = _study(db)
    assert (study.invitation_subject, study.reminder_subject) == (None, None)
    assert (study.invitation_body, study.reminder_body) == (None, None)


def test_a_panellist_added_to_an_open_round_of_a_long_titled_study_is_invited(
        client, db, login_as, make_study, make_panel):
    """The standard subject adds 17 characters to the title: with a 300-character title it is
    longer than the outbox's subject column, which PostgreSQL enforces."""
    study = make_study()
    make_panel(study, n=1)
    db.session.commit()
    login_as("admin")
    title = "A study of care planning " + "t" * 275
    assert len(title) == 300
    assert client.post(f"{BASE}/setup", data=settings_form(title=title)).status_code == 302
    open_round(_study(db), closes_at=utcnow() + timedelta(days=5))
    db.session.commit()

    response = client.post(f"{BASE}/panel/new", data={
        "name": "Late", "email": "late@example.org", "group": "Carers"})

    assert response.status_code == 302
    db.session.expire_all()
    late = db.session.scalar(db.select(Panellist).filter_by(email="late@example.org"))
    message = db.session.scalar(db.select(OutboxMessage).filter_by(panellist_id=late.id))
    assert message.kind == "invitation"
    assert len(message.subject) == 300
    assert message.subject.startswith("A study of care planning ttt")
    assert message.subject.endswith("…")


def test_an_uploaded_study_file_is_held_to_the_same_rules(client, db, login_as,
                                                          study_file_bytes):
    login_as("coordinator")
    hostile = (study_file_bytes.replace(b'code = "S1"', b'code = "=cmd"')
               .replace(b'contact = "team@example.org"',
                        b'contact = "x"\nnested = ' + b"[" * 5000 + b"]" * 5000))
    response = client.post("/console/studies/import", data={
        "file": (io.BytesIO(hostile), "hostile.toml")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "hostile.toml, line 6: lists or tables are nested more than 100 levels deep" in page
    assert "Traceback" not in page
    response = client.post("/console/studies/import", data={
        "file": (io.BytesIO(study_file_bytes.replace(b'code = "S1"', b'code = "=cmd"')),
                 "formula.toml")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("formula.toml, line 18, section 1 code: found &#39;=cmd&#39;, which must start with "
            "a letter or digit") in page
    assert db.session.scalar(db.select(db.func.count(Study.id))) == 0


def test_exactly_the_control_characters_unicode_names_are_refused_in_text():
    """Every character Unicode puts among the controls (Cc) or surrogates (Cs), and the line and
    paragraph separators, is refused at its position; tab and line breaks only in one-line text;
    nothing else."""
    import sys
    import unicodedata

    from delphi.validation import control_character_problem

    characters = [chr(point) for point in range(sys.maxunicode + 1)]
    controls = [c for c in characters
                if unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029"]
    assert len(controls) == 65 + 2048 + 2
    refused = set(controls)
    others = "".join(c for c in characters if c not in refused)
    assert control_character_problem(others) is None
    assert control_character_problem(others + "\t\n\r", multiline=True) is None
    for character in controls:
        what = ("a line break" if character in "\n\r"
                else f"a control character (U+{ord(character):04X})")
        expected = f"contains {what} at character 3; remove it."
        assert control_character_problem(f"ab{character}\x01") == expected
        if character not in "\t\n\r":
            assert control_character_problem(f"ab{character}\x01", multiline=True) == expected
