"""Value evidence: what a column's non-null values say about its type.

Each detector returns a share of values that fit a type (patterns, checksums, word lists).
Values are sampled (at most :data:`MAX_VALUES`, evenly spaced) so the whole call stays cheap;
``phonenumbers`` runs on at most :data:`MAX_PHONE_VALUES` of them and only on columns that look
like phone numbers.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Final

import phonenumbers
from stdnum.br import cpf
from stdnum.cl import rut
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.kr import rrn
from stdnum.mx import curp
from stdnum.pe import cui, ruc

from ._dates import date_votes
from ._lexicon import (
    CITIES,
    GIVEN_NAMES,
    KOREAN_SURNAMES,
    MCCS,
    PLAN_WORDS,
    REGIONS,
    STATUS_WORDS,
    STREET_LEADS,
    STREET_WORDS,
    SURNAMES,
    fold,
)
from ._vote import ValueVote

__all__ = ["MAX_VALUES", "NULL_TOKENS", "luhn_ok", "sample_values", "value_votes"]

#: Values examined per column by the pattern detectors.
MAX_VALUES: Final[int] = 1000
#: Values parsed by ``phonenumbers`` per column (about 30k parses/s per core).
MAX_PHONE_VALUES: Final[int] = 120
#: Cell contents that mean "no value".
NULL_TOKENS: Final[frozenset[str]] = frozenset(
    {"", "null", "none", "nan", "n/a", "na", "-", "--", "\\n", "nil", "undefined", "#n/a"}
)
#: Regions whose phone plans are tried, after the caller's own.
PHONE_REGIONS: Final[tuple[str, ...]] = ("PE", "ES", "KR", "BR", "CL", "MX")
#: National ID schemes by the region that issues them (the tie-break on equal pass rates).
REGION_SCHEMES: Final[dict[str, tuple[str, ...]]] = {
    "PE": ("pe.dni", "pe.ruc", "pe.ce"),
    "ES": ("es.dni", "es.nie"),
    "KR": ("kr.rrn",),
    "BR": ("br.cpf",),
    "CL": ("cl.rut",),
    "MX": ("mx.curp",),
}


_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"^\+?\d+$")
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_CRYPT = re.compile(r"^\$(2[abxy]?|1|5|6|y|argon2(id|i|d)|pbkdf2[\w-]*|scrypt|sha\d*)\$")
_B64_HASH = re.compile(r"^[A-Za-z0-9+/]{27}=$|^[A-Za-z0-9+/]{43}=$")
_IP_CHARS = re.compile(r"^[0-9A-Fa-f:.]+$")
_ALPHA_TEXT = re.compile(r"^[^\W\d_]+(?:[ '.,\-]+[^\W\d_]+)*\.?$")
_HANGUL = re.compile(r"^[\uac00-\ud7a3]{1,4}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/]{2,23}$")
_SPLIT_WORDS = re.compile(r"[\s,.#/\-]+")
_DECIMAL = re.compile(r"^-|^\d+[.,]\d{1,6}$")
_POSTAL = re.compile(r"^\d{5}$")
_CEP = re.compile(r"^\d{5}-\d{3}$")
_PLAN_AMOUNT = re.compile(r"\d+\s?(gb|mb|mbps|min)\b|s/\.?\s?\d+|\$\s?\d+|r\$\s?\d+", re.I)

_SCHEMES: Final[dict[str, tuple[re.Pattern[str], Callable[[str], bool]]]] = {
    "pe.dni": (
        re.compile(r"^\d{8}(-?\d)?$|^\d{2}\.\d{3}\.\d{3}$"),
        lambda v: cui.is_valid(v.replace(".", "")),
    ),
    "pe.ruc": (re.compile(r"^(10|15|17|20)\d{9}$"), ruc.is_valid),
    "es.dni": (re.compile(r"^\d{8}-?[A-Za-z]$"), es_dni.is_valid),
    "es.nie": (re.compile(r"^[XYZxyz]-?\d{7}-?[A-Za-z]$"), es_nie.is_valid),
    "kr.rrn": (re.compile(r"^\d{6}-?\d{7}$"), rrn.is_valid),
    "br.cpf": (re.compile(r"^\d{3}\.?\d{3}\.?\d{3}-?\d{2}$"), cpf.is_valid),
    "cl.rut": (re.compile(r"^\d{1,2}\.?\d{3}\.?\d{3}-?[\dkK]$"), rut.is_valid),
    "mx.curp": (re.compile(r"^[A-Za-z]{4}\d{6}[HMXhmx][A-Za-z]{5}[0-9A-Za-z]\d$"), curp.is_valid),
}
#: Schemes with no check digit: a pattern only, so a weaker vote.
_UNCHECKED: Final[frozenset[str]] = frozenset({"pe.dni", "pe.ce"})


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by IMEIs and ICCIDs."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def sample_values(values: Sequence[str], limit: int) -> list[str]:
    """At most ``limit`` values, evenly spaced so sorted files are sampled across their range."""
    if len(values) <= limit:
        return list(values)
    step = len(values) / limit
    return [values[int(i * step)] for i in range(limit)]


# ---------------------------------------------------------------------------------------------
# phones


def _valid_number(raw: str, regions: tuple[str, ...]) -> phonenumbers.PhoneNumber | None:
    """``raw`` parsed under the first region whose plan it fits, or ``None``."""
    tries: list[tuple[str, str | None]] = (
        [(raw, None)] if raw.startswith("+") else [(raw, code) for code in regions]
    )
    if not raw.startswith(("+", "0")) and len(raw) >= 10:
        tries.append(("+" + raw, None))  # international form without the plus: 51987654321
    for text, code in tries:
        try:
            parsed = phonenumbers.parse(text, code)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return parsed
    return None


def _phone_votes(values: list[str], region: str) -> list[ValueVote]:
    """Phone-plan votes: ``msisdn`` for numbers the plans call mobile, ``phone`` for any valid one.

    Each valid number is counted as ``mobile``, ``fixed`` or ``either``: a number the plan of
    its country leaves open (``FIXED_LINE_OR_MOBILE``: North America, Mexico, Chile...). On the
    operator's own plan (``region``) such a number counts as mobile, since any of them may be
    one of its lines; a foreign one stays undecided and the header decides
    (:mod:`._phones`). The shares are the vote's evidence.
    """
    cleaned = [_PHONE_SEPARATORS.sub("", v) for v in values]
    shaped = [
        c
        for v, c in zip(values, cleaned, strict=True)
        if _DIGITS.match(c)
        and (7 <= len(c) <= 12 or (c.startswith("+") and len(c) <= 16))
        and not _DECIMAL.match(v)
    ]
    shaped_share = len(shaped) / len(values)
    if shaped_share < 0.5:
        return []
    regions = (region, *(r for r in PHONE_REGIONS if r != region))
    counts: Counter[str] = Counter()
    picked = sample_values(shaped, MAX_PHONE_VALUES)
    for raw in picked:
        number = _valid_number(raw, regions)
        if number is None:
            continue
        counts["valid"] += 1
        kind = phonenumbers.number_type(number)
        if kind == phonenumbers.PhoneNumberType.MOBILE:
            counts["mobile"] += 1
        elif kind == phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE:
            own = phonenumbers.region_code_for_number(number) == region
            counts["mobile" if own else "either"] += 1
        else:
            counts["fixed"] += 1
    scale = shaped_share / len(picked)
    # Bare 8-digit numbers are national IDs before they are fixed lines (Peru's DNI).
    lengths = Counter(len(c) for c in shaped)
    if lengths.get(8, 0) / len(shaped) > 0.9:
        scale *= 0.6
    valid_share = counts["valid"] * scale
    mobile_share = counts["mobile"] * scale
    evidence = {
        "pattern": shaped_share,
        "phone_valid": valid_share,
        "mobile": mobile_share,
        "fixed": counts["fixed"] * scale,
        "either": counts["either"] * scale,
    }
    if valid_share and mobile_share >= 0.8 * valid_share:
        return [
            ValueVote("msisdn", mobile_share, evidence=evidence),
            ValueVote("phone", 0.9 * valid_share, evidence=evidence),
        ]
    return [
        ValueVote("phone", valid_share, evidence=evidence),
        ValueVote("msisdn", mobile_share, evidence=evidence),
    ]


# ---------------------------------------------------------------------------------------------
# national IDs


def _national_id_vote(values: list[str], region: str) -> ValueVote | None:
    """The national ID scheme most values pass; the caller's region wins ties."""
    preferred = REGION_SCHEMES.get(region.upper(), ())
    best: tuple[float, int, str] | None = None
    for scheme, (pattern, is_valid) in _SCHEMES.items():
        passed = sum(1 for v in values if pattern.match(v) and is_valid(v))
        if not passed:
            continue
        rate = passed / len(values)
        key = (round(rate, 2), scheme in preferred, scheme)
        if best is None or key[:2] > (best[0], best[1]):
            best = (key[0], int(key[1]), scheme)
    if best is None:
        return None
    rate, _, scheme = best
    if scheme in _UNCHECKED:
        score = (0.8 if region.upper() == "PE" else 0.55) * rate
        return ValueVote("national_id", score, scheme, {"pattern": rate})
    return ValueVote("national_id", 0.98 * rate, scheme, {"pattern": rate, "checksum": rate})


