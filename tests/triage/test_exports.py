"""Notification list and watchlist exports: right rows, no formula injection, no identifiers."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.exposure.export import neutralise

runner = CliRunner()
ENV = {"LEAKTRIAGE_KEY": "export-test-key-0123456789abcdef"}


def lt(ws: Path, *args: str) -> Any:
    return runner.invoke(app, ["--workspace", str(ws), *args], env=ENV)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        pytest.param("=1+2", "'=1+2", id="equals"),
        pytest.param("+51987", "'+51987", id="plus"),
        pytest.param("-2", "'-2", id="minus"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\tx", "'\tx", id="tab"),
        pytest.param("C123", "C123", id="plain"),
        pytest.param(7, 7, id="number"),
    ],
)
def test_neutralise(cell: Any, expected: Any) -> None:
    assert neutralise(cell) == expected


PEOPLE = [
    # customer_id, nombres, apellidos, dni, celular, email, fecha_nacimiento
    ("=HYPERLINK(\"http://x\")", "ANA", "QUISPE MAMANI", "41234567", "987111222", "a1@x.pe",
     "01/02/1980"),
    ("+C2", "LUIS", "FLORES ROJAS", "42234567", "987111333", "b2@x.pe", "02/03/1981"),
    ("-C3", "ROSA", "DIAZ TORRES", "43234567", "987111444", "c3@x.pe", "03/04/1982"),
    ("@C4", "JUAN", "CHAVEZ LOPEZ", "44234567", "987111555", "d4@x.pe", "04/05/1983"),
] + [
    (f"C{i:05d}", "MARIA", "GARCIA SANCHEZ", f"{45000000 + i:08d}", f"98720{i:04d}",
     f"m{i}@x.pe", "05/06/1984")
    for i in range(200)
]  # fmt: skip


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("exports")
    ws = root / "ws"
    assert lt(ws, "init").exit_code == 0
    ref = root / "crm.csv"
    with ref.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "nombres", "apellidos", "dni", "celular", "email",
                    "fecha_nacimiento"])  # fmt: skip
        w.writerows(PEOPLE)
    r = lt(ws, "source", "add", str(ref), "--name", "crm", "--map", "customer_id=customer_id")
    assert r.exit_code == 0, r.output
    leak = root / "leak.csv"
    with leak.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["documento", "nombre", "apellidos", "telefono", "correo", "nacimiento"])
        for p in PEOPLE[:150]:
            w.writerow([p[3], p[1], p[2], "+51 " + p[4], p[5], p[6]])
    r = lt(ws, "triage", str(leak), "--case", "exp", "--json", str(root / "out.json"))
    assert r.exit_code == 0, r.output
    return root, ws


def test_notification_list_csv(case: tuple[Path, Path]) -> None:
    root, ws = case
    out = root / "notify.csv"
    r = lt(ws, "exposure", "export", "--case", "exp", "--out", str(out))
    assert r.exit_code == 0, r.output
    doc = json.loads((root / "out.json").read_text())
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == doc["exposure"]["customers"] == 150
    ids = {row["customer_id"] for row in rows}
    assert '\'=HYPERLINK("HTTP://X")' in ids  # ids are normalized upper-case
    assert {"'+C2", "'-C3", "'@C4"} <= ids
    assert all(not c.startswith(("=", "+", "-", "@")) for row in rows for c in row.values())
    assert {row["tier"] for row in rows} == {"sim_swap"}
    assert all(row["channel"] == "email" for row in rows)
    assert all(float(row["match_confidence"]) == 1.0 for row in rows)  # every field agrees
    text = out.read_text(encoding="utf-8")
    for p in PEOPLE[:150]:
        for value in (p[3], p[4], p[5]):
            assert value not in text


def test_notification_list_parquet_and_tier_filter(case: tuple[Path, Path]) -> None:
    root, ws = case
    out = root / "notify.parquet"
    r = lt(ws, "exposure", "export", "--case", "exp", "--out", str(out), "--tier", "phishing")
    assert r.exit_code == 0, r.output
    assert pq.read_table(out).num_rows == 0
    r = lt(ws, "exposure", "export", "--case", "exp", "--out", str(out), "--tier", "sim_swap")
    assert pq.read_table(out).num_rows == 150


def test_watchlist_holds_tokens_only(case: tuple[Path, Path]) -> None:
    root, ws = case
    out = root / "watch.csv"
    r = lt(ws, "watchlist", "export", "--case", "exp", "--out", str(out))
    assert r.exit_code == 0, r.output
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 150
    assert all(len(row["line_token"]) == 32 for row in rows)
    text = out.read_text(encoding="utf-8")
    assert not any(p[4] in text for p in PEOPLE)


def test_unknown_case_exits_4(case: tuple[Path, Path]) -> None:
    root, ws = case
    r = lt(ws, "exposure", "export", "--case", "nope", "--out", str(root / "x.csv"))
    assert r.exit_code == 4
    assert not (root / "x.csv").exists()
