"""The DuckDB engine: memory limit, wrapped errors without values, streaming."""

from __future__ import annotations

import pyarrow as pa
import pytest

from leaktriage.engines import create_engine
from leaktriage.errors import EngineError


def test_memory_limit_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKTRIAGE_MEMORY_LIMIT", "1GB")
    eng = create_engine("duckdb")
    try:
        row = eng.fetch_one("select current_setting('memory_limit')")
        assert row is not None and row[0].startswith(("953.6 MiB", "1.0 GiB", "1 GiB"))
    finally:
        eng.close()


def test_default_memory_limit_is_below_duckdbs(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv("LEAKTRIAGE_MEMORY_LIMIT", raising=False)
    eng = create_engine("duckdb")
    try:
        row = eng.fetch_one("select current_setting('memory_limit')")
        assert row is not None
        value, unit = row[0].split()
        limit = float(value) * {"MiB": 2**20, "GiB": 2**30}[unit]
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        assert limit <= 0.61 * total
    finally:
        eng.close()


def test_engine_errors_never_quote_values() -> None:
    eng = create_engine("duckdb")
    try:
        with pytest.raises(EngineError) as info:
            eng.execute("select cast(? as integer)", ["PLANTED-VALUE-987654321"])
        assert "PLANTED-VALUE-987654321" not in str(info.value)
    finally:
        eng.close()


def test_stream_round_trip() -> None:
    eng = create_engine("duckdb")
    try:
        batches = [pa.record_batch({"x": pa.array([str(i) for i in range(k, k + 10)])})
                   for k in range(0, 100, 10)]  # fmt: skip
        reader = pa.RecordBatchReader.from_batches(batches[0].schema, iter(batches))
        eng.load_arrow("t", reader)
        assert eng.count("t") == 100
        got = sum(b.num_rows for b in eng.stream_arrow("select * from t", batch_rows=7))
        assert got == 100
    finally:
        eng.close()
