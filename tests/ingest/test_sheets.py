"""Workbooks through calamine: five formats by content, every sheet a table, hostile packages."""

from __future__ import annotations

import datetime as dt
import io
import random
import time
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_corpus import compress
from sheet_corpus import WRITERS, raw_docx, raw_odf, raw_xlsx, write_xlsx
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.errors import InputError, InputRejected
from leaktriage.ingest import IngestOptions, open_input
from leaktriage.ingest._sheets import SheetReader
from leaktriage.normalize import normalize_exprs

CUSTOMERS: list[list[Any]] = [
    ["dni", "nombre", "alta", "activo"],
    [1234567, "Ana Quispe", dt.datetime(2023, 5, 1), True],
    [40404040, "Luis Mamani", dt.datetime(2023, 5, 1, 8, 30), False],
]
ORDERS: list[list[Any]] = [["pedido", "monto"]] + [[1000 + i, 10.5 + i] for i in range(5)]


def _rows(path: Path, **options: Any) -> tuple[Any, list[dict[str, Any]]]:
    with open_input(path, IngestOptions(**options)) as reader:
        return reader, reader.batches().read_all().to_pylist()


@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_sheet_is_a_table_and_one_is_selected_by_name(tmp_path: Path, kind: str) -> None:
    # A misleading name: the format is found from the content alone.
    path = WRITERS[kind](tmp_path / f"book.{kind}", {"Clientes": CUSTOMERS, "Pedidos": ORDERS})
    renamed = path.rename(tmp_path / "export.dat")
    reader, rows = _rows(renamed)
    assert reader.report.format == kind
    assert [(t.name, t.rows) for t in reader.tables] == [("Clientes", 2), ("Pedidos", 5)]
    assert reader.table == "Pedidos" and len(rows) == 5  # a reader alone: the largest
    reader, rows = _rows(renamed, table="clientes")
    assert reader.table == "Clientes" and reader.columns == ["dni", "nombre", "alta", "activo"]
    assert rows == [
        {"dni": "1234567", "nombre": "Ana Quispe", "alta": "2023-05-01", "activo": "TRUE"},
        {
            "dni": "40404040",
            "nombre": "Luis Mamani",
            "alta": "2023-05-01T08:30:00",
            "activo": "FALSE",
        },
    ]
    with pytest.raises(InputError, match="it holds: Clientes, Pedidos"):
        open_input(renamed, IngestOptions(table="Facturas"))


@pytest.mark.parametrize("kind", ["ods", "xlsb"])
def test_ods_and_xlsb_are_never_read_as_their_parts(tmp_path: Path, kind: str) -> None:
    path = WRITERS[kind](tmp_path / f"b.{kind}", {"Clientes": CUSTOMERS})
    reader, rows = _rows(path)
    assert reader.report.members == [] and reader.report.format == kind
    assert [r["nombre"] for r in rows] == ["Ana Quispe", "Luis Mamani"]


def test_a_workbook_inside_an_archive_is_read_from_its_spooled_copy(tmp_path: Path) -> None:
    book = WRITERS["ods"](tmp_path / "b.ods", {"Clientes": CUSTOMERS})
    packed = tmp_path / "leak.zip"
    packed.write_bytes(compress("zip", book.read_bytes(), member="clientes.ods"))
    reader, rows = _rows(packed)
    assert reader.report.format == "ods" and len(rows) == 2


def test_numbers_that_lost_leading_zeros_are_flagged_and_padded(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "b.xlsx",
        {"S": [["dni", "nombre"], [1234567, "Ana"], [12345, "Bo"], ["00412345", "Cy"]]},
    )
    reader = SheetReader("xlsx", str(path), IngestOptions(), path, lambda: path.open("rb"))
    assert reader.numeric_columns == frozenset({"dni"})
    with open_input(path) as leak:
        values = leak.batches().read_all().column("dni").to_pylist()
    assert values == ["1234567", "12345", "00412345"]
    padded = normalize_exprs("x", "national_id", scheme="pe.dni", numeric=True)["value"]
    plain = normalize_exprs("x", "national_id", scheme="pe.dni")["value"]
    sql = f"select {padded}, {plain} from (values ('12345')) t(x)"
    assert duckdb.sql(sql).fetchall() == [("00012345", None)]


