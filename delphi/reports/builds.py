"""Reports built in the background: the Reports page queues a build, ``delphi worker`` builds
the file, the build's page shows its progress and then offers the file once.

A build and its file live in the task queue's own storage (``delphi.tasks``), not in the
database: the build under ``build:<id>``, its file under ``build-file:<id>`` until it is
downloaded. The id is random and unguessable, and a build is reached only through its own
study's pages (or the API, by a token that sees the study).

The report to read in the console (``VIEW``) is built the same way, unless the study is small
enough to render while the request waits (``renders_at_once``); its page is kept to be read
again until it expires. ``expire_builds`` (run by ``delphi tick``) removes a file nobody took
within ``REPORT_BUILD_TTL_HOURS`` and, after as long again, the build's record.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from flask import Response, current_app, request

from delphi import tasks
from delphi.collector import collector_paused
from delphi.extensions import db
from delphi.models import Panellist, Round, RoundItem, RoundState, StaffUser, Study, utcnow
from delphi.reports import FORMATS, ReportError, filename
from delphi.reports.bundle import build_bundle
from delphi.reports.data import build_report
from delphi.reports.html import render_html

BUNDLE = "bundle"  # what the supplementary bundle is called among the formats
VIEW = "view"  # the report to read in the console, linked to the site's stylesheet
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
    EXPIRED = "expired"  # nobody took the file in time: it was removed


@dataclass(frozen=True)
class Build:
    """A report being built: what, for which study, and how far it has got."""

    id: str
    study_id: int
    what: str  # a format name, BUNDLE or VIEW
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
    url_root: str = ""  # VIEW: the address the app was reached at, for the page's links
    expired_at: datetime | None = None

    @property
    def label(self) -> str:
        """What is being built, in the Reports page's words."""
        if self.what in (BUNDLE, VIEW):
            what = "Supplementary bundle (ZIP)" if self.what == BUNDLE else "Report to read"
        else:
            what = FORMATS[self.what].label
        part = "the whole study" if self.round_number is None else f"round {self.round_number}"
        return f"{what}, {part}"

    @property
    def finished(self) -> bool:
        return self.state in (
            BuildState.READY,
            BuildState.FAILED,
            BuildState.DOWNLOADED,
            BuildState.EXPIRED,
        )

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
    elif what == VIEW:
        name, content_type = filename(study, "html", round_number), "text/html; charset=utf-8"
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
        url_root=request.url_root if what == VIEW else "",
    )
    _save(build)
    return build.id


def report_size(study: Study, round_number: int | None = None) -> int:
    """How large the study's report is to build, before building it: the items of the closed
    rounds it covers times the study's panellists (who rated them, commented, took part)."""
    items = db.select(db.func.count(RoundItem.id)).join(Round, RoundItem.round_id == Round.id)
    items = items.where(Round.study_id == study.id, Round.state == RoundState.CLOSED)
    if round_number is not None:
        items = items.where(Round.number == round_number)
    panel = db.select(db.func.count(Panellist.id)).where(Panellist.study_id == study.id)
    return (db.session.scalar(items) or 0) * (db.session.scalar(panel) or 0)


def renders_at_once(study: Study, round_number: int | None = None) -> bool:
    """Whether the report to read is small enough to render while the request waits (at most
    ``REPORT_INSTANT_SIZE`` item-panellists); a larger one is built in the background."""
    return report_size(study, round_number) <= current_app.config["REPORT_INSTANT_SIZE"]


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


def file_response(build: Build, content: bytes) -> Response:
    """The built file as a download, never kept by a browser or proxy."""
    return Response(
        content,
        content_type=build.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{build.file_name}"',
            "Cache-Control": "no-store",
        },
    )


def read_page(build: Build) -> bytes | None:
    """A ready report to read (VIEW), kept for reading again until it expires; None if it is
    not ready or has expired."""
    if build.what != VIEW or build.state != BuildState.READY:
        return None
    return tasks.queue().get(f"build-file:{build.id}", peek=True)


def kept_for() -> timedelta:
    """How long a finished build is kept after its last news (``REPORT_BUILD_TTL_HOURS``)."""
    return timedelta(hours=current_app.config["REPORT_BUILD_TTL_HOURS"])


def kept_for_words() -> str:
    """``kept_for`` in words: "7 days", "1 day", "36 hours"."""
    hours = current_app.config["REPORT_BUILD_TTL_HOURS"]
    count, unit = (hours // 24, "day") if hours and hours % 24 == 0 else (hours, "hour")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def expires_at(build: Build) -> datetime:
    """When ``expire_builds`` removes the build's file (a ready or failed build's), if nothing
    happens to it before."""
    return (build.updated_at or build.queued_at) + kept_for()


def expire_builds(now: datetime | None = None) -> tuple[int, int]:
    """Expire what nobody came back for within ``REPORT_BUILD_TTL_HOURS`` of its last news: a
    ready or failed build, or one whose worker stopped, loses its file and says it expired; a
    downloaded or expired build is forgotten after as long again. Returns (expired, forgotten).
    """
    now = now or utcnow()
    storage = tasks.queue()
    expired = forgotten = 0
    for key in tasks.stored_keys("build:"):
        stored = storage.get(key, peek=True)
        if not isinstance(stored, dict):
            continue
        build = Build(**stored)
        if now < expires_at(build):
            continue
        if build.state in (BuildState.DOWNLOADED, BuildState.EXPIRED):
            storage.delete(key)
            forgotten += 1
        else:
            storage.delete(f"build-file:{build.id}")
            _save(replace(build, state=BuildState.EXPIRED, expired_at=now))
            expired += 1
    return expired, forgotten


@tasks.background(TASK)
def run_build(build_id: str) -> None:
    """Build the file (in the worker), saying how far it has got after each round; a report
    that cannot be made is marked failed with the reason in words."""
    stored = tasks.queue().get(f"build:{build_id}", peek=True)
    if not isinstance(stored, dict) or stored.get("state") != BuildState.QUEUED:
        return  # forgotten, or expired while it waited for a worker
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
        with collector_paused():
            content = _content(study, build, on_round)
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


def _content(study: Study, build: Build, on_round: Callable[[int], None]) -> bytes:
    """The file ``build`` asks for, read from the database now."""
    if build.what == BUNDLE:
        by = db.session.get(StaffUser, build.by_id) if build.by_id is not None else None
        return build_bundle(study, by=by, on_round=on_round)
    report = build_report(study, build.round_number, on_round=on_round)
    if build.what == VIEW:
        # The page links to the site's stylesheet and reports page, at the address it was
        # asked for from (the worker serves no request of its own).
        with current_app.test_request_context(base_url=build.url_root or None):
            return render_html(report, stylesheet="link").encode("utf-8")
    return FORMATS[build.what].render(report)
