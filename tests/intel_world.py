"""Helpers of the CSIRT export tests (tests/intel; the fixture is in its conftest.py): the CLI
runner, the case names, and the identifiers of the people in the samples, read from the world's
files."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.workspace import Workspace

ENV = {"LEAKTRIAGE_KEY": "intel-export-test-key-0123456789"}
CASE, FAKE = "csirt", "csirt-fake"
DISCOVERED = "2026-11-25T09:00:00-05:00"
runner = CliRunner()


def lt(ws: Path, *args: str) -> Any:
    """Run the CLI on ``ws``."""
    return runner.invoke(app, ["--workspace", str(ws), *args], env=ENV)


@dataclass
class IntelCase:
    """The world, the workspace (closed between uses) and what the tests look for."""

    world: Path
    ws: Path
    manifest: dict[str, Any]
    samples: list[Path]
    #: identifiers of the people in the samples (ids, DNIs, MSISDNs, e-mails, names, SIM keys)
    planted: list[str]

    def sha256(self, path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def open(self) -> Workspace:
        return Workspace.open(self.ws, env_key=ENV["LEAKTRIAGE_KEY"])


def planted_identifiers(world: Path, manifest: dict[str, Any]) -> list[str]:
    """Every identifier of the people in the samples, from the world's own files."""
    values: set[str] = set()
    exposed = {
        r["customer_id"]
        for r in pq.read_table(world / "truth" / "genuine_crm.parquet").to_pylist()
        if r["is_genuine"]
    }
    with (world / "sources" / "crm.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["customer_id"] in exposed:
                values |= {row["customer_id"], row["dni"], row["celular"], row["email"]}
                values.add("51" + row["celular"].lstrip("+").removeprefix("51"))
                values.add(f"{row['nombres']} {row['apellido_paterno']}")
    scenarios = {s["name"]: s for s in manifest["scenarios"]}
    for name in ("genuine_crm", "sim_keys_only", "fabricated"):
        entry = scenarios[name]
        wanted = [
            c
            for c, t in entry["columns"].items()
            if t in {"national_id", "msisdn", "email", "customer_id", "imsi", "ki", "opc"}
        ]
        with (world / entry["file"]).open(encoding=entry.get("encoding") or "utf-8") as fh:
            for row in csv.DictReader(fh, delimiter=entry.get("delimiter") or ","):
                values |= {row[c] for c in wanted if row.get(c)}
    return sorted(v for v in values if len(v) >= 6)


def assert_no_identifier(text: str, planted: list[str]) -> None:
    """Fail on any planted identifier (case-insensitive) or masked example value."""
    assert len(planted) > 1000  # the search is over real data, not an empty list
    pattern = re.compile("|".join(re.escape(v) for v in planted), re.IGNORECASE)
    hits = sorted({m.group(0) for m in pattern.finditer(text)})
    assert not hits, f"{len(hits)} identifiers in the export"
    assert "***" not in text  # a masked example record
