"""Ingest throughput: the whole first half of the pipeline on CSV, then every format alone.

1. **Pipeline** (ingest + classify + normalize + tokenize) on a synthetic leak CSV of
   ``--rows`` rows, beside DuckDB's bare ``read_csv`` of the same file into a table (all
   columns VARCHAR).
2. **Per format** (``--format-rows`` rows; spreadsheets ``--sheet-rows``): the same rows written
   as CSV, JSON Lines, a MySQL extended-INSERT dump, a PostgreSQL COPY dump, XLSX, ODS and
   Parquet, each read through ``open_input(...).batches()`` (every row, as strings), beside a
   baseline on the same rows in the same run: DuckDB ``read_csv``/``read_json`` for the text
   formats, DuckDB ``read_csv`` of the same rows as CSV for the dumps, ``pyarrow.parquet`` for
   Parquet, bare ``python-calamine`` for the spreadsheets.

Each measurement runs in a fresh process, so its peak RSS is its own.

    .venv/bin/python bench/ingest.py                          # 5M-row pipeline, 1M per format
    .venv/bin/python bench/ingest.py --rows 500000 --format-rows 200000   # quicker
    .venv/bin/python bench/ingest.py --only formats           # the per-format table only
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
from _common import in_child, measure_here, print_table, read_all  # noqa: E402

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


FORMATS = ("csv", "jsonl", "mysql", "pgcopy", "xlsx", "ods", "parquet")
SPREADSHEETS = ("xlsx", "ods")


def make_formats(folder: Path, rows: int, sheet_rows: int) -> dict[str, tuple[Path, Path, int]]:
    """The same synthetic rows in every format: name → (file, baseline file, rows)."""
    import duckdb
    import pyarrow.csv as pacsv

    from leaktriage.synth._writers import write_mysql_dump, write_pg_dump

    csv = folder / "rows.csv"
    make_leak(csv, rows)
    table = pacsv.read_csv(
        csv, convert_options=pacsv.ConvertOptions(column_types={"dni": "string"})
    )
    out: dict[str, tuple[Path, Path, int]] = {"csv": (csv, csv, rows)}
    con = duckdb.connect()
    jsonl = folder / "rows.jsonl"
    con.execute(
        f"copy (select * from read_csv('{csv}', all_varchar=true)) to '{jsonl}' (format json)"
    )
    out["jsonl"] = (jsonl, jsonl, rows)
    parquet = folder / "rows.parquet"
    con.execute(
        f"copy (select * from read_csv('{csv}', all_varchar=true)) to '{parquet}' (format parquet)"
    )
    out["parquet"] = (parquet, parquet, rows)
    mysql, pg = folder / "rows.mysql.sql", folder / "rows.pg.sql"
    # extended INSERTs of ~1 MB lines, as mysqldump writes them (net_buffer_length)
    write_mysql_dump(mysql, table, "clientes", batch=8000)
    write_pg_dump(pg, table, "clientes")
    out["mysql"] = (mysql, csv, rows)
    out["pgcopy"] = (pg, csv, rows)
    small = table.slice(0, sheet_rows)
    xlsx, ods = folder / "rows.xlsx", folder / "rows.ods"
    _write_xlsx(xlsx, small)
    _write_ods(ods, small)
    out["xlsx"] = (xlsx, xlsx, small.num_rows)
    out["ods"] = (ods, ods, small.num_rows)
    return out


def _write_xlsx(path: Path, table: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("clientes")
    sheet.append(table.column_names)
    for row in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
        sheet.append(list(row))
    wb.save(path)


def _write_ods(path: Path, table: Any) -> None:
    """An ODS as LibreOffice writes one (odfpy): a ``content.xml`` of string cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="clientes")

    def add(values: list[Any]) -> None:
        tr = TableRow()
        for v in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text="" if v is None else str(v)))
            tr.addElement(cell)
        sheet.addElement(tr)

    add(table.column_names)
    for row in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
        add(list(row))
    doc.spreadsheet.addElement(sheet)
    doc.save(str(path))


