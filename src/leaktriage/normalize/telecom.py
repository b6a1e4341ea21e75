"""SIM and handset identifiers: ``imsi``, ``iccid``, ``imei``, and the SIM secrets ``ki``/``opc``.

Every input is read leniently: spaces, dashes, dots and a spreadsheet's scientific notation or
trailing ``.0`` are removed first (ICCIDs longer than 15 digits cannot survive scientific
notation and come out NULL).
"""

from __future__ import annotations

from leaktriage.normalize._imsi_meta import (
    KNOWN_MCCS,
    THREE_DIGIT_MNC_MCCS,
    THREE_DIGIT_MNC_NETWORKS,
    TWO_DIGIT_MNC_NETWORKS,
)
from leaktriage.normalize._sql import digits_only, excel_number, in_list, inline, let, lit

__all__ = ["OPERATORS", "iccid_exprs", "imei_exprs", "imsi_exprs", "secret_exprs"]

#: Network names by MCC-MNC (the operators whose leaks leaktriage is first used on).
OPERATORS: dict[str, str] = {
    "716-06": "Movistar",
    "716-07": "Entel",
    "716-10": "Claro",
    "716-15": "Bitel",
    "716-17": "Entel",
    "450-02": "KT",
    "450-03": "SK Telecom",
    "450-04": "KT",
    "450-05": "SK Telecom",
    "450-06": "LG U+",
    "450-08": "KT",
    "450-11": "SK Telecom",
    "214-01": "Vodafone",
    "214-03": "Orange",
    "214-04": "Yoigo",
    "214-05": "Movistar",
    "214-06": "Vodafone",
    "214-07": "Movistar",
    "214-09": "Orange",
    "214-19": "Simyo",
    "724-02": "TIM",
    "724-03": "TIM",
    "724-04": "TIM",
    "724-05": "Claro",
    "724-06": "Vivo",
    "724-10": "Vivo",
    "724-11": "Vivo",
    "724-23": "Vivo",
    "724-31": "Oi",
    "730-01": "Entel",
    "730-02": "Movistar",
    "730-03": "Claro",
    "730-09": "WOM",
    "730-10": "Entel",
    "334-020": "Telcel",
    "334-030": "Movistar",
    "334-050": "AT&T",
    "334-090": "AT&T",
    "334-140": "Altán Redes",
}


def _clean_digits(col: str) -> str:
    return digits_only(excel_number(col))


def _blank(col: str) -> str:
    return f"nullif(trim({col}), '') IS NULL"


def _luhn_terms(d: str, width: int, double_odd: bool) -> str:
    """Sum of Luhn terms of the digit string ``d`` (at most ``width`` digits), unrolled.

    ``d`` is left-padded with zeros to ``width`` (zeros add nothing to a Luhn sum), so position
    ``i`` from the right is ``substr(p, width + 1 - i, 1)``; ``ascii(...) - 48`` is its value.
    """
    padded = f"lpad({d}, {width}, '0')"
    terms = []
    for i in range(1, width + 1):
        digit = f"(ascii(substr({padded}, {width + 1 - i}, 1)) - 48)"
        doubled = (i % 2 == 1) == double_odd
        terms.append(f"(2 * {digit} - 9 * CAST({digit} > 4 AS INTEGER))" if doubled else digit)
    return "(" + " + ".join(terms) + ")"


def _luhn_ok(d: str, max_len: int) -> str:
    """Luhn check of the digit string ``d`` (up to ``max_len`` digits): no lambdas."""
    return f"({_luhn_terms(d, max_len, double_odd=False)} % 10 = 0)"


def _luhn_digit(d: str, length: int) -> str:
    """The Luhn check digit to append to the ``length``-digit string ``d``."""
    return f"CAST((10 - {_luhn_terms(d, length, double_odd=True)} % 10) % 10 AS VARCHAR)"


