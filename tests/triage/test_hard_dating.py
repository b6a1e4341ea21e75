"""Dating from copies (issue 12, item 5): a source's as-of date bounds a leak attributed to it
from above, the closures a copy records bound it from below, in any header language, and the
basis sentence names what bounded each side."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace

LEGACY_AS_OF = "2019-12-31"


def _scenario(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in manifest["scenarios"] if s["name"] == name)


def _rewrite(src: Path, dst: Path, header: dict[str, str], edit: Any = None) -> None:
    """Copy a ';' cp1252 leak with renamed columns (and rows changed by ``edit``)."""
    with src.open(encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    rows[0] = [header.get(c, c) for c in rows[0]]
    if edit is not None:
        edit(rows)
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)


def test_decommissioned_copy(world: tuple[Path, dict[str, Any], Workspace]) -> None:
    root, manifest, ws = world
    truth = _scenario(manifest, "decommissioned_copy")
    result = run_triage(ws, root / truth["file"], claimed_records=22_000_000)
    assert result["verdict"]["label"] == "genuine", result["verdict"]["reasons"]
    assert abs(result["genuine_fraction"] - truth["genuine_fraction"]) <= 0.05
    assert result["attribution"]["source"] == "legacy_billing"
    snap = result["snapshot"]
    # closed above by the copy's as-of date, below by the last closure the copy records
    assert snap["latest"] == LEGACY_AS_OF == truth["snapshot_date"]
    assert snap["earliest"] == truth["last_closure"]
    assert snap["earliest"] <= truth["snapshot_date"]
    assert f"latest closure the copy records ({truth['last_closure']})" in snap["basis"]
    assert f"as-of date {LEGACY_AS_OF} (source legacy_billing)" in snap["basis"]
    assert any("legacy_billing" in r and LEGACY_AS_OF in r for r in result["verdict"]["reasons"])
    # exposure per customer as the truth has it: a line with its national ID
    rows = pq.read_table(root / "truth" / "decommissioned_copy.parquet").to_pylist()
    customers = {r["customer_id"] for r in rows if r["is_genuine"] and r["customer_id"]}
    assert result["exposure"]["by_tier"] == {"sim_swap": len(customers)}
    assert result["exposure"]["customers"] == len(customers)


@pytest.mark.parametrize(
    "header",
    ["fecha_baja", "해지일", "termination_date", "deactivation_date", "churn_date",
     "dt_cancelamento", "fecha_de_baja"],
)  # fmt: skip
def test_closures_in_any_header_language(
    world: tuple[Path, dict[str, Any], Workspace], tmp_path: Path, header: str
) -> None:
    root, manifest, ws = world
    truth = _scenario(manifest, "decommissioned_copy")
    leak = tmp_path / "copy.csv"
    _rewrite(root / truth["file"], leak, {"FECHA_BAJA": header})
    result = run_triage(ws, leak)
    closure = next(c for c in result["columns"] if c["name"] == header)
    assert (closure["type"], closure.get("role")) == ("date", "churn")
    assert result["snapshot"]["earliest"] == truth["last_closure"]
    assert result["snapshot"]["latest"] == LEGACY_AS_OF


def test_a_planned_closure_after_the_as_of_date_does_not_date_the_copy(
    world: tuple[Path, dict[str, Any], Workspace], tmp_path: Path
) -> None:
    """A date after the source's as-of date is a plan (a contract's end), not an event the
    copy saw: it moves neither side of the window."""
    root, manifest, ws = world
    truth = _scenario(manifest, "decommissioned_copy")
    leak = tmp_path / "planned.csv"

    def plan(rows: list[list[str]]) -> None:
        col = rows[0].index("FECHA_BAJA")
        rows[1][col] = "20300101"

    _rewrite(root / truth["file"], leak, {}, plan)
    snap = run_triage(ws, leak)["snapshot"]
    assert snap["latest"] == LEGACY_AS_OF
    assert snap["earliest"] is not None and snap["earliest"] <= LEGACY_AS_OF


def test_legacy_leak_bounded_by_the_as_of_date(
    world: tuple[Path, dict[str, Any], Workspace],
) -> None:
    """The legacy billing leak with no closures of its own: the source's as-of date is tighter
    than the first churn after it."""
    root, manifest, ws = world
    truth = _scenario(manifest, "genuine_legacy")
    snap = run_triage(ws, root / truth["file"])["snapshot"]
    assert snap["latest"] == LEGACY_AS_OF
    assert snap["earliest"] <= truth["snapshot_date"]
    assert "latest activation among them" in snap["basis"]
    assert f"as-of date {LEGACY_AS_OF} (source legacy_billing)" in snap["basis"]


def test_snapshot_basis_names_the_churn_bound(
    world: tuple[Path, dict[str, Any], Workspace],
) -> None:
    """A CRM snapshot of active customers: bounded above by the first churn among them."""
    root, manifest, ws = world
    truth = _scenario(manifest, "genuine_crm")
    snap = run_triage(ws, root / truth["file"])["snapshot"]
    assert snap["earliest"] <= truth["snapshot_date"] <= snap["latest"]
    assert "before the earliest churn among them (" in snap["basis"]
