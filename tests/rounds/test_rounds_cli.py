"""``delphi round open|close|next|decide|reword|status``: transitions and the refused ones."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from delphi.models import (AuditEvent, Decision, Item, OutboxMessage, Round, RoundState, Study,
                           utcnow)
from delphi.rounds.review import prepare_next_round

PANEL = "name,email,group\n" + "".join(
    f"Panellist {k},p{k}@example.org,{'Social workers' if k % 2 else 'Researchers'}\n"
    for k in range(1, 6))


@pytest.fixture
def slug(cli, write_file, imported_study):
    slug = imported_study()
    assert cli("panel", "import", slug, write_file("panel.csv", PANEL)).exit_code == 0
    return slug


def _rounds(db) -> list[Round]:
    db.session.expire_all()
    return db.session.scalars(db.select(Round).order_by(Round.number)).all()


def test_open_round_one_with_a_deadline_at_the_end_of_that_day(cli, slug, db):
    day = (utcnow() + timedelta(days=14)).date()
    result = cli("round", "open", slug, "--closes", day.isoformat())
    # 23:59 that day in the study's time zone (London: UTC in winter, UTC+1 in summer).
    end = datetime.combine(day, time(23, 59), ZoneInfo("Europe/London")).astimezone(UTC)

    assert result.exit_code == 0, result.output
    assert result.output == (f"Round 1 of {slug} is open with 4 items, closing "
                             f"{end:%Y-%m-%d %H:%M} UTC; 5 panellists are invited.\n")
    (round_,) = _rounds(db)
    assert round_.state is RoundState.OPEN
    assert round_.closes_at == end.replace(tzinfo=None)
    assert [ri.code for ri in round_.round_items] == ["S1.1", "S1.2", "S2.1", "S2.2"]
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 5
    assert db.session.scalar(db.select(Study.status)).value == "running"
    assert db.session.scalar(db.select(AuditEvent.actor).filter_by(action="round.open")) == "command line"


@pytest.mark.parametrize("value", ["2024-13-01", "next friday", "01/02/2030"])
def test_a_malformed_deadline_is_a_usage_error(cli, slug, value, row_counts):
    before = row_counts()
    result = cli("round", "open", slug, "--closes", value)
    assert result.exit_code == 2
    assert "Invalid value for '--closes'" in result.output
    assert row_counts() == before


def test_a_deadline_in_the_past_is_refused(cli, slug, row_counts):
    before = row_counts()
    result = cli("round", "open", slug, "--closes", "2020-01-31")
    assert result.exit_code == 1
    assert "The deadline 2020-01-31 is in the past." in result.output
    assert row_counts() == before


def test_opening_two_rounds_at_once_is_refused(cli, slug, row_counts):
    assert cli("round", "open", slug).exit_code == 0
    before = row_counts()
    result = cli("round", "open", slug)
    assert result.exit_code == 1
    assert "Round 1 is open; close it before opening another round." in result.output
    assert row_counts() == before
    nxt = cli("round", "next", slug)
    assert nxt.exit_code == 1
    assert "The next round is prepared after a round closes; round 1 is open." in nxt.output


def test_closing_before_any_round_and_closing_twice_are_refused(cli, slug, row_counts):
    result = cli("round", "close", slug)
    assert result.exit_code == 1
    assert f"No round of {slug} has been opened yet" in result.output
    cli("round", "open", slug)
    assert cli("round", "close", slug).exit_code == 0
    before = row_counts()
    again = cli("round", "close", slug)
    assert again.exit_code == 1
    assert "Round 1 is closed; only an open round can be closed." in again.output
    assert row_counts() == before


def test_closing_a_draft_round_is_refused(cli, slug, db, row_counts):
    cli("round", "open", slug)
    cli("round", "close", slug)
    prepare_next_round(db.session.scalar(db.select(Study)))
    db.session.commit()
    before = row_counts()
    result = cli("round", "close", slug)
    assert result.exit_code == 1
    assert "Round 2 is draft; only an open round can be closed." in result.output
    assert row_counts() == before
    # A prepared draft round is opened by round open (or round next).
    opened = cli("round", "open", slug)
    assert opened.exit_code == 0, opened.output
    assert opened.output.startswith(f"Round 2 of {slug} is open with 4 items")


def test_decide_needs_a_closed_round_and_a_reason_to_override(cli, slug, db, row_counts):
    cli("round", "open", slug)
    early = cli("round", "decide", slug, "S1.1", "consensus_in", "--reason", "x")
    assert early.exit_code == 1
    assert "Round 1 is open; decisions are made after it closes." in early.output
    cli("round", "close", slug)  # nobody rated: every item proposed to carry forward

    before = row_counts()
    no_reason = cli("round", "decide", slug, "S1.1", "consensus_out")
    assert no_reason.exit_code == 1
    assert ("Item S1.1: the proposed decision is “Carry forward”; give a reason for changing it "
            "to “Consensus out”.") in no_reason.output
    assert row_counts() == before

    result = cli("round", "decide", slug, "S1.1", "consensus_out", "--reason", "Out of scope.")
    assert result.exit_code == 0, result.output
    assert result.output == "Item S1.1: Consensus out (consensus_out).\n"
    round_item = _rounds(db)[0].round_items[0]
    assert (round_item.decision, round_item.decision_reason) == (Decision.CONSENSUS_OUT, "Out of scope.")

    unknown = cli("round", "decide", slug, "S9.9", "consensus_in", "--reason", "x")
    assert unknown.exit_code == 1
    assert "Item S9.9 is not in round 1; its items are: S1.1, S1.2, S2.1, S2.2." in unknown.output
    bad_choice = cli("round", "decide", slug, "S1.1", "maybe")
    assert bad_choice.exit_code == 2


def test_reword_then_next_round_rates_the_new_wording(cli, slug, db):
    cli("round", "open", slug)
    cli("round", "close", slug)
    result = cli("round", "reword", slug, "S1.2", "Decisions are made jointly and written down.",
                 "--reason", "Panellists asked for a record.")
    assert result.exit_code == 0, result.output
    assert result.output == "Item S1.2 is reworded as S1.2-v2 for the next round.\n"
    same = cli("round", "reword", slug, "S1.1",
               "The worker and the individual agree to share ownership of the work.", "--reason", "r")
    assert same.exit_code == 1
    assert "Item S1.1: the new wording is the same as the old." in same.output
    no_reason = cli("round", "reword", slug, "S1.1", "Other words.")
    assert no_reason.exit_code == 2
    assert "Missing option '--reason'" in no_reason.output

    nxt = cli("round", "next", slug)
    assert nxt.exit_code == 0, nxt.output
    round_two = _rounds(db)[1]
    assert round_two.state is RoundState.OPEN
    assert [(ri.code, ri.text) for ri in round_two.round_items] == [
        ("S1.1", "The worker and the individual agree to share ownership of the work."),
        ("S1.2-v2", "Decisions are made jointly and written down."),
        ("S2.1", "The worker and the individual map the network together."),
        ("S2.2", "The map includes connections made within services."),
    ]
    # The old wording stays in round 1's history.
    assert _rounds(db)[0].round_items[1].text == "Decisions are made jointly."
    new = db.session.scalar(db.select(Item).filter_by(code="S1.2-v2"))
    assert new.reworded_from.code == "S1.2"
    late = cli("round", "reword", slug, "S1.1", "Too late.", "--reason", "r")
    assert late.exit_code == 1
    assert "Round 2 is open; decisions are made after it closes." in late.output


def test_status_lists_rounds_response_counts_and_decisions(cli, slug, write_file):
    assert "No round yet" in cli("round", "status", slug).output
    cli("round", "open", slug)
    cli("responses", "import", slug, write_file("r.csv", "email,item,rating\np1@example.org,S1.1,8\n"))
    output = cli("round", "status", slug).output
    assert output.splitlines() == [
        f"Test guidance ({slug}): running",
        "Round 1: open, 4 items; responses: 1 submitted, 0 draft, 0 opened, 4 invited",
    ]
    cli("round", "close", slug)
    lines = cli("round", "status", slug).output.splitlines()
    assert lines[2] == "Items of round 1 (status, median, IQR, decision):"
    # One rating is fewer than the study's minimum of 5: no consensus either way.
    assert lines[3] == "  S1.1\tnone\t8\t0\tcarry_forward"
    assert lines[4] == "  S1.2\tnone\t-\t-\tcarry_forward"


def test_a_complete_study_opens_no_round(cli, slug, row_counts):
    assert cli("study", "complete", slug).exit_code == 0
    before = row_counts()
    result = cli("round", "open", slug)
    assert result.exit_code == 1
    assert f"Study {slug} is complete; no more rounds can be opened." in result.output
    assert row_counts() == before
