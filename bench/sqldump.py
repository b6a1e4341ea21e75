"""SQL dump read throughput: a MySQL extended-INSERT dump and a PostgreSQL COPY dump of the same
synthetic customers, read through ``leaktriage.ingest.open_input(...).batches()``, beside DuckDB's
``read_csv`` of the same rows as CSV, in the same run. Each measurement runs in a fresh process
so its peak RSS is its own.

    .venv/bin/python bench/sqldump.py               # 100 MB of each dump
    .venv/bin/python bench/sqldump.py --mb 1000     # the issue's 1 GB target

``write_mysql_dump(path, rows)`` and ``write_pg_copy_dump(path, rows)`` are also used by
``bench/ingest.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import in_child, measure_here, print_table, read_all  # noqa: E402

HERE = Path(__file__).resolve()
COLUMNS = [
    "customer_id",
    "dni",
    "full_name",
    "email",
    "msisdn",
    "birth_date",
    "address",
    "notes",
]
_GIVEN = ["JUAN", "MARÍA", "JOSÉ", "ROSA", "LUIS", "CARMEN", "CARLOS", "ANA", "JORGE", "LUZ"]
_SURNAMES = ["QUISPE", "FLORES", "O'BRIEN", "RODRÍGUEZ", "GARCÍA", "MAMANI", "HUAMÁN", "ROJAS"]
BYTES_PER_ROW = 150
"""About the size of one row in either dump (to turn ``--mb`` into rows)."""


def customers(rows: int) -> Iterator[tuple[str | None, ...]]:
    """Synthetic customer rows: ids, DNIs, accented names with quotes, e-mails, MSISDNs, dates,
    addresses, and a notes column that is mostly NULL and sometimes holds a tab or a newline."""
    for i in range(rows):
        notes: str | None = None
        if i % 7 == 0:
            notes = f"cliente {i}\tvip" if i % 2 else f"linea 1\nlinea 2 \\ {i}"
        yield (
            str(i + 1),
            f"{10000000 + (i * 7919) % 79999999:08d}",
            f"{_GIVEN[i % 10]} {_SURNAMES[i // 10 % 8]} {_SURNAMES[i // 80 % 8]}",
            f"user{i}@correo.pe",
            f"519{i % 100000000:08d}",
            f"19{50 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            f"AV. LOS OLIVOS {i % 999}, LIMA",
            notes,
        )


def _mysql_value(value: str | None) -> str:
    if value is None:
        return "NULL"
    if value.isdigit() and not value.startswith("0"):
        return value
    escaped = (
        value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t")
    )
    return f"'{escaped}'"


def write_mysql_dump(path: Path | str, rows: int, line_bytes: int = 1 << 20) -> None:
    """A ``mysqldump``-style dump: header, CREATE TABLE, LOCK TABLES, extended INSERT lines of
    about ``line_bytes`` (mysqldump's ``net_buffer_length``), conditional comments."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n"
            "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
            "/*!50503 SET NAMES utf8mb4 */;\n\nDROP TABLE IF EXISTS `customer`;\n"
            "CREATE TABLE `customer` (\n"
            + "".join(f"  `{name}` varchar(255) DEFAULT NULL,\n" for name in COLUMNS)
            + "  PRIMARY KEY (`customer_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
            "LOCK TABLES `customer` WRITE;\n/*!40000 ALTER TABLE `customer` DISABLE KEYS */;\n"
        )
        head = "INSERT INTO `customer` VALUES "
        tuples: list[str] = []
        size = 0
        for row in customers(rows):
            text = "(" + ",".join(_mysql_value(v) for v in row) + ")"
            tuples.append(text)
            size += len(text) + 1
            if size >= line_bytes:
                out.write(head + ",".join(tuples) + ";\n")
                tuples, size = [], 0
        if tuples:
            out.write(head + ",".join(tuples) + ";\n")
        out.write("/*!40000 ALTER TABLE `customer` ENABLE KEYS */;\nUNLOCK TABLES;\n")


def _copy_value(value: str | None) -> str:
    if value is None:
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def write_pg_copy_dump(path: Path | str, rows: int) -> None:
    """A ``pg_dump``-style dump: SET lines, CREATE TABLE, ``COPY public.customer (...) FROM
    stdin;`` with tab-separated rows, ``\\N`` nulls and backslash escapes, ``\\.``."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"
            "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n"
            "CREATE TABLE public.customer (\n"
            + ",\n".join(f"    {name} text" for name in COLUMNS)
            + "\n);\n\nALTER TABLE public.customer OWNER TO postgres;\n\n"
            f"COPY public.customer ({', '.join(COLUMNS)}) FROM stdin;\n"
        )
        lines: list[str] = []
        for row in customers(rows):
            lines.append("\t".join(_copy_value(v) for v in row))
            if len(lines) >= 10000:
                out.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            out.write("\n".join(lines) + "\n")
        out.write("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n")


def write_csv(path: Path | str, rows: int) -> None:
    """The same rows as CSV (the DuckDB baseline)."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(customers(rows))


def child(kind: str, path: str) -> dict[str, Any]:
    """One measurement in this (fresh) process: wall and CPU seconds (all threads), peak RSS."""
    if kind == "duckdb":
        import duckdb

        def read() -> int:
            con = duckdb.connect()
            con.execute("SET enable_progress_bar = false")
            con.execute("create table t as select * from read_csv(?, all_varchar=true)", [path])
            return con.execute("select count(*) from t").fetchone()[0]  # type: ignore[index]

    else:
        import leaktriage.ingest  # noqa: F401  (before the clock)

        def read() -> int:
            rows, report = read_all(path)
            assert report.malformed_rows == 0
            return rows

    def run() -> dict[str, Any]:
        cpu = time.process_time()
        rows = read()
        return {"rows": rows, "cpu_seconds": time.process_time() - cpu}

    return measure_here(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=100.0, help="size of each dump in MB")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    rows = int(args.mb * 1e6 / BYTES_PER_ROW)
    with tempfile.TemporaryDirectory(prefix="leaktriage-bench-") as tmp:
        files = {
            "mysql extended INSERT": ("leaktriage", Path(tmp, "dump.sql")),
            "pg COPY": ("leaktriage", Path(tmp, "pg.sql")),
            "csv (baseline)": ("duckdb", Path(tmp, "rows.csv")),
        }
        write_mysql_dump(files["mysql extended INSERT"][1], rows)
        write_pg_copy_dump(files["pg COPY"][1], rows)
        write_csv(files["csv (baseline)"][1], rows)
        table = []
        for label, (kind, path) in files.items():
            result = in_child(str(HERE), kind, str(path))
            size = path.stat().st_size / 1e6
            table.append(
                {
                    "input": label,
                    "reader": "duckdb read_csv" if kind == "duckdb" else "open_input().batches()",
                    "MB": size,
                    "rows": result["rows"],
                    "seconds": result["seconds"],
                    "cpu s": result["cpu_seconds"],
                    "MB/s": size / result["seconds"],
                    "MB/cpu-s": size / result["cpu_seconds"],
                    "rows/s": result["rows"] / result["seconds"],
                    "peak RSS MiB": result["peak_rss_mib"],
                }
            )
        print_table(
            table,
            [
                "input",
                "reader",
                "MB",
                "rows",
                "seconds",
                "cpu s",
                "MB/s",
                "MB/cpu-s",
                "rows/s",
                "peak RSS MiB",
            ],
        )


if __name__ == "__main__":
    main()
