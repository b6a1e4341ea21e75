"""SQL dumps: MySQL extended INSERTs, PostgreSQL COPY and INSERT, table choice."""

from __future__ import annotations

import pytest
from ingest_corpus import PLANTED, Maker

from leaktriage.errors import InputError
from leaktriage.ingest import IngestOptions, open_input

MYSQL = """-- MySQL dump 10.13  Distrib 8.0
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `clientes`;
CREATE TABLE IF NOT EXISTS `clientes` (
  `id` int NOT NULL AUTO_INCREMENT,
  `nombre` varchar(100) DEFAULT NULL,
  `dni` char(8),
  `saldo` decimal(10,2),
  PRIMARY KEY (`id`),
  UNIQUE KEY `dni_idx` (`dni`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `clientes` WRITE;
INSERT INTO `clientes` VALUES (1,'O\\'Higgins','00412345',10.50),
(2,'It''s \\\\ ok','a\\nb',NULL),(3,'x);(y','007',-2);
INSERT INTO `clientes` (`id`,`nombre`,`dni`,`saldo`) VALUES (4,'Ana','12345678',0);
UNLOCK TABLES;
INSERT INTO `logs` VALUES (1,'l');
"""

PG = """--
-- PostgreSQL database dump
--
SET standard_conforming_strings = on;
CREATE TABLE public.abonados (
    id integer NOT NULL,
    msisdn text,
    nota text
);
COPY public.abonados (id, msisdn, nota) FROM stdin;
1\t51987000001\tcon\\ttab
2\t\\N\tback\\\\slash
3\t51987000003\tnueva\\nlinea
\\.
INSERT INTO public.planes (codigo, nombre) VALUES ('P1', 'it''s a \\ plan');
INSERT INTO public.planes (codigo, nombre) VALUES (E'P\\'2', 'multi
line');
"""


def read(path, **options):  # noqa: ANN001, ANN201
    with open_input(path, IngestOptions(**options)) as reader:
        return reader.batches().read_all().to_pylist(), reader.report


def test_mysql_extended_insert(make: Maker) -> None:
    rows, report = read(make("dump.sql", MYSQL))
    assert report.format == "sql" and report.table == "clientes"
    assert report.columns == ["id", "nombre", "dni", "saldo"]
    assert rows == [
        {"id": "1", "nombre": "O'Higgins", "dni": "00412345", "saldo": "10.50"},
        {"id": "2", "nombre": "It's \\ ok", "dni": "a\nb", "saldo": None},
        {"id": "3", "nombre": "x);(y", "dni": "007", "saldo": "-2"},
        {"id": "4", "nombre": "Ana", "dni": "12345678", "saldo": "0"},
    ]
    assert report.input_json()["table"] == "clientes"


def test_postgres_copy_chosen_as_largest(make: Maker) -> None:
    rows, report = read(make("pg.sql", PG))
    assert report.table == "public.abonados"
    assert report.columns == ["id", "msisdn", "nota"]
    assert rows == [
        {"id": "1", "msisdn": "51987000001", "nota": "con\ttab"},
        {"id": "2", "msisdn": None, "nota": "back\\slash"},
        {"id": "3", "msisdn": "51987000003", "nota": "nueva\nlinea"},
    ]


@pytest.mark.parametrize(
    "table", [pytest.param("planes", id="short"), pytest.param("PUBLIC.PLANES", id="qualified")]
)
def test_postgres_insert_table_option(make: Maker, table: str) -> None:
    rows, report = read(make("pg.sql", PG), table=table)
    assert report.table == "public.planes"
    assert rows == [
        {"codigo": "P1", "nombre": "it's a \\ plan"},
        {"codigo": "P'2", "nombre": "multi\nline"},
    ]


def test_unknown_table_is_an_input_error(make: Maker) -> None:
    with pytest.raises(InputError):
        open_input(make("pg.sql", PG), IngestOptions(table="nope"))


def test_insert_without_create_uses_numbered_columns(make: Maker) -> None:
    rows, report = read(make("d.sql", "INSERT INTO t VALUES (1,'a'),(2,'b');\n"))
    assert report.columns == ["col_1", "col_2"]
    assert rows[1] == {"col_1": "2", "col_2": "b"}


@pytest.mark.parametrize(
    ("dump", "line", "column"),
    [
        pytest.param(
            f"INSERT INTO t (a,b) VALUES ('x','y'),\n('multi\nline','z'),\n('{PLANTED}');\n",
            4,
            2,
            id="insert-tuple",
        ),
        pytest.param(
            "-- pg_dump\nCOPY t (a, b) FROM stdin;\nx\ty\n" + PLANTED + "\n\\.\n",
            4,
            2,
            id="copy-line",
        ),
    ],
)
def test_malformed_rows_lines_and_fail_mode(make: Maker, dump: str, line: int, column: int) -> None:
    path = make("bad.sql", dump)
    _, report = read(path)
    assert report.malformed_rows == 1
    assert report.malformed_lines == [line]
    with open_input(path, IngestOptions(on_error="fail")) as reader:
        with pytest.raises(InputError) as caught:
            reader.batches().read_all()
    assert (caught.value.line, caught.value.column) == (line, column)
    assert PLANTED not in str(caught.value)
