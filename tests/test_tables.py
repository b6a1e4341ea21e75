"""Multi-table inputs: every table listed, the one with most personal data read by default,
``--table`` reads another (CLI, ingest, the case upload API).

Inputs are shaped like public sample databases (Chinook, Sakila) and like what people export:
a dump whose largest table is a join table of two ids, a workbook with a customer sheet beside
a bigger sheet of invoices, a zip of unrelated CSVs. All values are synthetic.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.ingest import IngestOptions, open_input

runner = CliRunner()

GIVEN = ["Luis", "Ana", "Jorge", "Rosa", "Carlos", "Maria", "Jose", "Carmen"]
SURNAMES = ["Quispe", "Flores", "Mamani", "Rojas", "Huaman", "Garcia"]


def _person(i: int) -> tuple[str, str, str, str, str]:
    given = GIVEN[i % len(GIVEN)]
    surname = SURNAMES[(i // 3) % len(SURNAMES)]
    email = f"{given.lower()}.{surname.lower()}{i}@correo.pe"
    phone = f"+51 9{(10_000_000 + i * 7_919) % 100_000_000:08d}"
    return given, surname, email, phone, f"{(40_000_000 + i * 31) % 100_000_000:08d}"


def chinook_dump(customers: int = 40, tracks: int = 400) -> str:
    """A SQLite-style dump (``sqlite3 .dump``): ``Customer`` (personal) and a much larger
    ``PlaylistTrack`` join table of two integer ids."""
    lines = [
        "PRAGMA foreign_keys=OFF;",
        "BEGIN TRANSACTION;",
        'CREATE TABLE "Customer" ("CustomerId" INTEGER NOT NULL, "FirstName" NVARCHAR(40), '
        '"LastName" NVARCHAR(20), "Email" NVARCHAR(60), "Phone" NVARCHAR(24), '
        'PRIMARY KEY ("CustomerId"));',
    ]
    for i in range(1, customers + 1):
        given, surname, email, phone, _ = _person(i)
        lines.append(
            f"INSERT INTO \"Customer\" VALUES({i},'{given}','{surname}','{email}','{phone}');"
        )
    lines.append(
        'CREATE TABLE "PlaylistTrack" ("PlaylistId" INTEGER NOT NULL, "TrackId" INTEGER NOT NULL);'
    )
    for i in range(1, tracks + 1):
        lines.append(f'INSERT INTO "PlaylistTrack" VALUES({1 + i % 18},{i});')
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def mysql_dump(customers: int = 30, rentals: int = 300) -> str:
    """A mysqldump-style dump (Sakila shape): ``customer`` beside a larger ``rental``."""
    out = [
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)",
        "/*!40101 SET NAMES utf8mb4 */;",
        "DROP TABLE IF EXISTS `customer`;",
        "CREATE TABLE `customer` (\n  `customer_id` smallint unsigned NOT NULL AUTO_INCREMENT,"
        "\n  `first_name` varchar(45) NOT NULL,\n  `last_name` varchar(45) NOT NULL,"
        "\n  `email` varchar(50) DEFAULT NULL,\n  `dni` char(8) DEFAULT NULL,"
        "\n  PRIMARY KEY (`customer_id`)\n) ENGINE=InnoDB;",
        "LOCK TABLES `customer` WRITE;",
    ]
    tuples = []
    for i in range(1, customers + 1):
        given, surname, email, _, dni = _person(i)
        tuples.append(f"({i},'{given.upper()}','{surname.upper()}','{email}','{dni}')")
    out.append(f"INSERT INTO `customer` VALUES {','.join(tuples)};")
    out.append("UNLOCK TABLES;")
    out.append(
        "CREATE TABLE `rental` (\n  `rental_id` int NOT NULL,\n  `inventory_id` mediumint NOT NULL,"
        "\n  `customer_id` smallint NOT NULL,\n  `staff_id` tinyint NOT NULL\n) ENGINE=InnoDB;"
    )
    rows = [f"({i},{1 + i * 7 % 4581},{1 + i % customers},{1 + i % 2})" for i in range(rentals)]
    out.append(f"INSERT INTO `rental` VALUES {','.join(rows)};")
    return "\n".join(out) + "\n"


def zip_of_tables(customers: int = 30, orders: int = 300) -> bytes:
    """An export of several unrelated CSVs: customers (personal) and a larger orders file."""
    people = ["cliente_id,nombres,apellidos,email,celular,dni"]
    for i in range(1, customers + 1):
        given, surname, email, phone, dni = _person(i)
        people.append(f"C{i:05d},{given},{surname},{email},{phone},{dni}")
    order_lines = ["order_id,cliente_id,amount"]
    order_lines += [f"{i},C{1 + i % customers:05d},{10 + i % 90}.50" for i in range(orders)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("export/orders.csv", "\n".join(order_lines) + "\n")
        z.writestr("export/customers.csv", "\n".join(people) + "\n")
    return buf.getvalue()


def workbook(path: Path, customers: int = 25, invoices: int = 250) -> Path:
    """An XLSX as Excel saves it: a small ``Clientes`` sheet and a larger ``Facturas`` one."""
    from openpyxl import Workbook

    wb = Workbook()
    inv = wb.active
    assert inv is not None
    inv.title = "Facturas"
    inv.append(["InvoiceId", "CustomerId", "Total"])
    for i in range(1, invoices + 1):
        inv.append([i, 1 + i % customers, 9.99])
    sheet = wb.create_sheet("Clientes")
    sheet.append(["CustomerId", "Nombre", "Apellido", "Correo", "Celular"])
    for i in range(1, customers + 1):
        given, surname, email, phone, _ = _person(i)
        sheet.append([i, given, surname, email, phone])
    wb.save(path)
    return path


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _inputs(tmp_path: Path) -> dict[str, tuple[Path, str, str, int]]:
    """name → (file, default table, other table, rows of the default)."""
    return {
        "sqlite-chinook": (
            _write(tmp_path, "chinook.sql", chinook_dump()),
            "Customer",
            "PlaylistTrack",
            40,
        ),
        "mysql-sakila": (_write(tmp_path, "sakila.sql", mysql_dump()), "customer", "rental", 30),
        "zip-of-csvs": (
            _write(tmp_path, "export.zip", zip_of_tables()),
            "export/customers.csv",
            "export/orders.csv",
            30,
        ),
        "xlsx-sheets": (workbook(tmp_path / "book.xlsx"), "Clientes", "Facturas", 25),
    }


KINDS = ["sqlite-chinook", "mysql-sakila", "zip-of-csvs", "xlsx-sheets"]


def _cli(ws: Path, *args: str) -> Any:
    return runner.invoke(app, ["--workspace", str(ws), *args], env={})


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    assert _cli(path, "init").exit_code == 0
    return path


@pytest.mark.parametrize("kind", KINDS)
def test_reader_lists_every_table(tmp_path: Path, kind: str) -> None:
    path, default, other, _ = _inputs(tmp_path)[kind]
    with open_input(path) as reader:
        names = [t.name for t in reader.tables]
        assert default in names and other in names, names
        reader.select_table(other)
        assert reader.table == other
        assert sum(b.num_rows for b in reader.batches()) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_default_is_the_personal_table(tmp_path: Path, ws: Path, kind: str) -> None:
    path, default, other, rows = _inputs(tmp_path)[kind]
    out = tmp_path / "ingest.json"
    result = _cli(ws, "source", "add", str(path), "--name", "crm", "--json", str(out))
    assert result.exit_code == 0, result.output
    got = json.loads(out.read_text())["input"]
    assert got["table"] == default
    assert got["rows"] == rows
    listed = {t["name"]: t for t in got["tables"]}
    assert set(listed) >= {default, other}
    assert listed[default]["rows"] == rows
    assert all(set(t) == {"name", "rows", "columns"} for t in got["tables"])
    types = {c["type"] for c in json.loads(out.read_text())["columns"]}
    assert "email" in types or "msisdn" in types or "national_id" in types
    # the terminal says which table was read
    assert f"read table {default}" in result.output


@pytest.mark.parametrize("kind", KINDS)
def test_table_option_reads_another(tmp_path: Path, ws: Path, kind: str) -> None:
    path, default, other, _ = _inputs(tmp_path)[kind]
    out = tmp_path / "ingest.json"
    result = _cli(
        ws, "corpus", "add", str(path), "--name", "other", "--table", other.upper(),
        "--json", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = json.loads(out.read_text())["input"]
    assert got["table"] == other
    assert got["rows"] > 0


def test_unknown_table_is_refused_naming_the_tables(tmp_path: Path, ws: Path) -> None:
    path, default, other, _ = _inputs(tmp_path)["sqlite-chinook"]
    result = _cli(ws, "triage", str(path), "--table", "Invoice")
    assert result.exit_code == 3, result.output
    line = result.output.strip().splitlines()[-1]
    assert "Invoice" in line and default in line and other in line


def test_other_personal_tables_are_named(tmp_path: Path, ws: Path) -> None:
    """Two tables with personal data: the richer is read, the other named with its types."""
    dump = chinook_dump()
    employees = [
        'CREATE TABLE "Employee" ("EmployeeId" INTEGER, "FirstName" NVARCHAR(40), '
        '"LastName" NVARCHAR(20), "Email" NVARCHAR(60));'
    ]
    for i in range(1, 9):
        given, surname, email, _, _ = _person(100 + i)
        employees.append(f"INSERT INTO \"Employee\" VALUES({i},'{given}','{surname}','{email}');")
    path = _write(tmp_path, "chinook.sql", dump + "\n".join(employees) + "\n")
    out = tmp_path / "ingest.json"
    result = _cli(ws, "source", "add", str(path), "--name", "crm", "--json", str(out))
    assert result.exit_code == 0, result.output
    got = json.loads(out.read_text())["input"]
    assert got["table"] == "Customer"
    others = {t["name"]: t for t in got["other_personal_tables"]}
    assert set(others) == {"Employee"}
    assert "email" in others["Employee"]["personal_columns"]
    assert "--table Employee" in result.output


def test_split_archive_is_one_table(tmp_path: Path) -> None:
    """Members with the same columns are parts of one table: read as their union."""
    buf = io.BytesIO()
    lines = ["dni,email"] + [f"{40000000 + i},u{i}@correo.pe" for i in range(10)]
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("part1.csv", "\n".join(lines[:6]) + "\n")
        z.writestr("part2.csv", "\n".join([lines[0], *lines[6:]]) + "\n")
    path = _write(tmp_path, "parts.zip", buf.getvalue())
    with open_input(path) as reader:
        assert reader.tables == []
        assert sum(b.num_rows for b in reader.batches()) == 10
        assert reader.report.input_json().get("tables") is None


def test_table_option_on_plain_csv_is_refused(tmp_path: Path) -> None:
    from leaktriage.errors import InputError

    path = _write(tmp_path, "a.csv", "dni,email\n40000000,a@b.pe\n")
    with (
        pytest.raises(InputError, match="one table"),
        open_input(path, IngestOptions(table="Customer")),
    ):
        pass
