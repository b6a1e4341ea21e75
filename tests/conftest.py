"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from leaktriage.engines import Engine, create_engine
from leaktriage.workspace import Workspace

TEST_KEY = "leaktriage-test-key-0123456789abcdef"


@pytest.fixture
def engine() -> Iterator[Engine]:
    """A fresh in-memory DuckDB engine."""
    eng = create_engine("duckdb")
    yield eng
    eng.close()


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A new workspace with a key file."""
    ws, _ = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()
