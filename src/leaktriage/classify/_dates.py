"""Date evidence: dates under the formats leaks use, and whether they look like birth dates.

Formats: ``yyyy-mm-dd`` (with an optional time), ``dd/mm/yyyy`` (``mm/dd/yyyy`` when the day
cannot be a month), two-digit years, ``yyyymmdd``, ``12-ene-1985``; Excel serials and Unix
epochs only when a header says the column holds dates, since they are just numbers.
A column is birth-date-like when nearly all dates give ages 0..110, spread over years, with a
median age of at least 16; otherwise it is a lifecycle date (activation, churn, billing...).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from typing import Final

from ._vote import ValueVote

__all__ = ["date_votes", "parse_date"]

_MONTHS: Final[dict[str, int]] = {
    **{m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    **{m: i + 1 for i, m in enumerate("ene feb mar abr may jun jul ago sep oct nov dic".split())},
    **{m: i + 1 for i, m in enumerate("jan fev mar abr mai jun jul ago set out nov dez".split())},
    "set": 9,
}
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?\S*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(19\d{2}|20\d{2})(\d{2})(\d{2})$")
_NAMED = re.compile(r"^(\d{1,2})[ \-/](?:de )?([A-Za-z]{3,})\.?[ \-/,]+(?:de )?(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EPOCH = re.compile(r"^\d{9,10}$|^\d{12,13}$")
_EXCEL_ZERO = dt.date(1899, 12, 30)


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(value: str, *, numeric: bool) -> dt.date | None:
    """``value`` as a date under the common leak formats; ``numeric`` also allows Excel serials
    and Unix epochs (only when a header says the column holds dates: they look like numbers)."""
    if match := _YMD.match(value):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DMY.match(value):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if len(match[3]) == 2:
            year += 1900 if year > 30 else 2000
        if second > 12 and first <= 12:  # month/day/year
            first, second = second, first
        return _make_date(year, second, first)
    if match := _COMPACT.match(value):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _NAMED.match(value):
        month = _MONTHS.get(match[2].lower()[:3])  # "ene", "enero", "Jan.", "janeiro"
        return _make_date(int(match[3]), month, int(match[1])) if month else None
    if numeric and _SERIAL.match(value):
        serial = float(value)
        if 1000 <= serial <= 80000:
            return _EXCEL_ZERO + dt.timedelta(days=int(serial))
    if numeric and _EPOCH.match(value):
        seconds = int(value) / (1000 if len(value) > 10 else 1)
        if 0 < seconds < 4_102_444_800:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    return None


def date_votes(values: list[str], numeric: bool, today: dt.date) -> list[ValueVote]:
    dates = [d for d in (parse_date(v, numeric=numeric) for v in values) if d is not None]
    share = len(dates) / len(values)
    if share < 0.3:
        return []
    years = [d.year + d.timetuple().tm_yday / 366 for d in dates]
    ages = [today.year - y for y in years]
    plausible = sum(1 for a in ages if 0 <= a <= 110) / len(ages)
    spread = statistics.pstdev(years) if len(years) > 1 else 0.0
    median_age = statistics.median(ages)
    birth_like = plausible >= 0.95 and spread >= 6 and median_age >= 16
    evidence = {"pattern": share, "birth_plausible": plausible}
    if birth_like:
        return [
            ValueVote("birth_date", 0.92 * share, evidence=evidence),
            ValueVote("date", 0.7 * share, evidence=evidence),
        ]
    return [
        ValueVote("date", share, evidence=evidence),
        ValueVote("birth_date", 0.25 * share, evidence=evidence),
    ]
