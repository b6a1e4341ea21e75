"""splink on Spark (``SparkAPI``): the same links, with the same probabilities, as on DuckDB.

The model's conditions and blocking rules are written once (DuckDB's dialect) and translated;
u is estimated on a sample both engines draw alike (MD5 of the row number), so the two models
are the same model. Linkage-heavy data: a leak of corrupted copies (truncated given names,
accents, typos, swapped surnames, missing fields) with no identifier to settle them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaktriage.engines import Engine, create_engine
from leaktriage.engines.base import transfer
from leaktriage.engines.spark import SparkEngine
from leaktriage.match import linkage
from leaktriage.match.linkage import LINK_PAIRS, link_probabilistic
from leaktriage.match.profile import ProfileSpec
from linkage_world import FULL_NAME, SPLIT_NAMES, build_world, f1

TABLES = ("lk_ref", "lk_leak")


@pytest.fixture(scope="module")
def engines(spark: SparkEngine) -> Iterator[tuple[Engine, SparkEngine, dict[str, Any]]]:
    """The linkage world in DuckDB, and the same tables on Spark."""
    duck = create_engine("duckdb")
    world = build_world(duck, *TABLES)
    for table in TABLES:
        transfer(duck, table, spark, table)
    yield duck, spark, world
    for table in (*TABLES, LINK_PAIRS):
        spark.execute(f"drop table if exists {table}")
    duck.close()


def _pairs(engine: Engine) -> dict[tuple[int, int], float]:
    rows = engine.fetch_rows(f"select leak_row, t_row, match_probability from {LINK_PAIRS}")
    return {(int(a), int(b)): float(p) for a, b, p in rows}


def _temp_views(spark: SparkEngine) -> set[str]:
    return {t.name for t in spark.spark.catalog.listTables() if t.isTemporary}


@pytest.mark.parametrize(
    "samples",
    [
        pytest.param(False, id="all-pairs"),
        # u from 5,000 pairs of 45,000; EM on a sample of leak rows (the rules block more
        # than 200 pairs): every sampled step of training, drawn alike on both engines
        pytest.param(True, id="sampled"),
    ],
)
def test_same_links_as_duckdb(
    engines: tuple[Engine, SparkEngine, dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    samples: bool,
) -> None:
    duck, spark, world = engines
    caplog.set_level(logging.INFO, logger="leaktriage.match.linkage")
    if samples:
        monkeypatch.setattr(linkage, "U_MAX_PAIRS", 5_000)
        monkeypatch.setattr(linkage, "EM_MAX_PAIRS", 200)
    # full names split by the normalizer on the leak side: the harder of the two shapes
    leak, ref = ProfileSpec.of("lk_leak", FULL_NAME), ProfileSpec.of("lk_ref", SPLIT_NAMES)
    link_probabilistic(duck, leak, ref)
    before = _temp_views(spark)
    monkeypatch.chdir(tmp_path)  # splink's default lineage break writes Parquet here
    link_probabilistic(spark, leak, ref)

    on_duck, on_spark = _pairs(duck), _pairs(spark)
    said = [r.getMessage() for r in caplog.records]
    u_sampled = sum("linkage u on a sample" in m for m in said)
    em_sampled = sum("linkage EM on" in m for m in said)
    # both sampled steps ran on both engines when asked, neither otherwise
    assert (u_sampled, em_sampled >= 2) == ((2, True) if samples else (0, False))
    assert len(on_duck) >= 120
    assert on_spark.keys() == on_duck.keys()
    for pair, probability in on_duck.items():
        assert on_spark[pair] == pytest.approx(probability, abs=1e-9)
    assert f1(spark, world["truth"]) >= (0.90 if samples else 0.95)
    # nothing left behind: no splink views or working tables, no files in the working directory
    assert _temp_views(spark) - before - {LINK_PAIRS} == set()
    assert not any(tmp_path.iterdir())
