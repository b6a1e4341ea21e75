"""Time each normalizer on N generated values in DuckDB (default 5M). Never fails on time.

Run: ``.venv/bin/python tests/normalize/bench_normalize.py [N] [type ...]``. Values are generated
in SQL (a mix of formats per type), materialized, then each type's full output set is computed
into a table with ``CREATE TABLE ... AS SELECT``. CPU time (all DuckDB threads) is printed
beside wall time: on a shared machine it is the steadier figure; wall ≈ cpu / cores.
"""

from __future__ import annotations

import sys
import time

from leaktriage.engines import create_engine
from leaktriage.normalize import normalize_exprs

R = "(hash(i) % 100000000)"  # deterministic pseudo-random 8 digits per row
GENERATORS: dict[str, str] = {
    "msisdn": (
        f"CASE i % 5 WHEN 0 THEN '+51 9' || lpad(CAST({R} AS VARCHAR), 8, '0') "
        f"WHEN 1 THEN '9' || lpad(CAST({R} AS VARCHAR), 8, '0') "
        f"WHEN 2 THEN '519' || lpad(CAST({R} AS VARCHAR), 8, '0') "
        f"WHEN 3 THEN '(+51) 9' || lpad(CAST({R} AS VARCHAR), 8, '0') "
        f"ELSE '9' || lpad(CAST({R} AS VARCHAR), 8, '0') || '.0' END"
    ),
    "national_id": f"lpad(CAST({R} AS VARCHAR), 8, '0')",
    "imsi": f"'71606' || lpad(CAST({R} AS VARCHAR), 10, '0')",
    "iccid": f"'895106' || lpad(CAST({R} AS VARCHAR), 14, '0')",
    "imei": f"'35' || lpad(CAST({R} AS VARCHAR), 13, '0')",
    "ki": "md5(CAST(i AS VARCHAR))",
    "email": f"'User.' || CAST({R} AS VARCHAR) || '@Example.PE '",
    "full_name": (
        "CASE i % 2 WHEN 0 THEN 'José María Pérez De La Cruz' ELSE 'QUISPE MAMANI, Rosa Ángela' END"
    ),
    "address": "'Av. Arequipa #' || CAST(i % 5000 AS VARCHAR) || ', Miraflores'",
    "birth_date": (f"strftime(DATE '1950-01-01' + CAST({R} % 20000 AS INTEGER), '%d/%m/%Y')"),
    "ip_address": "'10.' || CAST(i % 256 AS VARCHAR) || '.' || CAST(i % 199 AS VARCHAR) || '.7'",
}
OPTIONS = {"national_id": {"scheme": "pe.dni"}, "birth_date": {"date_format": "dd/mm/yyyy"}}


def main(n: int, types: list[str]) -> None:
    engine = create_engine("duckdb")
    for ctype in types:
        engine.execute(
            f"CREATE OR REPLACE TABLE bench_in AS SELECT {GENERATORS[ctype]} AS c "
            f"FROM range({n}) t(i)"
        )
        exprs = normalize_exprs("c", ctype, **OPTIONS.get(ctype, {}))  # type: ignore[arg-type]
        select = ", ".join(f'{e} AS "{name}"' for name, e in exprs.items())
        started, cpu = time.perf_counter(), time.process_time()
        engine.execute(f"CREATE OR REPLACE TABLE bench_out AS SELECT {select} FROM bench_in")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{ctype:<12} {n:>10,} values  wall {elapsed:6.2f} s  cpu {cpu:6.2f} s")  # noqa: T201
    engine.close()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    main(count, sys.argv[2:] or list(GENERATORS))
