"""National identity numbers (type ``national_id``): canonical form and checksum validity.

``value`` is upper-case with separators (spaces, dots, dashes, slashes, underscores) removed and
leading zeros restored to the scheme's length when a spreadsheet or a numeric column stripped
them; NULL when the text does not have the scheme's shape. ``valid`` is NULL for a blank input,
else whether the number passes the scheme's checks (python-stdnum is the test oracle):

============ ===============================================================================
``pe.dni``   8 digits (6-7 zero-padded). A 9th character is the CUI check digit or letter and is
             verified; the value keeps the 8 digits. Without it, format only.
``pe.ruc``   11 digits, prefix 10/15/17/20, mod-11 check digit.
``pe.ce``    Carné de extranjería: 9 digits (6-8 zero-padded). **Format only**: the number has
             no public check digit.
``es.dni``   8 digits (6-7 zero-padded) + control letter (mod 23).
``es.nie``   X/Y/Z + 7 digits + control letter (mod 23 with X=0, Y=1, Z=2).
``kr.rrn``   13 digits (11-12 zero-padded): YYMMDD + century/sex digit + ...; the birth date
             must exist and the check digit must hold. Numbers issued from October 2020 are
             random after the 7th digit and carry no check digit; we cannot tell a new random
             number from an old one with a wrong check digit, so for births from 2020-10-01 on
             we accept format + date only (python-stdnum rejects ~90 % of them).
``br.cpf``   11 digits (9-10 zero-padded), two mod-11 check digits; all-equal digits
             (``111.111.111-11``) are rejected although their checksum holds (stdnum accepts).
``cl.rut``   body + check (0-9 or K), mod 11; leading zeros of the body dropped; optional
             ``CL`` prefix. Valid bodies have 7-8 digits as in stdnum.
``mx.curp``  18 characters: format, birth date, sex H/M, state code, blocked words, check digit.
============ ===============================================================================
"""

from __future__ import annotations

from leaktriage.normalize._sql import excel_number, in_list, inline, lit
from leaktriage.vocab import ID_SCHEMES

__all__ = ["CURP_BLOCKED", "CURP_STATES", "national_id_exprs"]

CURP_BLOCKED: tuple[str, ...] = tuple(
    """BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA
    CULO FALO FETO GETA GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE
    KOJI KOJO KOLA KULO LILO LOCA LOCO LOKA LOKO MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO
    MULA MULO NACA NACO PEDA PEDO PENE PIPI PITO POPO PUTA PUTO QULO RATA ROBA ROBE ROBO RUIN
    SENO TETA VACA VAGA VAGO VAKA VUEI VUEY WUEI WUEY""".split()
)
"""Four-letter starts the Mexican registry replaces (they would spell rude words)."""

CURP_STATES: tuple[str, ...] = tuple(
    """AS BC BS CC CH CL CM CS DF DG GR GT HG JC MC MN MS NE NL NT OC PL QR QT SL SP SR TC TL
    TS VZ YN ZS""".split()
)
"""State codes of a CURP (``NE`` = born abroad)."""

CURP_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"


def _compact(col: str) -> str:
    """Upper case, spreadsheet damage undone, separators removed."""
    return f"regexp_replace(upper({excel_number(col)}), '[[:space:].\\-_/,]', '', 'g')"


def _digit(v: str, pos: int) -> str:
    return f"CAST(substr({v}, {pos}, 1) AS INTEGER)"


def _wsum(v: str, weights: tuple[int, ...], start: int = 1) -> str:
    return "(" + " + ".join(f"{w} * {_digit(v, start + i)}" for i, w in enumerate(weights)) + ")"


def _pad(v: str, length: int, shortest: int) -> str:
    """``v`` (digits) left-padded with zeros to ``length`` when it has ``shortest``..``length``
    digits, else NULL."""
    return (
        f"CASE WHEN regexp_matches({v}, '^[0-9]{{{shortest},{length}}}$') "
        f"THEN lpad({v}, {length}, '0') END"
    )


def _date_ok(yyyymmdd: str) -> str:
    return f"(try_strptime({yyyymmdd}, '%Y%m%d') IS NOT NULL)"


