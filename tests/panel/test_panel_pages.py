"""Panel pages: CSV import (all or nothing), add and edit, withdraw, links, per-round status."""
from __future__ import annotations

import io
from datetime import timedelta

from delphi.models import AuditEvent, Panellist, Response, ResponseStatus, utcnow
from delphi.panel.tokens import find_panellist, link_for
from delphi.rounds.lifecycle import open_round

BASE = "/console/studies/test-study"
GOOD_CSV = ("name,email,group\n"
            "Ada Byron,ada@example.org,Social workers\n"
            "Ben Okafor,ben@example.org,People who use services\n").encode()


def _panel(db, study):
    db.session.expire_all()
    return db.session.scalars(db.select(Panellist).filter_by(study_id=study.id)
                              .order_by(Panellist.pseudonym)).all()


def _upload(client, data: bytes, name="panel.csv"):
    return client.post(f"{BASE}/panel/import", data={"file": (io.BytesIO(data), name)})


def test_import_a_panel_from_csv(client, db, login_as, make_study):
    study = make_study()
    login_as("coordinator", studies=[study])
    response = _upload(client, GOOD_CSV)
    assert response.status_code == 302
    panel = _panel(db, study)
    assert [(p.pseudonym, p.name, p.group) for p in panel] == [
        ("P001", "Ada Byron", "Social workers"), ("P002", "Ben Okafor", "People who use services")]
    page = client.get(f"{BASE}/panel").get_data(as_text=True)
    assert "2 panellists imported from panel.csv." in page
    assert "ada@example.org" in page


def test_a_bad_panel_file_adds_nobody_and_lists_every_problem(client, db, login_as, make_study):
    study = make_study()
    login_as("coordinator", studies=[study])
    bad = ("name,email,group\n"
           "Ada Byron,ada@example.org,Social workers\n"
           "Ben Okafor,not-an-address,Carers\n"
           ",cy@example.org,Carers\n").encode()
    response = _upload(client, bad, "bad.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The panel file was not imported" in page
    assert "bad.csv, line 3, column email" in page
    assert "bad.csv, line 4, column name" in page
    assert _panel(db, study) == []


def test_add_and_edit_a_panellist(client, db, login_as, make_study):
    study = make_study()
    login_as("admin")
    response = client.post(f"{BASE}/panel/new", data={
        "name": "Cy Jones", "email": "cy@example.org", "group": "Carers"})
    assert response.status_code == 302
    (panellist,) = _panel(db, study)
    assert panellist.pseudonym == "P001"
    response = client.post(f"{BASE}/panel/{panellist.id}", data={
        "name": "Cy Jones-Smith", "email": "cy.js@example.org", "group": "Social workers"})
    assert response.status_code == 302
    (panellist,) = _panel(db, study)
    assert (panellist.name, panellist.email, panellist.group) == (
        "Cy Jones-Smith", "cy.js@example.org", "Social workers")
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="panellist.update"))
    assert event.target == "P001" and event.after["changed"] == ["name", "email"]
    assert "cy.js@example.org" not in str(event.after)  # the trail names panellists by pseudonym


def test_an_email_already_on_the_panel_is_refused(client, db, login_as, make_study, make_panel):
    study = make_study()
    make_panel(study, n=1)
    login_as("admin")
    response = client.post(f"{BASE}/panel/new", data={
        "name": "Again", "email": "PANELLIST1@example.org", "group": "Carers"})
    assert response.status_code == 400
    assert "already on the panel as P001" in response.get_data(as_text=True)
    assert len(_panel(db, study)) == 1


def test_a_panellist_added_while_a_round_is_open_is_invited(client, db, login_as, make_study,
                                                            make_panel):
    study = make_study()
    make_panel(study, n=1)
    open_round(study, closes_at=utcnow() + timedelta(days=5))
    db.session.commit()
    login_as("admin")
    client.post(f"{BASE}/panel/new", data={"name": "Late", "email": "late@example.org",
                                           "group": "Carers"})
    late = _panel(db, study)[-1]
    response = db.session.scalar(db.select(Response).filter_by(panellist_id=late.id))
    assert response.status is ResponseStatus.INVITED


