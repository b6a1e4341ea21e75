"""Masking of identifier values for reports, exports and the API.

Every value a human-facing output shows goes through :func:`mask_value`. The masks keep just
enough to let an analyst recognise a record they already hold (an initial, the last four
digits, a birth year, the street type) and nothing that identifies a person on its own.

Masks are idempotent: masking an already-masked value gives the same string back, so a value
masked upstream can (and must) be masked again where it is printed.

| column type                                         | example input        | masked          |
|-----------------------------------------------------|----------------------|-----------------|
| full_name, given_name, surname                      | Juana Quispe Rojas   | J*** Q*** R***  |
| msisdn, phone, national_id, imsi, iccid, imei,      | 987654821            | *****4821       |
| customer_id                                         |                      |                 |
| email                                               | juana.q@gmail.com    | j***@g***.com   |
| birth_date, date                                    | 17/04/1985           | 1985-**-**      |
| address                                             | Av. Javier Prado 123 | Av. ***         |
| ki, opc, password_hash                              | (anything)           | [redacted]      |
| anything else                                       | (anything)           | ***             |
"""

from __future__ import annotations

import re

__all__ = ["REDACTED", "mask_value"]

REDACTED = "[redacted]"
_STARS = "***"
#: Fixed run of stars before the last digits: the identifier's length stays hidden.
_ID_STARS = "*****"
#: Identifiers shorter than this show no digits at all (four of six digits is not a mask).
_MIN_ID_LEN_FOR_TAIL = 8

_NAME_TYPES = frozenset({"full_name", "given_name", "surname"})
_ID_TYPES = frozenset({"msisdn", "phone", "national_id", "imsi", "iccid", "imei", "customer_id"})
_DATE_TYPES = frozenset({"birth_date", "date"})
_SECRET_TYPES = frozenset({"ki", "opc", "password_hash"})

#: Street-type words (es/en/pt/ko romanised) kept in front of a masked address, lower-cased,
#: without a trailing dot.
_STREET_TYPES = frozenset(
    {
        # Spanish (Peru, Spain, Chile, Mexico)
        "av",
        "avda",
        "avenida",
        "calle",
        "c",
        "cl",
        "jr",
        "jiron",
        "jirón",
        "psje",
        "pje",
        "pasaje",
        "mz",
        "manzana",
        "urb",
        "urbanizacion",
        "urbanización",
        "prol",
        "prolongacion",
        "prolongación",
        "carretera",
        "ctra",
        "camino",
        "paseo",
        "plaza",
        "pza",
        "pl",
        "ronda",
        "travesia",
        "travesía",
        "cra",
        "carrera",
        "diagonal",
        "transversal",
        "malecon",
        "malecón",
        "alameda",
        "block",
        "sector",
        "asoc",
        "aahh",
        "pueblo",
        # Portuguese (Brazil)
        "rua",
        "r",
        "estrada",
        "rodovia",
        "travessa",
        "tv",
        "praca",
        "praça",
        "largo",
        # English
        "st",
        "street",
        "rd",
        "road",
        "ave",
        "avenue",
        "blvd",
        "boulevard",
        "ln",
        "lane",
        "dr",
        "drive",
        "way",
        "ct",
        "court",
        "hwy",
        "highway",
        "pkwy",
        # Korean (romanised)
        "ro",
        "gil",
        "daero",
    }
)

_YEAR_FIRST = re.compile(r"^\s*(\d{4})[-/.]?(?:\d{1,2}|\*\*)[-/.]?(?:\d{1,2}|\*\*)")
_YEAR_LAST = re.compile(r"^\s*\d{1,2}[-/.]\d{1,2}[-/.](\d{4})\b")
_YEAR_LAST_SHORT = re.compile(r"^\s*\d{1,2}[-/.]\d{1,2}[-/.](\d{2})\s*$")
_MASKED_DATE = re.compile(r"^(?:\d{4}|'\d{2}|\*{4})-\*\*-\*\*$")


def mask_value(value: object, ctype: str) -> str:
    """The masked form of ``value``, a value of semantic column type ``ctype``.

    ``None`` and blank values give ``""``; unknown types give ``"***"``. Never raises on
    odd input: a value that does not look like its type is masked as fully as possible.
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    ctype = (ctype or "other").strip().lower()
    if ctype in _SECRET_TYPES:
        return REDACTED
    if ctype in _NAME_TYPES:
        return _mask_name(text)
    if ctype in _ID_TYPES:
        return _mask_identifier(text)
    if ctype == "email":
        return _mask_email(text)
    if ctype in _DATE_TYPES:
        return _mask_date(text)
    if ctype == "address":
        return _mask_address(text)
    return _STARS


def _mask_name(text: str) -> str:
    initials = [w[0].upper() for w in re.split(r"[\s,]+", text) if w and w[0].isalpha()]
    return " ".join(f"{i}{_STARS}" for i in initials) or _STARS


def _mask_identifier(text: str) -> str:
    chars = "".join(c for c in text if c.isalnum())
    if text.startswith("*"):
        # already masked upstream: keep a tail of at most four characters
        return _ID_STARS + chars if len(chars) <= 4 else _ID_STARS
    if len(chars) < _MIN_ID_LEN_FOR_TAIL:
        return _ID_STARS
    return _ID_STARS + chars[-4:]


def _mask_email(text: str) -> str:
    local, sep, domain = text.rpartition("@")
    if not sep or not local or not domain:
        return _STARS
    host, dot, tld = domain.rpartition(".")
    if not dot or not host or not tld.isalpha():
        return f"{local[0].lower()}{_STARS}@{_STARS}"
    return f"{local[0].lower()}{_STARS}@{host[0].lower()}{_STARS}.{tld.lower()}"


def _mask_date(text: str) -> str:
    if _MASKED_DATE.match(text):
        return text
    for pattern in (_YEAR_FIRST, _YEAR_LAST):
        m = pattern.match(text)
        if m and 1850 <= int(m.group(1)) <= 2100:
            return f"{m.group(1)}-**-**"
    m = _YEAR_LAST_SHORT.match(text)
    if m:
        return f"'{m.group(1)}-**-**"
    return "****-**-**"


def _mask_address(text: str) -> str:
    first = text.split(None, 1)[0]
    word = first.rstrip(".")
    if word.isalpha() and word.lower() in _STREET_TYPES:
        return f"{first} {_STARS}"
    return _STARS
