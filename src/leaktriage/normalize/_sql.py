"""Small SQL-text builders shared by the normalizers (DuckDB dialect, sqlglot-translatable).

Only constants chosen by this package reach SQL text through :func:`lit`; column data always
arrives through the caller's already-quoted column expression.
"""

from __future__ import annotations

import re

__all__ = [
    "blank_to_null",
    "digits_only",
    "excel_number",
    "full_match",
    "in_list",
    "inline",
    "let",
    "lit",
]


def lit(text: str) -> str:
    """A SQL string literal of a constant of ours (never of data)."""
    return "'" + text.replace("'", "''") + "'"


def full_match(expr: str, pattern: str) -> str:
    """``expr`` matches ``pattern`` entirely (RE2 syntax)."""
    return f"regexp_matches({expr}, {lit('^(?:' + pattern + ')$')})"


def digits_only(expr: str) -> str:
    """``expr`` with every non-digit removed."""
    # The guard skips the (slower) replace for values that are digits already.
    return (
        f"CASE WHEN regexp_matches({expr}, '[^0-9]') "
        f"THEN regexp_replace({expr}, '[^0-9]', '', 'g') ELSE {expr} END"
    )


def blank_to_null(expr: str) -> str:
    """``expr`` trimmed, NULL when empty."""
    return f"nullif(trim({expr}), '')"


def excel_number(expr: str) -> str:
    """Undo a spreadsheet's damage to a digit string: ``9.87654321E8`` and a trailing ``.0``.

    The ``.0`` is removed only from an otherwise all-digit text: ``154.532.748.000`` is a
    dotted number, not a float. Scientific notation is expanded through DOUBLE, exact up to 15
    significant digits (longer numbers, ICCIDs for instance, lost their tail in the spreadsheet
    already and stay junk).
    """
    s = expr
    return (
        f"CASE WHEN NOT regexp_matches({s}, '[.eE]') THEN {s} "
        rf"WHEN regexp_matches({s}, '^\s*[+]?[0-9]+(?:[.][0-9]+)?[eE][+]?[0-9]+\s*$') "
        f"THEN CAST(TRY_CAST(TRY_CAST(trim({s}) AS DOUBLE) AS BIGINT) AS VARCHAR) "
        rf"WHEN regexp_matches({s}, '^\s*[+]?[0-9]+[.]0+\s*$') "
        rf"THEN regexp_replace({s}, '[.]0+\s*$', '') ELSE {s} END"
    )


def in_list(expr: str, values: tuple[str, ...] | list[str]) -> str:
    """``expr IN ('a', 'b', ...)``."""
    return f"{expr} IN ({', '.join(lit(v) for v in values)})"


def let(expr: str, name: str, body: str) -> str:
    """Evaluate ``expr`` once and use it as ``name`` inside ``body``.

    SQL has no per-row ``let``; a one-element list mapped by a lambda is the portable stand-in
    (DuckDB ``list_transform``, Spark ``transform``, both translated by sqlglot). Without it the
    phone expression repeats sub-expressions and grows to megabytes of SQL text.
    """
    return f"list_transform([{expr}], {name} -> {body})[1]"


def inline(expr: str, name: str, body: str) -> str:
    """``body`` with every ``name`` replaced by ``(expr)``: the lambda-free ``let``.

    DuckDB evaluates identical sub-expressions once (common sub-expression elimination) outside
    lambdas, while constants inside lambda bodies (``IN`` lists, long ``CASE`` tables) are
    re-evaluated per row; prefer this unless the text would grow multiplicatively.
    """
    return re.sub(rf"\b{re.escape(name)}\b", lambda _m: f"({expr})", body)
