"""Line history in the synthetic world: churned customers' numbers reassigned to later ones.

The reassignment draws from a generator of its own, so the world is the same as without it
except for the recipients' numbers; each reassigned number is held by one customer at a time,
after a quarantine, and the systems that hold active lines only (HSS, billing) hold the
current holder.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from leaktriage.synth import _operator, generate_world

World = tuple[Path, dict[str, Any]]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _day(text: str) -> date:
    d, m, y = text.split("/")
    return date(int(y), int(m), int(d))


def test_reassigned_numbers_have_one_holder_at_a_time(world: World) -> None:
    root, _ = world
    crm = _rows(root / "sources" / "crm.csv")
    by_number: dict[str, list[dict[str, str]]] = {}
    for r in crm:
        by_number.setdefault(r["celular"], []).append(r)
    shared = [rows for rows in by_number.values() if len(rows) > 1]
    churned = sum(1 for r in crm if r["fecha_baja"])
    # a realistic share of churned numbers is in service again
    assert 0.25 * churned <= len(shared) <= 0.6 * churned
    assert all(len(rows) == 2 for rows in shared)
    hss = {r["msisdn"][2:]: r for r in _rows(root / "sources" / "hss.csv")}
    billing = {r["msisdn"].replace("+51", "").replace(" ", ""): r
               for r in _rows(root / "sources" / "billing.csv")}  # fmt: skip
    for former, current in (sorted(rows, key=lambda r: _day(r["fecha_activacion"]))
                            for rows in shared):  # fmt: skip
        assert former["estado"] == "BAJA" and former["fecha_baja"]
        assert current["estado"] != "BAJA" and not current["fecha_baja"]
        quarantine = (_day(current["fecha_activacion"]) - _day(former["fecha_baja"])).days
        assert quarantine >= _operator.QUARANTINE_DAYS
        assert former["dni"] != current["dni"]
        # the systems of active lines hold the current holder
        assert current["celular"] in hss
        assert billing[current["celular"]]["customer_id"] == current["customer_id"]


def test_reassignment_changes_nothing_but_the_recipients_numbers(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, manifest = world
    monkeypatch.setattr(_operator, "REASSIGNED_SHARE", 0.0)
    generate_world(tmp_path / "plain", customers=manifest["customers"], seed=manifest["seed"])
    with_history = _rows(root / "sources" / "crm.csv")
    plain = _rows(tmp_path / "plain" / "sources" / "crm.csv")
    assert len(plain) == len(with_history)
    numbers = {r["celular"] for r in with_history}
    changed = 0
    for a, b in zip(with_history, plain, strict=True):
        assert {k: v for k, v in a.items() if k != "celular"} == {
            k: v for k, v in b.items() if k != "celular"
        }
        if a["celular"] != b["celular"]:
            changed += 1
            assert not a["fecha_baja"]  # only current holders received a number
    assert changed == len(with_history) - len(numbers)
    # the recipients' own numbers left the world; nothing else did
    assert {r["celular"] for r in plain} - numbers
