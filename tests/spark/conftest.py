"""One Spark session for the whole test run, tuned for small data (local[2], one shuffle
partition, no UI), and a DuckDB-registered synthetic world that parity tests triage on both
engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from leaktriage.engines.spark import SparkEngine
from leaktriage.synth import generate_world
from leaktriage.workspace import Workspace

#: The parity world: small (every scenario of it is triaged twice), its own seed.
PARITY_CUSTOMERS = 2500
PARITY_SEED = 31


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkEngine]:
    """The session-wide Spark engine (local mode, small-data settings)."""
    engine = SparkEngine(
        master="local[2]",
        conf={
            "spark.sql.shuffle.partitions": "1",
            "spark.default.parallelism": "2",
            "spark.ui.enabled": "false",
            "spark.driver.memory": "1g",
            "spark.sql.adaptive.enabled": "false",
        },
        local_dir=tmp_path_factory.mktemp("spark-local"),
        app_name="leaktriage-tests",
    )
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def parity_world(
    tmp_path_factory: pytest.TempPathFactory, spark: SparkEngine
) -> Iterator[tuple[Path, dict[str, Any], Workspace]]:
    """A world whose sources the DuckDB engine registered and the Spark engine indexed."""
    root = tmp_path_factory.mktemp("parity")
    manifest = generate_world(root / "world", customers=PARITY_CUSTOMERS, seed=PARITY_SEED)
    ws, _ = Workspace.init(root / "ws")
    for kind, entries in (("source", manifest["sources"]), ("corpus", manifest["corpora"])):
        for entry in entries:
            ws.add_file(
                kind,
                entry["name"],
                root / "world" / entry["file"],
                as_of=date.fromisoformat(entry["as_of"]) if entry.get("as_of") else None,
            )
    yield root / "world", manifest, ws
    ws.close()
