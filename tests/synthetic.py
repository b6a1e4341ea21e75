"""Shared by the test packages that run on a registered synthetic world."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from leaktriage.workspace import Workspace


def register_world(ws: Workspace, world: Path, manifest: dict[str, Any]) -> None:
    """Register a synthetic world's sources and prior-leak corpora in ``ws``."""
    for kind, entries in (("source", manifest["sources"]), ("corpus", manifest["corpora"])):
        for entry in entries:
            ws.add_file(
                kind,
                entry["name"],
                world / entry["file"],
                as_of=date.fromisoformat(entry["as_of"]) if entry.get("as_of") else None,
            )
