"""Custody after a divestiture: a leak of a sold unit's customers came from the seller's
retained archive (nothing newer than the sale) or from the buyer's system after it.

The world's ``custody/`` files: the unit's archive (registered with ``--divested-on`` and
``--buyer``), a sample of it, and a copy of the buyer's system 55 days after the sale (new
customers, the buyer's plans). They live in a workspace of their own, beside the operator's
CRM and HSS, so that the world's other scenarios keep the sources they were written for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace

runner = CliRunner()


@pytest.fixture(scope="module")
def custody_ws(
    world: tuple[Path, dict[str, Any], Workspace], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, Any], Workspace]]:
    root, manifest, _ = world
    ws, _ = Workspace.init(tmp_path_factory.mktemp("custody") / "ws")
    for entry in manifest["sources"]:
        if entry["name"] in ("crm", "hss"):
            ws.add_file(
                "source",
                entry["name"],
                root / entry["file"],
                as_of=date.fromisoformat(entry["as_of"]),
            )
    src = manifest["custody"]["source"]
    ws.add_file(
        "source",
        src["name"],
        root / src["file"],
        as_of=date.fromisoformat(src["as_of"]),
        divested_on=date.fromisoformat(src["divested_on"]),
        buyer=src["buyer"],
    )
    yield root, manifest, ws
    ws.close()


@pytest.mark.parametrize("scenario", ["custody_seller", "custody_buyer"])
def test_custody(custody_ws: tuple[Path, dict[str, Any], Workspace], scenario: str) -> None:
    root, manifest, ws = custody_ws
    truth = next(s for s in manifest["custody"]["scenarios"] if s["name"] == scenario)
    result = run_triage(ws, root / truth["file"])

    assert result["verdict"]["label"] == truth["label"]
    assert abs(result["genuine_fraction"] - truth["genuine_fraction"]) <= 0.05
    assert result["attribution"]["source"] == truth["source"]
    custody = result["custody"]
    assert custody["holder"] == truth["custody"]["holder"]
    assert custody["divested_on"] == manifest["custody"]["source"]["divested_on"]
    assert custody["buyer"] == manifest["custody"]["source"]["buyer"]
    assert custody["reasons"] and all(isinstance(r, str) for r in custody["reasons"])
    assert any(r in result["verdict"]["reasons"] for r in custody["reasons"])
    # the copy's date: the sale for the seller's archive; for the buyer's system, on or
    # after the latest date the leak holds and no later than the truth
    as_of = date.fromisoformat(custody["as_of"])
    true_as_of = date.fromisoformat(truth["custody"]["as_of"])
    if truth["custody"]["holder"] == "seller":
        assert as_of <= true_as_of
    else:
        assert date.fromisoformat(manifest["custody"]["source"]["divested_on"]) < as_of
        assert as_of <= true_as_of
    snap = result["snapshot"]
    snapshot_day = date.fromisoformat(truth["snapshot_date"])
    assert snap["earliest"] is None or date.fromisoformat(snap["earliest"]) <= snapshot_day
    assert snap["latest"] is None or snapshot_day <= date.fromisoformat(snap["latest"])
    # every genuine record is a customer of the archive with DNI and line: sim_swap
    rows = pq.read_table(root / "truth" / f"{scenario}.parquet").to_pylist()
    genuine = {r["customer_id"] for r in rows if r["is_genuine"]}
    assert result["exposure"]["by_tier"] == {"sim_swap": len(genuine)}


def test_no_custody_without_divestiture(
    custody_ws: tuple[Path, dict[str, Any], Workspace],
) -> None:
    """A leak of a source that was never sold carries ``custody: null``."""
    root, manifest, ws = custody_ws
    crm = next(s for s in manifest["scenarios"] if s["name"] == "genuine_crm")
    result = run_triage(ws, root / crm["file"])
    assert result["attribution"]["source"] == "crm"
    assert result["custody"] is None


def test_cli_divested_source(tmp_path: Path, world: tuple[Path, dict[str, Any], Workspace]) -> None:
    """``source add --divested-on --buyer`` is kept in the catalogue, shown by ``source list``,
    and triage reports custody in its JSON."""
    root, manifest, _ = world
    src = manifest["custody"]["source"]
    ws = tmp_path / "ws"

    def cli(*args: str) -> Any:
        return runner.invoke(app, ["--workspace", str(ws), *args], env={})

    assert cli("init").exit_code == 0
    assert (
        cli("source", "add", str(root / src["file"]), "--name", "unit", "--buyer", "X").exit_code
        == 2
    )
    added = cli(
        "source", "add", str(root / src["file"]), "--name", "unit", "--as-of", src["as_of"],
        "--divested-on", src["divested_on"], "--buyer", src["buyer"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = cli("source", "list")
    assert src["divested_on"] in listed.output and "Integra" in listed.output
    leak = next(s for s in manifest["custody"]["scenarios"] if s["name"] == "custody_buyer")
    out = tmp_path / "out.json"
    done = cli("triage", str(root / leak["file"]), "--json", str(out))
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text())["custody"]["holder"] == "buyer"
