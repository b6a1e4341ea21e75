"""Generators of awkward inputs and their oracles (phonenumbers, python-stdnum), shared by the
hypothesis tests and ``agreement.py``.

Each ``*_cases(rng, n)`` returns ``n`` cases ``(input_text, expected: dict)``; each
``check_*`` runs the normalizer on all inputs in one DuckDB query and returns
``(checked, disagreements)``. Intentional differences are excluded by the generators and
explained in the docstrings here and in the tests.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from typing import Any

import phonenumbers
import pyarrow as pa
from stdnum import imei as std_imei
from stdnum import imsi as std_imsi
from stdnum import luhn
from stdnum.br import cpf
from stdnum.cl import rut
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.kr import rrn
from stdnum.mx import curp
from stdnum.pe import cui, ruc

from leaktriage.engines import Engine
from leaktriage.normalize import normalize_exprs
from leaktriage.normalize._id_python import canonical_id, id_is_valid

Case = tuple[str | None, dict[str, Any]]

PHONE_REGIONS = ("PE", "ES", "KR", "BR", "CL", "MX", "CO", "EC")
# Regions whose international prefix is a bare "00" for libphonenumber too.
_PLAIN_00 = ("PE", "ES", "MX", "CL", "EC")
_TRUNK_0 = ("PE", "KR", "BR", "CO", "EC")


def run(engine: Engine, exprs: dict[str, str], values: list[str | None]) -> list[dict[str, Any]]:
    """Evaluate ``exprs`` over ``values`` in one query; rows in input order."""
    table = pa.table(
        {"i": pa.array(range(len(values)), pa.int64()), "c": pa.array(values, pa.string())}
    )
    engine.load_arrow(
        "norm_input", pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    )
    names = list(exprs)
    sql = (
        "SELECT " + ", ".join(f'{exprs[n]} AS "{n}"' for n in names) + " FROM norm_input ORDER BY i"
    )
    return [dict(zip(names, row, strict=True)) for row in engine.fetch_rows(sql)]


# -- phones -----------------------------------------------------------------------------------
def _group(digits: str, rng: random.Random) -> str:
    sep = rng.choice([" ", "-", ".", "", " "])
    out, i = [], 0
    while i < len(digits):
        step = rng.randint(2, 4)
        out.append(digits[i : i + step])
        i += step
    return sep.join(out)


def _national_number(region: str, rng: random.Random) -> str:
    """A national significant number: a real example mutated, or random digits."""
    kind = rng.random()
    if kind < 0.7:
        ptype = rng.choice(
            [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
        )
        example = str(phonenumbers.example_number_for_type(region, ptype).national_number)
        keep = rng.randint(1, min(5, len(example)))
        length = len(example) + rng.choice([0, 0, 0, 0, -1, 1])
        return example[:keep] + "".join(rng.choice(string.digits) for _ in range(length - keep))
    length = rng.randint(6, 12)
    return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(length - 1))


def phone_cases(
    rng: random.Random, n: int, region: str | None = None
) -> list[tuple[str, str, str]]:
    """``(input, oracle_input, default_region)`` triples in every leak format we accept.

    Excluded (intentional differences, see tests): ``00`` in KR/BR/CO (carrier-selecting
    international prefixes), Mexican retired prefixes, letters.
    """
    out = []
    for _ in range(n):
        home = region or rng.choice(PHONE_REGIONS)
        target = home if rng.random() < 0.7 else rng.choice(PHONE_REGIONS)
        meta = phonenumbers.PhoneMetadata.metadata_for_region(target)
        cc = str(meta.country_code)
        nsn = _national_number(target, rng)
        plus = f"+{cc}{nsn}"
        style = rng.randrange(8)
        if style == 0:
            text = f"+{cc} {_group(nsn, rng)}"
        elif style == 1 and home in _PLAIN_00:
            text = f"00{cc}{_group(nsn, rng)}"
        elif style == 2:
            text = f"(+{cc}) {_group(nsn, rng)}"
        elif style == 3 and target == home:
            trunk = "0" if home in _TRUNK_0 and rng.random() < 0.5 else ""
            text = trunk + _group(nsn, rng)
            out.append((text, trunk + nsn, home))
            continue
        elif style == 4 and target == home:
            out.append(
                (f"{float(nsn):.8E}".replace("E+0", "E") if len(nsn) <= 9 else nsn, nsn, home)
            )
            continue
        elif style == 5 and target == home:
            out.append((nsn + ".0", nsn, home))
            continue
        elif style == 6:
            out.append((cc + nsn, cc + nsn, home))
            continue
        else:
            text = f"+{cc}{nsn}"
        out.append((text, plus, home))
    return [case for case in out if not _carrier_international(case[1], case[2])]


def _carrier_international(oracle_input: str, region: str) -> bool:
    """A national form that libphonenumber reads as a carrier-selecting international prefix
    (Chile ``1810...``, Korea ``001``): excluded, we read only ``00``/``+`` as international."""
    prefix = phonenumbers.PhoneMetadata.metadata_for_region(region).international_prefix
    return not oracle_input.startswith(("+", "00")) and bool(re.match(prefix, oracle_input))


def phone_oracle(oracle_input: str, region: str, mobile_only: bool) -> dict[str, Any]:
    """What phonenumbers says: value only when the number is possible."""
    try:
        num = phonenumbers.parse(oracle_input, region)
    except phonenumbers.NumberParseException:
        return {"value": None}
    if num.country_code == 52 and re.fullmatch(r"1[2-9][0-9]{9}", str(num.national_number)):
        # Intentional: the retired Mexican mobile "1" is dropped (libphonenumber 8.12+ rejects).
        num = phonenumbers.parse("+52" + str(num.national_number)[1:], region)
    reason = phonenumbers.is_possible_number_with_reason(num)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return {"value": None}
    valid = phonenumbers.is_valid_number(num)
    if mobile_only and valid:
        valid = phonenumbers.number_type(num) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
    return {
        "value": phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
        "valid": valid,
        "country": phonenumbers.region_code_for_country_code(num.country_code),
    }


def check_phones(
    engine: Engine, cases: list[tuple[str, str, str]], ctype: str
) -> tuple[int, list[tuple[str, str, dict[str, Any], dict[str, Any]]]]:
    """Compare ``value``/``valid``/``country`` with phonenumbers; one query per region."""
    bad = []
    for region in PHONE_REGIONS:
        subset = [c for c in cases if c[2] == region]
        if not subset:
            continue
        rows = run(engine, normalize_exprs("c", ctype, region=region), [c[0] for c in subset])
        for (text, oracle_input, _), got in zip(subset, rows, strict=True):
            want = phone_oracle(oracle_input, region, ctype == "msisdn")
            if got["value"] != want["value"] or (
                want["value"] is not None
                and (got["valid"] != want["valid"] or got["country"] != want["country"])
            ):
                bad.append((text, region, want, got))
    return len(cases), bad


# -- national IDs -----------------------------------------------------------------------------
def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _with_check(scheme: str, body: str) -> str:
    if scheme == "pe.ruc":
        return body + ruc.calc_check_digit(body)
    if scheme == "es.dni":
        return body + es_dni.calc_check_digit(body)
    if scheme == "es.nie":
        return body + es_nie.calc_check_digit(body)
    if scheme == "kr.rrn":
        return body + rrn.calc_check_digit(body)
    if scheme == "br.cpf":
        return body + cpf._calc_check_digits(body)
    if scheme == "cl.rut":
        return body + rut.calc_check_digit(body)
    if scheme == "mx.curp":
        return body + curp.calc_check_digit(body + "0")
    raise ValueError(scheme)


def _id_body(scheme: str, rng: random.Random) -> str:
    if scheme == "pe.ruc":
        return rng.choice(["10", "15", "17", "20", "16", "30"]) + _digits(rng, 8)
    if scheme == "es.dni":
        return _digits(rng, 8)
    if scheme == "es.nie":
        return rng.choice("XYZ") + _digits(rng, 7)
    if scheme == "kr.rrn":
        yy, mm, dd = rng.randint(0, 99), rng.randint(1, 13), rng.randint(1, 31)
        sex = rng.choice("1234567890")
        if rng.random() < 0.9 and sex in "3478":
            yy = rng.randint(0, 19)  # keep most 2000s births before the checksum-less era
        return f"{yy:02d}{mm:02d}{dd:02d}{sex}{_digits(rng, 5)}"
    if scheme == "br.cpf":
        return _digits(rng, 9)
    if scheme == "cl.rut":
        return str(rng.randint(1_000_000, 99_999_999))
    if scheme == "mx.curp":
        letters = string.ascii_uppercase
        state = rng.choice(["DF", "JC", "NL", "NE", "XX"])
        return (
            "".join(rng.choice(letters) for _ in range(4))
            + f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 31):02d}"
            + rng.choice("HMX")
            + state
            + "".join(rng.choice(letters) for _ in range(3))
            + rng.choice(string.digits + "A")
        )
    raise ValueError(scheme)


def _stdnum_valid(scheme: str, number: str) -> bool | None:
    if scheme == "pe.dni":
        return cui.is_valid(number)
    return {
        "pe.ruc": ruc.is_valid,
        "es.dni": es_dni.is_valid,
        "es.nie": es_nie.is_valid,
        "kr.rrn": rrn.is_valid,
        "br.cpf": cpf.is_valid,
        "cl.rut": rut.is_valid,
        "mx.curp": curp.is_valid,
    }.get(scheme, lambda _n: None)(number)


def _format_id(scheme: str, number: str, rng: random.Random) -> str:
    style = rng.randrange(5)
    if style == 0:
        return number
    if style == 1:
        return number.lower()
    if style == 2:
        return f" {number[:-1]}-{number[-1]} "
    if style == 3:
        return ".".join(number[i : i + 3] for i in range(0, len(number), 3))
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def id_cases(scheme: str, rng: random.Random, n: int) -> list[tuple[str, str]]:
    """``(input, true_number)``: correct check digits half the time, then mutated, formatted."""
    out = []
    for _ in range(n):
        if scheme == "pe.dni":
            number = _digits(rng, 8)
            if rng.random() < 0.5:
                number += rng.choice(cui.calc_check_digits(number) + "0123456789ABK")
        elif scheme == "pe.ce":
            number = _digits(rng, rng.choice([9, 9, 9, 8, 10]))
        else:
            body = _id_body(scheme, rng)
            number = (
                _with_check(scheme, body)
                if rng.random() < 0.6
                else body + rng.choice(string.digits + ("K" if scheme == "cl.rut" else ""))
            )
            if scheme in ("es.dni", "es.nie"):
                number = number[:-1] + (
                    number[-1] if number[-1].isalpha() else rng.choice(string.ascii_uppercase)
                )
        out.append((_format_id(scheme, number, rng), number))
    return out


def id_expected(scheme: str, number: str) -> dict[str, Any]:
    """The oracle for a true (unformatted) number, with the documented differences applied."""
    value = canonical_id(number, scheme)
    # Zero-padding restores what a numeric column stripped: the oracle judges the padded value.
    padded = scheme in ("es.dni", "kr.rrn", "br.cpf") and value is not None
    valid = _stdnum_valid(scheme, value if padded else number)
    if scheme == "pe.ce":
        valid = value is not None
    if scheme == "br.cpf" and len(set(number)) == 1:
        valid = False  # intentional: stdnum accepts 111.111.111-11
    if scheme == "kr.rrn" and value is not None and rrn_is_post_2020(value):
        valid = id_is_valid(number, scheme)  # intentional: no checksum since Oct 2020
    if value is None:
        valid = False
    return {"value": value, "valid": bool(valid)}


def rrn_is_post_2020(number: str) -> bool:
    """Births from 2020-10-01 carry random digits, not a checksum."""
    return number[6] in "3478" and number[:6] >= "201001"


def check_ids(engine: Engine, scheme: str, cases: list[tuple[str, str]]) -> tuple[int, list[Any]]:
    rows = run(engine, normalize_exprs("c", "national_id", scheme=scheme), [c[0] for c in cases])
    bad = []
    for (text, number), got in zip(cases, rows, strict=True):
        want = id_expected(scheme, number)
        twin = {"value": canonical_id(text, scheme), "valid": id_is_valid(text, scheme)}
        if got != want or got != twin:
            bad.append((text, number, want, twin, got))
    return len(cases), bad


# -- telecom ----------------------------------------------------------------------------------
def imsi_cases(rng: random.Random, n: int) -> list[str]:
    mccs = ["716", "450", "214", "724", "730", "334", "310", "722", "999", "123"]
    out = []
    for _ in range(n):
        mcc = rng.choice(mccs)
        length = rng.choice([15, 15, 15, 14, 13, 16])
        number = mcc + _digits(rng, length - 3)
        out.append(rng.choice([number, " ".join([number[:3], number[3:6], number[6:]])]))
    return out


def check_imsi(engine: Engine, cases: list[str]) -> tuple[int, list[Any]]:
    """valid = stdnum's; mcc/mnc = stdnum's split for PE/KR/ES/BR/CL/MX MCCs when it finds the
    network (elsewhere stdnum's table mixes 2- and 3-digit MNCs under one MCC)."""
    rows = run(engine, normalize_exprs("c", "imsi"), cases)
    bad = []
    for text, got in zip(cases, rows, strict=True):
        number = text.replace(" ", "")
        valid = std_imsi.is_valid(number)
        problems = got["valid"] != valid
        if valid and number[:3] in ("716", "450", "214", "724", "730", "334"):
            parts = std_imsi.split(number)
            if len(parts) == 3 and (got["mcc"], got["mnc"]) != parts[:2]:
                problems = True
        if problems:
            bad.append((text, valid, got))
    return len(cases), bad


def luhn_cases(rng: random.Random, n: int, lengths: tuple[int, ...], prefix: str = "") -> list[str]:
    out = []
    for _ in range(n):
        length = rng.choice(lengths)
        body = prefix + _digits(rng, length - len(prefix) - 1)
        number = body + (
            luhn.calc_check_digit(body) if rng.random() < 0.5 else rng.choice(string.digits)
        )
        out.append(
            rng.choice([number, " ".join(number[i : i + 4] for i in range(0, len(number), 4))])
        )
    return out


def check_iccid(engine: Engine, cases: list[str]) -> tuple[int, list[Any]]:
    rows = run(engine, normalize_exprs("c", "iccid"), cases)
    bad = []
    for text, got in zip(cases, rows, strict=True):
        number = text.replace(" ", "")
        shape = number.startswith("89") and len(number) in (19, 20)
        want = {"value": number if shape else None, "valid": shape and luhn.is_valid(number)}
        if got != want:
            bad.append((text, want, got))
    return len(cases), bad


def check_imei(engine: Engine, cases: list[str]) -> tuple[int, list[Any]]:
    rows = run(engine, normalize_exprs("c", "imei"), cases)
    bad = []
    for text, got in zip(cases, rows, strict=True):
        number = text.replace(" ", "")
        valid = std_imei.is_valid(number)
        value = None
        if len(number) == 15:
            value = number
        elif len(number) in (14, 16):
            value = number[:14] + luhn.calc_check_digit(number[:14])
        if got != {"value": value, "valid": valid}:
            bad.append((text, valid, got))
    return len(cases), bad


CHECKERS: dict[str, Callable[..., Any]] = {}
