"""The classifier's verdict on one column, and the type families its rules reason with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["FAMILY", "STRUCTURED", "ColumnGuess"]

#: Types whose values carry a recognisable structure; strong value evidence for one of them
#: overrules a header naming another type.
STRUCTURED: Final[frozenset[str]] = frozenset(
    {
        "email",
        "msisdn",
        "phone",
        "national_id",
        "imsi",
        "iccid",
        "imei",
        "ki",
        "opc",
        "password_hash",
        "ip_address",
        "date",
        "birth_date",
    }
)
#: Types a header may name loosely: within a family, values may refine the header's choice.
FAMILY: Final[dict[str, str]] = {
    "msisdn": "phone",
    "phone": "phone",
    "given_name": "name",
    "surname": "name",
    "full_name": "name",
    "birth_date": "date",
    "date": "date",
    "city": "place",
    "region": "place",
    "plan": "category",
    "status": "category",
    "ki": "secret",
    "opc": "secret",
    "password_hash": "secret",
}


@dataclass
class ColumnGuess:
    """The classifier's verdict on one column."""

    name: str
    #: one of :data:`leaktriage.vocab.COLUMN_TYPES`
    type: str
    #: 0..1: high when header and values agree, 1.0 for an override
    confidence: float
    #: the national ID scheme (:data:`leaktriage.vocab.ID_SCHEMES`) when ``type == "national_id"``
    scheme: str | None = None
    #: the lifecycle role of a date column, from its header ("birth" for birth dates)
    role: str | None = None
    #: what the verdict rests on, e.g. ``{"header": 0.9, "pattern": 0.97, "checksum": 0.99}``
    evidence: dict[str, float] = field(default_factory=dict)
    #: why a key or phone decision went this way, for a person ("header names the customer
    #: key", "surrogate key: sequential integers"); never holds a value of the column
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md ``columns`` entry: ``{name, type, scheme?, confidence}``, plus
        ``reason`` when a key or phone decision left one."""
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.scheme is not None:
            out["scheme"] = self.scheme
        out["confidence"] = round(self.confidence, 3)
        if self.reason:
            out["reason"] = self.reason
        return out
