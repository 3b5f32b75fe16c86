"""``delphi round ...`` and ``delphi responses ...``: run a Delphi's rounds from the command line.

Each command calls one lifecycle operation and commits once; a refused transition is printed as
the operation worded it, with exit code 1 and nothing changed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from delphi.commands import FILE, CommandError, latest_round, one_transaction, study_by_slug
from delphi.extensions import db
from delphi.importing import COMMAND_LINE_MAX_FILE_BYTES
from delphi.models import Decision, Response, Round, RoundItem, RoundState, Study
from delphi.rounds.deadline import change_deadline, end_of_day
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import close_round, decide, open_round, open_round_of
from delphi.rounds.nonresponse import closing_concerns
from delphi.rounds.responses_import import import_responses
from delphi.rounds.review import launch_next_round, reword_item
from delphi.rounds.tally import recount

round_group = AppGroup("round", help="Open, close, review and advance a study's rounds.")
responses_group = AppGroup("responses", help="Import responses given on paper or by e-mail.")

closes_option = click.option(
    "--closes",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The deadline, YYYY-MM-DD: the round closes at 23:59 that day in the study's time zone.",
)
DECISIONS = [d.value for d in Decision if d is not Decision.REWORDED]


def _end_of_day(day: datetime | None, study: Study) -> datetime | None:
    """A deadline given as a date: 23:59 that day in the study's time zone."""
    return None if day is None else end_of_day(day.date(), study.time_zone)


def _round_item(round_: Round, code: str) -> RoundItem:
    for round_item in round_.round_items:
        if round_item.code == code:
            return round_item
    codes = ", ".join(ri.code for ri in round_.round_items)
    raise RoundError(f"Item {code} is not in round {round_.number}; its items are: {codes}.")


def _opened_message(round_: Round) -> str:
    deadline = f", closing {round_.closes_at:%Y-%m-%d %H:%M} UTC" if round_.closes_at else ""
    return (
        f"Round {round_.number} of {round_.study.slug} is open with "
        f"{len(round_.round_items)} items{deadline}; "
        f"{len(round_.responses)} panellists are invited."
    )


@round_group.command("open")
@click.argument("slug")
@closes_option
def open_command(slug: str, closes: datetime | None) -> None:
    """Open round 1 (every item), or a prepared next round, and queue the invitations."""
    study = study_by_slug(slug)
    with one_transaction():
        round_ = open_round(study, closes_at=_end_of_day(closes, study))
    click.echo(_opened_message(round_))


@round_group.command("close")
@click.argument("slug")
@click.option(
    "--reason",
    help="Why the round closes now: needed before its deadline or below the study's minimum "
    "response; the report shows it.",
)
def close_command(slug: str, reason: str | None) -> None:
    """Close the open round and freeze every item's summary."""
    study = study_by_slug(slug)
    latest = latest_round(study)
    concerns = closing_concerns(latest) if latest.state is RoundState.OPEN else []
    if concerns and not (reason or "").strip():
        raise CommandError(
            f"Round {latest.number} of {slug} was not closed: "
            + " ".join(concerns)
            + ' Give the reason for closing it now with --reason "..."; the report shows it.'
        )
    with one_transaction():
        round_ = close_round(latest, reason=reason, early_needs_reason=True)
    statuses = [ri.status for ri in round_.round_items]
    click.echo(
        f"Round {round_.number} of {slug} is closed: {len(statuses)} items, "
        f"{statuses.count('in')} consensus in, {statuses.count('out')} consensus out, "
        f"{statuses.count('none')} without consensus."
    )


@round_group.command("deadline")
@click.argument("slug")
@click.argument("date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD")
@click.option(
    "--notify",
    is_flag=True,
    help="E-mail the new deadline to the active panellists who have not submitted.",
)
def deadline_command(slug: str, date: datetime, notify: bool) -> None:
    """Move the open round's deadline: the round closes at 23:59 on DATE in the study's time zone.

    The reminder schedule follows the new deadline. Notices go out with the next
    ``delphi mail send`` or ``delphi tick``.
    """
    study = study_by_slug(slug)
    closes_at = _end_of_day(date, study)
    assert closes_at is not None  # DATE is a required argument
    with one_transaction():
        change = change_deadline(latest_round(study), closes_at, notify=notify)
    click.echo(change.describe())


@round_group.command("next")
@click.argument("slug")
@closes_option
def next_command(slug: str, closes: datetime | None) -> None:
    """Prepare the next round from the decisions and open it."""
    study = study_by_slug(slug)
    with one_transaction():
        round_ = launch_next_round(study, closes_at=_end_of_day(closes, study))
    click.echo(_opened_message(round_))


