"""ingest → classify → normalize → tokenize on every file of a synthetic world."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaktriage.engines import Engine
from leaktriage.ingest import open_input
from leaktriage.pipeline import prepare_input
from leaktriage.synth import generate_world
from leaktriage.tokens import Keyring


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("pipeline-world")
    yield root, generate_world(root, customers=1500, seed=99)


def _labelled(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [*manifest["sources"], *manifest["corpora"], *manifest["scenarios"]]


def test_every_column_of_every_file_is_typed_right(
    world: tuple[Path, dict[str, Any]], engine: Engine
) -> None:
    root, manifest = world
    wrong = []
    total = 0
    for entry in _labelled(manifest):
        prepared = prepare_input(engine, Keyring(os.urandom(32)), root / entry["file"], table="t")
        got = {c["name"]: c["type"] for c in prepared.columns_json()}
        for name, expected in entry["columns"].items():
            total += 1
            if got.get(name) != expected:
                wrong.append((entry["file"], name, expected, got.get(name)))
        assert engine.count("t") == entry["rows"], entry["file"]
    assert total > 100
    assert wrong == []


def test_identifiers_are_tokens_and_secrets_are_flags(
    world: tuple[Path, dict[str, Any]], engine: Engine
) -> None:
    root, _ = world
    prepared = prepare_input(
        engine, Keyring(os.urandom(32)), root / "sources" / "hss.csv", table="t"
    )
    names = set(engine.fetch_arrow("select * from t limit 1").column_names)
    assert {"imsi", "iccid", "imei", "msisdn", "ki__present", "opc__present"} <= names
    assert "ki" not in names and "opc" not in names
    with open_input(root / "sources" / "hss.csv") as reader:
        raw = reader.sample(50).to_pylist()
    values = engine.fetch_arrow("select * from t").to_pylist()
    flat = {str(v) for row in values for v in row.values()}
    for row in raw:
        for col in ("imsi", "iccid", "imei", "ki", "opc", "msisdn"):
            assert row[col] not in flat
    tokens = engine.fetch_rows("select imsi from t where imsi is not null limit 5")
    assert all(len(t[0]) == 32 for t in tokens)
    assert prepared.report.rows == engine.count("t")


def test_rows_keep_their_input_order(world: tuple[Path, dict[str, Any]], engine: Engine) -> None:
    root, _ = world
    prepare_input(engine, Keyring(os.urandom(32)), root / "sources" / "crm.csv", table="t")
    rows = engine.fetch_rows("select _row from t order by _row")
    assert [r[0] for r in rows] == list(range(len(rows)))