def format_child(kind: str, fmt: str, path: str) -> dict[str, Any]:
    """One per-format measurement in this (fresh) process."""
    if kind == "leaktriage":
        import leaktriage.ingest  # noqa: F401  (before the clock)

        def run() -> dict[str, Any]:
            return {"rows": read_all(path)[0]}

        return measure_here(run)

    # imports and connections before the clock starts: the baseline is the read alone
    if fmt == "parquet":
        import pyarrow.parquet as pq

        def baseline() -> dict[str, Any]:
            return {"rows": pq.read_table(path).num_rows}

    elif fmt in SPREADSHEETS:
        from python_calamine import CalamineWorkbook

        def baseline() -> dict[str, Any]:
            book = CalamineWorkbook.from_path(path)
            return {"rows": len(book.get_sheet_by_index(0).to_python()) - 1}

    else:
        import duckdb

        con = duckdb.connect()
        reader = "read_json" if fmt == "jsonl" else "read_csv"
        extra = ", format='newline_delimited'" if fmt == "jsonl" else ", all_varchar=true"

        def baseline() -> dict[str, Any]:
            con.execute(f"create table t as select * from {reader}(?{extra})", [path])
            return {"rows": con.execute("select count(*) from t").fetchone()[0]}  # type: ignore[index]

    return measure_here(baseline)


def formats_table(rows: int, sheet_rows: int, only: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="lt-bench-fmt-") as tmp:
        files = make_formats(Path(tmp), rows, sheet_rows)
        print(
            f"\nper format: {rows:,} rows ({sheet_rows:,} in spreadsheets), {os.cpu_count()} cores"
        )
        results = []
        baselines = {
            "csv": "duckdb read_csv",
            "jsonl": "duckdb read_json",
            "mysql": "duckdb read_csv (same rows)",
            "pgcopy": "duckdb read_csv (same rows)",
            "xlsx": "python-calamine",
            "ods": "python-calamine",
            "parquet": "pyarrow.parquet",
        }
        for fmt in only:
            path, base_path, n = files[fmt]
            size = path.stat().st_size / 2**20
            ours = in_child(str(HERE), "format:leaktriage", f"{fmt}:{path}")
            base = in_child(str(HERE), "format:baseline", f"{fmt}:{base_path}")
            assert ours["rows"] == n, (fmt, ours["rows"], n)
            results.append(
                {
                    "format": fmt,
                    "MiB": size,
                    "rows": n,
                    "seconds": ours["seconds"],
                    "rows_per_s": n / ours["seconds"],
                    "MiB_per_s": size / ours["seconds"],
                    "peak_rss_mib": ours["peak_rss_mib"],
                    "baseline": baselines[fmt],
                    "base_s": base["seconds"],
                    "base_rss_mib": base["peak_rss_mib"],
                    "x_baseline": ours["seconds"] / base["seconds"],
                }
            )
        print_table(
            results,
            [
                "format", "MiB", "rows", "seconds", "rows_per_s", "MiB_per_s", "peak_rss_mib",
                "baseline", "base_s", "base_rss_mib", "x_baseline",
            ],
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000, help="pipeline rows (CSV)")
    parser.add_argument("--format-rows", type=int, default=1_000_000, help="rows per format")
    parser.add_argument("--sheet-rows", type=int, default=100_000, help="rows in spreadsheets")
    parser.add_argument("--only", choices=("pipeline", "formats"), default=None)
    parser.add_argument("--formats", nargs="*", default=list(FORMATS), choices=FORMATS)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        if kind.startswith("format:"):
            fmt, _, file = path.partition(":")
            print(json.dumps(format_child(kind.split(":", 1)[1], fmt, file)))
        else:
            print(json.dumps(child(kind, path)))
        return
    if args.only != "formats":
        pipeline(args.rows)
    if args.only != "pipeline":
        formats_table(args.format_rows, args.sheet_rows, args.formats)


def pipeline(rows: int) -> None:
    with tempfile.TemporaryDirectory(prefix="lt-bench-") as tmp:
        leak = Path(tmp) / "leak.csv"
        make_leak(leak, rows)
        size_mb = leak.stat().st_size / 2**20
        print(f"pipeline: {rows:,} rows, {size_mb:,.0f} MiB, {os.cpu_count()} cores")
        results = []
        for kind in ("baseline", "leaktriage"):
            r = in_child(str(HERE), kind, str(leak))
            r["what"] = (
                "duckdb read_csv -> table (baseline)"
                if kind == "baseline"
                else "ingest+classify+normalize+tokenize"
            )
            r["rows_per_s"] = r["rows"] / r["seconds"]
            r["MiB_per_s"] = size_mb / r["seconds"]
            results.append(r)
        print_table(results, ["what", "rows", "seconds", "rows_per_s", "MiB_per_s", "peak_rss_mib"])
        ratio = results[1]["seconds"] / results[0]["seconds"]
        print(f"leaktriage / baseline time: {ratio:.2f}x")
        print(f"classified types: {', '.join(results[1]['types'])}")


if __name__ == "__main__":
    main()
