"""Reports built in the background: the Reports page queues a build, ``delphi worker`` builds
the file, the build's page shows its progress and then offers the file once.

A build and its file live in the task queue's own storage (``delphi.tasks``), not in the
database: the build under ``build:<id>``, its file under ``build-file:<id>`` until it is
downloaded. The id is random and unguessable, and a build is reached only through its own
study's pages.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from flask import current_app

from delphi import tasks
from delphi.extensions import db
from delphi.models import Round, StaffUser, Study, utcnow
from delphi.reports import FORMATS, ReportError, filename
from delphi.reports.bundle import build_bundle
from delphi.reports.data import build_report

BUNDLE = "bundle"  # what the supplementary bundle is called among the formats
TASK = "reports.build"
# After this long still queued, the build's page says no worker may be running.
WAIT_FOR_WORKER_SECONDS = 20
# After this long without news from the worker building it, the page says it may have stopped.
SILENT_WORKER_MINUTES = 15


class BuildState:
    QUEUED = "queued"
    BUILDING = "building"
    WRITING = "writing"
    READY = "ready"
    FAILED = "failed"
    DOWNLOADED = "downloaded"


@dataclass(frozen=True)
class Build:
    """A report being built: what, for which study, and how far it has got."""

    id: str
    study_id: int
    what: str  # a format name, or BUNDLE
    round_number: int | None  # None: the whole study
    by_id: int | None  # the staff member who asked for it
    file_name: str
    content_type: str
    queued_at: datetime  # UTC
    state: str = BuildState.QUEUED
    rounds_read: int = 0
    rounds_total: int = 0
    size: int = 0  # bytes, once ready
    message: str = ""  # why it failed
    finished_at: datetime | None = None  # ready or failed
    downloaded_at: datetime | None = None
    updated_at: datetime | None = None  # when it was last saved, by the app or the worker

    @property
    def label(self) -> str:
        """What is being built, in the Reports page's words."""
        what = "Supplementary bundle (ZIP)" if self.what == BUNDLE else FORMATS[self.what].label
        part = "the whole study" if self.round_number is None else f"round {self.round_number}"
        return f"{what}, {part}"

    @property
    def finished(self) -> bool:
        return self.state in (BuildState.READY, BuildState.FAILED, BuildState.DOWNLOADED)

    def waiting_too_long(self, now: datetime) -> bool:
        """Still queued after WAIT_FOR_WORKER_SECONDS: perhaps no worker is running."""
        waited = (now - self.queued_at).total_seconds()
        return self.state == BuildState.QUEUED and waited > WAIT_FOR_WORKER_SECONDS

    def worker_silent(self, now: datetime) -> bool:
        """Being built, but no news for SILENT_WORKER_MINUTES: its worker may have stopped."""
        building = self.state in (BuildState.BUILDING, BuildState.WRITING)
        last = self.updated_at or self.queued_at
        return building and (now - last).total_seconds() > SILENT_WORKER_MINUTES * 60


def _save(build: Build) -> None:
    tasks.queue().put(f"build:{build.id}", asdict(replace(build, updated_at=utcnow())))


def queue_build(
    study: Study, what: str, round_number: int | None = None, *, by: StaffUser | None = None
) -> str:
    """Queue a build of the study's report in format ``what`` (or the bundle) and return its
    id. The caller commits its transaction first: the worker reads only what is committed."""
    if what == BUNDLE:
        name, content_type = f"{study.slug}-supplementary.zip", "application/zip"
    else:
        name, content_type = filename(study, what, round_number), FORMATS[what].content_type
    build = Build(
        id=secrets.token_urlsafe(24),
        study_id=study.id,
        what=what,
        round_number=round_number,
        by_id=by.id if by is not None else None,
        file_name=name,
        content_type=content_type,
        queued_at=utcnow(),
    )
    _save(build)
    return build.id


def start(build_id: str) -> None:
    """Put the queued build on the queue for a worker (in immediate mode: build it now)."""
    tasks.enqueue(TASK, build_id)


def find_build(study: Study, build_id: str) -> Build | None:
    """The study's build with this id; None for an unknown id or another study's build."""
    stored = tasks.queue().get(f"build:{build_id}", peek=True)
    if not isinstance(stored, dict) or stored.get("study_id") != study.id:
        return None
    return Build(**stored)


def take_file(build: Build) -> bytes | None:
    """The built file, removed from the queue's storage as it is handed over; None once it has
    been downloaded."""
    content = tasks.queue().get(f"build-file:{build.id}")
    if content is None:
        return None
    _save(replace(build, state=BuildState.DOWNLOADED, downloaded_at=utcnow()))
    return content


@tasks.background(TASK)
def run_build(build_id: str) -> None:
    """Build the file (in the worker), saying how far it has got after each round; a report
    that cannot be made is marked failed with the reason in words."""
    stored = tasks.queue().get(f"build:{build_id}", peek=True)
    if not isinstance(stored, dict):
        return
    build = Build(**stored)
    study = db.session.get(Study, build.study_id)
    if study is None:
        gone = "The study was deleted before its file was built."
        _save(replace(build, state=BuildState.FAILED, message=gone, finished_at=utcnow()))
        return
    total = db.session.scalar(db.select(db.func.count(Round.id)).filter_by(study_id=study.id))
    build = replace(build, state=BuildState.BUILDING, rounds_total=total or 0)
    _save(build)

    def on_round(_items: int) -> None:
        nonlocal build
        read = build.rounds_read + 1
        state = BuildState.WRITING if read >= build.rounds_total else BuildState.BUILDING
        build = replace(build, rounds_read=read, state=state)
        _save(build)

    try:
        if build.what == BUNDLE:
            by = db.session.get(StaffUser, build.by_id) if build.by_id is not None else None
            content = build_bundle(study, by=by, on_round=on_round)
        else:
            report = build_report(study, build.round_number, on_round=on_round)
            content = FORMATS[build.what].render(report)
    except ReportError as error:
        _save(replace(build, state=BuildState.FAILED, message=str(error), finished_at=utcnow()))
        return
    except Exception:
        current_app.logger.exception("building %s of study %s failed", build.what, study.slug)
        db.session.rollback()
        _save(
            replace(
                build,
                state=BuildState.FAILED,
                message="Something went wrong while building the file; the worker's log says "
                "what. Try again, and tell the administrator if it fails again.",
                finished_at=utcnow(),
            )
        )
        return
    tasks.queue().put(f"build-file:{build.id}", content)
    _save(replace(build, state=BuildState.READY, size=len(content), finished_at=utcnow()))
