"""Opening a round and completing the study each ask first: the GET page says in plain words what
will happen (and changes nothing), the POST acts. The buttons of the dashboard and the review
lead to these pages."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from delphi.models import (
    AuditEvent,
    Decision,
    OutboxMessage,
    Round,
    RoundItem,
    StudyStatus,
    Suggestion,
    SuggestionKind,
    utcnow,
)
from delphi.rounds.review import add_item_from_suggestion, reword_item


def _deadline(days=10) -> date:
    return date.today() + timedelta(days=days)


def _audit_actions(db) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_dashboard_leads_to_the_confirmation_of_round_1(db, client, login_as, make_study,
                                                            make_panel, text):
    study = make_study()
    make_panel(study, n=4)
    db.session.commit()
    login_as("coordinator", studies=[study])

    page = client.get(f"/console/studies/{study.slug}/rounds/").get_data(as_text=True)
    # A form that asks (GET) rather than acts: no POST to the opening address on the dashboard.
    assert f'<form method="get" action="/console/studies/{study.slug}/rounds/open"' in page
    assert f'<form method="post" action="/console/studies/{study.slug}/rounds/open"' not in page


def test_the_confirmation_of_round_1_says_what_opening_does_and_changes_nothing(
        db, client, login_as, make_study, make_panel, text):
    study = make_study()  # two sections of three items
    panel = make_panel(study, n=5)
    panel[4].withdrawn_at = utcnow()
    db.session.commit()
    login_as("coordinator", studies=[study])
    deadline = _deadline(14)

    response = client.get(f"/console/studies/{study.slug}/rounds/open",
                          query_string={"deadline": deadline.isoformat()})

    assert response.status_code == 200
    words = text(response)
    assert "Open round 1?" in words
    assert ("lock the consensus definition (the rule, its thresholds, the scale's regions and "
            "the minimum number of ratings): it cannot be changed afterwards") in words.replace(
                "&#39;", "'")
    assert "put 6 items in front of the panel: every active item" in words
    assert ("queue 4 invitations, one to each of the 4 active panellists (withdrawn panellists "
            "are not invited)") in words
    assert f"close the round at 23:59 (Europe/London) on {deadline:%d %B %Y}, its deadline." in words
    assert "Open round 1 and queue 4 invitations" in words
    page = response.get_data(as_text=True)
    assert f'type="hidden" value="{deadline.isoformat()}"' in page
    # Nothing happened yet.
    assert db.session.scalar(db.select(Round.id)) is None
    assert db.session.scalar(db.select(OutboxMessage.id)) is None
    assert _audit_actions(db) == []
    assert study.status is StudyStatus.SETUP

    # Confirming opens it.
    response = client.post(f"/console/studies/{study.slug}/rounds/open",
                           data={"deadline": deadline.isoformat()}, follow_redirects=True)
    assert response.status_code == 200
    assert "Round 1 is open; the invitations are queued." in text(response)
    assert len(db.session.scalars(db.select(OutboxMessage.id)).all()) == 4


def test_the_deadline_is_the_end_of_the_day_where_the_study_is(db, client, login_as, make_study,
                                                               make_panel, text):
    """A study in Tokyo that closes on 15 January closes at 23:59 Tokyo time, 14:59 UTC."""
    study = make_study(time_zone="Asia/Tokyo")
    make_panel(study, n=2)
    db.session.commit()
    login_as("coordinator", studies=[study])
    page = client.get(f"/console/studies/{study.slug}/rounds/open",
                      query_string={"deadline": "2099-01-15"})
    assert "close the round at 23:59 (Asia/Tokyo) on 15 January 2099, its deadline." in text(page)
    client.post(f"/console/studies/{study.slug}/rounds/open", data={"deadline": "2099-01-15"})
    closes_at = db.session.scalar(db.select(Round.closes_at))
    assert closes_at == datetime(2099, 1, 15, 14, 59)  # Japan keeps UTC+9 all year


def test_the_confirmation_without_a_deadline_asks_for_it(db, client, login_as, make_study,
                                                         make_panel, text):
    study = make_study()
    make_panel(study, n=2)
    db.session.commit()
    login_as("coordinator", studies=[study])
    response = client.get(f"/console/studies/{study.slug}/rounds/open",
                          query_string={"deadline": "next week"})
    assert response.status_code == 200
    assert "close the round at 23:59 (Europe/London) on the deadline you give below." in text(response)
    assert 'type="date"' in response.get_data(as_text=True)

    refused = client.post(f"/console/studies/{study.slug}/rounds/open", data={"deadline": ""})
    assert refused.status_code == 400
    assert "Give the round&#39;s deadline." in refused.get_data(as_text=True)
    assert "Open round 1?" in text(refused)
    assert db.session.scalar(db.select(Round.id)) is None


def test_the_confirmation_of_round_1_once_it_opened(db, client, login_as, running, text):
    state = running()
    login_as("coordinator", studies=[state.study])
    response = client.get(state.url("rounds.open_first"))
    assert response.status_code == 200
    assert "Round 1 has already opened." in text(response)
    assert "queue" not in text(response)


def test_the_confirmation_of_the_next_round_counts_its_items_and_invitations(
        db, client, login_as, closed, text):
    state = closed()  # S1.1 in, S1.2 out, S1.3 carried forward
    round_items = {ri.code: ri for ri in state.round_.round_items}
    round_items["S1.2"].decision = Decision.CARRY_FORWARD
    round_items["S1.2"].decision_reason = "Close to the line."
    reword_item(round_items["S1.3"], "A clearer wording.", reason="Vague.")
    suggestion = Suggestion(round_id=state.round_.id, panellist_id=state.panel[0].id,
                            kind=SuggestionKind.NEW_ITEM, text="Ask about housing.")
    db.session.add(suggestion)
    db.session.flush()
    add_item_from_suggestion(suggestion, text="Housing is asked about.",
                             section=state.study.sections[0], code="S1.9")
    state.panel[5].withdrawn_at = utcnow()
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    events = _audit_actions(db)
    deadline = _deadline(12)

    response = client.get(state.url("rounds.open_next", number=1),
                          query_string={"deadline": deadline.isoformat()})

    assert response.status_code == 200
    words = text(response)
    assert "Open round 2?" in words
    assert "put 3 items in front of the panel: 1 carried forward, 1 reworded, 1 new" in words
    assert "Carried forward S1.2 Reworded S1.3-v2 New S1.9" in words
    assert "queue 5 invitations, one to each of the 5 active panellists" in words
    assert f"close the round at 23:59 (Europe/London) on {deadline:%d %B %Y}, its deadline." in words
    assert "rewordings and accepted suggestions can no longer be undone" in words
    assert db.session.scalar(db.select(Round.id).filter_by(number=2)) is None
    assert _audit_actions(db) == events

    response = client.post(state.url("rounds.open_next", number=1),
                           data={"deadline": deadline.isoformat()}, follow_redirects=True)
    assert "Round 2 is open; the invitations are queued." in text(response)
    round_2 = db.session.scalar(db.select(Round).filter_by(number=2))
    assert sorted(ri.code for ri in round_2.round_items) == ["S1.2", "S1.3-v2", "S1.9"]
    assert len(db.session.scalars(db.select(OutboxMessage.id).filter_by(
        round_id=round_2.id)).all()) == 5


def test_the_review_leads_to_the_confirmations(db, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    page = client.get(state.url("rounds.review", number=1)).get_data(as_text=True)
    slug = state.study.slug
    assert f'<form method="get" action="/console/studies/{slug}/rounds/1/next"' in page
    assert f'<form method="post" action="/console/studies/{slug}/rounds/1/next"' not in page
    assert f'href="/console/studies/{slug}/rounds/1/complete">Mark study complete…</a>' in page
    assert f'<form method="post" action="/console/studies/{slug}/rounds/1/complete"' not in page


def test_nothing_to_carry_forward_is_said_before_confirming(db, client, login_as, closed, text):
    state = closed()
    s13 = next(ri for ri in state.round_.round_items if ri.code == "S1.3")
    s13.decision, s13.decision_reason = Decision.CONSENSUS_OUT, "Dropped."
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    response = client.get(state.url("rounds.open_next", number=1))
    assert response.status_code == 200
    assert ("No item is carried forward from round 1 and none was added; mark the study "
            "complete instead.") in text(response)
    assert "queue" not in text(response)


def test_the_confirmation_of_completing_lists_the_final_items_and_changes_nothing(
        db, client, login_as, closed, text):
    state = closed()  # S1.1 consensus in
    s12 = next(ri for ri in state.round_.round_items if ri.code == "S1.2")
    s12.decision, s12.decision_reason = Decision.CONSENSUS_IN, "The team keeps it."
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    events = _audit_actions(db)

    response = client.get(state.url("rounds.complete", number=1))

    assert response.status_code == 200
    words = text(response)
    assert "Mark the study complete?" in words
    assert ("lock its decisions, rewordings, suggestions and item list, in the console, on the "
            "command line and everywhere else: only an administrator can reopen the study, "
            "giving a reason") in words
    assert "open no further round: round 1 stays the last" in words
    assert "fix the final list of the report: 2 items with consensus in:" in words
    assert "Section 1 S1.1 Guidance item 1.1. S1.2 Guidance item 1.2." in words
    assert "S1.3" not in words
    assert "Mark the study complete and lock its decisions" in words
    db.session.expire_all()
    assert state.study.status is StudyStatus.RUNNING
    assert _audit_actions(db) == events

    response = client.post(state.url("rounds.complete", number=1), follow_redirects=True)
    assert "The study is marked complete." in text(response)
    db.session.expire_all()
    assert state.study.status is StudyStatus.COMPLETE


def test_the_confirmation_of_completing_while_a_round_is_open(db, client, login_as, running,
                                                             text):
    state = running()
    login_as("coordinator", studies=[state.study])
    response = client.get(state.url("rounds.complete", number=1))
    assert response.status_code == 200
    assert "Round 1 is still open; close it first." in text(response)
    assert "lock its decisions" not in text(response)
    assert db.session.scalar(db.select(RoundItem.decision)) is None
