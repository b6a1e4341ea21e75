"""Exposure counts per tier and per field equal the synthetic ground truth exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace

NAME = {"full_name", "given_name", "surname"}


def expected_tier(types: set[str]) -> str:
    """DESIGN.md's tiers, written out independently of the rules file."""
    line = bool(types & {"msisdn", "phone"})
    name = bool(types & NAME)
    if types & {"ki", "opc"}:
        return "sim_replacement"
    if line and ("national_id" in types or (name and "birth_date" in types)):
        return "sim_swap"
    if "national_id" in types and name and "birth_date" in types:
        return "identity_theft"
    if types & {"email", "msisdn", "phone"} and name:
        return "phishing"
    return "low"


def truth_exposure(root: Path, scenario: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    rows = pq.read_table(root / "truth" / f"{scenario['name']}.parquet").to_pylist()
    per_customer: dict[str, set[str]] = {}
    for r in rows:
        if r["is_genuine"] and r["customer_id"]:
            types = {scenario["columns"][c] for c in r["fields_true"]} - {"other"}
            per_customer.setdefault(r["customer_id"], set()).update(types)
    by_field: dict[str, int] = {}
    by_tier: dict[str, int] = {}
    for types in per_customer.values():
        for t in types:
            by_field[t] = by_field.get(t, 0) + 1
        tier = expected_tier(types)
        by_tier[tier] = by_tier.get(tier, 0) + 1
    return by_field, by_tier


@pytest.mark.parametrize(
    "scenario", ["genuine_crm", "genuine_hss", "genuine_legacy", "mixed", "genuine_crm_zip"]
)
def test_exposure_equals_truth(
    world: tuple[Path, dict[str, Any], Workspace], scenario: str
) -> None:
    root, manifest, ws = world
    entry = next(s for s in manifest["scenarios"] if s["name"] == scenario)
    result = run_triage(ws, root / entry["file"])
    by_field, by_tier = truth_exposure(root, entry)
    assert result["exposure"]["by_tier"] == by_tier
    assert result["exposure"]["by_field"] == by_field
    assert result["exposure"]["customers"] == sum(by_tier.values())
