"""The triage path through the CLI, as an analyst runs it (DESIGN.md contract)."""

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
ENV = {"LEAKTRIAGE_KEY": "cli-triage-test-key-0123456789"}


def lt(ws: Path, *args: str) -> Any:
    return runner.invoke(app, ["--workspace", str(ws), *args], env=ENV)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("cli-triage")
    world, ws = root / "world", root / "ws"
    assert lt(ws, "synth", "world", str(world), "--customers", "2000", "--seed", "5").exit_code == 0
    manifest = json.loads((world / "world.json").read_text())
    assert lt(ws, "init").exit_code == 0
    for src in manifest["sources"]:
        r = lt(ws, "source", "add", str(world / src["file"]), "--name", src["name"],
               "--as-of", src["as_of"])  # fmt: skip
        assert r.exit_code == 0, r.output
    for corpus in manifest["corpora"]:
        r = lt(ws, "corpus", "add", str(world / corpus["file"]), "--name", corpus["name"])
        assert r.exit_code == 0, r.output
    yield world, ws, manifest


REQUIRED = {
    "input": {"path", "format", "encoding", "rows", "malformed_rows"},
    "verdict": {"label", "confidence", "reasons"},
    "attribution": {"source", "candidates", "canary_hits"},
    "snapshot": {"earliest", "latest"},
    "exposure": {"customers", "by_field", "by_tier"},
    "claims": {"claimed_records", "estimated_records", "plausible", "reasons"},
}


