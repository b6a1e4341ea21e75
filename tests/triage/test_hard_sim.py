"""SIM keys without phone numbers (issue 12, item 1: the SK Telecom pattern).

An HSS dump of IMSI, Ki and OPc (Korean headers; with and without ICCID; English headers too)
is genuine, attributed to the HSS, and every SIM whose keys leaked resolves through the HSS
row's MSISDN to the CRM customer: in ``sim_replacement``, on the notification list under the
operator's customer id, and on the watchlist, although the leak holds no phone number.
DuckDB here; the Spark parity test (``tests/spark/test_parity.py``) triages the same scenarios
on both engines.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from leaktriage.api.risk import RiskDecider, Watchlist
from leaktriage.exposure.export import exposure_rows, watchlist_rows
from leaktriage.exposure.tiers import load_tier_rules
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace

SIM_SCENARIOS = ["sim_keys_only", "sim_keys_iccid"]


def _truth_customers(root: Path, scenario: dict[str, Any]) -> dict[str, set[str]]:
    """Exposed field types per true customer id, from the scenario's row-level truth."""
    rows = pq.read_table(root / "truth" / f"{scenario['name']}.parquet").to_pylist()
    out: dict[str, set[str]] = {}
    for r in rows:
        if r["is_genuine"] and r["customer_id"]:
            types = {scenario["columns"][c] for c in r["fields_true"]} - {"other"}
            out.setdefault(r["customer_id"], set()).update(types)
    return out


def _by_field(customers: dict[str, set[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for types in customers.values():
        for t in types:
            counts[t] = counts.get(t, 0) + 1
    return counts


def _check(result: dict[str, Any], truth: dict[str, Any]) -> None:
    assert result["verdict"]["label"] == truth["label"], result["verdict"]["reasons"]
    assert abs(result["genuine_fraction"] - truth["genuine_fraction"]) <= 0.05
    assert result["attribution"]["source"] == truth["source"], result["attribution"]
    snap = result["snapshot"]
    assert snap["earliest"] is not None and snap["earliest"] <= truth["snapshot_date"]
    assert snap["latest"] is not None and truth["snapshot_date"] <= snap["latest"]


@pytest.mark.parametrize("scenario", SIM_SCENARIOS)
def test_sim_keys_scenario(world: tuple[Path, dict[str, Any], Workspace], scenario: str) -> None:
    root, manifest, ws = world
    truth = next(s for s in manifest["scenarios"] if s["name"] == scenario)
    assert "msisdn" not in truth["columns"].values()
    case = f"{scenario}-{manifest['seed']}"
    result = run_triage(ws, root / truth["file"], case=case, claimed_records=23_000_000)
    _check(result, truth)
    customers = _truth_customers(root, truth)
    assert customers
    # every leaked SIM's customer is in sim_replacement, counted once
    assert result["exposure"]["by_tier"] == {"sim_replacement": len(customers)}
    assert result["exposure"]["by_field"] == _by_field(customers)
    assert result["exposure"]["customers"] == len(customers)
    rules = load_tier_rules()
    listed = exposure_rows(ws, case, rules)
    # named by the operator's own customer id, reached through the HSS row's MSISDN
    assert {r["customer_id"] for r in listed} == set(customers)
    assert {r["tier"] for r in listed} == {"sim_replacement"}
    assert {r["source"] for r in listed} == {"hss"}
    watched = watchlist_rows(ws, case, rules)
    assert len({w["line_token"] for w in watched}) == len(customers)
    assert {w["tier"] for w in watched} == {"sim_replacement"}
    # the risk API sees the line of a leaked SIM by its phone number, which the leak lacks
    with (root / truth["file"]).open(encoding="utf-8", newline="") as fh:
        first_imsi = next(iter(csv.DictReader(fh, delimiter=truth["delimiter"])))[
            "가입자식별번호(IMSI)"
        ]
    with (root / "sources" / "hss.csv").open(encoding="utf-8", newline="") as fh:
        msisdn = next(r["msisdn"] for r in csv.DictReader(fh) if r["imsi"] == first_imsi)
    decider = RiskDecider(Watchlist.from_workspace(ws), ws.keyring)
    decision = decider.decide("+" + msisdn, "sim_swap", "call_center")
    assert decision.tier == "sim_replacement"
    assert decision.decision != "allow"


def test_sim_keys_english_headers(
    world: tuple[Path, dict[str, Any], Workspace], tmp_path: Path
) -> None:
    """The same dump with plain English headers ``imsi,ki,opc``: the same answer."""
    root, manifest, ws = world
    truth = next(s for s in manifest["scenarios"] if s["name"] == "sim_keys_only")
    with (root / truth["file"]).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    leak = tmp_path / "sim_en.csv"
    with leak.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["imsi", "ki", "opc"], *rows[1:]])
    result = run_triage(ws, leak)
    assert [c["type"] for c in result["columns"]] == ["imsi", "ki", "opc"]
    _check(result, truth)
    assert result["exposure"]["by_tier"] == {"sim_replacement": truth["rows"]}


def test_attribution_never_null_for_a_genuine_leak_that_hit_a_source(
    world: tuple[Path, dict[str, Any], Workspace], tmp_path: Path
) -> None:
    """Ten SIMs of the dump: few records, still a genuine leak of the HSS."""
    root, manifest, ws = world
    truth = next(s for s in manifest["scenarios"] if s["name"] == "sim_keys_only")
    lines = (root / truth["file"]).read_text(encoding="utf-8").splitlines()
    leak = tmp_path / "ten.csv"
    leak.write_text("\n".join(lines[:11]) + "\n", encoding="utf-8")
    result = run_triage(ws, leak)
    assert result["verdict"]["label"] == "genuine"
    assert result["attribution"]["source"] == "hss"
    assert result["exposure"]["by_tier"] == {"sim_replacement": 10}
