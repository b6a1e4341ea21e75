"""Another operator's customer list that shares people with us (issue 12, item 3).

In Peru many people hold lines with two operators: another operator's list of its customers
(their codes, their plans, their numbers) holds the national IDs, names and birth dates of some
of ours. It is not our data: ``unrelated``, no source, and what is exposed of the people we
share is their identity, never a line of ours. A copy of our own CRM whose phone numbers are
partly stale stays genuine.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from leaktriage.exposure.customers import PRECAUTIONARY
from leaktriage.synth._hard_ops import OTHER_PLANS
from leaktriage.synth.truth import truth_exposure
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace

OPERATOR_TYPES = {"msisdn", "phone", "customer_id", "plan", "imsi", "iccid", "imei", "status"}


def _entry(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in manifest["scenarios"] if s["name"] == name)


def test_other_operator_list_is_unrelated(world: tuple[Path, dict[str, Any], Workspace]) -> None:
    root, manifest, ws = world
    entry = _entry(manifest, "other_operator")
    result = run_triage(ws, root / entry["file"], claimed_records=22_000_000)

    reasons = result["verdict"]["reasons"]
    assert result["verdict"]["label"] == entry["label"] == "unrelated", reasons
    assert abs(result["genuine_fraction"] - entry["genuine_fraction"]) <= 0.05
    assert result["attribution"]["source"] is entry["source"] is None
    # the reason says how many of our customers are in it, and that none of their lines are
    shared = entry["our_customers"]
    assert re.search(rf"\b{shared:,} of our customers appear in it", reasons[0]), reasons[0]
    assert "none of their lines with us" in reasons[0]
    assert f"0 of {shared:,} phone numbers" in reasons[0]

    # exposure: their identity only, by the truth; never a line of ours
    by_field, by_tier = truth_exposure(root, entry, identity=True)
    exposure = result["exposure"]
    assert exposure["by_tier"] == by_tier
    assert exposure["by_field"] == by_field
    assert exposure["customers"] == result["matched_customers"] == sum(by_tier.values()) == shared
    assert "sim_swap" not in exposure["by_tier"]
    assert not set(exposure["by_field"]) & OPERATOR_TYPES
    assert exposure["scope"] == "identity"
    assert all(text.startswith(PRECAUTIONARY) for text in exposure["remediation"].values())
    # per customer too: what the notification list and the watchlist are made from
    listed = ws.engine.fetch_rows("select tier, fields, remediation from exposed_customers")
    assert len(listed) == shared
    for tier, fields, remediation in listed:
        assert tier != "sim_swap" and not set(fields) & OPERATOR_TYPES
        assert remediation.startswith(PRECAUTIONARY)


def _rewrite_crm_leak(src: Path, dst: Path, column: str, every: int, value: Any) -> int:
    """The ``genuine_crm`` leak with ``column`` of every ``every``-th row replaced."""
    text = src.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    at = header.index(column)
    changed = 0
    for i, row in enumerate(body):
        if i % every == 0:
            row[at] = value(i)
            changed += 1
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([header, *body])
    dst.write_bytes(out.getvalue().encode("cp1252"))
    return changed


@pytest.mark.parametrize(
    ("column", "every", "value"),
    [
        # a few stale numbers (since churned or changed): another operator's numbers now
        pytest.param("TELEFONO_MOVIL", 7, lambda i: f"91{i:07d}", id="stale-phones"),
        # every phone a contact number elsewhere, but the customer codes and plans are ours
        pytest.param("TELEFONO_MOVIL", 1, lambda i: f"92{i:07d}", id="contact-phones"),
        # plans renamed since the copy, or typed by hand
        pytest.param("PLAN_TARIFARIO", 5, lambda i: OTHER_PLANS[i % len(OTHER_PLANS)],
                     id="renamed-plans"),
    ],
)  # fmt: skip
def test_our_crm_with_misses_stays_genuine(
    world: tuple[Path, dict[str, Any], Workspace],
    tmp_path: Path,
    column: str,
    every: int,
    value: Any,
) -> None:
    """The rule is systematic failure of every field of ours, not a few misses."""
    root, manifest, ws = world
    entry = _entry(manifest, "genuine_crm")
    path = tmp_path / "genuine_crm_misses.csv"
    changed = _rewrite_crm_leak(root / entry["file"], path, column, every, value)
    assert changed
    result = run_triage(ws, path)
    assert result["verdict"]["label"] == "genuine", result["verdict"]["reasons"]
    assert result["attribution"]["source"] == "crm"
    assert result["genuine_fraction"] >= 0.9
    assert result["exposure"]["scope"] == "line"
    assert result["exposure"]["customers"] >= 0.9 * result["input"]["rows"]
