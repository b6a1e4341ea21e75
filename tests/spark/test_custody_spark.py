"""Custody on Spark: the seller's archive and the buyer's copy told apart as on DuckDB.

A workspace of its own holds the parity world's divested-unit archive (``custody/``), so the
parity workspace keeps the sources its scenarios were written for.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from leaktriage.engines.spark import SparkEngine
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace


@pytest.mark.parametrize("scenario", ["custody_seller", "custody_buyer"])
def test_custody_same_on_spark(
    parity_world: tuple[Path, dict[str, Any], Workspace],
    spark: SparkEngine,
    tmp_path: Path,
    scenario: str,
) -> None:
    root, manifest, _ = parity_world
    src = manifest["custody"]["source"]
    with Workspace.init(tmp_path / "ws")[0] as ws:
        ws.add_file(
            "source",
            src["name"],
            root / src["file"],
            as_of=date.fromisoformat(src["as_of"]),
            divested_on=date.fromisoformat(src["divested_on"]),
            buyer=src["buyer"],
        )
        truth = next(s for s in manifest["custody"]["scenarios"] if s["name"] == scenario)
        duck = run_triage(ws, root / truth["file"])
        on_spark = run_triage(ws, root / truth["file"], engine=spark)
    assert on_spark["custody"] == duck["custody"]
    assert duck["custody"]["holder"] == truth["custody"]["holder"]
    assert on_spark["snapshot"] == duck["snapshot"]
    assert on_spark["verdict"]["label"] == duck["verdict"]["label"] == truth["label"]
    assert on_spark["exposure"]["by_tier"] == duck["exposure"]["by_tier"]