# ---------------------------------------------------------------------------------------------
# names, places, categories


def _name_votes(values: list[str], distinct: int, total: int) -> list[ValueVote]:
    full = given = surname = known = hangul = 0
    for value in values:
        if _HANGUL.match(value):
            if value in STATUS_WORDS or value in PLAN_WORDS or value in CITIES:
                continue
            known += 1
            hangul += 1
            if len(value) == 1:
                surname += value in KOREAN_SURNAMES
            elif value[0] in KOREAN_SURNAMES and len(value) >= 3:
                full += 1
            else:
                given += 1
            continue
        if not _ALPHA_TEXT.match(value):
            continue
        comma = "," in value
        words = [w for w in _SPLIT_WORDS.split(fold(value)) if w]
        g = sum(1 for w in words if w in GIVEN_NAMES)
        s = sum(1 for w in words if w in SURNAMES)
        if not (g or s) or len(words) > 5 or words[0] in STREET_LEADS:
            continue
        known += 1
        if comma or len(words) >= 3 or (g and s and len(words) >= 2 and g + s >= 2):
            both = sum(1 for w in words if w in GIVEN_NAMES and w in SURNAMES)
            if comma or len(words) >= 3 or both < min(g, s):
                full += 1
                continue
        if g >= s:
            given += 1
        else:
            surname += 1
    # Full names hardly repeat; a handful of multi-word values repeated is a place or a
    # category ("VILLA MARIA DEL TRIUNFO").
    repetitive = total >= 50 and distinct / total < 0.2 and hangul < len(values) / 2
    if not known:
        # names off our lists: Title or UPPER case words, three to five of them
        shaped = sum(
            1
            for v in values
            if _NAME_SHAPE.match(v) and _SPLIT_WORDS.split(fold(v))[0] not in STREET_LEADS
        ) / len(values)
        if shaped >= 0.8 and not repetitive:
            return [ValueVote("full_name", 0.5 * shaped, evidence={"shape": shaped})]
        return []
    coverage = min(1.0, known / len(values) / 0.5)
    votes = []
    for type_, count in (("full_name", full), ("given_name", given), ("surname", surname)):
        if count:
            share = count / known
            score = 0.9 * share * coverage * (0.4 if repetitive and type_ == "full_name" else 1)
            votes.append(ValueVote(type_, score, evidence={"lexicon": share}))
    return votes