def _pe_dni(v: str, shortest: int = 6) -> tuple[str, str]:
    with_check = f"regexp_matches({v}, '^[0-9]{{8}}[0-9A-K]$')"
    value = f"CASE WHEN {with_check} THEN left({v}, 8) ELSE {_pad(v, 8, shortest)} END"
    check = f"({_wsum(v, (3, 2, 7, 6, 5, 4, 3, 2))} % 11 + 1)"
    valid = (
        f"CASE WHEN {with_check} THEN right({v}, 1) IN (substr('65432110987', {check}, 1), "
        f"substr('KJIHGFEDCBA', {check}, 1)) "
        f"ELSE regexp_matches({v}, '^[0-9]{{{shortest},8}}$') END"
    )
    return value, valid


def _pe_ruc(w: str) -> str:
    check = f"CAST((11 - {_wsum(w, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))} % 11) % 10 AS VARCHAR)"
    return f"regexp_matches({w}, '^(?:10|15|17|20)[0-9]{{9}}$') AND right({w}, 1) = {check}"


def _es_dni(w: str) -> str:
    return (
        f"right({w}, 1) = substr('TRWAGMYFPDXBNJZSQVHLCKE', "
        f"CAST(left({w}, 8) AS BIGINT) % 23 + 1, 1)"
    )


def _es_nie(w: str) -> str:
    number = f"CAST(CAST(instr('XYZ', left({w}, 1)) - 1 AS VARCHAR) || substr({w}, 2, 7) AS BIGINT)"
    return f"right({w}, 1) = substr('TRWAGMYFPDXBNJZSQVHLCKE', {number} % 23 + 1, 1)"


def _kr_rrn(w: str) -> str:
    century = (
        f"CASE WHEN substr({w}, 7, 1) IN ('1', '2', '5', '6') THEN '19' "
        f"WHEN substr({w}, 7, 1) IN ('3', '4', '7', '8') THEN '20' ELSE '18' END"
    )
    birth = f"({century} || left({w}, 6))"
    check = f"CAST((11 - {_wsum(w, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5))} % 11) % 10 AS VARCHAR)"
    old_rules = f"(CAST(substr({w}, 8, 2) AS INTEGER) <= 96 AND right({w}, 1) = {check})"
    return f"{_date_ok(birth)} AND ({birth} >= '20201001' OR {old_rules})"


def _br_cpf(w: str) -> str:
    d1 = f"((11 - {_wsum(w, (10, 9, 8, 7, 6, 5, 4, 3, 2))} % 11) % 11 % 10)"
    d2 = f"((11 - ({_wsum(w, (11, 10, 9, 8, 7, 6, 5, 4, 3))} + 2 * {d1}) % 11) % 11 % 10)"
    same = "^(?:0+|1+|2+|3+|4+|5+|6+|7+|8+|9+)$"
    return (
        f"NOT regexp_matches({w}, {lit(same)}) "
        f"AND right({w}, 2) = CAST({d1} AS VARCHAR) || CAST({d2} AS VARCHAR)"
    )


def _cl_rut(w: str) -> str:
    body_rev = f"reverse(left({w}, length({w}) - 1))"
    weights = (9, 8, 7, 6, 5, 4, 9, 8)
    total = " + ".join(
        f"{wt} * coalesce(TRY_CAST(substr({body_rev}, {i + 1}, 1) AS INTEGER), 0)"
        for i, wt in enumerate(weights)
    )
    return f"length({w}) IN (8, 9) AND right({w}, 1) = substr('0123456789K', ({total}) % 11 + 1, 1)"


def _mx_curp(w: str) -> str:
    century = f"CASE WHEN regexp_matches(substr({w}, 17, 1), '[0-9]') THEN '19' ELSE '20' END"
    total = " + ".join(
        f"{18 - i} * (instr({lit(CURP_ALPHABET)}, substr({w}, {i + 1}, 1)) - 1)" for i in range(17)
    )
    return (
        f"NOT {in_list(f'left({w}, 4)', CURP_BLOCKED)} "
        f"AND {_date_ok(f'({century} || substr({w}, 5, 6))')} "
        f"AND substr({w}, 11, 1) IN ('H', 'M') "
        f"AND {in_list(f'substr({w}, 12, 2)', CURP_STATES)} "
        f"AND right({w}, 1) = CAST((10 - ({total}) % 10) % 10 AS VARCHAR)"
    )


