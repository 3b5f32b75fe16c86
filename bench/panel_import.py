"""Benchmark: importing a panel file of 20,000 rows, against the bare bulk insert of its rows.

``import_panel`` reads the CSV file, checks every row (name, e-mail, group, duplicates within the
file and against the panel), spells each group as the study does, derives a personal link per
row and writes the rows in one statement. The bare insert writes the same rows, built beforehand
(links included), in one statement. Each repetition rolls back.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from bench.timing import peak_traced_mb, side_by_side
from delphi.extensions import db
from delphi.models import Study, utcnow
from delphi.panel.importer import import_panel
from delphi.panel.tokens import new_link
from tests.support import data

ROWS, ITEMS = 20_000, 20
TARGET = 3.0


def panel_file(rows: int) -> bytes:
    lines = [f"Panellist {k},panellist{k}@example.org,{data.GROUPS[k % len(data.GROUPS)]}"
             for k in range(1, rows + 1)]
    return ("name,email,group\n" + "\n".join(lines) + "\n").encode()


def build(url: str | None, workdir: Path) -> str:
    url = data.fresh_database(url, workdir, "panel-import")
    app = data.bench_app(url, workdir)
    with app.app_context():
        data.make_study("panel-import", ITEMS)
        db.session.commit()
        db.engine.dispose()
    return url


def measure(url: str, workdir: Path, repeats: int, rows: int = ROWS) -> dict:
    app = data.bench_app(url, workdir)
    content = panel_file(rows)
    with app.app_context():
        study = db.session.scalar(sa.select(Study).where(Study.slug == "panel-import"))
        now = utcnow()
        bare_rows = [{"study_id": study.id, "pseudonym": f"P{k:03d}", "name": f"Panellist {k}",
                      "email": f"panellist{k}@example.org",
                      "group": data.GROUPS[k % len(data.GROUPS)], "created_at": now,
                      **new_link()} for k in range(1, rows + 1)]

        def imported() -> None:
            try:
                import_panel(study, content, "panel.csv")
            finally:
                db.session.rollback()

        def bare() -> None:
            try:
                db.session.execute(db.metadata.tables["panellist"].insert(), bare_rows)
                db.session.flush()
            finally:
                db.session.rollback()

        times = side_by_side(repeats, imported=imported, bare=bare)
        import_peak = peak_traced_mb(imported)
        bare_peak = peak_traced_mb(bare)
        db.engine.dispose()
    return {"import_s": min(times["imported"]), "bare_s": min(times["bare"]),
            "ratio": min(times["imported"]) / min(times["bare"]), "import_peak_mb": import_peak,
            "bare_peak_mb": bare_peak, "rows": rows, "repeats": repeats, "target": TARGET}


def run(backends: dict[str, str | None], workdir: Path, repeats: int = 3,
        rows: int = ROWS) -> list[dict]:
    return [{"database": name, **measure(build(url, workdir), workdir, repeats, rows)}
            for name, url in backends.items()]


def describe(f: dict) -> str:
    return (f"{f['database']}: importing {f['rows']:,} panellists {f['import_s']:.2f} s, bare "
            f"insert {f['bare_s']:.2f} s, ratio {f['ratio']:.2f} (target <= {f['target']}); "
            f"peak memory {f['import_peak_mb']:.0f} MB / {f['bare_peak_mb']:.0f} MB")
