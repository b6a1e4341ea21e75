"""Deterministic writers: the same table gives the same bytes, whatever the clock says.

Archive members carry a fixed timestamp, gzip headers carry ``mtime=0`` and the XLSX package is
re-zipped with fixed times and document properties.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FIXED_TIME = (2025, 6, 30, 12, 0, 0)
FIXED_EPOCH = 1751284800  # 2025-06-30T12:00:00Z


def csv_bytes(
    table: pa.Table, delimiter: str = ",", header: bool = True, quoting: str = "needed"
) -> bytes:
    """CSV text of ``table`` in UTF-8 (``quoting``: pyarrow's ``needed`` quotes all strings)."""
    sink = io.BytesIO()
    options = pacsv.WriteOptions(include_header=header, delimiter=delimiter, quoting_style=quoting)
    pacsv.write_csv(table, sink, options)
    return sink.getvalue()


def write_csv(
    path: Path,
    table: pa.Table,
    delimiter: str = ",",
    header: bool = True,
    encoding: str = "utf-8",
    quoting: str = "needed",
) -> None:
    data = csv_bytes(table, delimiter, header, quoting)
    if encoding.replace("-", "").lower() != "utf8":
        data = data.decode("utf-8").encode(encoding)
    path.write_bytes(data)


def _json_default(value: Any) -> str:
    return str(value)


def write_jsonl_nested(path: Path, table: pa.Table) -> None:
    """JSON Lines; a column named ``a.b`` becomes key ``b`` of the nested object ``a``."""
    lines = []
    for row in table.to_pylist():
        obj: dict[str, Any] = {}
        for key, value in row.items():
            head, _, tail = key.partition(".")
            if tail:
                obj.setdefault(head, {})[tail] = value
            else:
                obj[key] = value
        lines.append(json.dumps(obj, ensure_ascii=False, default=_json_default))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_json_array(path: Path, table: pa.Table) -> None:
    rows = table.to_pylist()
    path.write_text(
        json.dumps(rows, ensure_ascii=False, indent=1, default=_json_default) + "\n",
        encoding="utf-8",
    )


def _mysql_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{text}'"


def write_mysql_dump(path: Path, table: pa.Table, name: str, batch: int = 250) -> None:
    """A mysqldump-style file: CREATE TABLE, then multi-row INSERTs with backslash escapes."""
    cols = table.column_names
    out = [
        "-- MySQL dump 10.13  Distrib 5.7.42, for Linux (x86_64)",
        "--",
        f"-- Host: 10.20.4.17    Database: {name}_db",
        "-- ------------------------------------------------------",
        "/*!40101 SET NAMES utf8mb4 */;",
        "",
        f"DROP TABLE IF EXISTS `{name}`;",
        f"CREATE TABLE `{name}` (",
        ",\n".join(f"  `{c}` varchar(255) DEFAULT NULL" for c in cols),
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
        "",
        f"LOCK TABLES `{name}` WRITE;",
    ]
    rows = table.to_pylist()
    header = f"INSERT INTO `{name}` (" + ",".join(f"`{c}`" for c in cols) + ") VALUES "
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        values = ",".join("(" + ",".join(_mysql_literal(r[c]) for c in cols) + ")" for r in chunk)
        out.append(header + values + ";")
    out += ["UNLOCK TABLES;", "", "-- Dump completed on 2019-12-31  3:12:44", ""]
    path.write_text("\n".join(out), encoding="utf-8")


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def write_pg_dump(path: Path, table: pa.Table, name: str) -> None:
    """A pg_dump plain-format file with one ``COPY ... FROM stdin`` block."""
    cols = table.column_names
    out = [
        "--",
        "-- PostgreSQL database dump",
        "--",
        "",
        "SET statement_timeout = 0;",
        "SET client_encoding = 'UTF8';",
        "SET standard_conforming_strings = on;",
        "",
        f"CREATE TABLE public.{name} (",
        ",\n".join(f"    {c} text" for c in cols),
        ");",
        "",
        f"COPY public.{name} ({', '.join(cols)}) FROM stdin;",
    ]
    for row in table.to_pylist():
        out.append("\t".join(_copy_text(row[c]) for c in cols))
    out += ["\\.", "", "--", "-- PostgreSQL database dump complete", "--", ""]
    path.write_text("\n".join(out), encoding="utf-8")


def write_parquet(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, compression="zstd")


def _rezip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed member times (and fixed XLSX document dates)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-06-30T12:00:00Z", body)
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, body)
    return sink.getvalue()


def write_xlsx(path: Path, table: pa.Table, sheet: str) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(table.column_names)
    columns = [table.column(c).to_pylist() for c in table.column_names]
    for row in zip(*columns, strict=True):
        ws.append(list(row))
    sink = io.BytesIO()
    book.save(sink)
    path.write_bytes(_rezip(sink.getvalue()))


def write_zip(path: Path, members: Sequence[tuple[str, bytes]]) -> None:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    path.write_bytes(sink.getvalue())


def write_targz(path: Path, members: Sequence[tuple[str, bytes]]) -> None:
    sink = io.BytesIO()
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, body in members:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            info.mtime = FIXED_EPOCH
            info.mode = 0o644
            info.uname = info.gname = "export"
            tar.addfile(info, io.BytesIO(body))
    path.write_bytes(gzip.compress(sink.getvalue(), mtime=0))