_FLAGS: Final[frozenset[str]] = frozenset(
    "s n y si no yes true false t f 0 1 sim nao verdadero falso x".split()
)
_GENDERS: Final[frozenset[str]] = frozenset(
    "m f h masculino femenino male female hombre mujer masc fem".split()
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NAME_SHAPE = re.compile(r"^[A-ZÁÉÍÓÚÑÃÕÇ][^\W\d_]+(?: [A-ZÁÉÍÓÚÑÃÕÇ][^\W\d_]+){2,4}$")


def _category_votes(values: list[str], distinct: int, total: int) -> list[ValueVote]:
    if total >= 20 and (distinct > 60 or distinct / total > 0.3):
        return []
    status = plan = 0
    for value in values:
        words = _SPLIT_WORDS.split(fold(value))
        status += any(w in STATUS_WORDS for w in words)
        plan += any(w in PLAN_WORDS for w in words) or bool(_PLAN_AMOUNT.search(value))
    n = len(values)
    seen = {fold(v) for v in values[:200]}
    if seen <= _FLAGS or seen <= _GENDERS:
        return []  # yes/no flags and genders are neither statuses nor plans
    short_codes = sum(1 for v in values if len(v) <= 2 and v.isalpha()) / n
    return [
        ValueVote("status", max(0.9 * status / n, 0.4 * short_codes, 0.3), evidence={}),
        ValueVote("plan", max(0.9 * plan / n, 0.3), evidence={}),
    ]


_PLACES: Final[frozenset[str]] = CITIES | REGIONS


def _place_votes(values: list[str]) -> list[ValueVote]:
    folded = [fold(v).strip() for v in values]
    region = sum(1 for v in folded if v in REGIONS) / len(values)
    city = sum(1 for v in folded if v in CITIES) / len(values)
    address = 0
    for value in folded:
        words = [w for w in _SPLIT_WORDS.split(value) if w]
        if (set(words) & STREET_WORDS and any(ch.isdigit() for ch in value)) or (
            len(words) >= 2 and words[0] in STREET_LEADS
        ):
            address += 1
        elif "," in value and all(part.strip() in _PLACES for part in value.split(",")):
            city += 1 / len(values)  # "Miraflores, Lima": a place and its region
    votes = []
    if region:
        votes.append(ValueVote("region", 0.95 * region, evidence={"lexicon": region}))
    if city:
        votes.append(ValueVote("city", 0.9 * city, evidence={"lexicon": city}))
    if address:
        share = address / len(values)
        votes.append(
            ValueVote("address", min(0.95, share / 0.7 * 0.9), evidence={"lexicon": share})
        )
    return votes


def _code_vote(values: list[str]) -> ValueVote | None:
    """Unique codes (``CL00012345``, UUIDs): the shape of customer and account numbers."""
    uuids = [v for v in values if _UUID.match(v)]
    if len(uuids) >= 0.8 * len(values) and len(set(uuids)) >= 0.95 * len(uuids):
        share = len(uuids) / len(values)
        return ValueVote("customer_id", 0.6 * share, evidence={"pattern": share})
    coded = [v for v in values if _CODE.match(v) and any(ch.isdigit() for ch in v)]
    share = len(coded) / len(values)
    if share < 0.8 or len(set(coded)) < 0.95 * len(coded):
        return None
    if all(v.isdigit() for v in coded[:200]):
        numbers = sorted(int(v) for v in coded)
        if numbers[-1] - numbers[0] < 2 * len(numbers):
            return None  # row numbers, not customer codes
    shapes = Counter(re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", v)) for v in coded)
    consistency = shapes.most_common(1)[0][1] / len(coded)
    lettered = sum(1 for v in coded if any(ch.isalpha() for ch in v)) / len(coded)
    score = (0.45 + 0.25 * lettered) * share * (0.7 + 0.3 * consistency)
    return ValueVote("customer_id", score, evidence={"pattern": share})


# ---------------------------------------------------------------------------------------------
# all together


def value_votes(
    values: Sequence[str],
    *,
    distinct: int,
    region: str = "PE",
    numeric_dates: bool = False,
    today: dt.date | None = None,
) -> dict[str, ValueVote]:
    """Votes per type for the non-null, stripped ``values`` of one column.

    ``distinct`` counts distinct values of the whole sample (not just the examined part).
    """
    picked = sample_values(values, MAX_VALUES)
    n = len(picked)
    votes: dict[str, ValueVote] = {}

    def add(vote: ValueVote | None) -> None:
        if vote is None or vote.score <= 0:
            return
        if vote.type not in votes or vote.score > votes[vote.type].score:
            votes[vote.type] = vote

    emails = sum(1 for v in picked if _EMAIL.match(v)) / n
    if emails:
        add(ValueVote("email", emails, evidence={"pattern": emails}))

    digits = [v for v in picked if v.isdigit()]
    if digits:
        imsi = sum(1 for d in digits if len(d) == 15 and d[:3] in MCCS) / n
        imei = sum(1 for d in digits if len(d) == 15 and luhn_ok(d)) / n
        iccid_shape = [d for d in digits if 19 <= len(d) <= 20 and d.startswith("89")]
        if imei:
            add(ValueVote("imei", 0.97 * imei, evidence={"pattern": imei, "checksum": imei}))
        if imsi:
            # a real IMSI column passes Luhn about one time in ten; IMEIs nearly always
            score = imsi * (0.95 if imei < 0.5 * imsi else 0.5)
            add(ValueVote("imsi", score, evidence={"pattern": imsi}))
        if iccid_shape:
            share = len(iccid_shape) / n
            luhn = sum(1 for d in iccid_shape if luhn_ok(d)) / len(iccid_shape)
            add(
                ValueVote(
                    "iccid",
                    share * (0.8 + 0.18 * luhn),
                    evidence={"pattern": share, "checksum": luhn},
                )
            )

    add(_national_id_vote(picked, region))
    for vote in _phone_votes(picked, region):
        add(vote)
    for vote in date_votes(picked, numeric_dates, today or dt.date.today()):
        add(vote)

    hexes = Counter(len(v) for v in picked if _HEX.match(v) and not v.isdigit())
    hex32 = hexes.get(32, 0) / n
    if hex32:
        evidence = {"pattern": hex32}
        add(ValueVote("ki", 0.75 * hex32, evidence=evidence))
        add(ValueVote("opc", 0.75 * hex32, evidence=evidence))
        add(ValueVote("password_hash", 0.6 * hex32, evidence=evidence))
    hashed = (
        sum(1 for v in picked if _CRYPT.match(v) or _B64_HASH.match(v))
        + hexes.get(40, 0)
        + hexes.get(64, 0)
        + hexes.get(128, 0)
    ) / n
    if hashed:
        add(ValueVote("password_hash", 0.97 * hashed, evidence={"pattern": hashed}))

    ips = 0
    for value in picked:
        if _IP_CHARS.match(value) and ("." in value or ":" in value):
            try:
                ipaddress.ip_address(value)
            except ValueError:
                continue
            ips += 1
    if ips:
        add(ValueVote("ip_address", 0.98 * ips / n, evidence={"pattern": ips / n}))

    postal = sum(1 for v in picked if _POSTAL.match(v)) / n
    cep = sum(1 for v in picked if _CEP.match(v)) / n
    if postal or cep:
        add(ValueVote("postal_code", 0.6 * postal + 0.92 * cep, evidence={"pattern": postal + cep}))

    for vote in _name_votes(picked, distinct, len(values)):
        add(vote)
    for vote in _place_votes(picked):
        add(vote)
    for vote in _category_votes(picked, distinct, len(values)):
        add(vote)
    add(_code_vote(picked))
    return votes
