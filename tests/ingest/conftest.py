"""Fixtures of the ingest tests: the awkward-file corpus is generated into tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_corpus import Maker


@pytest.fixture
def make(tmp_path: Path) -> Maker:
    """``make(name, content, encoding="utf-8")`` writes a file and returns its path."""

    def _make(name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode(encoding) if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _make
