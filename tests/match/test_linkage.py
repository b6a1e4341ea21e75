"""Probabilistic linkage (splink) of leak rows to a target profile, on small synthetic data."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from leaktriage.engines import Engine
from leaktriage.match.linkage import LINK_PAIRS, link_probabilistic
from leaktriage.match.profile import ProfileSpec

GIVEN = (
    "JUAN", "JOSE", "LUIS", "CARLOS", "JORGE", "MIGUEL", "CESAR", "VICTOR", "MARIA", "ROSA",
    "ANA", "CARMEN", "JUANA", "ELIZABETH", "LUZ", "ROSARIO", "PATRICIA", "NANCY", "SONIA",
    "RAUL", "OSCAR", "HECTOR", "RUBEN", "ANDRES", "LUCIA", "SOFIA", "TERESA", "JULIA",
)  # fmt: skip
SURNAMES = (
    "QUISPE", "FLORES", "SANCHEZ", "RODRIGUEZ", "GARCIA", "MAMANI", "HUAMAN", "ROJAS", "DIAZ",
    "CHAVEZ", "TORRES", "VASQUEZ", "RAMIREZ", "MENDOZA", "CASTILLO", "ESPINOZA", "LOPEZ",
    "GONZALES", "PEREZ", "RAMOS", "GUTIERREZ", "CRUZ", "VARGAS", "CONDORI", "TICONA",
    "HUAMANI", "VILCA", "HUANCA", "PALOMINO", "CHOQUEHUANCA", "YUPANQUI", "ZEVALLOS",
)  # fmt: skip
ACCENTED = {"SANCHEZ": "SÁNCHEZ", "RODRIGUEZ": "RODRÍGUEZ", "HUAMAN": "HUAMÁN", "JOSE": "JOSÉ"}
STREETS = ("AV. LOS OLIVOS", "JR. GRAU", "CALLE AREQUIPA", "AV. JAVIER PRADO", "JR. JUNIN")

SPLIT_NAMES = [
    {"type": "given_name", "canonical": "given_name"},
    {"type": "surname", "canonical": "paterno"},
    {"type": "surname", "canonical": "materno"},
    {"type": "birth_date", "canonical": "birth_date"},
    {"type": "address", "canonical": "address"},
    {"type": "msisdn", "canonical": "msisdn_tok"},
]
FULL_NAME = [
    {"type": "full_name", "canonical": "full_name"},
    {"type": "birth_date", "canonical": "birth_date"},
    {"type": "address", "canonical": "address"},
    {"type": "msisdn", "canonical": "msisdn_tok"},
]


def _zipf(n: int) -> np.ndarray:
    w = 1.0 / (np.arange(n) + 2.0)
    return np.asarray(w / w.sum())


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    return word[:i] + "XQZ"[int(rng.integers(3))] + word[i + 1 :]


def _people(rng: np.random.Generator, n: int, first_row: int = 0) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        given = str(rng.choice(GIVEN, p=_zipf(len(GIVEN))))
        if rng.random() < 0.5:
            given += " " + str(rng.choice(GIVEN))
        out.append(
            {
                "_row": first_row + i,
                "given_name": given,
                "paterno": str(rng.choice(SURNAMES, p=_zipf(len(SURNAMES)))),
                "materno": str(rng.choice(SURNAMES, p=_zipf(len(SURNAMES)))),
                "days": int(rng.integers(-7000, 12000)),
                "address": f"{rng.choice(STREETS)} {int(rng.integers(1, 3000))}",
                "msisdn_tok": rng.bytes(16).hex(),
            }
        )
    return out


def _corrupt(rng: np.random.Generator, p: dict[str, Any], row: int) -> dict[str, Any]:
    """A breach copy: truncated given names, accents, typos, swapped surnames, missing fields;
    the phone token is absent or stale, as for rows exact matching did not settle."""
    q = dict(p, _row=row)
    if " " in q["given_name"] and rng.random() < 0.4:
        q["given_name"] = q["given_name"].split(" ")[0]
    for key in ("given_name", "paterno", "materno"):
        if rng.random() < 0.3:
            q[key] = " ".join(ACCENTED.get(w, w) for w in q[key].split(" "))
        if rng.random() < 0.12:
            q[key] = _typo(rng, q[key])
    if rng.random() < 0.15:
        q["paterno"], q["materno"] = q["materno"], q["paterno"]
    if rng.random() < 0.15:
        q["days"] = None
    if rng.random() < 0.3:
        q["address"] = None
    q["msisdn_tok"] = rng.bytes(16).hex() if rng.random() < 0.3 else None
    return q


def _load(engine: Engine, name: str, people: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(
        people,
        schema=pa.schema(
            [
                ("_row", pa.int64()),
                ("given_name", pa.string()),
                ("paterno", pa.string()),
                ("materno", pa.string()),
                ("days", pa.int64()),
                ("address", pa.string()),
                ("msisdn_tok", pa.string()),
            ]
        ),
    )
    engine.load_arrow(name, pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    engine.execute(
        f"""create or replace table {name} as select * exclude (days),
            date '1970-01-01' + days::INT as birth_date,
            -- the columns a normalized full name gives
            concat_ws(' ', given_name, paterno, materno) as full_name,
            given_name as full_name__given, paterno as full_name__surname1,
            materno as full_name__surname2
            from {name}"""
    )


@pytest.fixture
def world(engine: Engine) -> dict[str, Any]:
    """300 reference persons; a leak of 135 corrupted copies of them and 15 outsiders."""
    rng = np.random.default_rng(5)
    ref = _people(rng, 300)
    insiders = rng.choice(300, 135, replace=False)
    leak = [_corrupt(rng, ref[int(t)], i) for i, t in enumerate(insiders)]
    leak += [_corrupt(rng, p, 135 + i) for i, p in enumerate(_people(rng, 15))]
    _load(engine, "ref", ref)
    _load(engine, "leak", leak)
    return {"ref": ref, "leak": leak, "truth": {i: int(t) for i, t in enumerate(insiders)}}


def _f1(engine: Engine, truth: dict[int, int]) -> float:
    found = dict(engine.fetch_rows(f"select leak_row, t_row from {LINK_PAIRS}"))
    hits = sum(1 for leak_row, t_row in found.items() if truth.get(leak_row) == t_row)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


@pytest.mark.parametrize(
    "leak_columns",
    [pytest.param(SPLIT_NAMES, id="split-names"), pytest.param(FULL_NAME, id="full-name")],
)
def test_links_corrupted_leak(
    engine: Engine, world: dict[str, Any], leak_columns: list[dict[str, Any]]
) -> None:
    started = time.perf_counter()
    table = link_probabilistic(
        engine, ProfileSpec.of("leak", leak_columns), ProfileSpec.of("ref", SPLIT_NAMES)
    )
    assert table == LINK_PAIRS
    assert _f1(engine, world["truth"]) >= 0.95
    assert time.perf_counter() - started < 30
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
    _load(engine, "others", _people(np.random.default_rng(9), 100, first_row=1000))
    engine.execute("insert into ref select * replace (date '1900-01-01' as birth_date) from others")
    link_probabilistic(
        engine, ProfileSpec.of("filler", SPLIT_NAMES), ProfileSpec.of("ref", SPLIT_NAMES)
    )
    assert _f1(engine, world["truth"]) >= 0.9  # names and addresses still link
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