def _shape(v: str, pattern: str) -> str:
    return f"CASE WHEN regexp_matches({v}, {lit(pattern)}) THEN {v} END"


def _value_and_valid(scheme: str, v: str, numeric: bool = False) -> tuple[str, str]:
    """The canonical value of the compact text ``v`` and its validity (FALSE, never NULL).

    ``numeric``: the column was stored as numbers (a spreadsheet), so any number of leading
    zeros may be lost; all-digit schemes are then padded from a single digit up."""
    if scheme == "pe.dni":
        value, valid = _pe_dni(v, 1 if numeric else 6)
        return value, f"coalesce({valid}, false)"
    values = {
        "pe.ruc": _shape(v, "^[0-9]{11}$"),
        "pe.ce": _pad(v, 9, 1 if numeric else 6),
        "es.dni": (
            f"CASE WHEN regexp_matches({v}, '^[0-9]{{6,8}}[A-Z]$') THEN lpad({v}, 9, '0') END"
        ),
        "es.nie": _shape(v, "^[XYZ][0-9]{7}[A-Z]$"),
        "kr.rrn": _pad(v, 13, 1 if numeric else 11),
        "br.cpf": _pad(v, 11, 1 if numeric else 9),
        "cl.rut": (
            f"CASE WHEN regexp_matches(regexp_replace({v}, '^(?:CL)?0*', ''), "
            f"'^[0-9]{{6,8}}[0-9K]$') THEN regexp_replace({v}, '^(?:CL)?0*', '') END"
        ),
        "mx.curp": _shape(v, "^[A-Z]{4}[0-9]{6}[A-Z]{6}[0-9A-Z][0-9]$"),
    }
    checks = {
        "pe.ruc": _pe_ruc,
        "pe.ce": lambda w: "true",
        "es.dni": _es_dni,
        "es.nie": _es_nie,
        "kr.rrn": _kr_rrn,
        "br.cpf": _br_cpf,
        "cl.rut": _cl_rut,
        "mx.curp": _mx_curp,
    }
    value = values[scheme]
    w = f"({value})"
    return value, f"coalesce({w} IS NOT NULL AND ({checks[scheme](w)}), false)"


def national_id_exprs(col: str, scheme: str | None, *, numeric: bool = False) -> dict[str, str]:
    """``value`` (canonical VARCHAR) and ``valid`` (BOOLEAN) of a national ID column.

    ``scheme`` is one of :data:`leaktriage.vocab.ID_SCHEMES` (see the module docstring for
    what each accepts); ``None`` gives a scheme-less canonical form (upper case, separators
    removed) and ``valid`` NULL. ``valid`` is NULL for a blank input, FALSE for anything else
    that is not a valid number of the scheme. ``numeric`` says the column was stored as
    numbers (``FormatReader.numeric_columns``): short digit strings are then left-padded to the
    scheme's length from one digit up (``12345`` → ``00012345`` for ``pe.dni``), not only from
    the usual 6 (``pe.dni``, ``pe.ce``), 9 (``br.cpf``) or 11 (``kr.rrn``).
    """
    compact = _compact(col)
    if scheme is None:
        return {"value": f"nullif({compact}, '')", "valid": "CAST(NULL AS BOOLEAN)"}
    if scheme not in ID_SCHEMES:
        raise ValueError(f"unknown national ID scheme {scheme!r}; choose one of {ID_SCHEMES}")
    value, valid = _value_and_valid(scheme, "_v", numeric)
    return {
        "value": inline(compact, "_v", value),
        "valid": f"CASE WHEN nullif(trim({col}), '') IS NULL THEN NULL "
        f"ELSE {inline(compact, '_v', valid)} END",
    }
