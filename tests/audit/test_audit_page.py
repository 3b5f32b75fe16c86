"""The audit page: every staff action on a study, with who, when, what, before and after."""
from __future__ import annotations

from delphi import audit


def test_the_audit_page_lists_who_did_what_with_before_and_after(client, db, login_as,
                                                                 make_study):
    """In the team's words: the staff member's name, what was done, labelled values."""
    study = make_study(slug="audited")
    coordinator = login_as("coordinator", studies=[study])
    coordinator.name = "Ana Lima"
    db.session.commit()
    client.post("/console/studies/audited/items", data={
        "item-section": study.sections[0].id, "item-code": "S1.9", "item-text": "Added."})
    item = next(i for i in study.items if i.code == "S1.1")
    client.post(f"/console/studies/audited/items/{item.id}/retire")
    page = client.get("/console/studies/audited/audit").get_data(as_text=True)
    assert "2 in all" in page
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "<td>Ana Lima</td>" in rows[0] and coordinator.email not in page
    assert "<td>Item retired</td>" in rows[0] and "S1.1" in rows[0]
    assert "<dt>Retired</dt><dd>no</dd>" in rows[0] and "<dt>Retired</dt><dd>yes</dd>" in rows[0]
    assert "<td>Item added</td>" in rows[1] and "<dd>Added.</dd>" in rows[1]
    assert "item.retire" not in page and "item.add" not in page


def test_code_names_become_labels_and_times_stay_on_one_line(client, db, login_as, make_study):
    study = make_study(slug="labelled")
    audit.record("item.add_from_suggestion", study=study, target="S1.4",
                 after={"suggestion": 3})
    audit.record("round.deadline", study=study, target="round 1",
                 before={"closes_at": "2026-12-15T23:59:00+00:00"},
                 after={"closes_at": "2026-12-22T23:59:00+00:00", "notified": True})
    audit.record("study.update", study=study, before={"consensus_rule": "comet", "low_to": None},
                 after={"consensus_rule": "iqr", "low_to": 3,
                        "scale_labels": {"1": "Not important", "9": "Critical"}})
    db.session.commit()
    login_as("coordinator", studies=[study])
    page = client.get("/console/studies/labelled/audit").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "<td>Settings changed</td>" in rows[0]
    assert "<dt>Consensus rule</dt><dd>Interquartile range at most a limit</dd>" in rows[0]
    assert "<dt>Last point of the low region</dt><dd>(none)</dd>" in rows[0]
    assert "<dt>Labels of scale points</dt><dd>1: Not important; 9: Critical</dd>" in rows[0]
    assert "<td>Deadline changed</td>" in rows[1]
    assert "<dt>Deadline</dt><dd>2026-12-15 23:59</dd>" in rows[1]
    assert "<dt>Deadline</dt><dd>2026-12-22 23:59</dd>" in rows[1]
    assert "<td>Suggestion accepted as a new item</td>" in rows[2]
    assert "closes_at" not in page and "item.add_from_suggestion" not in page
    # The time is one unbreakable cell: no seconds, no line break between date and time.
    assert '<td class="when">' in rows[0]
    css = client.get("/static/console.css")
    assert ".audit .when { white-space: nowrap; }" in css.get_data(as_text=True)
    css.close()


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
