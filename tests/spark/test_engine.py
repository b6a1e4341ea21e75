"""The Spark engine on its own: SQL translation, tokens, key material, the encrypted index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leaktriage.engines import create_engine
from leaktriage.engines.spark import SparkEngine, translate
from leaktriage.errors import EngineError
from leaktriage.tokens import Keyring, _pads, token_sql
from leaktriage.workspace import INDEX_ENCRYPTED, Workspace


@pytest.mark.parametrize(
    ("duckdb_sql", "expected"),
    [
        pytest.param("select ?::VARCHAR, ?", "SELECT CAST(:lt_p0 AS STRING), :lt_p1", id="params"),
        pytest.param("select '?' as q, ?", "SELECT '?' AS q, :lt_p0", id="quoted-question-mark"),
        pytest.param(
            "select getvariable('lt_ipad_phone')",
            "SELECT (SELECT v FROM lt_var_lt_ipad_phone)",
            id="variable-as-subquery",
        ),
        pytest.param(
            "select regexp_replace(x, '^(?:0)?(9)', '\\1')",
            "SELECT REGEXP_REPLACE(x, '^(?:0)?(9)', '$1')",
            id="backreference",
        ),
        pytest.param(
            "select regexp_replace(x, '[[:space:].]', '', 'g')",
            "SELECT REGEXP_REPLACE(x, '[\\\\s.]', '')",
            id="posix-class",
        ),
        pytest.param(
            "select regexp_full_match(x, 'A|B')",
            "SELECT x RLIKE '^(?:A|B)$'",
            id="full-match",
        ),
        pytest.param(
            "select try_strptime(s, ['%d/%m/%Y', '%Y%m%d'])",
            "SELECT COALESCE(TRY_TO_TIMESTAMP(s, 'd/M/yyyy'), TRY_TO_TIMESTAMP(s, 'yyyyMMdd'))",
            id="strptime-list",
        ),
    ],
)
def test_translate(duckdb_sql: str, expected: str) -> None:
    assert translate(duckdb_sql) == expected


def test_unanchored_first_match_replace_is_refused() -> None:
    # DuckDB replaces the first match only without 'g'; Spark replaces all: refuse, not differ.
    with pytest.raises(EngineError):
        translate("select regexp_replace(x, 'a', 'b')")


def test_tokens_are_byte_identical_to_duckdb(spark: SparkEngine) -> None:
    keyring = Keyring(b"parity-master-key-0123456789abcdef")
    values = ["51987654321", "12345678", "maria.quispe@example.pe", "ÑANDÚ", "", "x" * 200]
    table = pa.table({"v": pa.array([*values, None], pa.string())})
    duck = create_engine("duckdb")
    try:
        got = {}
        for name, engine in (("duckdb", duck), ("spark", spark)):
            keyring.bind(engine)
            engine.load_arrow(
                "tok_in", pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
            )
            rows = engine.fetch_rows(
                f"select v, {token_sql('v', 'msisdn')}, {token_sql('v', 'email')} from tok_in"
            )
            got[name] = sorted(rows, key=lambda r: (r[0] is None, r[0] or ""))
        assert got["spark"] == got["duckdb"]
        for v, phone, email in got["spark"]:
            if v is None:
                assert phone is None and email is None
            else:
                assert phone == keyring.token(v, "msisdn")
                assert email == keyring.token(v, "email")
    finally:
        duck.close()


def test_key_material_not_in_spark_plans(spark: SparkEngine) -> None:
    keyring = Keyring(b"plan-master-key-0123456789abcdef!")
    keyring.bind(spark)
    ipad, opad = _pads(keyring.key_for("msisdn"))
    plan = spark.explain(f"select {token_sql(chr(39) + 'a-literal' + chr(39), 'msisdn')}")
    assert "lt_var_lt_ipad_phone" in plan  # the key is read from the one-row view...
    for secret in (ipad, opad, keyring.key_for("msisdn")):
        assert secret.hex() not in plan.lower()  # ...and never written into the plan
        assert secret.hex().upper() not in plan


def _planted(root: Path) -> dict[str, set[str]]:
    """Plaintext values of the CRM, as the index would hold them (normalized upper case)."""
    import csv

    with (root / "sources" / "crm.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:200]
    out: dict[str, set[str]] = {"names": set(), "ids": set()}
    for r in rows:
        for col in ("apellido_paterno", "apellido_materno"):
            if len(r.get(col) or "") >= 6:
                out["names"].add(r[col].upper())
        for col in ("dni", "celular", "email", "customer_id"):
            if r.get(col):
                out["ids"].add(r[col])
    return out


def test_index_parquet_holds_no_plaintext(
    parity_world: tuple[Path, dict[str, Any], Workspace], spark: SparkEngine
) -> None:
    root, _, ws = parity_world
    crm = ws.get("source", "crm")
    ws.index_view(spark, crm)
    path = ws.index_path(crm)
    files = sorted(path.glob("*.parquet"))
    assert files, "the index was not written"
    planted = _planted(root)
    assert planted["names"] and planted["ids"]
    blob = b"".join(f.read_bytes() for f in files)
    for value in planted["names"] | planted["ids"]:
        assert value.encode() not in blob
    table = pq.read_table(path)
    for col in INDEX_ENCRYPTED:
        assert table.schema.field(col).type == pa.binary(), col
    given = [v for v in table.column("sur1").to_pylist() if v is not None]
    assert given and not any(v.decode("latin-1") in planted["names"] for v in given)
    # decrypted on read, the index equals the workspace's profile
    view = ws.index_view(spark, crm)
    spark_rows = spark.fetch_rows(f"select _row, sur1, dob, tok_phone from {view} order by _row")
    duck_rows = ws.engine.fetch_rows(
        f"select _row, sur1, dob, tok_phone from {ws.profile_for('source', 'crm')} order by _row"
    )
    assert spark_rows == duck_rows
    stamp = json.loads(path.with_name(path.name + ".json").read_text())
    assert stamp["rows"] == crm.rows


def test_source_add_on_spark_registers_the_same_table(
    parity_world: tuple[Path, dict[str, Any], Workspace],
    spark: SparkEngine,
    tmp_path: Path,
) -> None:
    root, manifest, ws = parity_world
    key = (ws.path / "key").read_text().strip()
    other, _ = Workspace.init(tmp_path / "ws-spark", env_key=key)
    try:
        entry = next(s for s in manifest["sources"] if s["name"] == "hss")
        info, _ = other.add_file("source", "hss", root / entry["file"], engine=spark)
        assert info.rows == ws.get("source", "hss").rows
        assert info.columns == ws.get("source", "hss").columns
        assert info.stats == ws.get("source", "hss").stats
        sql = "select * from {} order by _row"
        assert other.engine.fetch_arrow(sql.format(info.table)) == ws.engine.fetch_arrow(
            sql.format(ws.get("source", "hss").table)
        )
        assert other.index_path(info).exists()  # exported for the next Spark triage
    finally:
        other.close()


def test_dropped_tables_free_their_blocks(spark: SparkEngine) -> None:
    before = set(spark._persistent_rdds())
    for _ in range(3):  # replaced twice, then dropped
        spark.execute("create or replace temp table lt_blocks as select 1 as x union all select 2")
    assert spark.count("lt_blocks") == 2
    spark.execute("drop table if exists lt_blocks")
    assert set(spark._persistent_rdds()) <= before


@pytest.mark.parametrize("sql", ["select * from lt_big", "select x, x * 2 as y from lt_big"])
def test_large_results_stream_in_chunks(
    spark: SparkEngine, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    import leaktriage.engines.spark as spark_module

    eight = spark.spark.range(0, 5000, numPartitions=8).withColumnRenamed("id", "x")
    DataFrame = type(eight)  # pyspark's classic DataFrame class
    spark._store("lt_big", eight)
    monkeypatch.setattr(spark_module, "FETCH_CHUNK_ROWS", 1000)
    fetches: list[int] = []
    to_arrow = DataFrame.toArrow

    def counting(self: Any) -> pa.Table:
        got = to_arrow(self)
        fetches.append(got.num_rows)
        return got

    monkeypatch.setattr(DataFrame, "toArrow", counting)
    before = set(spark._persistent_rdds())
    batches = list(spark.stream_arrow(sql, batch_rows=300))
    assert len(fetches) == 8 and max(fetches) <= 1000  # one partition (625 rows) per fetch
    assert all(b.num_rows <= 300 for b in batches)
    got = sorted(v for b in batches for v in b.column(0).to_pylist())
    assert got == list(range(5000))
    assert set(spark._persistent_rdds()) <= before  # a checkpointed query is freed after
    spark.execute("drop table if exists lt_big")
