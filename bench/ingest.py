"""Ingest + classify + normalize + tokenize throughput on a synthetic leak CSV.

Baseline, measured in the same run: DuckDB's bare ``read_csv`` of the same file into a table
(all columns VARCHAR). Each measurement runs in a fresh process so its peak RSS is its own.

    .venv/bin/python bench/ingest.py                 # 5M rows (the issue's target size)
    .venv/bin/python bench/ingest.py --rows 500000   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import in_child, measure_here, print_table  # noqa: E402

HERE = Path(__file__).resolve()


def make_leak(path: Path, rows: int) -> None:
    """A leak CSV in the shape of the Telefónica Peru sample: Spanish headers, mixed formats."""
    import duckdb

    given = ["JUAN", "MARIA", "JOSE", "ROSA", "LUIS", "CARMEN", "CARLOS", "ANA", "JORGE", "LUZ"]
    surn = ["QUISPE", "FLORES", "SANCHEZ", "RODRIGUEZ", "GARCIA", "MAMANI", "HUAMAN", "ROJAS"]
    con = duckdb.connect()
    con.execute(
        f"""
        copy (
          select
            lpad((10000000 + (i * 7919) % 79999999)::varchar, 8, '0') as dni,
            list_extract(?, 1 + (i % 10)::int) || ' ' || list_extract(?, 1 + (i // 10 % 10)::int)
                as nombres,
            list_extract(?, 1 + (i % 8)::int) || ' ' || list_extract(?, 1 + (i // 8 % 8)::int)
                as apellidos,
            case i % 3 when 0 then '+51 9' || lpad((i % 100000000)::varchar, 8, '0')
                       when 1 then '9' || lpad((i % 100000000)::varchar, 8, '0')
                       else '0051-9' || lpad((i % 100000000)::varchar, 8, '0') end as celular,
            'user' || i || '@correo.pe' as email,
            strftime(date '1950-01-01' + (i % 20000)::int, '%d/%m/%Y') as fecha_nacimiento,
            'AV. LOS OLIVOS ' || (i % 999) as direccion,
            list_extract(['LIMA','CALLAO','AREQUIPA','CUSCO','PIURA'], 1 + (i % 5)::int) as distrito
          from range({int(rows)}) r(i)
        ) to '{path}' (header, delimiter ',')
        """,
        [given, given, surn, surn],
    )


def child(kind: str, path: str) -> dict[str, Any]:
    if kind == "baseline":
        import duckdb

        def run() -> dict[str, Any]:
            con = duckdb.connect()
            con.execute("create table t as select * from read_csv(?, all_varchar=true)", [path])
            return {"rows": con.execute("select count(*) from t").fetchone()[0]}  # type: ignore[index]

        return measure_here(run)

    from leaktriage.engines import create_engine
    from leaktriage.pipeline import prepare_input
    from leaktriage.tokens import Keyring

    def run() -> dict[str, Any]:
        engine = create_engine("duckdb")
        prepared = prepare_input(engine, Keyring(os.urandom(32)), Path(path), table="leak")
        types = sorted(c.guess.type for c in prepared.columns)
        return {"rows": engine.count("leak"), "types": types}

    return measure_here(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    with tempfile.TemporaryDirectory(prefix="lt-bench-") as tmp:
        leak = Path(tmp) / "leak.csv"
        make_leak(leak, args.rows)
        size_mb = leak.stat().st_size / 2**20
        print(f"leak: {args.rows:,} rows, {size_mb:,.0f} MiB, {os.cpu_count()} cores")
        results = []
        for kind in ("baseline", "leaktriage"):
            r = in_child(str(HERE), kind, str(leak))
            r["what"] = (
                "duckdb read_csv -> table (baseline)"
                if kind == "baseline"
                else "ingest+classify+normalize+tokenize"
            )
            r["rows_per_s"] = r["rows"] / r["seconds"]
            results.append(r)
        print_table(results, ["what", "rows", "seconds", "rows_per_s", "peak_rss_mib"])
        ratio = results[1]["seconds"] / results[0]["seconds"]
        print(
            f"leaktriage / baseline time: {ratio:.2f}x   (target: >= 400k rows/s, <= 3x, < 4 GiB)"
        )
        print(f"classified types: {', '.join(results[1]['types'])}")


if __name__ == "__main__":
    main()
