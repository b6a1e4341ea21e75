"""Parity: every synthetic scenario triaged on Spark (local mode) gives DuckDB's answers.

The DuckDB-registered workspace is the system of record; on Spark the leak is read, normalized
and tokenized, and matched against the Parquet index the workspace exports, and the per-record
tables come back for evidence, verdict and exposure. Probabilistic linkage runs on each
engine's own splink backend (``DuckDBAPI``, ``SparkAPI``); the ``names_only`` leak, which no
identifier settles, rests on it entirely.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _names_only import write_names_only_leak

from leaktriage.engines.spark import SparkEngine
from leaktriage.evidence import linkage as ev_linkage
from leaktriage.triage import SCALE_OUT_LINKAGE_ENV, run_triage
from leaktriage.workspace import Workspace

SCENARIOS = [
    "genuine_crm", "genuine_hss", "genuine_legacy", "recycled_forum", "fabricated", "mixed",
    "unrelated", "genuine_crm_zip", "genuine_billing_headerless", "genuine_crm_parquet",
    "genuine_billing_targz", "names_only", "other_operator", "combolist_two_corpora",
    "sim_keys_only", "sim_keys_iccid", "decommissioned_copy", "former_customers_reassigned",
]  # fmt: skip


def _customers(ws: Workspace) -> set[str]:
    return {r[0] for r in ws.engine.fetch_rows("select customer_key from exposed_customers")}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_answers_on_spark(
    parity_world: tuple[Path, dict[str, Any], Workspace],
    spark: SparkEngine,
    scenario: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, manifest, ws = parity_world
    if scenario == "names_only":
        # the leak rests on linkage: splink on Spark itself, whatever the references' size
        monkeypatch.setenv(SCALE_OUT_LINKAGE_ENV, "0")
        path = root.parent / "names_only.csv"
        write_names_only_leak(root / "sources" / "crm.csv", path)
        truth = {"label": "mixed"}
    else:
        truth = next(s for s in manifest["scenarios"] if s["name"] == scenario)
        path = root / truth["file"]
    duck = run_triage(ws, path, claimed_records=22_000_000)
    duck_customers = _customers(ws)
    on_spark = run_triage(ws, path, claimed_records=22_000_000, engine=spark)
    spark_customers = _customers(ws)

    assert on_spark["verdict"]["label"] == duck["verdict"]["label"] == truth["label"]
    assert abs(on_spark["genuine_fraction"] - duck["genuine_fraction"]) <= 0.001
    assert on_spark["attribution"]["source"] == duck["attribution"]["source"]
    assert on_spark["snapshot"] == duck["snapshot"]
    assert on_spark["recycled_from"] == duck["recycled_from"]
    assert on_spark["recycled_unexplained"] == duck["recycled_unexplained"]
    for key in ("customers", "records", "by_field", "by_tier", "by_source"):
        assert on_spark["exposure"][key] == duck["exposure"][key], key
    assert on_spark["matched_customers"] == duck["matched_customers"]
    assert spark_customers == duck_customers
    assert on_spark["input"] == duck["input"]
    assert on_spark["columns"] == duck["columns"]
    # linkage: the same figures (and, above, the same linked customers) from splink on each
    linkage = on_spark["evidence"]["linkage"]
    assert linkage == duck["evidence"]["linkage"]
    if scenario == "names_only":
        assert linkage["ran"] and linkage["linked_rows"] >= 250


def test_sampled_linkage_same_on_spark(
    parity_world: tuple[Path, dict[str, Any], Workspace],
    spark: SparkEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More unsettled records than linkage takes one by one: both engines link the same
    fixed sample and report the same estimate, and keep no record-level link from it."""
    root, _, ws = parity_world
    path = root.parent / "names_only_sampled.csv"
    write_names_only_leak(root / "sources" / "crm.csv", path)
    monkeypatch.setattr(ev_linkage, "MAX_ROWS", 150)
    monkeypatch.setenv(SCALE_OUT_LINKAGE_ENV, "0")
    duck = run_triage(ws, path)
    on_spark = run_triage(ws, path, engine=spark)
    linkage = on_spark["evidence"]["linkage"]
    assert linkage == duck["evidence"]["linkage"]
    assert linkage["sampled"] and linkage["linked_in"] == 150 and linkage["linked_rows"] > 0
    assert on_spark["genuine_fraction"] == duck["genuine_fraction"]
    assert on_spark["matched_customers"] == duck["matched_customers"] == 0
