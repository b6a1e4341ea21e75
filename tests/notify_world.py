"""Shared by tests/notify and tests/service: a small synthetic operator and two cases triaged
from its leaks (``--case``), for the notification drafts; and the identifiers of the exposed
people, planted to be searched for in every draft and notice.

* ``crm-case``: the genuine CRM leak (300 customers: MSISDN, DNI, names, e-mail, customer id),
  claimed at 22 million records;
* ``two-samples``: the genuine CRM leak, then the genuine HSS dump (IMSI, Ki/OPc) of the same
  operator: the case counts people once across the two, SIM secrets among them.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import log_watch
from leaktriage.synth import generate_world
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace
from synthetic import register_world

#: When the leak was discovered in these tests (Lima time): starts every clock.
DISCOVERED = datetime.fromisoformat("2026-11-25T09:00:00-05:00")
#: The types whose values are identifiers of a person, planted and searched for.
_PLANT = {
    "national_id",
    "msisdn",
    "email",
    "customer_id",
    "full_name",
    "imsi",
    "iccid",
    "imei",
    "ki",
    "opc",
}


@dataclass
class NotifyWorld:
    """The world, its workspace, the cases' triage results and the planted identifiers."""

    root: Path
    world: Path
    manifest: dict[str, Any]
    ws: Workspace
    results: dict[str, dict[str, Any]]
    planted: set[str]

    def scenario_file(self, name: str) -> Path:
        return self.world / next(s for s in self.manifest["scenarios"] if s["name"] == name)["file"]


def _identifiers(path: Path, columns: dict[str, str], delimiter: str | None) -> set[str]:
    """Identifier values of a CSV file (names: the full name and each given/surname part)."""
    values: set[str] = set()
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        dialect = delimiter or csv.Sniffer().sniff(sample, delimiters=",;|\t").delimiter
        for row in csv.DictReader(fh, delimiter=dialect):
            for column, kind in columns.items():
                value = (row.get(column) or "").strip()
                if kind in _PLANT or (kind in ("given_name", "surname") and len(value) >= 8):
                    if len(value) >= 6:
                        values.add(value)
    return values


def build_notify_world(root: Path) -> NotifyWorld:
    """Generate the world under ``root``, register it, triage the two cases, plant."""
    world = root / "world"
    manifest = generate_world(world, customers=2000, seed=5)
    log_watch.plant_world(world, manifest)
    ws, _ = Workspace.init(root / "ws")
    register_world(ws, world, manifest)
    by_name = {s["name"]: s for s in manifest["scenarios"]}
    crm = by_name["genuine_crm"]
    hss = by_name["genuine_hss"]
    results = {
        "crm-case": run_triage(
            ws,
            world / crm["file"],
            case="crm-case",
            claimed_records=22_000_000,
            discovered_at=DISCOVERED,
        ),
    }
    run_triage(ws, world / crm["file"], case="two-samples", discovered_at=DISCOVERED)
    results["two-samples"] = run_triage(
        ws, world / hss["file"], case="two-samples", discovered_at=DISCOVERED
    )
    planted = _identifiers(world / crm["file"], crm["columns"], None)
    source = next(s for s in manifest["sources"] if s["name"] == "crm")
    planted |= _identifiers(world / source["file"], source["columns"], source.get("delimiter"))
    with (world / hss["file"]).open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            for group in record.values():
                if isinstance(group, dict):
                    planted |= {str(v) for v in group.values() if len(str(v)) >= 8}
    log_watch.plant(planted)
    return NotifyWorld(root, world, manifest, ws, results, planted)
