"""Multi-sample cases: each sample keeps its own result, the case counts people once, and
capture-recapture pairs only samples of one source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from leaktriage.exposure.tiers import load_tier_rules
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace


def _split(root: Path, scenario: str, out: Path) -> tuple[Path, Path, set[str], set[str]]:
    """Two overlapping samples of one leak file (rows 0..2/3 and 1/3..end, bytes as written,
    whatever the encoding) and the true customers of each."""
    header, *lines = (root / "leaks" / f"{scenario}.csv").read_bytes().splitlines(keepends=True)
    n = len(lines)
    truth = pq.read_table(root / "truth" / f"{scenario}.parquet").to_pylist()
    assert len(truth) == n
    ids = [r["customer_id"] if r["is_genuine"] else None for r in truth]
    a, b = out / f"{scenario}_a.csv", out / f"{scenario}_b.csv"
    a.write_bytes(header + b"".join(lines[: 2 * n // 3]))
    b.write_bytes(header + b"".join(lines[n // 3 :]))
    first = {i for i in ids[: 2 * n // 3] if i}
    second = {i for i in ids[n // 3 :] if i}
    return a, b, first, second


def test_two_samples_of_one_source(
    world: tuple[Path, dict[str, Any], Workspace], tmp_path: Path
) -> None:
    root, _, ws = world
    a, b, first, second = _split(root, "genuine_crm", tmp_path)
    case = "multi-one-source"
    one = run_triage(ws, a, case=case)
    two = run_triage(ws, b, case=case)
    assert one["case_samples"]["exposure"]["customers"] == one["exposure"]["customers"]
    samples = two["case_samples"]["samples"]
    assert [s["file_name"] for s in samples] == [a.name, b.name]
    assert all(s["label"] == "genuine" and s["source"] == "crm" for s in samples)
    assert samples[0]["exposed_customers"] == len(first)
    assert samples[1]["exposed_customers"] == len(second)
    # people counted once across the samples, tiers by the union
    union = two["case_samples"]["exposure"]
    assert union["customers"] == len(first | second)
    assert sum(union["by_tier"].values()) == len(first | second)
    capture = two["evidence"]["claims"]["capture_recapture"]
    assert capture is not None and capture["source"] == "crm"
    assert capture["common"] > 0
    # the notification list agrees with the union
    from leaktriage.exposure.export import exposure_rows

    assert len(exposure_rows(ws, case, load_tier_rules())) == union["customers"]


def test_samples_of_different_sources_keep_their_own_results(
    world: tuple[Path, dict[str, Any], Workspace],
) -> None:
    root, manifest, ws = world
    case = "multi-two-sources"
    crm = next(s for s in manifest["scenarios"] if s["name"] == "genuine_crm")
    hss = next(s for s in manifest["scenarios"] if s["name"] == "genuine_hss")
    fake = next(s for s in manifest["scenarios"] if s["name"] == "fabricated")
    first = run_triage(ws, root / crm["file"], case=case)
    second = run_triage(ws, root / hss["file"], case=case)
    third = run_triage(ws, root / fake["file"], case=case)
    samples = {s["file_name"]: s for s in third["case_samples"]["samples"]}
    assert samples[Path(crm["file"]).name]["source"] == "crm"
    assert samples[Path(hss["file"]).name]["source"] == "hss"
    assert samples[Path(fake["file"]).name]["label"] == "fabricated"
    assert samples[Path(fake["file"]).name]["source"] is None
    # no capture-recapture across systems, and the reason says why
    assert second["evidence"]["claims"]["capture_recapture"] is None
    assert any("capture-recapture not used" in r for r in second["claims"]["reasons"])
    # the case's exposure: every exposed customer of either sample, once
    keys = {
        r[0]
        for r in ws.engine.fetch_rows(
            "select distinct customer_key from ws.case_exposure where case_name = ?", [case]
        )
    }
    assert third["case_samples"]["exposure"]["customers"] == len(keys)
    assert len(keys) <= first["exposure"]["customers"] + second["exposure"]["customers"]
