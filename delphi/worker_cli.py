"""``delphi worker``: the background worker that builds the reports queued on the Reports page
(the queue itself is ``delphi.tasks``)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from delphi.commands import CommandError
from delphi.tasks import describe, queue


@click.command("worker")
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="How many tasks to run at once (threads).",
)
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the background worker until stopped: it builds the reports queued on the Reports
    page. Run one beside the app servers (or several, sharing a Redis queue)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    huey = queue(app)
    if huey.immediate:
        raise CommandError(
            "DELPHI_TASK_QUEUE is immediate: each task runs where it is queued, so there is no "
            "queue for a worker to read. Leave it empty or set it to redis://host:6379/0."
        )
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger("huey").addHandler(handler)
    logging.getLogger("huey").setLevel(logging.INFO)
    click.echo(f"Worker started: {workers} at once, reading {describe(app)}. Ctrl-C stops it.")
    # SIGTERM (a service manager, make run) lets running tasks finish; an idle worker looks
    # for new tasks at least every second.
    huey.create_consumer(
        workers=workers, periodic=False, max_delay=1.0, graceful_signal="TERM"
    ).run()
