"""``source add`` end to end: what was read, hostile inputs, atomic replacement, no plaintext."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from leaktriage.cli import app

runner = CliRunner()
ENV = {"LEAKTRIAGE_KEY": "source-test-key-0123456789abcdef"}


def lt(ws: Path, *args: str) -> Any:
    return runner.invoke(app, ["--workspace", str(ws), *args], env=ENV)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("src-world")
    r = lt(root / "unused", "synth", "world", str(root), "--customers", "600", "--seed", "3")
    assert r.exit_code == 0, r.output
    yield root, json.loads((root / "world.json").read_text())


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    assert lt(path, "init").exit_code == 0
    return path


def test_source_add_json_has_contract_shapes(
    world: tuple[Path, dict[str, Any]], ws: Path, tmp_path: Path
) -> None:
    root, manifest = world
    out = tmp_path / "crm.json"
    r = lt(ws, "source", "add", str(root / "sources" / "crm.csv"), "--name", "crm",
           "--as-of", "2025-06-30", "--json", str(out))  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert set(doc) == {"input", "columns"}
    assert {"path", "format", "encoding", "rows", "malformed_rows"} <= set(doc["input"])
    crm = next(s for s in manifest["sources"] if s["name"] == "crm")
    assert doc["input"]["rows"] == crm["rows"]
    assert {c["name"]: c["type"] for c in doc["columns"]} == crm["columns"]
    for col in doc["columns"]:
        assert 0 <= col["confidence"] <= 1
    assert next(c for c in doc["columns"] if c["type"] == "national_id")["scheme"] == "pe.dni"


def test_workspace_holds_no_plaintext_identifier(
    world: tuple[Path, dict[str, Any]], ws: Path
) -> None:
    root, _ = world
    for src in ("crm", "hss"):
        r = lt(ws, "source", "add", str(root / "sources" / f"{src}.csv"), "--name", src)
        assert r.exit_code == 0, r.output
    raw = b"".join(p.read_bytes() for p in ws.rglob("*") if p.is_file())
    planted = []
    for src, cols in (("crm", ("dni", "celular", "email")), ("hss", ("imsi", "iccid", "ki"))):
        with (root / "sources" / f"{src}.csv").open(newline="", encoding="utf-8") as fh:
            for row, _ in zip(csv.DictReader(fh), range(50), strict=False):
                planted += [row[c] for c in cols]
    assert planted
    leaked = [v for v in planted if v.encode() in raw]
    assert leaked == []


@pytest.mark.parametrize(
    ("hostile", "code", "message"),
    [
        # 1 GiB of zeros: refused as junk from its first 256 KiB, before the ratio is judged
        pytest.param("bomb.csv.gz", 3, "", id="gzip-bomb"),
        pytest.param("bomb.zip", 3, "", id="zip-bomb"),
        pytest.param("junk.bin", 3, "", id="binary-junk"),
        pytest.param("empty.csv", 3, "empty", id="empty"),
    ],
)
def test_hostile_inputs_are_refused_and_nothing_is_written(
    world: tuple[Path, dict[str, Any]], ws: Path, hostile: str, code: int, message: str
) -> None:
    root, _ = world
    r = lt(ws, "source", "add", str(root / "hostile" / hostile), "--name", "bad")
    assert r.exit_code == code, r.output
    assert message in r.output
    assert len(r.output.strip().splitlines()) == 1
    listing = lt(ws, "source", "list")
    assert "no sources yet" in listing.output


def test_on_error_fail_keeps_previous_source(
    world: tuple[Path, dict[str, Any]], ws: Path, tmp_path: Path
) -> None:
    root, _ = world
    r = lt(ws, "source", "add", str(root / "sources" / "billing.csv"), "--name", "billing")
    assert r.exit_code == 0
    bad = tmp_path / "billing_bad.csv"
    lines = (root / "sources" / "billing.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(5, lines[5] + ',"EXTRA-FIELD-VALUE"')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = lt(ws, "source", "add", str(bad), "--name", "billing", "--on-error", "fail")
    assert r.exit_code == 3
    assert "line 6" in r.output
    assert "EXTRA-FIELD-VALUE" not in r.output
    listing = lt(ws, "source", "list")
    assert f"{len(lines) - 2:,}" in listing.output  # the previous registration stands
    r = lt(ws, "source", "add", str(bad), "--name", "billing2", "--json", str(tmp_path / "b.json"))
    assert r.exit_code == 0
    doc = json.loads((tmp_path / "b.json").read_text())
    assert doc["input"]["malformed_rows"] == 1


def test_configured_limits_refuse_with_3(
    world: tuple[Path, dict[str, Any]], ws: Path, tmp_path: Path
) -> None:
    import gzip

    root, _ = world

    def add(path: Path, *limit: str) -> Any:
        args = ["--workspace", str(ws), *limit, "source", "add", str(path), "--name", "big"]
        return runner.invoke(app, args, env=ENV)

    r = add(root / "sources" / "crm.csv", "--max-input-bytes", "2000")
    assert r.exit_code == 3, r.output
    packed = tmp_path / "repetitive.csv.gz"
    rows = "".join(f"{40000000 + i % 7},JUAN QUISPE,98700000{i % 7}\n" for i in range(200_000))
    packed.write_bytes(gzip.compress(("dni,nombre,celular\n" + rows).encode()))
    r = add(packed, "--max-ratio", "10")
    assert r.exit_code == 3, r.output
    assert "ratio" in r.output
    assert "no sources yet" in lt(ws, "source", "list").output
    r = add(packed, "--max-ratio", "100000")
    assert r.exit_code == 0, r.output