def test_title_rows_blank_margins_and_error_cells(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B2"] = "Reporte de clientes"
    sheet.merge_cells("B2:D2")
    sheet.append([])
    sheet.append([None, "dni", "nombre", "telefono"])
    sheet.append([None, "40404040", "Ana", 51987000001])
    sheet.append([None, "41414141", "Bo", None, None])
    book.save(tmp_path / "t.xlsx")
    reader, rows = _rows(tmp_path / "t.xlsx")
    assert reader.columns == ["dni", "nombre", "telefono"]
    assert rows[0] == {"dni": "40404040", "nombre": "Ana", "telefono": "51987000001"}
    assert reader.report.rows == 2 and reader.report.malformed_rows == 0


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param({"strict": True}, id="strict-ooxml"),
        pytest.param({"dimension": False}, id="no-dimension"),
        pytest.param({"shared": f'<sst xmlns="{"x"}" count="0" uniqueCount="0"/>'}, id="empty-sst"),
    ],
)
def test_valid_packages_other_writers_make(tmp_path: Path, variant: dict[str, Any]) -> None:
    rows = [
        '<c r="A1" t="inlineStr"><is><t>dni</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>nombre</t></is></c>',
        '<c r="A2"><v>40404040</v></c><c r="B2" t="e"><v>#N/A</v></c>',
        '<c r="A3" t="str"><v>01234567</v></c><c r="B3" t="inlineStr"><is><t>Bo</t></is></c>',
    ]
    reader, got = _rows(raw_xlsx(tmp_path / "v.xlsx", rows, **variant))
    assert reader.report.format == "xlsx"
    assert got == [{"dni": "40404040", "nombre": None}, {"dni": "01234567", "nombre": "Bo"}]


_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10)).replace(
        "&lol1;", "&lol;"
    )
    + "]>"
)


def test_dtd_in_a_workbook_exits_3_through_the_cli(tmp_path: Path) -> None:
    path = raw_xlsx(
        tmp_path / "lol.xlsx",
        ['<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'],
        prolog=_LAUGHS,
    )
    env = {"LEAKTRIAGE_KEY": "sheet-test-key-0123456789abcdef"}
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["--workspace", str(ws), "init"], env=env).exit_code == 0
    result = runner.invoke(
        app, ["--workspace", str(ws), "source", "add", str(path), "--name", "x"], env=env
    )
    assert result.exit_code == 3, result.output
    assert "DTD" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda p: raw_docx(p / "a.docx"), "not a recognised", id="docx"),
        pytest.param(
            lambda p: raw_odf(p / "a.odt", "application/vnd.oasis.opendocument.text"),
            "not a recognised",
            id="odt",
        ),
        pytest.param(
            lambda p: raw_xlsx(
                p / "far.xlsx", ['<c r="A1"><v>1</v></c>', '<c r="XFD1048576"><v>2</v></c>']
            ),
            "memory",
            id="far-cell-xlsx",
        ),
        pytest.param(
            lambda p: raw_xlsx(p / "e.xlsx", ['<c r="A1"><v>1</v></c>'], shared=""),
            "damaged",
            id="zero-byte-sst",
        ),
    ],
)
def test_refused_with_a_reason_not_a_traceback(tmp_path: Path, make: Any, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=message):
        open_input(make(tmp_path))
    assert time.monotonic() - started < 30


def test_too_many_columns_names_the_limit(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", {"S": [[f"c{i}" for i in range(40)], list(range(40))]})
    with pytest.raises(InputRejected, match="max_columns"):
        open_input(path, IngestOptions(max_columns=32))


def _mutated(seed: int, source: bytes) -> bytes:
    """The workbook with random bytes written into one member (the zip stays readable)."""
    rng = random.Random(seed)
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    name = rng.choice(sorted(members))
    data = bytearray(members[name])
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    if rng.random() < 0.3:
        data = data[: rng.randrange(len(data) + 1)]
    members[name] = bytes(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member, content in members.items():
            z.writestr(member, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("sheets")
    return {
        kind: WRITERS[kind](root / f"o.{kind}", {"Clientes": CUSTOMERS}).read_bytes()
        for kind in ("xlsx", "xlsb", "ods")
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["xlsx", "xlsb", "ods"]),
    seed=st.integers(0, 2**32),
    raw=st.booleans(),
)
def test_mutated_workbooks_raise_only_the_error_tree(
    tmp_path: Path, originals: dict[str, bytes], kind: str, seed: int, raw: bool
) -> None:
    source = originals[kind]
    if raw:  # random bytes anywhere in the file, zip structure included
        rng = random.Random(seed)
        data = bytearray(source)
        for _ in range(rng.randint(1, 16)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        blob = bytes(data)
    else:
        blob = _mutated(seed, source)
    path = tmp_path / f"m-{kind}-{seed}-{raw}.bin"
    path.write_bytes(blob)
    try:
        with open_input(path) as reader:
            reader.batches().read_all()
    except InputError:
        pass
