"""Benchmark: opening a round for 20,000 panellists, and sending the outbox to an SMTP server.

Opening is set against the bare insert of the rows it writes (a response and an invitation per
panellist, built beforehand, inserted in one statement each): ``open_round`` also checks the
study, freezes its consensus definition, reads the panel in batches and fills each invitation's
text. Each repetition rolls back.

Sending runs ``send_pending`` against a local SMTP server in a process of its own (aiosmtpd's
sink), over one connection kept open for the run, each message still claimed in its own
transaction so that two senders never send it twice.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.timing import peak_traced_mb, side_by_side
from delphi.extensions import db
from delphi.mail.sender import send_pending
from delphi.models import OutboxMessage, Panellist, ResponseStatus, Round, Study, utcnow
from delphi.rounds.lifecycle import open_round
from tests.support import data
from tests.support.mail import free_port

PANELLISTS, ITEMS, SENT = 20_000, 200, 1_000
OPEN_TARGET = 3.0
SEND_TARGET = 50  # messages a second


def build(url: str | None, workdir: Path, panellists: int = PANELLISTS) -> str:
    url = data.fresh_database(url, workdir, "opening")
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study("opening", ITEMS)
        data.add_panel(study, panellists)
        db.session.commit()
        db.engine.dispose()
    return url


def _study() -> Study:
    return db.session.scalar(sa.select(Study).where(Study.slug == "opening"))


def _open_and_undo() -> None:
    try:
        open_round(_study())
        db.session.flush()
    finally:
        db.session.rollback()


def _bare_rows(study: Study, round_id: int) -> tuple[list[dict], list[dict]]:
    now = utcnow()
    panel = db.session.execute(sa.select(Panellist.id, Panellist.name, Panellist.email)
                               .where(Panellist.study_id == study.id)).all()
    responses = [{"round_id": round_id, "panellist_id": pid, "status": ResponseStatus.INVITED,
                  "invited_at": now} for pid, _, _ in panel]
    messages = [{"study_id": study.id, "panellist_id": pid, "round_id": round_id,
                 "kind": "invitation", "dedupe_key": f"invitation:{round_id}:{pid}",
                 "to_address": email, "subject": f"{study.title}: round 1 is open",
                 "body": f"Dear {name},\n\nRound 1 is open.\n\n{{link}}\n"}
                for pid, name, email in panel]
    return responses, messages


def measure_opening(url: str, workdir: Path, repeats: int) -> dict:
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = _study()
        round_id = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Round.id), 0))) + 1
        responses, messages = _bare_rows(study, round_id)
        db.session.rollback()

        def bare() -> None:
            """The round's row, then a response and an invitation per panellist, as rows."""
            try:
                db.session.execute(sa.insert(Round), [{"id": round_id, "study_id": study.id,
                                                       "number": 1}])
                db.session.execute(sa.insert(db.metadata.tables["response"]), responses)
                db.session.execute(sa.insert(OutboxMessage), messages)
                db.session.flush()
            finally:
                db.session.rollback()

        times = side_by_side(repeats, open=_open_and_undo, bare=bare)
        open_peak = peak_traced_mb(_open_and_undo)
        bare_peak = peak_traced_mb(bare)
        db.engine.dispose()
    return {"open_s": min(times["open"]), "bare_s": min(times["bare"]),
            "ratio": min(times["open"]) / min(times["bare"]), "open_peak_mb": open_peak,
            "bare_peak_mb": bare_peak, "panellists": len(responses), "repeats": repeats,
            "target": OPEN_TARGET}


def measure_sending(url: str, workdir: Path, messages: int = SENT) -> dict:
    """Open the round for real, then send ``messages`` of its invitations to a local server."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        app = data.bench_app(url, workdir)
        app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
        with app.app_context():
            open_round(_study())
            db.session.commit()
            # Every message after the first ``messages`` waits ten years. The first id left out
            # is found first: an IN over a subquery with OFFSET, on tables not yet analysed,
            # could be planned as a nested loop and take minutes on PostgreSQL.
            first_left = db.session.scalar(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)
                                           .offset(messages).limit(1))
            if first_left is not None:
                db.session.execute(sa.update(OutboxMessage)
                                   .where(OutboxMessage.id >= first_left)
                                   .values(next_attempt_at=utcnow() + timedelta(days=3650)))
            db.session.commit()
            started = time.perf_counter()
            report = send_pending()
            seconds = time.perf_counter() - started
            db.engine.dispose()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"sent": report.sent, "failed": report.failed, "seconds": seconds,
            "per_second": report.sent / seconds, "target": SEND_TARGET}


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the SMTP sink did not start on port {port}")


def run(backends: dict[str, str | None], workdir: Path, repeats: int = 3) -> list[dict]:
    rows = []
    for name, url in backends.items():
        built = build(url, workdir)
        opening = measure_opening(built, workdir, repeats)
        sending = measure_sending(built, workdir)
        rows.append({"database": name, **opening, "sending": sending})
    return rows


def describe(f: dict) -> list[str]:
    s = f["sending"]
    return [f"{f['database']}: opening for {f['panellists']:,} panellists {f['open_s']:.2f} s, "
            f"bare insert {f['bare_s']:.2f} s, ratio {f['ratio']:.2f} (target <= {f['target']}); "
            f"peak memory {f['open_peak_mb']:.0f} MB / {f['bare_peak_mb']:.0f} MB",
            f"{f['database']}: sent {s['sent']} messages in {s['seconds']:.1f} s, "
            f"{s['per_second']:.0f}/s (target >= {s['target']}), {s['failed']} failed"]
