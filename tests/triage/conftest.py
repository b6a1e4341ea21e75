"""The synthetic worlds triage tests run against: generated and registered once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import log_watch
from leaktriage.synth import generate_world
from leaktriage.workspace import Workspace
from synthetic import register_world

WORLDS = [pytest.param((3000, 11), id="3k-seed11"), pytest.param((8000, 23), id="8k-seed23")]


@pytest.fixture(scope="session", params=WORLDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, Any], Workspace]]:

    customers, seed = request.param
    root = tmp_path_factory.mktemp(f"world-{customers}-{seed}")
    manifest = generate_world(root / "world", customers=customers, seed=seed)
    log_watch.plant_world(root / "world", manifest)
    ws, _ = Workspace.init(root / "ws")
    register_world(ws, root / "world", manifest)
    yield root / "world", manifest, ws
    ws.close()