@round_group.command("decide")
@click.argument("slug")
@click.argument("item_code")
@click.argument("decision", type=click.Choice(DECISIONS))
@click.option("--reason", help="Why; needed when the decision differs from the proposed one.")
def decide_command(slug: str, item_code: str, decision: str, reason: str | None) -> None:
    """Decide what happens to an item after the latest closed round."""
    study = study_by_slug(slug)
    with one_transaction():
        round_item = decide(
            _round_item(latest_round(study), item_code), Decision(decision), reason=reason
        )
    click.echo(f"Item {round_item.code}: {Decision(decision).label} ({decision}).")


@round_group.command("reword")
@click.argument("slug")
@click.argument("item_code")
@click.argument("text")
@click.option("--reason", required=True, help="Why the item is reworded (kept in its history).")
@click.option(
    "--code", "new_code", help="The new wording's code (default: the old code with -v2, -v3...)."
)
def reword_command(slug: str, item_code: str, text: str, reason: str, new_code: str | None) -> None:
    """Reword an item of the latest closed round; the new wording is rated in the next round."""
    study = study_by_slug(slug)
    with one_transaction():
        item = reword_item(
            _round_item(latest_round(study), item_code), text, reason=reason, code=new_code
        )
    click.echo(f"Item {item_code} is reworded as {item.code} for the next round.")


@round_group.command("status")
@click.argument("slug")
def status_command(slug: str) -> None:
    """Show the study's rounds with their response counts, and the latest closed round's items."""
    study = study_by_slug(slug)
    click.echo(f"{study.title} ({slug}): {study.status.value}")
    if not study.rounds:
        click.echo("No round yet; open round 1 with: delphi round open " + slug)
        return
    counts: dict[tuple[int, str], int] = {
        (round_id, status.value): n
        for round_id, status, n in db.session.execute(
            db.select(Response.round_id, Response.status, db.func.count())
            .join(Round)
            .where(Round.study_id == study.id)
            .group_by(Response.round_id, Response.status)
        )
    }
    for round_ in study.rounds:
        responses = ", ".join(
            f"{counts.get((round_.id, status), 0)} {status}"
            for status in ("submitted", "draft", "opened", "invited")
        )
        click.echo(
            f"Round {round_.number}: {round_.state.value}, {len(round_.round_items)} items; "
            f"responses: {responses}"
        )
    latest = study.rounds[-1]
    if latest.state is RoundState.CLOSED:
        click.echo(f"Items of round {latest.number} (status, median, IQR, decision):")
        for ri in latest.round_items:
            summary = ri.summary or {}
            median, iqr = summary.get("median"), summary.get("iqr")
            click.echo(
                f"  {ri.code}\t{ri.status}\t{_number(median)}\t{_number(iqr)}\t"
                f"{ri.decision.value if ri.decision else '-'}"
            )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


@round_group.command("recount")
@click.argument("slug")
def recount_command(slug: str) -> None:
    """Count the open round's ratings so far again from the stored ratings (the dashboard reads
    them from a tally kept with every change) and say whether any count differed."""
    study = study_by_slug(slug)
    with one_transaction():
        round_ = open_round_of(study)
        if round_ is None:
            raise RoundError(f"No round of {study.slug} is open; only an open round is counted.")
        differed = recount(round_)
    click.echo(
        f"Counted the ratings of round {round_.number} of {study.slug} again: "
        + (
            "every count was right."
            if not differed
            else f"{differed} count{'s' * (differed != 1)} differed and "
            f"{'was' if differed == 1 else 'were'} corrected."
        )
    )


@responses_group.command("import")
@click.argument("slug")
@click.argument("responses_file", type=FILE)
@click.option(
    "--consent-on-paper",
    is_flag=True,
    help="Attest that panellists who never agreed online consented on paper (recorded in the "
    "audit trail); needed when the study asks for consent.",
)
def import_responses_command(slug: str, responses_file: Path, consent_on_paper: bool) -> None:
    """Import responses (CSV: email,item,rating,comment) into the open round, as submitted."""
    study = study_by_slug(slug)
    with one_transaction():
        result = import_responses(
            study,
            responses_file.read_bytes(),
            str(responses_file),
            max_bytes=COMMAND_LINE_MAX_FILE_BYTES,
            consent_on_paper=consent_on_paper,
        )
    click.echo(
        f"Imported {result.answers} answers from {result.panellists} panellists into "
        f"round {result.round_number} of {slug}, as submitted."
    )