def test_withdraw_and_reinstate(client, db, login_as, make_study, make_panel):
    study = make_study()
    (panellist,) = make_panel(study, n=1)
    login_as("admin")
    client.post(f"{BASE}/panel/{panellist.id}/withdraw")
    assert _panel(db, study)[0].withdrawn_at is not None
    page = client.get(f"{BASE}/panel").get_data(as_text=True)
    assert "withdrawn" in page and "Reinstate P001" in page
    again = client.post(f"{BASE}/panel/{panellist.id}/withdraw", follow_redirects=True)
    assert "P001 is already withdrawn." in again.get_data(as_text=True)
    client.post(f"{BASE}/panel/{panellist.id}/reinstate")
    assert _panel(db, study)[0].withdrawn_at is None


def test_the_link_page_shows_the_full_link_with_a_copy_button(client, db, login_as, make_study,
                                                              make_panel):
    study = make_study()
    (panellist,) = make_panel(study, n=1)
    db.session.commit()
    login_as("admin")
    page = client.get(f"{BASE}/panel/{panellist.id}/link").get_data(as_text=True)
    assert f'value="{link_for(panellist)}"' in page
    assert "Copy link" in page and 'data-copy-target="personal-link"' in page


def test_a_new_link_needs_confirming_and_the_old_one_stops_working(client, db, login_as,
                                                                   make_study, make_panel):
    study = make_study()
    (panellist,) = make_panel(study, n=1)
    db.session.commit()
    old_token = link_for(panellist).rsplit("/", 1)[1]
    login_as("admin")
    unconfirmed = client.post(f"{BASE}/panel/{panellist.id}/link", data={},
                              follow_redirects=True)
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert find_panellist(old_token) is not None
    client.post(f"{BASE}/panel/{panellist.id}/link", data={"confirm": "yes"})
    db.session.expire_all()
    assert find_panellist(old_token) is None
    new_token = link_for(_panel(db, study)[0]).rsplit("/", 1)[1]
    assert find_panellist(new_token).id == panellist.id


def test_each_panellists_status_per_round_with_times(client, db, login_as, make_study,
                                                     make_panel, submit):
    study = make_study(sections=1, items_per_section=1)
    first, second, third = make_panel(study, n=3)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=5))
    submit(round_, first, {"S1.1": 7})
    response = db.session.scalar(db.select(Response).filter_by(panellist_id=second.id))
    response.status, response.opened_at = ResponseStatus.OPENED, utcnow()
    db.session.commit()
    login_as("admin")
    page = client.get(f"{BASE}/panel").get_data(as_text=True)
    rows = {p: page.split(f">{p}</th>")[1].split("</tr>")[0] for p in ("P001", "P002", "P003")}
    assert "submitted" in rows["P001"] and "submitted 20" in rows["P001"]
    assert "opened" in rows["P002"] and "opened 20" in rows["P002"]
    assert "invited" in rows["P003"] and "invited 20" in rows["P003"]
    assert "Round 1" in page


def test_the_panel_page_does_not_grow_queries_with_the_panel(client, db, login_as, make_study,
                                                             make_panel, count_queries):
    study = make_study(sections=1, items_per_section=1)
    make_panel(study, n=3)
    open_round(study)
    db.session.commit()
    login_as("admin")
    with count_queries() as small:
        client.get(f"{BASE}/panel")
    make_panel(study, n=30)
    db.session.commit()
    with count_queries() as large:
        client.get(f"{BASE}/panel")
    assert len(large) == len(small)


def test_groups_are_offered_and_matched_whatever_the_case(client, db, login_as, make_study,
                                                          make_panel):
    study = make_study()
    make_panel(study, n=2, groups=("G1", "Social workers"))
    db.session.commit()
    login_as("coordinator", studies=[study])
    page = client.get(f"{BASE}/panel/new").get_data(as_text=True)
    assert 'list="study-groups"' in page
    assert '<datalist id="study-groups"><option value="G1"><option value="Social workers">' in page

    response = client.post(f"{BASE}/panel/new", data={
        "name": "Cara Diaz", "email": "cara@example.org", "group": "g1"})
    assert response.status_code == 302
    cara = next(p for p in _panel(db, study) if p.email == "cara@example.org")
    assert cara.group == "G1"

    client.post(f"{BASE}/panel/{cara.id}", data={
        "name": "Cara Diaz", "email": "cara@example.org", "group": "SOCIAL WORKERS"})
    assert next(p for p in _panel(db, study) if p.email == "cara@example.org").group == \
        "Social workers"
    assert sorted({p.group for p in _panel(db, study)}) == ["G1", "Social workers"]


