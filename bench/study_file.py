"""Benchmark: checking a study file of 1,000 and of 5,000 items (``parse_study_file``).

Checking must take time in proportion to the file's length: a file five times longer should
take about five times as long, and 5,000 items well under two seconds. ``run()`` returns the
figures for ``make bench``.
"""
from __future__ import annotations

from pathlib import Path

from bench.timing import best, peak_traced_mb, timed
from delphi.studies.study_file import parse_study_file
from tests.support import data

SIZES = (1_000, 5_000)
TARGET_SECONDS = 2.0  # for the larger file
REPEATS = 3


def study_file(items: int, sections: int = 10) -> bytes:
    """A valid study file with ``items`` items spread over ``sections`` sections."""
    lines = ['[study]', 'title = "Benchmark study file"', 'slug = "bench-study-file"', "",
             "[scale]", "min = 1", "max = 9", "", "[consensus]", 'rule = "comet"', ""]
    per_section = -(-items // sections)
    for section in range(1, sections + 1):
        lines += ["[[sections]]", f'code = "S{section}"', f'title = "Section {section}"',
                  "items = ["]
        first = (section - 1) * per_section + 1
        for number in range(first, min(first + per_section, items + 1)):
            lines.append(f'  {{ code = "S{section}.{number}", text = "Statement {number} of '
                         'the benchmark, long enough to look like real guidance." },')
        lines += ["]", ""]
    return "\n".join(lines).encode("utf-8")


def run(workdir: Path) -> dict:
    app = data.bench_app(data.fresh_database(None, workdir, "study_file"), workdir)
    files = {items: study_file(items) for items in SIZES}
    with app.app_context():
        seconds = {items: best([timed(lambda content=content: parse_study_file(content, "s.toml"))
                                for _ in range(REPEATS)])
                   for items, content in files.items()}
        peaks = {items: peak_traced_mb(lambda content=content: parse_study_file(content, "s.toml"))
                 for items, content in files.items()}
    small, large = SIZES
    return {"seconds": seconds, "peak_mb": peaks,
            "sizes": {items: len(files[items]) for items in SIZES},
            "growth": seconds[large] / seconds[small], "length_growth": large / small,
            "target_seconds": TARGET_SECONDS}


def describe(f: dict) -> list[str]:
    small, large = SIZES
    met = "met" if f["seconds"][large] < f["target_seconds"] else "MISSED"
    lines = [f"{items:,} items ({f['sizes'][items] / 1e6:.1f} MB): {f['seconds'][items]:.2f} s, "
             f"peak memory {f['peak_mb'][items]:.0f} MB" for items in SIZES]
    lines.append(f"{large:,} / {small:,} items: {f['growth']:.1f}x the time for "
                 f"{f['length_growth']:.0f}x the items (linear); target {large:,} items under "
                 f"{f['target_seconds']:.0f} s: {met}")
    return lines
