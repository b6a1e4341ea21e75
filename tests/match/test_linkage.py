"""Probabilistic linkage (splink) of leak rows to a target profile, on small synthetic data."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from leaktriage.engines import Engine
from leaktriage.match.linkage import LINK_PAIRS, link_probabilistic
from leaktriage.match.profile import ProfileSpec
from linkage_world import FULL_NAME, SPLIT_NAMES, build_world, f1, load, people


@pytest.fixture
def world(engine: Engine) -> dict[str, Any]:
    """300 reference persons; a leak of 135 corrupted copies of them and 15 outsiders."""
    return build_world(engine)


@pytest.mark.parametrize(
    "leak_columns",
    [pytest.param(SPLIT_NAMES, id="split-names"), pytest.param(FULL_NAME, id="full-name")],
)
def test_links_corrupted_leak(
    engine: Engine, world: dict[str, Any], leak_columns: list[dict[str, Any]]
) -> None:
    table = link_probabilistic(
        engine, ProfileSpec.of("leak", leak_columns), ProfileSpec.of("ref", SPLIT_NAMES)
    )
    assert table == LINK_PAIRS
    assert f1(engine, world["truth"]) >= 0.95
    columns = [r[0] for r in engine.fetch_rows(f"describe {LINK_PAIRS}")]
    assert columns == ["leak_row", "t_row", "match_probability", "match_weight"]
    # one best target row per leak row, all above the threshold
    row = engine.fetch_one(
        f"select count(*) = count(distinct leak_row), min(match_probability) from {LINK_PAIRS}"
    )
    assert row is not None and row[0] and row[1] >= 0.9


def test_rows_restricts_the_leak(engine: Engine, world: dict[str, Any]) -> None:
    engine.execute("create table unsettled as select range as _row from range(0, 150, 3)")
    link_probabilistic(
        engine, ProfileSpec.of("leak", SPLIT_NAMES), ProfileSpec.of("ref", SPLIT_NAMES),
        rows="unsettled",
    )  # fmt: skip
    rows = [r[0] for r in engine.fetch_rows(f"select leak_row from {LINK_PAIRS}")]
    assert rows and all(r % 3 == 0 for r in rows)


def test_leaves_no_working_tables(engine: Engine, world: dict[str, Any]) -> None:
    before = set(engine.fetch_rows("select table_name from information_schema.tables"))
    link_probabilistic(
        engine, ProfileSpec.of("leak", SPLIT_NAMES), ProfileSpec.of("ref", SPLIT_NAMES)
    )
    after = set(engine.fetch_rows("select table_name from information_schema.tables"))
    assert after - before == {(LINK_PAIRS,)}


def _empty(engine: Engine) -> bool:
    columns = [r[0] for r in engine.fetch_rows(f"describe {LINK_PAIRS}")]
    return (
        columns == ["leak_row", "t_row", "match_probability", "match_weight"]
        and engine.count(LINK_PAIRS) == 0
    )


@pytest.mark.parametrize(
    "leak_columns, leak_filter",
    [
        pytest.param(
            [{"type": "msisdn", "canonical": "msisdn_tok"}, {"type": "birth_date",
              "canonical": "birth_date"}], "true", id="no-names"
        ),
        pytest.param(SPLIT_NAMES, "false", id="empty-leak"),
        pytest.param(SPLIT_NAMES, "_row < 2", id="two-rows"),
    ],
)  # fmt: skip
def test_degenerate_inputs(
    engine: Engine, world: dict[str, Any], leak_columns: list[dict[str, Any]], leak_filter: str
) -> None:
    engine.execute(f"create table small as select * from leak where {leak_filter}")
    link_probabilistic(
        engine, ProfileSpec.of("small", leak_columns), ProfileSpec.of("ref", SPLIT_NAMES)
    )
    if leak_filter == "_row < 2":
        assert engine.count(LINK_PAIRS) <= 2
    else:
        assert _empty(engine)


def test_tiny_target(engine: Engine, world: dict[str, Any]) -> None:
    engine.execute("create table tiny as select * from ref where _row < 3")
    link_probabilistic(
        engine, ProfileSpec.of("leak", SPLIT_NAMES), ProfileSpec.of("tiny", SPLIT_NAMES)
    )
    # no crash, and nothing linked that is not one of those three people
    pairs = engine.fetch_rows(f"select leak_row, t_row from {LINK_PAIRS}")
    assert all(world["truth"].get(leak_row) == t_row for leak_row, t_row in pairs)


def test_no_target_names(engine: Engine, world: dict[str, Any]) -> None:
    link_probabilistic(
        engine,
        ProfileSpec.of("leak", SPLIT_NAMES),
        ProfileSpec.of("ref", [{"type": "msisdn", "canonical": "msisdn_tok"}]),
    )
    assert _empty(engine)


def test_no_data_value_in_logs_or_output(
    engine: Engine,
    world: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    # a tiny target makes training steps fail and report: those reports must stay clean too
    engine.execute("create table tiny as select * from ref where _row < 2")
    link_probabilistic(
        engine, ProfileSpec.of("leak", SPLIT_NAMES), ProfileSpec.of("ref", SPLIT_NAMES)
    )
    link_probabilistic(
        engine, ProfileSpec.of("leak", SPLIT_NAMES), ProfileSpec.of("tiny", SPLIT_NAMES)
    )
    out = capsys.readouterr()
    text = caplog.text + out.out + out.err
    assert caplog.records  # the stage does report (counts only)
    planted: set[str] = set()
    for p in world["ref"] + world["leak"]:
        planted.update(w for w in (p["given_name"] or "").split(" ") if len(w) >= 4)
        planted.update(w for w in (p["paterno"], p["materno"], p["address"], p["msisdn_tok"]) if w)
    leaked = sorted(v for v in planted if v in text)
    assert not leaked


def test_splink_is_imported_lazily() -> None:
    code = (
        "import sys, leaktriage, leaktriage.match.linkage; "
        "sys.exit('splink' in sys.modules or 'duckdb' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_rows_table_with_leak_row_column(engine: Engine, world: dict[str, Any]) -> None:
    engine.execute("create table unsettled as select range as leak_row from range(100, 150)")
    link_probabilistic(
        engine, ProfileSpec.of("leak", SPLIT_NAMES), ProfileSpec.of("ref", SPLIT_NAMES),
        rows="unsettled",
    )  # fmt: skip
    rows = [r[0] for r in engine.fetch_rows(f"select leak_row from {LINK_PAIRS}")]
    assert rows and all(100 <= r < 150 for r in rows)


def test_placeholder_birth_date_is_no_evidence(engine: Engine, world: dict[str, Any]) -> None:
    # Every leak row and 100 other people claim 1900-01-01: that shared date must not link them.
    engine.execute(
        "create table filler as select * replace (date '1900-01-01' as birth_date) from leak"
    )
    load(engine, "others", people(np.random.default_rng(9), 100, first_row=1000))
    engine.execute("insert into ref select * replace (date '1900-01-01' as birth_date) from others")
    link_probabilistic(
        engine, ProfileSpec.of("filler", SPLIT_NAMES), ProfileSpec.of("ref", SPLIT_NAMES)
    )
    assert f1(engine, world["truth"]) >= 0.9  # names and addresses still link
    row = engine.fetch_one(f"select count(*) from {LINK_PAIRS} where t_row >= 1000")
    assert row is not None and row[0] <= 2


def test_too_broad_blocking_is_refused(engine: Engine, world: dict[str, Any]) -> None:
    """More candidate pairs than the limit: refused before splink scores anything."""
    from leaktriage.match.linkage import LinkageTooBroad

    with pytest.raises(LinkageTooBroad) as info:
        link_probabilistic(
            engine, ProfileSpec.of("leak", SPLIT_NAMES), ProfileSpec.of("ref", SPLIT_NAMES),
            max_pairs=10,
        )  # fmt: skip
    assert info.value.pairs > 10
    assert not engine.table_exists("lt_link_left")
