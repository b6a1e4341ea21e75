"""The shared vocabulary of DESIGN.md: column types, national ID schemes, risk tiers.

Every stage speaks these names; they appear in the JSON contracts and in ``--map COLUMN=TYPE``.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "COLUMN_TYPES",
    "FUZZY_TYPES",
    "ID_SCHEMES",
    "IDENTIFIER_TYPES",
    "RISK_TIERS",
    "PRESENCE_ONLY_TYPES",
    "TOKEN_DOMAIN",
]

COLUMN_TYPES: Final[tuple[str, ...]] = (
    "msisdn",
    "phone",
    "national_id",
    "email",
    "full_name",
    "given_name",
    "surname",
    "birth_date",
    "date",
    "address",
    "city",
    "region",
    "postal_code",
    "imsi",
    "iccid",
    "imei",
    "ki",
    "opc",
    "customer_id",
    "plan",
    "status",
    "ip_address",
    "password_hash",
    "other",
)

ID_SCHEMES: Final[tuple[str, ...]] = (
    "pe.dni",
    "pe.ruc",
    "pe.ce",
    "es.dni",
    "es.nie",
    "kr.rrn",
    "br.cpf",
    "cl.rut",
    "mx.curp",
)

#: Types whose values identify a person or a line and are therefore stored only as keyed tokens.
IDENTIFIER_TYPES: Final[frozenset[str]] = frozenset(
    {"msisdn", "phone", "national_id", "email", "imsi", "iccid", "imei", "customer_id"}
)

#: Types never stored in any form, only as a presence flag: SIM secrets, password hashes, and
#: values we cannot name (``other``), which may be personal.
PRESENCE_ONLY_TYPES: Final[frozenset[str]] = frozenset(
    {"ki", "opc", "password_hash", "ip_address", "other"}
)

#: Types needed for fuzzy matching, kept normalized in the encrypted workspace.
FUZZY_TYPES: Final[frozenset[str]] = frozenset(
    {
        "full_name",
        "given_name",
        "surname",
        "birth_date",
        "date",
        "address",
        "city",
        "region",
        "postal_code",
        "plan",
        "status",
    }
)

#: Token key domain of each identifier type: types in one domain can be joined with each other
#: (a leak's ``phone`` column may hold a customer's ``msisdn``).
TOKEN_DOMAIN: Final[dict[str, str]] = {
    "msisdn": "phone",
    "phone": "phone",
    "national_id": "national_id",
    "email": "email",
    "imsi": "imsi",
    "iccid": "iccid",
    "imei": "imei",
    "customer_id": "customer_id",
}

RISK_TIERS: Final[tuple[str, ...]] = (
    "sim_replacement",
    "sim_swap",
    "identity_theft",
    "phishing",
    "low",
)
