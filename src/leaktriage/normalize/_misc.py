"""Codes and opaque fields: ``postal_code``, ``customer_id``, ``plan``, ``status``,
``ip_address``, ``password_hash``, ``other``."""

from __future__ import annotations

from leaktriage.normalize._sql import blank_to_null, excel_number

__all__ = ["code_exprs", "ip_exprs", "opaque_exprs"]

_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = f"(?:{_OCTET}[.]){{3}}{_OCTET}"
_H = "[0-9a-f]{1,4}"
_IPV6 = (
    f"(?:{_H}:){{7}}{_H}"
    f"|(?:{_H}:){{1,7}}:"
    f"|(?:{_H}:){{1,6}}:{_H}"
    f"|(?:{_H}:){{1,5}}(?::{_H}){{1,2}}"
    f"|(?:{_H}:){{1,4}}(?::{_H}){{1,3}}"
    f"|(?:{_H}:){{1,3}}(?::{_H}){{1,4}}"
    f"|(?:{_H}:){{1,2}}(?::{_H}){{1,5}}"
    f"|{_H}:(?::{_H}){{1,6}}"
    f"|:(?:(?::{_H}){{1,7}}|:)"
    f"|(?:{_H}:){{6}}{_IPV4}"
    f"|::(?:ffff(?::0{{1,4}})?:)?{_IPV4}"
)


def code_exprs(col: str, *, squeeze: bool) -> dict[str, str]:
    """``value``: trimmed, upper case, spreadsheet ``.0`` removed; inner spaces removed when
    ``squeeze`` (postal codes, customer IDs), else collapsed (plans, statuses)."""
    upper = f"upper({excel_number(col)})"
    inner = (
        f"regexp_replace({upper}, '\\s+', '', 'g')"
        if squeeze
        else f"regexp_replace({upper}, '\\s+', ' ', 'g')"
    )
    return {"value": blank_to_null(inner)}


def ip_exprs(col: str) -> dict[str, str]:
    """``value`` (trimmed, lower case), ``valid`` (dotted-quad IPv4 or RFC 4291 IPv6 text,
    without zone or prefix length)."""
    value = blank_to_null(f"lower({col})")
    pattern = "^(?:" + _IPV4 + "|" + _IPV6 + ")$"
    return {"value": value, "valid": f"regexp_matches({value}, '{pattern}')"}


def opaque_exprs(col: str) -> dict[str, str]:
    """``value`` (trimmed, NULL when blank) and ``present`` for ``password_hash`` and
    ``other``: values kept as given (case matters in hashes)."""
    value = blank_to_null(col)
    return {"value": value, "present": f"({value}) IS NOT NULL"}
