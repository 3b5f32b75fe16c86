"""The audit page: every staff action on a study, with who, when, what, before and after."""
from __future__ import annotations

from delphi import audit


def test_the_audit_page_lists_who_did_what_with_before_and_after(client, db, login_as,
                                                                 make_study):
    study = make_study(slug="audited")
    coordinator = login_as("coordinator", studies=[study])
    client.post("/console/studies/audited/items", data={
        "item-section": study.sections[0].id, "item-code": "S1.9", "item-text": "Added."})
    item = next(i for i in study.items if i.code == "S1.1")
    client.post(f"/console/studies/audited/items/{item.id}/retire")
    page = client.get("/console/studies/audited/audit").get_data(as_text=True)
    assert "2 in all" in page
    rows = page.split("<tbody>")[1].split("</tr>")
    assert coordinator.email in rows[0] and "item.retire" in rows[0] and "S1.1" in rows[0]
    assert "<dt>retired</dt><dd>False</dd>" in rows[0] and "<dd>True</dd>" in rows[0]
    assert "item.add" in rows[1] and "<dd>Added.</dd>" in rows[1]


def test_events_of_other_studies_are_not_listed_and_text_is_escaped(client, db, login_as,
                                                                    make_study):
    mine, other = make_study(slug="mine"), make_study(slug="other")
    audit.record("study.update", study=other, target="other-only")
    audit.record("study.update", study=mine, target="<script>x</script>")
    db.session.commit()
    login_as("coordinator", studies=[mine])
    page = client.get("/console/studies/mine/audit").get_data(as_text=True)
    assert "other-only" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert "command line" in page
