"""XLSX (first sheet with data, cells rendered as text) and Parquet (cast to string)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_corpus import Maker

from leaktriage.ingest import IngestOptions, open_input


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_first_sheet_with_data_and_rendering(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Empty": [],
            "Clientes": [
                ["dni", "nombre", "alta", "saldo", "activo", "hora"],
                [
                    40404040,
                    "Ana",
                    dt.datetime(2023, 5, 1),
                    12.5,
                    True,
                    dt.datetime(2023, 5, 1, 8, 30),
                ],
                [7.0, "Luis", dt.date(1999, 12, 31), None, False, None],
                [1, 2, 3, 4, 5, 6, "extra cell"],
            ],
        },
    )
    with open_input(path) as reader:
        rows = reader.batches().read_all().to_pylist()
        report = reader.report
    assert report.format == "xlsx" and report.header is True
    assert reader.columns == ["dni", "nombre", "alta", "saldo", "activo", "hora"]
    assert rows[0] == {
        "dni": "40404040",
        "nombre": "Ana",
        "alta": "2023-05-01",
        "saldo": "12.5",
        "activo": "TRUE",
        "hora": "2023-05-01T08:30:00",
    }
    assert rows[1]["dni"] == "7" and rows[1]["alta"] == "1999-12-31" and rows[1]["saldo"] is None
    assert report.malformed_rows == 1 and report.malformed_lines == [4]


def test_xlsx_headerless(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", {"S": [[51987000001, "Ana"], [51987000002, "Bo"]]})
    with open_input(path) as reader:
        assert reader.columns == ["col_1", "col_2"]
        assert reader.sample(1).to_pylist() == [{"col_1": "51987000001", "col_2": "Ana"}]


def test_parquet_cast_to_strings_and_flattened(make: Maker) -> None:
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "dni": ["00412345", None, "7"],
            "ok": [True, False, None],
            "addr": pa.array([{"city": "Lima", "zip": 15001}, None, {"city": "Puno", "zip": None}]),
            "phones": [["51987000001"], None, []],
            "born": pa.array([dt.date(1990, 1, 2), None, dt.date(2000, 2, 29)]),
            "amount": pa.array([1.5, 2.0, None]),
        }
    )
    path = make("t.parquet", b"")
    pq.write_table(table, path, row_group_size=2)
    with open_input(path, IngestOptions(batch_rows=2)) as reader:
        result = reader.batches().read_all()
        report = reader.report
    assert report.format == "parquet" and report.rows == 3
    assert result.column_names == [
        "id",
        "dni",
        "ok",
        "addr.city",
        "addr.zip",
        "phones",
        "born",
        "amount",
    ]
    assert all(f.type == pa.string() for f in result.schema)
    rows = result.to_pylist()
    assert rows[0] == {
        "id": "1",
        "dni": "00412345",
        "ok": "true",
        "addr.city": "Lima",
        "addr.zip": "15001",
        "phones": '["51987000001"]',
        "born": "1990-01-02",
        "amount": "1.5",
    }
    assert rows[1]["addr.city"] is None and rows[1]["phones"] is None


@pytest.mark.parametrize("kind", [pytest.param("gz", id="gz"), pytest.param("zip", id="zip")])
def test_parquet_inside_a_container_is_extracted(make: Maker, kind: str) -> None:
    from ingest_corpus import compress

    table = pa.table({"msisdn": ["51987000001", "51987000002"]})
    raw = make("plain.parquet", b"")
    pq.write_table(table, raw)
    path = make(f"packed.{kind}", compress(kind, raw.read_bytes(), member="x.parquet"))
    with open_input(path) as reader:
        assert reader.batches().read_all().column("msisdn").to_pylist() == [
            "51987000001",
            "51987000002",
        ]
        assert reader.report.format == "parquet"