def test_an_import_joins_groups_whatever_the_case_and_names_the_groups_it_created(
        client, db, login_as, make_study, make_panel):
    study = make_study()
    make_panel(study, n=1, groups=("G1",))
    db.session.commit()
    login_as("coordinator", studies=[study])
    data = ("name,email,group\n"
            "Ada Byron,ada@example.org,g1\n"
            "Ben Okafor,ben@example.org,Carers\n"
            "Cai Wen,cai@example.org,CARERS\n").encode()
    assert _upload(client, data).status_code == 302
    assert sorted(p.group for p in _panel(db, study)) == ["Carers", "Carers", "G1", "G1"]
    page = client.get(f"{BASE}/panel").get_data(as_text=True)
    assert "3 panellists imported from panel.csv. New stakeholder group: Carers." in page


def _panel_page_statements(client, db, count_queries, make_study, panellists: int) -> int:
    from tests.support.data import add_panel

    study = make_study(slug=f"panel-{panellists}")
    add_panel(study, panellists)
    open_round(study, closes_at=utcnow() + timedelta(days=7))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(f"/console/studies/panel-{panellists}/panel")
    assert response.status_code == 200
    assert f"{panellists} panellists; {panellists} active." in response.get_data(as_text=True)
    return len(statements)


def test_the_panel_page_runs_as_many_statements_for_2000_panellists_as_for_20(
        client, db, login_as, make_study, count_queries):
    login_as("admin")
    small = _panel_page_statements(client, db, count_queries, make_study, 20)
    large = _panel_page_statements(client, db, count_queries, make_study, 2_000)
    assert small == large


def test_the_panel_page_shows_a_hundred_panellists_a_page_with_links_to_the_others(
        client, db, login_as, make_study):
    from tests.support.data import add_panel

    study = make_study()
    add_panel(study, 250)
    db.session.commit()
    login_as("admin")
    first = client.get(f"{BASE}/panel").get_data(as_text=True)
    assert "250 panellists; 250 active." in first and "Page 1 of 3." in first
    assert ">P00001<" in first and ">P00100<" in first and ">P00101<" not in first
    assert 'rel="next"' in first and "page=3" in first

    last = client.get(f"{BASE}/panel?page=3")
    text = last.get_data(as_text=True)
    assert last.status_code == 200 and "Page 3 of 3." in text
    assert text.count('<th scope="row">') == 50  # 250 - 2 x 100
    assert ">P00250<" in text and 'rel="next"' not in text
    beyond = client.get(f"{BASE}/panel?page=9").get_data(as_text=True)
    assert "Page 3 of 3." in beyond


def test_the_panel_is_searched_by_pseudonym_name_email_group_and_status(
        client, db, login_as, make_study):
    from tests.support.data import add_panel

    study = make_study()
    add_panel(study, 150)  # groups in turn: Researchers for 1, 4, ..., 148
    db.session.commit()
    login_as("admin")
    withdrawn = db.session.scalar(db.select(Panellist).filter_by(pseudonym="P00042"))
    assert client.post(f"{BASE}/panel/{withdrawn.id}/withdraw").status_code == 302

    def rows(query: str) -> str:
        response = client.get(f"{BASE}/panel?{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    by_email = rows("text=PANELLIST17%40example")
    assert "1 of 150 panellists match." in by_email and "panellist17@example.org" in by_email
    assert "1 of 150 panellists match." in rows("text=P00099")
    # "Panellist 1" is in the names of 1, 10 to 19 and 100 to 150: 1 + 10 + 51
    assert "62 of 150 panellists match." in rows("text=panellist+1")
    assert "50 of 150 panellists match." in rows("text=researchers")
    only = rows("status=withdrawn")
    assert "1 of 150 panellists match." in only and ">P00042<" in only
    assert "149 of 150 panellists match." in rows("status=active")
    assert "0 of 150 panellists match." in rows("status=erased")

    odd = rows("text=%25%3Cscript%3E")  # "%<script>": a literal search, shown escaped
    assert "No panellist matches this search." in odd
    assert "<script>" not in odd and "&lt;script&gt;" in odd
    refused = rows("status=everyone")
    assert "Not a valid choice" in refused and "150 panellists; 149 active." in refused
