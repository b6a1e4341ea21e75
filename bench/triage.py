"""End-to-end triage throughput: a leak against an indexed reference, beside a bare DuckDB join.

Generates (synthetic, in DuckDB) a CRM-like reference of N customers and a leak of M rows drawn
from it with other headers and formats, a quarter of them re-paired with invented names. Then,
each in a fresh process (so peak RSS is its own):

* ``index``: ``leaktriage source add`` of the reference (ingest, classify, normalize, tokenize,
  encrypted workspace);
* ``triage``: ``leaktriage triage`` of the leak (the figure the target is about);
* ``baseline``: DuckDB alone reading both CSVs and joining them exactly on DNI and on phone.

    .venv/bin/python bench/triage.py                                  # 2M leak vs 5M reference
    .venv/bin/python bench/triage.py --customers 500000 --leak-rows 200000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import in_child, measure_here, print_table  # noqa: E402

HERE = Path(__file__).resolve()
KEY = "bench-triage-key-0123456789abcdef"
GIVEN = ["JUAN", "MARIA", "JOSE", "ROSA", "LUIS", "CARMEN", "CARLOS", "ANA", "JORGE", "LUZ",
         "MIGUEL", "ELENA", "PEDRO", "SOFIA", "RAUL", "JULIA"]  # fmt: skip
SURNAMES = ["QUISPE", "FLORES", "SANCHEZ", "RODRIGUEZ", "GARCIA", "MAMANI", "HUAMAN", "ROJAS",
            "DIAZ", "CHAVEZ", "TORRES", "VASQUEZ", "RAMIREZ", "MENDOZA", "CASTILLO",
            "LOPEZ"]  # fmt: skip


def make_files(ref: Path, leak: Path, customers: int, leak_rows: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""create table people as
        select i,
          'C' || lpad(i::varchar, 10, '0') as customer_id,
          list_extract($g, 1 + (hash(i, 1) % 16)::int) as nombres,
          list_extract($s, 1 + (hash(i, 2) % 16)::int) as ap1,
          list_extract($s, 1 + (hash(i, 3) % 16)::int) as ap2,
          lpad((10000000 + (i * 13) % 69999999)::varchar, 8, '0') as dni,
          date '1940-01-01' + (hash(i, 4) % 25000)::int as nac,
          '9' || lpad(((i * 7919) % 100000000)::varchar, 8, '0') as cel,
          'u' || i || '@correo.pe' as email,
          date '2008-01-01' + (hash(i, 5) % 6000)::int as alta
        from range({int(customers)}) r(i)""",
        {"g": GIVEN, "s": SURNAMES},
    )
    con.execute(
        f"""copy (select customer_id, nombres, ap1 as apellido_paterno, ap2 as apellido_materno,
                 dni, strftime(nac, '%d/%m/%Y') as fecha_nacimiento, cel as celular, email,
                 strftime(alta, '%d/%m/%Y') as fecha_activacion
               from people) to '{ref}' (header)"""
    )
    # A quarter of the leak re-pairs a customer's identifiers with another person's name and
    # birth date (the fabricated padding of a mixed leak): genuine fraction 0.75.
    con.execute(
        f"""create table sampled as
            select *, row_number() over (order by i) as k
            from (select * from people order by hash(i, 42) limit {int(leak_rows)})"""
    )
    con.execute(
        f"""copy (select a.dni as nro_documento,
                 case when a.k % 4 = 0 then b.nombres else a.nombres end as first_name,
                 case when a.k % 4 = 0 then b.ap1 || ' ' || b.ap2 else a.ap1 || ' ' || a.ap2 end
                   as last_name,
                 '+51 ' || a.cel as mobile,
                 case when a.k % 4 = 0 then null else a.email end as mail,
                 strftime(case when a.k % 4 = 0 then b.nac else a.nac end, '%Y-%m-%d') as dob
               from sampled a join sampled b on b.k = (a.k * 7 + 3) % {int(leak_rows)} + 1
               order by a.k)
            to '{leak}' (header)"""
    )


def _cli(*args: str) -> None:
    env = {**os.environ, "LEAKTRIAGE_KEY": KEY}
    exe = str(Path(sys.executable).with_name("leaktriage"))
    proc = subprocess.run([exe, *args], capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"leaktriage {' '.join(args[:3])} failed: {proc.stderr.strip()}")


def child(kind: str, ws: str, ref: str, leak: str) -> dict[str, Any]:
    if kind == "baseline":
        import duckdb

        def run() -> dict[str, Any]:
            con = duckdb.connect()
            con.execute("create table r as select * from read_csv(?, all_varchar=true)", [ref])
            con.execute("create table l as select * from read_csv(?, all_varchar=true)", [leak])
            hits = con.execute(
                """select count(*) from l join r on l.nro_documento = r.dni
                   union all select count(*) from l join r
                   on replace(l.mobile, '+51 ', '') = r.celular"""
            ).fetchall()
            return {"rows": con.execute("select count(*) from l").fetchone()[0],  # type: ignore[index]
                    "hits": [h[0] for h in hits]}  # fmt: skip

        return measure_here(run)
    if kind == "index":
        return measure_here(
            lambda: (_cli("--workspace", ws, "source", "add", ref, "--name", "crm"), {})[1]
        )

    def run() -> dict[str, Any]:
        from leaktriage.triage import run_triage
        from leaktriage.workspace import Workspace

        with Workspace.open(Path(ws), env_key=KEY) as w:
            doc = run_triage(w, Path(leak))
        return {"rows": doc["input"]["rows"], "label": doc["verdict"]["label"],
                "genuine_fraction": doc["genuine_fraction"]}  # fmt: skip

    return measure_here(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=5_000_000)
    parser.add_argument("--leak-rows", type=int, default=2_000_000)
    parser.add_argument("--child", nargs=4, metavar=("KIND", "WS", "REF", "LEAK"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child), default=str))
        return
    with tempfile.TemporaryDirectory(prefix="lt-bench-") as tmp:
        ref, leak, ws = Path(tmp) / "ref.csv", Path(tmp) / "leak.csv", Path(tmp) / "ws"
        started = time.perf_counter()
        make_files(ref, leak, args.customers, args.leak_rows)
        print(
            f"reference {args.customers:,} customers ({ref.stat().st_size / 2**20:,.0f} MiB), "
            f"leak {args.leak_rows:,} rows ({leak.stat().st_size / 2**20:,.0f} MiB), "
            f"generated in {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores"
        )
        _cli("--workspace", str(ws), "init")
        results = []
        for kind, what, rows in (
            ("baseline", "duckdb: read both + exact joins (baseline)", args.leak_rows),
            ("index", "leaktriage source add (reference)", args.customers),
            ("triage", "leaktriage triage (leak)", args.leak_rows),
        ):
            r = in_child(str(HERE), kind, str(ws), str(ref), str(leak))
            r["what"] = what
            r["rows"] = rows
            r["rows_per_s"] = rows / r["seconds"]
            results.append(r)
        print_table(results, ["what", "rows", "seconds", "rows_per_s", "peak_rss_mib"])
        tri = results[2]
        print(f"triage: {tri.get('label')} genuine_fraction={tri.get('genuine_fraction')} "
              f"(truth 0.75); target >= 150k leak rows/s")  # fmt: skip


if __name__ == "__main__":
    main()