def imsi_exprs(col: str) -> dict[str, str]:
    """``value`` (14-15 digits), ``mcc``, ``mnc``, ``operator``, ``valid``.

    The MNC has 3 digits for the MCCs whose networks use 3-digit codes (North America, Mexico
    334, Argentina 722, Colombia 732, India 405, ...: ``_imsi_meta.THREE_DIGIT_MNC_MCCS``), else
    2, except the listed networks of the other length (Spain's 214-70x). ``valid``: 14-15
    digits and a known MCC (python-stdnum's rule). ``operator``: :data:`OPERATORS` names.
    """
    v = "_d"
    value = f"CASE WHEN regexp_matches({v}, '^[0-9]{{14,15}}$') THEN {v} END"
    mnc_len = (
        f"CASE WHEN {in_list(f'left({v}, 6)', THREE_DIGIT_MNC_NETWORKS)} THEN 3 "
        f"WHEN {in_list(f'left({v}, 5)', TWO_DIGIT_MNC_NETWORKS)} THEN 2 "
        f"WHEN {in_list(f'left({v}, 3)', THREE_DIGIT_MNC_MCCS)} THEN 3 ELSE 2 END"
    )
    mnc = f"CASE WHEN ({value}) IS NOT NULL THEN substr({v}, 4, {mnc_len}) END"
    # Longest keys first, so a 3-digit network is never taken for a 2-digit one. (A simple
    # ``CASE key WHEN ...`` would repeat the key expression in every branch.)
    keys = sorted(OPERATORS, key=lambda k: -len(k))
    operator_cases = " ".join(
        f"WHEN starts_with({v}, {lit(k.replace('-', ''))}) THEN {lit(OPERATORS[k])}" for k in keys
    )
    operator = f"CASE WHEN ({value}) IS NOT NULL THEN CASE {operator_cases} END END"
    valid = f"coalesce(({value}) IS NOT NULL AND {in_list(f'left({v}, 3)', KNOWN_MCCS)}, false)"
    digits = _clean_digits(col)
    return {
        "value": inline(digits, v, value),
        "mcc": inline(digits, v, f"CASE WHEN ({value}) IS NOT NULL THEN left({v}, 3) END"),
        "mnc": inline(digits, v, mnc),
        "operator": let(digits, v, operator),
        "valid": f"CASE WHEN {_blank(col)} THEN NULL ELSE {inline(digits, v, valid)} END",
    }


def iccid_exprs(col: str) -> dict[str, str]:
    """``value`` (19-20 digits starting ``89``) and ``valid`` (Luhn over all digits).

    A trailing ``F`` filler nibble (as read from a SIM's EF_ICCID) is dropped.
    """
    cleaned = f"regexp_replace(upper({col}), 'F+\\s*$', '')"
    v = "_d"
    value = f"CASE WHEN regexp_matches({v}, '^89[0-9]{{17,18}}$') THEN {v} END"
    valid = f"coalesce(({value}) IS NOT NULL AND {_luhn_ok(v, 20)}, false)"
    digits = _clean_digits(cleaned)
    return {
        "value": inline(digits, v, value),
        "valid": f"CASE WHEN {_blank(col)} THEN NULL ELSE {inline(digits, v, valid)} END",
    }


def imei_exprs(col: str) -> dict[str, str]:
    """``value`` (15 digits) and ``valid``.

    15 digits are checked with Luhn. 14 digits (TAC + serial, no check digit) and 16 digits
    (IMEISV: TAC + serial + software version) carry no check digit: the value is the first
    14 digits plus the computed Luhn digit and ``valid`` is TRUE, as in python-stdnum.
    """
    v = "_d"
    value = (
        f"CASE WHEN length({v}) = 15 THEN {v} "
        f"WHEN length({v}) IN (14, 16) THEN left({v}, 14) || {_luhn_digit(f'left({v}, 14)', 14)} "
        f"END"
    )
    valid = f"CASE WHEN length({v}) = 15 THEN {_luhn_ok(v, 15)} ELSE length({v}) IN (14, 16) END"
    digits = _clean_digits(col)
    return {
        "value": inline(digits, v, value),
        "valid": f"CASE WHEN {_blank(col)} THEN NULL ELSE {inline(digits, v, valid)} END",
    }


def secret_exprs(col: str) -> dict[str, str]:
    """SIM secrets (``ki``, ``opc``): no value is ever produced.

    ``present``: the cell holds something other than blanks or a null marker. ``valid``: it is
    exactly 128 bits of hex (32 digits) once spaces, colons, dashes and a ``0x`` prefix are
    removed.
    """
    hexed = f"regexp_replace(regexp_replace(lower(trim({col})), '^0x', ''), '[\\s:\\-]', '', 'g')"
    present = (
        f"coalesce(NOT {in_list(f'lower(trim({col}))', ('', 'null', 'none', 'n/a', '-'))}, false)"
    )
    return {
        "present": present,
        "valid": f"CASE WHEN NOT {present} THEN NULL "
        f"ELSE regexp_matches({hexed}, '^[0-9a-f]{{32}}$') END",
    }