def test_triage_json_contract(setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    world, ws, _ = setup
    out, html = tmp_path / "out.json", tmp_path / "out.html"
    r = lt(ws, "triage", str(world / "leaks" / "genuine_crm.csv"), "--case", "dedale",
           "--claimed-records", "22000000", "--json", str(out), "--html", str(html))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "GENUINE" in r.output
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 1
    for key, fields in REQUIRED.items():
        assert fields <= set(doc[key]), key
    assert {"name", "type", "confidence"} <= set(doc["columns"][0])
    assert 0 <= doc["genuine_fraction"] <= 1
    assert isinstance(doc["matched_customers"], int)
    assert isinstance(doc["recycled_from"], list)
    assert doc["claims"]["plausible"] is False
    assert "<html" in html.read_text()


def test_canary_names_the_copy(setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    world, ws, _ = setup
    canaries = tmp_path / "canaries.csv"
    r = lt(ws, "canary", "plant", "--source", "vendor-export", "--count", "20", "--out",
           str(canaries))  # fmt: skip
    assert r.exit_code == 0, r.output
    with canaries.open(newline="", encoding="utf-8") as fh:
        planted = list(csv.DictReader(fh))
    assert len(planted) == 20
    assert len({p["dni"] for p in planted}) == 20
    # The vendor export leaks: a genuine sample with three of the canaries inside.
    leak = tmp_path / "vendor_leak.csv"
    with leak.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["dni", "nombres", "apellidos", "celular", "email"])
        for p in planted[:3]:
            w.writerow([p["dni"], p["nombres"], f"{p['apellido_paterno']} {p['apellido_materno']}",
                        p["celular"], p["email"]])  # fmt: skip
        with (world / "sources" / "crm.csv").open(newline="", encoding="utf-8") as src:
            for row, _ in zip(csv.DictReader(src), range(200), strict=False):
                w.writerow([row["dni"], row["nombres"],
                            f"{row['apellido_paterno']} {row['apellido_materno']}",
                            row["celular"], row["email"]])  # fmt: skip
    out = tmp_path / "out.json"
    r = lt(ws, "triage", str(leak), "--json", str(out))
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["attribution"]["canary_hits"] == [{"source": "vendor-export", "count": 3}]
    assert doc["attribution"]["source"] == "vendor-export"
    assert "canary" in doc["verdict"]["reasons"][0]


def test_capture_recapture_over_two_samples(
    setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    world, ws, _ = setup
    with (world / "sources" / "crm.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # Two samples of 600 drawn from the same 1,200 customers, 300 in common.
    pop = rows[:1200]
    parts = [pop[:600], pop[300:900]]
    for i, part in enumerate(parts):
        path = tmp_path / f"sample{i}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(part)
        out = tmp_path / f"s{i}.json"
        r = lt(ws, "triage", str(path), "--case", "cr-test", "--json", str(out))
        assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    est = doc["claims"]["estimated_records"]
    # Chapman: (601 * 601) / 301 - 1 = 1199
    assert est == 1199
    assert any("capture-recapture" in r for r in doc["claims"]["reasons"])


def test_no_identifier_column_is_inconclusive(
    setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    _, ws, _ = setup
    leak = tmp_path / "cities.csv"
    leak.write_text("ciudad,plan\n" + "".join(f"LIMA,PREPAGO {i % 3}\n" for i in range(50)))
    out = tmp_path / "out.json"
    r = lt(ws, "triage", str(leak), "--json", str(out))
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["verdict"]["label"] == "inconclusive"
    assert "no identifier column" in doc["verdict"]["reasons"][0]


@pytest.mark.parametrize(
    "content",
    [pytest.param(b"", id="empty"), pytest.param(b"dni,nombre\n", id="header-only")],
)
def test_empty_leak_is_rejected_with_3(
    setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path, content: bytes
) -> None:
    _, ws, _ = setup
    leak = tmp_path / "empty.csv"
    leak.write_bytes(content)
    out = tmp_path / "out.json"
    r = lt(ws, "triage", str(leak), "--json", str(out))
    assert r.exit_code == 3
    assert "empty" in r.output
    assert not out.exists()


def test_names_only_leak_is_judged_by_linkage(
    setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    """No identifier at all: names, birth dates and addresses link to customers (splink)."""
    world, ws, _ = setup
    leak = tmp_path / "names_only.csv"
    with (
        (world / "sources" / "crm.csv").open(newline="", encoding="utf-8") as src,
        leak.open("w", newline="", encoding="utf-8") as fh,
    ):
        w = csv.writer(fh)
        w.writerow(["nombres", "apellidos", "fecha_nacimiento", "direccion"])
        for row, _ in zip(csv.DictReader(src), range(300), strict=False):
            w.writerow([row["nombres"], f"{row['apellido_paterno']} {row['apellido_materno']}",
                        row["fecha_nacimiento"], row["direccion"]])  # fmt: skip
    out = tmp_path / "out.json"
    r = lt(ws, "triage", str(leak), "--json", str(out))
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["verdict"]["label"] == "genuine", doc["verdict"]["reasons"]
    assert doc["genuine_fraction"] >= 0.9
    assert doc["attribution"]["source"] == "crm"
    assert doc["evidence"]["linkage"]["ran"] is True


def test_obligations_follow_discovery_and_jurisdictions(
    setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    world, ws, _ = setup
    out = tmp_path / "out.json"
    r = lt(ws, "triage", str(world / "leaks" / "genuine_hss.jsonl"), "--json", str(out),
           "--discovered-at", "2026-11-25T09:00:00-05:00", "--jurisdiction", "PE",
           "--jurisdiction", "US-FCC")  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    owed = {o["jurisdiction"]: o for o in doc["obligations"]}
    assert owed["PE"]["deadline"] == "2026-11-27T09:00:00-05:00"
    assert "ki" in owed["PE"]["triggered_by"]
    # FCC: 7 business days, Thanksgiving (Nov 26) skipped, only from 500 exposed customers
    exposed = doc["exposure"]["customers"]
    if exposed >= 500:
        assert owed["US-FCC"]["deadline"] == "2026-12-07T23:59:59-05:00"
    else:
        assert "US-FCC" not in owed
    assert "nearest deadline" in r.output


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--jurisdiction", "XX"], id="unknown-jurisdiction"),
        pytest.param(["--discovered-at", "yesterday"], id="bad-date"),
        pytest.param(["--discovered-at", "2026-11-25T09:00"], id="no-offset"),
    ],
)
def test_bad_triage_options_exit_2(
    setup: tuple[Path, Path, dict[str, Any]], args: list[str]
) -> None:
    world, ws, _ = setup
    r = lt(ws, "triage", str(world / "leaks" / "genuine_crm.csv"), *args)
    assert r.exit_code == 2


def test_outputs_hold_no_plaintext_identifier(
    setup: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Plant the leak's own values and search the JSON and the HTML report for them."""
    world, ws, _ = setup
    leak = world / "leaks" / "genuine_crm.csv"
    out, html = tmp_path / "out.json", tmp_path / "out.html"
    r = lt(ws, "triage", str(leak), "--case", "plain", "--json", str(out), "--html", str(html))
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["examples"], "the report shows masked examples"
    text = out.read_text(encoding="utf-8") + html.read_text(encoding="utf-8")
    with leak.open(newline="", encoding="cp1252") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, rows = rows[0], rows[1:]
    checked = 0
    for row in rows[:200]:
        for name, value in zip(header, row, strict=True):
            kind = next(c["type"] for c in doc["columns"] if c["name"] == name)
            if kind in ("national_id", "msisdn", "email", "customer_id") and value:
                assert value not in text, (name, kind)
                checked += 1
            if kind in ("given_name", "surname") and len(value) > 3:
                assert f">{value}<" not in text
    assert checked > 300
