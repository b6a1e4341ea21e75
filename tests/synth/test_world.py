"""The synthetic world: determinism, identifier validity, distributions, manifest contract."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from stdnum import luhn

import leaktriage.synth
from leaktriage.synth import generate_world
from leaktriage.vocab import COLUMN_TYPES, ID_SCHEMES

World = tuple[Path, dict[str, Any]]


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _csv(path: Path, delimiter: str = ",", encoding: str = "utf8") -> pa.Table:
    """A delimited file with every column read as text."""
    with path.open(encoding=encoding) as fh:
        names = next(csv.reader(fh, delimiter=delimiter))
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )


def _source(world: World, name: str) -> pa.Table:
    return _csv(world[0] / "sources" / f"{name}.csv")


def _scenario(world: World, name: str) -> dict[str, Any]:
    return next(s for s in world[1]["scenarios"] if s["name"] == name)


def test_public_surface() -> None:
    assert leaktriage.synth.__all__ == ["generate_world"]


def test_same_seed_same_bytes(world: World, tmp_path: Path) -> None:
    root, manifest = world
    again = generate_world(tmp_path / "again", customers=2_000, seed=7)
    assert again == manifest
    assert _digest(tmp_path / "again") == _digest(root)


def test_other_seed_other_world(world: World, tmp_path: Path) -> None:
    generate_world(tmp_path / "other", customers=2_000, seed=8)
    a, b = _digest(world[0]), _digest(tmp_path / "other")
    assert a["sources/crm.csv"] != b["sources/crm.csv"]


def test_manifest_is_written_and_complete(world: World) -> None:
    root, manifest = world
    assert json.loads((root / "world.json").read_text("utf-8")) == manifest
    assert manifest["generated_by"] == "leaktriage.synth"
    assert manifest["operator"]["mcc"] == "716" and manifest["operator"]["mnc"] == "06"
    assert {s["name"] for s in manifest["sources"]} == {"crm", "billing", "hss", "legacy_billing"}
    labels = {s["label"] for s in manifest["scenarios"]}
    assert labels == {"genuine", "recycled", "fabricated", "mixed", "unrelated"}
    for entry in manifest["sources"] + manifest["corpora"] + manifest["scenarios"]:
        assert set(entry["columns"].values()) <= set(COLUMN_TYPES), entry["name"]
        assert entry["national_id_scheme"] in ID_SCHEMES
    keys = {
        "name", "file", "format", "compression", "label", "source", "snapshot_date",
        "genuine_fraction", "recycled_from", "rows", "columns", "national_id_scheme", "notes",
    }  # fmt: skip
    for s in manifest["scenarios"]:
        assert keys <= set(s), s["name"]
        assert (root / s["file"]).is_file()


def test_identifiers_unique(world: World) -> None:
    crm, hss = _source(world, "crm"), _source(world, "hss")
    assert crm.num_rows == world[1]["customers"]
    for table, col in [(crm, "dni"), (crm, "email"), (crm, "customer_id"), (hss, "imsi"),
                       (hss, "iccid"), (hss, "msisdn")]:  # fmt: skip
        values = table.column(col).to_pylist()
        assert len(set(values)) == len(values), col
    # numbers are reassigned after churn: one current holder per number, never two at a time
    live = [c for c, s in zip(*(crm.column(k).to_pylist() for k in ("celular", "estado")),
                              strict=True) if s != "BAJA"]  # fmt: skip
    assert len(set(live)) == len(live)


def test_identifier_formats(world: World) -> None:
    import phonenumbers

    crm, hss = _source(world, "crm"), _source(world, "hss")
    for dni in crm.column("dni").to_pylist():
        assert len(dni) == 8 and dni.isdigit()
    for number in crm.column("celular").to_pylist()[:300]:
        parsed = phonenumbers.parse("+51" + number)
        assert phonenumbers.is_valid_number(parsed), number
    for imsi, iccid, imei, ki in zip(
        *(hss.column(c).to_pylist() for c in ("imsi", "iccid", "imei", "ki")), strict=True
    ):
        assert len(imsi) == 15 and imsi.startswith("71606")
        assert len(iccid) == 19 and iccid.startswith("895106") and luhn.is_valid(iccid)
        assert len(imei) == 15 and luhn.is_valid(imei)
        assert len(ki) == 32 and int(ki, 16) >= 0


def _ranks(x: np.ndarray) -> np.ndarray:
    r = np.empty(len(x))
    r[np.argsort(x, kind="stable")] = np.arange(len(x))
    return r


def test_dni_follows_birth_year(world: World) -> None:
    crm = _source(world, "crm")
    dni = np.array([int(d) for d in crm.column("dni").to_pylist()])
    year = np.array([int(d[-4:]) for d in crm.column("fecha_nacimiento").to_pylist()])
    rho = np.corrcoef(_ranks(dni), _ranks(year))[0, 1]
    assert rho > 0.8


def test_surnames_are_skewed(world: World) -> None:
    crm = _source(world, "crm")
    names = [
        s.replace("Á", "A").replace("Í", "I") for s in crm.column("apellido_paterno").to_pylist()
    ]
    _, counts = np.unique(names, return_counts=True)
    share = np.sort(counts)[::-1] / counts.sum()
    assert share[0] > 0.04  # QUISPE-like head
    assert share[:10].sum() > 0.25
    assert len(counts) > 100  # and a long tail
    every = crm.column("apellido_materno").to_pylist() + names
    assert any(" " in s for s in every)  # particles: DE LA CRUZ
    assert any(any(ch in s for ch in "ÁÉÍÓÚ") for s in every)  # accented spellings


def _lifecycle(world: World) -> dict[str, tuple[np.datetime64, np.datetime64 | None]]:
    crm = _source(world, "crm")

    def day(text: str) -> np.datetime64:
        d, m, y = text.split("/")
        return np.datetime64(f"{y}-{m}-{d}")

    return {
        cid: (day(a), day(b) if b else None)
        for cid, a, b in zip(
            crm.column("customer_id").to_pylist(),
            crm.column("fecha_activacion").to_pylist(),
            crm.column("fecha_baja").to_pylist(),
            strict=True,
        )
    }


def test_genuine_crm_customers_active_on_snapshot(world: World) -> None:
    root, _ = world
    entry = _scenario(world, "genuine_crm")
    leak = _csv(root / entry["file"], ";", "cp1252")
    assert leak.num_rows == entry["rows"] >= 100
    snapshot = np.datetime64(entry["snapshot_date"])
    life = _lifecycle(world)
    for cid in leak.column("COD_CLIENTE").to_pylist():
        start, end = life[cid]
        assert start <= snapshot and (end is None or end > snapshot), cid
    truth = pq.read_table(root / "truth" / "genuine_crm.parquet")
    assert truth.column("customer_id").to_pylist() == leak.column("COD_CLIENTE").to_pylist()
    assert all(truth.column("is_genuine").to_pylist())
    assert all(set(f) == set(entry["columns"]) for f in truth.column("fields_true").to_pylist())


def test_fabricated_and_mixed_fractions(world: World) -> None:
    root, _ = world
    fab = _scenario(world, "fabricated")
    truth = pq.read_table(root / "truth" / "fabricated.parquet")
    assert fab["genuine_fraction"] == 0.0
    assert not any(truth.column("is_genuine").to_pylist())
    reused = [f for f in truth.column("fields_true").to_pylist() if f]
    assert len(reused) > 0.1 * fab["rows"]  # real identifiers re-paired with wrong names
    assert all(("dni" in f or "celular" in f) and "nombres" not in f for f in reused)
    mixed = _scenario(world, "mixed")
    mtruth = pq.read_table(root / "truth" / "mixed.parquet")
    share = float(np.mean(mtruth.column("is_genuine").to_numpy()))
    assert mixed["genuine_fraction"] == pytest.approx(share, abs=1e-6)
    assert mixed["genuine_fraction"] == pytest.approx(0.35, abs=0.02)
    assert _scenario(world, "unrelated")["genuine_fraction"] == 0.0


def _flatten(obj: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for k, v in obj.items():
        keys += _flatten(v, f"{prefix}{k}.") if isinstance(v, dict) else [prefix + k]
    return keys


def _header(path: Path, entry: dict[str, Any]) -> tuple[list[str], int]:
    """Column names and data rows of a leak file, read back with plain libraries."""
    fmt, comp = entry["format"], entry["compression"]
    if comp == "zip":
        import zipfile

        with zipfile.ZipFile(path) as zf:
            parts = [_csv_bytes(zf.read(m), ",") for m in entry["members"]]
        assert all(p.column_names == parts[0].column_names for p in parts)
        return parts[0].column_names, sum(p.num_rows for p in parts)
    if comp == "tar.gz":
        import tarfile

        with tarfile.open(path) as tar:
            member = tar.extractfile(entry["members"][0])
            assert member is not None
            table = _csv_bytes(member.read(), entry["delimiter"])
        return table.column_names, table.num_rows
    if fmt == "csv":
        data = path.read_bytes().decode(entry.get("encoding", "utf-8"))
        rows = list(csv.reader(io.StringIO(data), delimiter=entry.get("delimiter", ",")))
        if entry.get("header", True):
            return rows[0], len(rows) - 1
        return [f"col_{i + 1}" for i in range(len(rows[0]))], len(rows)
    if fmt == "jsonl":
        lines = path.read_text("utf-8").splitlines()
        return _flatten(json.loads(lines[0])), len(lines)
    if fmt == "json":
        rows = json.loads(path.read_text("utf-8"))
        return list(rows[0]), len(rows)
    if fmt == "parquet":
        table = pq.read_table(path)
        return table.column_names, table.num_rows
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        sheet_rows = list(book[entry["sheet"]].iter_rows(values_only=True))
        book.close()
        return [str(c) for c in sheet_rows[0]], len(sheet_rows) - 1
    if fmt == "sql":
        text = path.read_text("utf-8")
        if entry["dialect"] == "mysql":
            insert = next(line for line in text.splitlines() if line.startswith("INSERT"))
            cols = insert.split("(", 1)[1].split(")", 1)[0]
            rows = sum(
                line.count("),(") + 1 for line in text.splitlines() if line.startswith("INSERT")
            )
            return [c.strip("`") for c in cols.split(",")], rows
        copy = text.split("FROM stdin;\n", 1)
        cols = copy[0].rsplit("(", 1)[1].split(")", 1)[0]
        rows = len(copy[1].split("\n\\.\n", 1)[0].splitlines())
        return [c.strip() for c in cols.split(",")], rows
    raise AssertionError(fmt)


def _csv_bytes(data: bytes, delimiter: str) -> pa.Table:
    return pacsv.read_csv(io.BytesIO(data), parse_options=pacsv.ParseOptions(delimiter=delimiter))


def test_manifest_columns_exist_in_every_leak(world: World) -> None:
    root, manifest = world
    for entry in manifest["scenarios"]:
        columns, rows = _header(root / entry["file"], entry)
        assert columns == list(entry["columns"]), entry["name"]
        assert rows == entry["rows"], entry["name"]
        truth = pq.read_table(root / "truth" / f"{entry['name']}.parquet")
        assert truth.num_rows == rows
        assert truth.column("row_index").to_pylist() == list(range(rows))


def test_recycled_rows_come_from_the_corpus(world: World) -> None:
    root, manifest = world
    entry = _scenario(world, "recycled_forum")
    corpus = _csv(root / manifest["corpora"][0]["file"])
    leak = json.loads((root / entry["file"]).read_text("utf-8"))
    known = set(corpus.column("dni").to_pylist())
    assert all(row["document"] in known for row in leak)
    assert 0.85 < len(leak) / corpus.num_rows < 0.95
    assert entry["recycled_from"] == "forum_2023"


def test_legacy_dump_escapes_apostrophes(world: World) -> None:
    text = (world[0] / _scenario(world, "genuine_legacy")["file"]).read_text("utf-8")
    assert "\\'" in text


def test_unrelated_phones_are_not_ours(world: World) -> None:
    root, manifest = world
    own = tuple(manifest["operator"]["msisdn_prefixes"])
    entry = _scenario(world, "unrelated")
    text = (root / entry["file"]).read_text("utf-8")
    body = text.split("FROM stdin;\n", 1)[1].split("\n\\.\n", 1)[0]
    mobiles = [line.split("\t")[3] for line in body.splitlines()]
    assert mobiles and not any(m[3:6] in own for m in mobiles)
    crm_dni = set(_source(world, "crm").column("dni").to_pylist())
    assert not any(line.split("\t")[2] in crm_dni for line in body.splitlines())


def test_hostile_files(world: World) -> None:
    root, manifest = world
    for entry in manifest["hostile"]:
        path = root / entry["file"]
        assert path.stat().st_size < 2 * 2**20, entry["file"]
        assert entry["expect"] in {"reject", "ok", "malformed"}
    bomb = next(e for e in manifest["hostile"] if e["file"].endswith(".gz"))
    assert bomb["uncompressed_bytes"] / (root / bomb["file"]).stat().st_size > 1000
    broken = next(e for e in manifest["hostile"] if e["expect"] == "malformed")
    lines = (root / broken["file"]).read_text("ascii").splitlines()
    bad = set()
    for number, line in enumerate(lines, start=1):
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error:
            bad.add(number)
            continue
        if len(fields) != 4:
            bad.add(number)
    assert bad == set(broken["malformed_lines"]) | set(broken["lenient_lines"])
    assert broken["rows"] == len(lines) - 1 - len(broken["malformed_lines"])


def test_progress_reports_stages(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    generate_world(tmp_path, customers=300, seed=1, progress=lambda s, f: seen.append((s, f)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert seen[-1][0] == "done"


def test_too_small_world_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_world(tmp_path, customers=10)


def test_every_genuine_row_is_active_on_its_snapshot(world: World) -> None:
    root, manifest = world
    life = _lifecycle(world)
    for entry in manifest["scenarios"]:
        if entry["label"] not in ("genuine", "recycled"):
            continue
        snapshot = np.datetime64(entry["snapshot_date"])
        truth = pq.read_table(root / "truth" / f"{entry['name']}.parquet")
        genuine = truth.filter(truth.column("is_genuine"))
        for cid in genuine.column("customer_id").to_pylist():
            start, end = life[cid]
            assert start <= snapshot and (end is None or end > snapshot), entry["name"]


def test_source_and_corpus_headers_match_manifest(world: World) -> None:
    root, manifest = world
    for entry in manifest["sources"] + manifest["corpora"]:
        table = _csv(root / entry["file"])
        assert table.column_names == list(entry["columns"]), entry["name"]
        assert table.num_rows == entry["rows"], entry["name"]
    legacy = next(s for s in manifest["sources"] if s["name"] == "legacy_billing")
    assert legacy["as_of"] == "2019-12-31"
    names = _csv(root / legacy["file"]).column("cliente").to_pylist()
    assert all(", " in n for n in names)  # "APELLIDOS, NOMBRES"
