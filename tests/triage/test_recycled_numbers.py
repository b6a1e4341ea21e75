"""Recycled numbers (issue 12): a leak of former customers whose lines were reassigned since.

The world's CRM carries line history (a churned customer's number given to a customer
activated after the quarantine: two rows, the former holder closed). For a leak of former
customers the exposed persons are the former holders (their customer ids, their tier by the
fields that leaked), told by e-mail or letter, never by SMS to a line now someone else's; the
line's current holder is not raised by the risk API, which says why; both counts are reported.
A leak of current customers is unaffected, and a leak without names (HSS) reaches the current
holder, not the former one. DuckDB here; the Spark parity test triages the same scenario.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from leaktriage.api.risk import UNLISTED, RiskDecider, Watchlist
from leaktriage.exposure.export import WATCHLIST_COLUMNS, exposure_rows, watchlist_rows
from leaktriage.exposure.tiers import load_tier_rules
from leaktriage.synth.truth import expected_tier
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace

WorldFixture = tuple[Path, dict[str, Any], Workspace]
SCENARIO = "former_customers_reassigned"


def _truth(root: Path, entry: dict[str, Any]) -> dict[str, set[str]]:
    """Exposed field types per true customer id, from the scenario's row-level truth."""
    out: dict[str, set[str]] = {}
    for r in pq.read_table(root / "truth" / f"{entry['name']}.parquet").to_pylist():
        if r["is_genuine"] and r["customer_id"]:
            types = {entry["columns"][c] for c in r["fields_true"]} - {"other"}
            out.setdefault(r["customer_id"], set()).update(types)
    return out


