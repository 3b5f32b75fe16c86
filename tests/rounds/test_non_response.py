"""Non-response: who a later round invites, the minimum response (overall and per group) that
closing below needs a reason for, and the drafts left out when a round closes."""
from __future__ import annotations

import tomllib

from delphi.models import InviteTo, Response, ResponseUnit, Round, RoundState, Study
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round
from delphi.studies.export import export_study_file


def _invited(db, round_) -> set[int]:
    return set(db.session.scalars(db.select(Response.panellist_id).filter_by(round_id=round_.id)))


def test_round_two_invites_only_round_one_responders_when_the_study_says_so(
        db, running, submit):
    state = running(panel=5, invite_to=InviteTo.RESPONDERS)
    answered = state.panel[:3]
    for panellist in answered:
        submit(state.round_, panellist, {"S1.1": 9, "S1.2": 1, "S1.3": 5})
    close_round(state.round_, reason="Enough answers.")
    round_two = launch_next_round(state.study)
    db.session.commit()
    assert _invited(db, state.round_) == {p.id for p in state.panel}
    assert _invited(db, round_two) == {p.id for p in answered}


def test_the_confirmation_of_round_two_counts_only_the_responders_it_will_invite(
        db, running, submit, client, login_as, text):
    # Five panellists, three submit round 1, the study invites only responders: opening round 2
    # queues three invitations, and the page asking first must say three, not five.
    state = running(panel=5, invite_to=InviteTo.RESPONDERS)
    for panellist in state.panel[:3]:
        submit(state.round_, panellist, {"S1.1": 9, "S1.2": 1, "S1.3": 5})
    close_round(state.round_, reason="Enough answers.")
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    page = text(client.get(f"/console/studies/{state.study.slug}/rounds/1/next"))

    assert "queue 3 invitations, one to each of the 3 active panellists who submitted round 1" in (
        " ".join(page.split()))
    assert "5 invitations" not in page
    round_two = launch_next_round(state.study)
    db.session.commit()
    assert len(_invited(db, round_two)) == 3


def test_round_two_invites_everyone_by_default(db, running, submit):
    state = running(panel=5)
    submit(state.round_, state.panel[0], {"S1.1": 9, "S1.2": 1, "S1.3": 5})
    close_round(state.round_)
    round_two = launch_next_round(state.study)
    db.session.commit()
    assert _invited(db, round_two) == {p.id for p in state.panel}


def test_a_group_below_its_minimum_needs_a_reason_and_the_drafts_are_counted(
        db, running, submit):
    # 6 panellists alternate between two groups (make_panel); the minimum is 2 per group.
    state = running(panel=6, min_group_response=2, min_response_unit=ResponseUnit.PANELLISTS)
    groups: dict[str, list] = {}
    for panellist in state.panel:
        groups.setdefault(panellist.group, []).append(panellist)
    first, second = sorted(groups)
    for panellist in groups[first][:2]:
        submit(state.round_, panellist, {"S1.1": 9, "S1.2": 1, "S1.3": 5})
    submit(state.round_, groups[second][0], {"S1.1": 9, "S1.2": 1, "S1.3": 5})
    drafted = groups[second][1]
    save_answers(response_for(state.round_, drafted), [Answer(state.round_.round_items[0].id,
                                                              value=4)], submit=False)
    db.session.commit()

    try:
        close_round(state.round_)
    except RoundError as error:
        said = str(error)
    else:
        raise AssertionError("closed below the minimum without a reason")
    assert f"In the group {second}, 1 of 3 submitted; the minimum in each group is 2 " \
           "panellists." in said
    db.session.rollback()
    assert db.session.get(Round, state.round_.id).state is RoundState.OPEN

    closed = close_round(db.session.get(Round, state.round_.id), reason="The group is small.")
    db.session.commit()
    assert closed.close_reason == "The group is small."
    assert closed.drafts_left_out == 1


def test_the_settings_round_trip_through_the_study_file(db, make_study):
    study = make_study(slug="nr", invite_to=InviteTo.RESPONDERS, min_response=60,
                       min_group_response=50, min_response_unit=ResponseUnit.PERCENT)
    db.session.flush()
    schedule = tomllib.loads(export_study_file(study))["schedule"]
    assert schedule["invite"] == "responders"
    assert schedule["min_response"] == 60
    assert schedule["min_group_response"] == 50
    assert schedule["min_response_unit"] == "percent"


def test_the_study_file_import_reads_the_settings(cli, write_file, db):
    study_file = """[study]
title = "Non-response"
slug = "non-response"

[scale]
min = 1
max = 9

[schedule]
invite = "responders"
min_response = 12
min_response_unit = "panellists"

[[sections]]
code = "S1"
title = "Preparing"
items = [{ code = "S1.1", text = "Share ownership of the work." }]
"""
    result = cli("study", "import", write_file("study.toml", study_file))
    assert result.exit_code == 0, result.output
    study = db.session.scalar(db.select(Study).filter_by(slug="non-response"))
    assert study.invite_to is InviteTo.RESPONDERS
    assert (study.min_response, study.min_group_response) == (12, None)
    assert study.min_response_unit is ResponseUnit.PANELLISTS
