"""How a statistic is written for people, on every page, chart caption and report.

One rule for each kind of number, declared here and registered once as template globals
(``register``), so the questionnaire, the console and the reports never disagree:

- a statistic is rounded to two decimals without trailing zeros: 7, 6.5, 6.25;
- a percentage the same way to one decimal, with a percent sign: 67%, 66.7%;
- a value that is missing (not computed: too few ratings, no earlier round) is an en dash, "–";
- a time shown to panellists is in their study's time zone, the zone named (``local_time``).

Exports (CSV, XLSX, JSON) are for further analysis: they keep the numbers unrounded and a
missing value empty or null, and do not use these.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask

MISSING = "–"  # en dash: a statistic that was not computed


def missing(value: object) -> bool:
    """Whether a statistic is absent: None, or NaN from a computation over no ratings."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: object, digits: int = 2) -> str:
    """A statistic rounded to ``digits`` decimals, without trailing zeros: 7, 6.5, 6.25, "–"."""
    if missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        written = f"{value:.{digits}f}"
        written = written.rstrip("0").rstrip(".") if "." in written else written
        return "0" if written == "-0" else written
    return str(value)


def percent(value: float | None, digits: int = 1) -> str:
    """A percentage rounded to ``digits`` decimals with its sign: 67%, 66.7%; "–" when missing."""
    return MISSING if value is None or missing(value) else f"{number(float(value), digits)}%"


def local_time(
    moment: datetime, time_zone: str, *, date_only: bool = False, time_only: bool = False
) -> str:
    """A stored (naive UTC) time as people in ``time_zone`` read it, the zone named:
    "15 December 2026, 23:59 GMT"; "15 December 2026" with ``date_only``, "23:59 GMT" with
    ``time_only``."""
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    date = f"{local.day} {local:%B %Y}"
    if date_only:
        return date
    zone = local.strftime("%Z")
    # Zones without a common abbreviation are named by their offset: "-03" becomes "UTC-03".
    clock = f"{local:%H:%M} {zone if zone[:1].isalpha() else f'UTC{zone}'}"
    return clock if time_only else f"{date}, {clock}"


def file_size(size: int) -> str:
    """A file's size as people read it: "812 bytes", "14 kB", "2.3 MB" (1 kB = 1,000 bytes)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{number(size / 1000, 0)} kB"
    return f"{number(size / 1_000_000, 1)} MB"


def register(app: Flask) -> None:
    """Make the formatters template globals: every template, and the macros drawn outside a
    request (the questionnaire's feedback kept per round), use the same ones."""
    app.add_template_global(number, "number")
    app.add_template_global(percent, "percent")
    app.add_template_global(local_time, "local_time")
    app.add_template_global(file_size, "file_size")
