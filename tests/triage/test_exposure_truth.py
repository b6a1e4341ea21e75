"""Exposure counts per tier and per field equal the synthetic ground truth exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from leaktriage.synth.truth import truth_exposure
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace


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
