"""Every leak of a synthetic world reads back through ``leaktriage.ingest`` with the manifest's
columns and row count, and every hostile file gets the manifest's expectation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import leaktriage.errors as errors
import leaktriage.ingest as ingest

World = tuple[Path, dict[str, Any]]


def test_scenarios_read_back(world: World) -> None:
    root, manifest = world
    for entry in manifest["scenarios"]:
        with ingest.open_input(root / entry["file"]) as reader:
            rows = sum(batch.num_rows for batch in reader.batches())
            assert reader.columns == list(entry["columns"]), entry["name"]
        assert rows == entry["rows"], entry["name"]


def test_hostile_expectations(world: World) -> None:
    root, manifest = world
    for entry in manifest["hostile"]:
        path = root / entry["file"]
        if entry["expect"] == "reject":
            with pytest.raises(errors.LeakTriageError):
                with ingest.open_input(path) as reader:
                    for _ in reader.batches():
                        pass
            continue
        with ingest.open_input(path) as reader:
            rows = sum(batch.num_rows for batch in reader.batches())
            report = reader.report
        assert rows == entry["rows"], entry["file"]
        if entry["expect"] == "malformed":
            assert set(entry["malformed_lines"]) <= set(report.malformed_lines)
            assert set(report.malformed_lines) <= set(
                entry["malformed_lines"] + entry["lenient_lines"]
            )