def _crm_history(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """From the CRM: number of each customer id; former holder id → current holder id."""
    with (root / "sources" / "crm.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    number = {r["customer_id"]: r["celular"] for r in rows}
    by_number: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_number.setdefault(r["celular"], []).append(r)
    moved = {}
    for held in by_number.values():
        if len(held) == 2:
            former = next(r for r in held if r["fecha_baja"])
            current = next(r for r in held if not r["fecha_baja"])
            moved[former["customer_id"]] = current["customer_id"]
    return number, moved


def _entry(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in manifest["scenarios"] if s["name"] == name)


def test_former_customers_whose_lines_were_reassigned(world: WorldFixture) -> None:
    root, manifest, ws = world
    truth = _entry(manifest, SCENARIO)
    case = f"{SCENARIO}-{manifest['seed']}"
    result = run_triage(ws, root / truth["file"], case=case)
    assert result["verdict"]["label"] == truth["label"], result["verdict"]["reasons"]
    assert abs(result["genuine_fraction"] - truth["genuine_fraction"]) <= 0.05
    assert result["attribution"]["source"] == truth["source"], result["attribution"]
    snap = result["snapshot"]
    assert snap["earliest"] is not None and snap["earliest"] <= truth["snapshot_date"]
    assert snap["latest"] is not None and truth["snapshot_date"] <= snap["latest"]

    # no record reaches a system of active lines: those rows are the new holders'
    reached = ws.engine.fetch_one(
        "select count(*) from bridged_rows where target in ('source:hss', 'source:billing')"
    )
    assert reached == (0,)
    customers = _truth(root, truth)
    number, moved = _crm_history(root)
    reassigned = {c for c in customers if c in moved}
    assert len(reassigned) == truth["lines_reassigned"] >= 0.25 * len(customers)
    by_tier: dict[str, int] = {}
    for types in customers.values():
        by_tier[expected_tier(types)] = by_tier.get(expected_tier(types), 0) + 1
    exposure = result["exposure"]
    assert exposure["by_tier"] == by_tier
    # both counts: the exposed persons, and those whose leaked line is now someone else's
    assert exposure["customers"] == len(customers)
    assert exposure["lines_reassigned"] == truth["lines_reassigned"]
    assert any(
        "reassigned" in r and str(truth["lines_reassigned"]) in r
        for r in result["verdict"]["reasons"]
    )

    rules = load_tier_rules()
    listed = {r["customer_id"]: r for r in exposure_rows(ws, case, rules)}
    # the former holders, named as the CRM names them; never their lines' current holders
    assert set(listed) == set(customers)
    assert not set(listed) & {moved[c] for c in reassigned}
    assert {c for c, r in listed.items() if r["line_reassigned"]} == reassigned
    assert {listed[c]["channel"] for c in reassigned} <= {"email", "letter"}

    watched = {w["line_token"]: w for w in watchlist_rows(ws, case, rules)}
    assert all(set(w) == set(WATCHLIST_COLUMNS) for w in watched.values())
    out = [w for w in watched.values() if w["reassigned"]]
    assert len(out) == len(reassigned)
    assert {w["tier"] for w in out} == {UNLISTED}
    assert {w["tier"] for w in watched.values() if not w["reassigned"]} <= {"sim_swap"}

    decider = RiskDecider(Watchlist.from_rows(watched.values()), ws.keyring)
    unlisted = decider.decide("+51 900 000 001", "sim_swap", "online")
    former = sorted(reassigned)[0]
    d = decider.decide("+51" + number[former], "sim_swap", "online")
    # the current holder's request is decided as for a line on no list, and says why
    assert (d.decision, d.risk, d.tier) == (unlisted.decision, unlisted.risk, UNLISTED)
    assert any("reassigned" in r and "current holder" in r for r in d.reasons), d.reasons
    kept = sorted(set(customers) - reassigned)
    if kept:
        # a former customer's number that no one holds now stays watched
        still = decider.decide("+51" + number[kept[0]], "sim_swap", "online")
        assert still.tier == "sim_swap"


def test_leak_of_current_customers_unaffected(world: WorldFixture) -> None:
    """Current holders of recycled numbers are exposed, notified and watched as before."""
    root, manifest, ws = world
    truth = _entry(manifest, "genuine_crm")
    case = f"current-{manifest['seed']}"
    result = run_triage(ws, root / truth["file"], case=case)
    assert result["verdict"]["label"] == "genuine"
    assert result["exposure"]["lines_reassigned"] == 0
    assert not any("reassigned" in r for r in result["verdict"]["reasons"])
    customers = _truth(root, truth)
    number, moved = _crm_history(root)
    holders = set(moved.values()) & set(customers)
    assert holders  # the leak holds current holders of recycled numbers
    rules = load_tier_rules()
    listed = {r["customer_id"]: r for r in exposure_rows(ws, case, rules)}
    assert set(listed) == set(customers)
    assert not any(r["line_reassigned"] for r in listed.values())
    watched = watchlist_rows(ws, case, rules)
    assert not any(w["reassigned"] for w in watched)
    decider = RiskDecider(Watchlist.from_rows(watched), ws.keyring)
    d = decider.decide("+51" + number[sorted(holders)[0]], "sim_swap", "online")
    assert d.tier == "sim_swap" and d.case == case
    assert not any("reassigned" in r for r in d.reasons)


def test_hss_dump_reaches_the_current_holder(world: WorldFixture) -> None:
    """An HSS dump (no names) of recycled numbers: the lines' current holders, never the
    former ones whose CRM rows share the number."""
    root, manifest, ws = world
    truth = _entry(manifest, "genuine_hss")
    case = f"hss-current-{manifest['seed']}"
    result = run_triage(ws, root / truth["file"], case=case)
    customers = _truth(root, truth)
    _, moved = _crm_history(root)
    assert set(moved.values()) & set(customers)
    assert result["exposure"]["lines_reassigned"] == 0
    # the CRM rows the records stand on are in service on the dump's day, never closed ones
    crm = ws.profile_for("source", "crm")
    closed = ws.engine.fetch_one(
        f"""select count(*) from (
              select t_row from match_best where target = 'source:crm'
              union all select t_row from bridged_rows where target = 'source:crm') m
            join {crm} t on t._row = m.t_row where t.churn <= ?::DATE""",
        [truth["snapshot_date"]],
    )
    assert closed == (0,)
    listed = {r["customer_id"] for r in exposure_rows(ws, case, load_tier_rules())}
    assert listed == set(customers)
    snap = result["snapshot"]
    assert snap["earliest"] <= truth["snapshot_date"] <= snap["latest"]
    assert snap["width_days"] <= 31


def test_open_adds_the_reassigned_column(tmp_path: Path) -> None:
    """A workspace whose case exposure predates ``line_reassigned`` opens and gains it."""
    ws, _ = Workspace.init(tmp_path / "ws")
    ws.engine.execute(
        "create table ws.case_exposure (case_name varchar, sample varchar, customer_key varchar, "
        "customer_ref varchar, source varchar, tier varchar, remediation varchar, "
        "channel varchar, fields varchar[], line_tok varchar, records bigint, stored_at timestamp)"
    )
    ws.close()
    again = Workspace.open(tmp_path / "ws")
    try:
        columns = {
            r[0]
            for r in again.engine.fetch_rows(
                "select column_name from information_schema.columns "
                "where table_name = 'case_exposure'"
            )
        }
        assert {"confidence", "line_reassigned"} <= columns
    finally:
        again.close()
