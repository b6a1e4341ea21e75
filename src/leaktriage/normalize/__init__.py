"""Vectorized normalizers: one SQL expression per output, per column type.

The lead stage builds ``SELECT <expr> AS <name>, ...`` from :func:`normalize_exprs`; the SQL is
DuckDB's dialect (translated by sqlglot for Spark) and never runs Python per row. ``value`` is
the canonical form that identifier types are tokenized from, so the same real identifier
written any way normalizes to the same string. :data:`OUTPUT_TYPES` gives each output's SQL
type for table schemas.

Pure-Python helpers work on samples, for classification and format choice:
:func:`detect_scheme` (national ID scheme) and :func:`detect_date_format`.

Column type → outputs (see each module's docstrings for what is accepted):

============================================= =============================================
``msisdn``, ``phone``                         value (E.164), valid, country — :mod:`.phone`
``national_id``                               value, valid — :mod:`.national_id`
``imsi``                                      value, mcc, mnc, operator, valid
``iccid``, ``imei``                           value, valid — :mod:`.telecom`
``ki``, ``opc``                               present, valid (no value: secrets are never kept)
``email``                                     value, valid, domain — :mod:`.text`
``full_name``                                 value, given, surname1, surname2
``given_name`` ``surname`` ``city``
``region`` ``address``                        value (folded text)
``birth_date``, ``date``                      value (DATE) — :mod:`.dates`
``postal_code`` ``customer_id`` ``plan``
``status``                                    value
``ip_address``                                value, valid
``password_hash``, ``other``                  value, present
============================================= =============================================
"""

from __future__ import annotations

from leaktriage.normalize._id_python import detect_scheme
from leaktriage.normalize._misc import code_exprs, ip_exprs, opaque_exprs
from leaktriage.normalize.dates import DATE_FORMATS, date_exprs, detect_date_format
from leaktriage.normalize.national_id import national_id_exprs
from leaktriage.normalize.phone import PHONE_REGIONS, phone_exprs
from leaktriage.normalize.telecom import iccid_exprs, imei_exprs, imsi_exprs, secret_exprs
from leaktriage.normalize.text import email_exprs, full_name_exprs, name_exprs
from leaktriage.vocab import COLUMN_TYPES

__all__ = [
    "DATE_FORMATS",
    "OUTPUT_TYPES",
    "PHONE_REGIONS",
    "detect_date_format",
    "detect_scheme",
    "normalize_exprs",
]

_TEXT = {"value": "VARCHAR"}

#: Column type → output name → SQL type of the expressions :func:`normalize_exprs` returns.
OUTPUT_TYPES: dict[str, dict[str, str]] = {
    "msisdn": {"value": "VARCHAR", "valid": "BOOLEAN", "country": "VARCHAR"},
    "phone": {"value": "VARCHAR", "valid": "BOOLEAN", "country": "VARCHAR"},
    "national_id": {"value": "VARCHAR", "valid": "BOOLEAN"},
    "email": {"value": "VARCHAR", "valid": "BOOLEAN", "domain": "VARCHAR"},
    "full_name": {
        "value": "VARCHAR",
        "given": "VARCHAR",
        "surname1": "VARCHAR",
        "surname2": "VARCHAR",
    },
    "given_name": _TEXT,
    "surname": _TEXT,
    "birth_date": {"value": "DATE"},
    "date": {"value": "DATE"},
    "address": _TEXT,
    "city": _TEXT,
    "region": _TEXT,
    "postal_code": _TEXT,
    "imsi": {
        "value": "VARCHAR",
        "mcc": "VARCHAR",
        "mnc": "VARCHAR",
        "operator": "VARCHAR",
        "valid": "BOOLEAN",
    },
    "iccid": {"value": "VARCHAR", "valid": "BOOLEAN"},
    "imei": {"value": "VARCHAR", "valid": "BOOLEAN"},
    "ki": {"present": "BOOLEAN", "valid": "BOOLEAN"},
    "opc": {"present": "BOOLEAN", "valid": "BOOLEAN"},
    "customer_id": _TEXT,
    "plan": _TEXT,
    "status": _TEXT,
    "ip_address": {"value": "VARCHAR", "valid": "BOOLEAN"},
    "password_hash": {"value": "VARCHAR", "present": "BOOLEAN"},
    "other": {"value": "VARCHAR", "present": "BOOLEAN"},
}
assert set(OUTPUT_TYPES) == set(COLUMN_TYPES)


def normalize_exprs(
    col: str,
    ctype: str,
    *,
    scheme: str | None = None,
    region: str = "PE",
    date_format: str | None = None,
    numeric: bool = False,
) -> dict[str, str]:
    """SQL expressions (output name → expression) normalizing the VARCHAR expression ``col``.

    ``col`` is an already-quoted SQL expression (NULL, blanks and junk are fine). ``scheme``
    applies to ``national_id``, ``region`` (ISO 3166 alpha-2, one of :data:`PHONE_REGIONS`)
    to national phone numbers, ``date_format`` (a :data:`DATE_FORMATS` name, usually from
    :func:`detect_date_format`) to dates. The outputs and their SQL types are
    ``OUTPUT_TYPES[ctype]``. Raises ``ValueError`` for an unknown type, scheme, region or
    format (they are written into SQL text, so only known constants are accepted).
    ``numeric`` marks a column a spreadsheet stored as numbers (leading zeros lost): national
    IDs are then zero-padded to their scheme's length from any length.
    """
    if ctype in ("msisdn", "phone"):
        exprs = phone_exprs(col, region=region.upper(), mobile_only=ctype == "msisdn")
    elif ctype == "national_id":
        exprs = national_id_exprs(col, scheme, numeric=numeric)
    elif ctype == "imsi":
        exprs = imsi_exprs(col)
    elif ctype == "iccid":
        exprs = iccid_exprs(col)
    elif ctype == "imei":
        exprs = imei_exprs(col)
    elif ctype in ("ki", "opc"):
        exprs = secret_exprs(col)
    elif ctype == "email":
        exprs = email_exprs(col)
    elif ctype == "full_name":
        exprs = full_name_exprs(col)
    elif ctype == "address":
        exprs = name_exprs(col, keep="#")
    elif ctype in ("given_name", "surname", "city", "region"):
        exprs = name_exprs(col)
    elif ctype in ("birth_date", "date"):
        exprs = date_exprs(col, date_format)
    elif ctype in ("postal_code", "customer_id"):
        exprs = code_exprs(col, squeeze=True)
    elif ctype in ("plan", "status"):
        exprs = code_exprs(col, squeeze=False)
    elif ctype == "ip_address":
        exprs = ip_exprs(col)
    elif ctype in ("password_hash", "other"):
        exprs = opaque_exprs(col)
    else:
        raise ValueError(f"unknown column type {ctype!r}")
    # Every output is cast to its declared type so table schemas never drift.
    types = OUTPUT_TYPES[ctype]
    return {name: f"CAST(({exprs[name]}) AS {types[name]})" for name in types}
