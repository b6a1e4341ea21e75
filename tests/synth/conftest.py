from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from leaktriage.synth import generate_world

SMALL = 2_000


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A small world shared by the synth tests (generation takes about a second)."""
    out = tmp_path_factory.mktemp("world")
    return out, generate_world(out, customers=SMALL, seed=7)
