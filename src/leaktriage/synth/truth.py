"""The ground truth of a synthetic scenario, read back: who is exposed, to what, in which tier.

The tiers are DESIGN.md's, written out here independently of ``exposure/rules/tiers.toml``, so
that tests and ``bench/scenarios.py`` check the rules file against the design, not against
itself. Every scenario writes ``truth/<name>.parquet`` (``customer_id``, ``is_genuine``,
``fields_true``: the leak columns that truly hold the customer's value) and its manifest entry
maps leak columns to types (``columns``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

__all__ = ["expected_tier", "truth_exposure"]

_NAME = frozenset({"full_name", "given_name", "surname"})


def expected_tier(types: set[str]) -> str:
    """The tier DESIGN.md gives a customer whose leaked fields are ``types``."""
    line = bool(types & {"msisdn", "phone"})
    name = bool(types & _NAME)
    if types & {"ki", "opc"}:
        return "sim_replacement"
    if line and ("national_id" in types or (name and "birth_date" in types)):
        return "sim_swap"
    if "national_id" in types and name and "birth_date" in types:
        return "identity_theft"
    if types & {"email", "msisdn", "phone"} and name:
        return "phishing"
    return "low"


def truth_exposure(
    root: Path, entry: dict[str, Any], *, identity: bool | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """Exposed customers per field and per tier that the truth of scenario ``entry`` gives.

    ``identity`` (default: the entry's ``exposure_scope == "identity"``): another holder's
    list, where our customers in it are exposed by the person fields of theirs it holds truly,
    though no record is ours.
    """
    if identity is None:
        identity = entry.get("exposure_scope") == "identity"
    columns = entry.get("columns") or {}
    per_customer: dict[str, set[str]] = {}
    for r in pq.read_table(root / "truth" / f"{entry['name']}.parquet").to_pylist():
        if r["customer_id"] and (identity or r["is_genuine"]):
            types = {columns.get(c, c) for c in r["fields_true"]} - {"other"}
            per_customer.setdefault(r["customer_id"], set()).update(types)
    by_field: dict[str, int] = {}
    by_tier: dict[str, int] = {}
    for types in per_customer.values():
        for t in types:
            by_field[t] = by_field.get(t, 0) + 1
        tier = expected_tier(types)
        by_tier[tier] = by_tier.get(tier, 0) + 1
    return by_field, by_tier
