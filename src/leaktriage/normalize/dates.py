"""Dates (types ``birth_date`` and ``date``): one format per column, chosen from a sample.

:func:`detect_date_format` picks, in pure Python, the format under which most of a column's
sample parses to a date in 1900..2100; the SQL then parses the whole column with that one
format. Day-first formats win ties over month-first ones (Peru, Spain and most of Latin
America write day first), and ISO over both.
"""

from __future__ import annotations

import datetime as _dt
import re

from leaktriage.normalize._sql import lit

__all__ = ["DATE_FORMATS", "DATE_SHAPES", "date_exprs", "detect_date_format"]

#: Format name → strptime pattern; ``excel`` (days since 1899-12-30) and ``epoch`` (seconds
#: since 1970-01-01 UTC, or milliseconds when 13 digits) are numeric.
DATE_FORMATS: dict[str, str] = {
    "yyyy-mm-dd": "%Y-%m-%d",
    "yyyy-mm-dd hh:mm:ss": "%Y-%m-%d %H:%M:%S",
    "dd/mm/yyyy": "%d/%m/%Y",
    "dd-mm-yyyy": "%d-%m-%Y",
    "dd.mm.yyyy": "%d.%m.%Y",
    "d/m/yyyy": "%d/%m/%Y",
    "yyyymmdd": "%Y%m%d",
    "yyyy/mm/dd": "%Y/%m/%d",
    "dd/mm/yy": "%d/%m/%y",
    "mm/dd/yyyy": "%m/%d/%Y",
    "excel": "",
    "epoch": "",
}

#: Shape each text must have before it is parsed (strptime alone is lenient: DuckDB reads
#: ``1990021`` as ``%Y%m%d``). Days and months may have one or two digits.
DATE_SHAPES: dict[str, str] = {
    "yyyy-mm-dd": r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
    "yyyy-mm-dd hh:mm:ss": r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}.*",
    "dd/mm/yyyy": r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
    "dd-mm-yyyy": r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}",
    "dd.mm.yyyy": r"[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}",
    "d/m/yyyy": r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
    "yyyymmdd": r"[0-9]{8}",
    "yyyy/mm/dd": r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}",
    "dd/mm/yy": r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}",
    "mm/dd/yyyy": r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
    "excel": r"[0-9]{1,5}(?:[.][0-9]+)?",
    "epoch": r"-?[0-9]{1,13}",
}

_LOW = _dt.date(1900, 1, 1)
_HIGH = _dt.date(2100, 12, 31)
_EXCEL_ZERO = _dt.date(1899, 12, 30)


def _parse_py(text: str, fmt: str) -> _dt.date | None:
    """Parse ``text`` as the SQL of :func:`date_exprs` does (used on samples only)."""
    text = text.strip()
    if not re.fullmatch(DATE_SHAPES[fmt], text):
        return None
    try:
        if fmt == "excel":
            day = _EXCEL_ZERO + _dt.timedelta(days=int(float(text)))
        elif fmt == "epoch":
            seconds = int(text) / 1000 if len(text.lstrip("-")) == 13 else int(text)
            day = (_dt.datetime(1970, 1, 1) + _dt.timedelta(seconds=seconds)).date()
        elif fmt == "yyyy-mm-dd hh:mm:ss":
            day = _dt.datetime.strptime(text[:19].replace("T", " "), DATE_FORMATS[fmt]).date()
        else:
            day = _dt.datetime.strptime(text, DATE_FORMATS[fmt]).date()
    except (ValueError, OverflowError):
        return None
    return day if _LOW <= day <= _HIGH else None


def detect_date_format(values: list[str]) -> str | None:
    """The :data:`DATE_FORMATS` name under which most of ``values`` parse (None if none do).

    Numeric formats need more than that: Excel serials must fall in 1900..2100 (1..73415) and
    epoch seconds need 9-10 digits, so a column of ``yyyymmdd`` is not read as epochs.
    """
    sample = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if not sample:
        return None
    best, best_count = None, 0
    for fmt in DATE_FORMATS:  # dict order is the tie-break order
        if fmt == "epoch":
            count = sum(
                1 for v in sample if re.fullmatch(r"[0-9]{9,10}|[0-9]{13}", v) and _parse_py(v, fmt)
            )
        else:
            count = sum(1 for v in sample if _parse_py(v, fmt) is not None)
        if count > best_count:
            best, best_count = fmt, count
    return best


def _in_range(expr: str) -> str:
    return f"CASE WHEN {expr} BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN {expr} END"


def date_exprs(col: str, date_format: str | None) -> dict[str, str]:
    """``value``: a DATE, NULL when the text does not parse under ``date_format`` or falls
    outside 1900..2100. ``date_format`` is a :data:`DATE_FORMATS` name; ``None`` tries ISO,
    then ``dd/mm/yyyy``, then ``yyyymmdd``, then ``yyyy-mm-dd hh:mm:ss``.
    """
    s = f"trim({col})"
    if date_format is None:
        formats = ["%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%Y-%m-%d %H:%M:%S"]
        parsed = f"CAST(try_strptime({s}, [{', '.join(lit(f) for f in formats)}]) AS DATE)"
    elif date_format not in DATE_FORMATS:
        raise ValueError(f"unknown date format {date_format!r}; choose one of {list(DATE_FORMATS)}")
    elif date_format == "excel":
        parsed = (
            f"CASE WHEN regexp_matches({s}, '^[0-9]{{1,5}}(?:[.][0-9]+)?$') THEN "
            f"DATE '1899-12-30' + CAST(floor(CAST({s} AS DOUBLE)) AS INTEGER) END"
        )
    elif date_format == "epoch":
        parsed = (
            f"CASE WHEN regexp_matches({s}, '^-?[0-9]{{1,12}}$') "
            f"THEN CAST(to_timestamp(CAST({s} AS BIGINT)) AS DATE) "
            f"WHEN regexp_matches({s}, '^-?[0-9]{{13}}$') "
            f"THEN CAST(to_timestamp(CAST({s} AS BIGINT) / 1000) AS DATE) END"
        )
    elif date_format == "yyyy-mm-dd hh:mm:ss":
        parsed = (
            f"CAST(try_strptime(replace(left({s}, 19), 'T', ' '), "
            f"{lit(DATE_FORMATS[date_format])}) AS DATE)"
        )
    else:
        parsed = f"CAST(try_strptime({s}, {lit(DATE_FORMATS[date_format])}) AS DATE)"
    if date_format is not None:
        shape = lit("^(?:" + DATE_SHAPES[date_format] + ")$")
        parsed = f"CASE WHEN regexp_matches({s}, {shape}) THEN {parsed} END"
    return {"value": _in_range(parsed)}
