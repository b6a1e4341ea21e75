"""SQL dumps as each tool writes them: mysqldump, MariaDB, pg_dump, SQLite, SSMS, Oracle."""

# ruff: noqa: E501  (the dumps keep the long lines their tools write)

from __future__ import annotations

import pytest
from ingest_corpus import Maker

from leaktriage.ingest import IngestOptions, open_input

MYSQLDUMP = """-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: crm
-- ------------------------------------------------------
-- Server version\t8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET TIME_ZONE='+00:00' */;

--
-- Table structure for table `customer`
--

DROP TABLE IF EXISTS `customer`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE `customer` (
  `customer_id` smallint unsigned NOT NULL AUTO_INCREMENT,
  `first_name` varchar(45) NOT NULL,
  `email` varchar(50) DEFAULT NULL,
  `ki` varbinary(16) DEFAULT NULL,
  PRIMARY KEY (`customer_id`),
  KEY `idx_email` (`email`),
  CONSTRAINT `fk_x` FOREIGN KEY (`customer_id`) REFERENCES `other` (`id`)
) ENGINE=InnoDB AUTO_INCREMENT=600 DEFAULT CHARSET=utf8mb4;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `customer` WRITE;
/*!40000 ALTER TABLE `customer` DISABLE KEYS */;
INSERT INTO `customer` VALUES (1,'MARY','mary@x.pe',0x000102FF),(2,'O\\'Brien','a\\\\b\\n',_binary 'k\\0y'),(3,_utf8mb4'Jos\\xe9',NULL,X'ABCD');
/*!50705 INSERT INTO `customer` VALUES (4,'inside /*! comment',NULL,NULL) */;
INSERT IGNORE INTO `customer` VALUES (5,'a),(b;c',NULL,NULL);
REPLACE INTO `customer` (`customer_id`,`first_name`) VALUES (6,'r');
/*!40000 ALTER TABLE `customer` ENABLE KEYS */;
UNLOCK TABLES;

DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER ins AFTER INSERT ON customer FOR EACH ROW BEGIN
    INSERT INTO customer_log (customer_id, first_name) VALUES (new.customer_id, new.first_name);
  END */;;
DELIMITER ;
"""

PG_DUMP = """--
-- PostgreSQL database dump
--

-- Dumped from database version 16.2
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE FUNCTION public._group_concat(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $_$
SELECT CASE WHEN $2 IS NULL THEN $1 ELSE $1 || ', ' || $2 END;
INSERT INTO public.customer VALUES (99, 'never a row');
$_$;

CREATE TABLE public.customer (
    customer_id integer DEFAULT nextval('public.customer_customer_id_seq'::regclass) NOT NULL,
    first_name text NOT NULL,
    email text,
    activebool boolean DEFAULT true NOT NULL
);

ALTER TABLE public.customer OWNER TO postgres;

COPY public.customer (customer_id, first_name, email, activebool) FROM stdin;
1\tMARY\tMARY.SMITH@sakilacustomer.org\tt
2\tO'Brien\t\\N\tf
3\tback\\\\slash\tnew\\nline\\ttab\tt
\\.

"""

PG_INSERTS = """--
-- PostgreSQL database dump
--
SET standard_conforming_strings = on;
CREATE TABLE public.customer (customer_id integer, first_name text, note text, born date);
INSERT INTO public.customer VALUES (1, 'MARY', 'C:\\temp', '1980-01-01');
INSERT INTO public.customer (customer_id, first_name, note, born) VALUES (2, E'O\\'Brien', 'multi
line', '1990-02-03'::date);
INSERT INTO public.customer VALUES (3, $$dollar 'q'$$, NULL, CAST('2000-01-01' AS date));
INSERT INTO public.customer VALUES
\t(4, 'rows', 'per', NULL),
\t(5, 'insert', 'it''s', NULL);
"""

SQLITE_DUMP = """PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "Customer" (
  "CustomerId" INTEGER PRIMARY KEY,
  "FirstName" TEXT NOT NULL,
  "Note" TEXT
);
INSERT INTO Customer VALUES(1,'Luís',replace('two\\nlines','\\n',char(10)));
INSERT INTO "Customer" VALUES(2,'Leonie',NULL);
CREATE TABLE t_log (id INTEGER, msg TEXT);
CREATE TRIGGER tr AFTER INSERT ON Customer BEGIN
  INSERT INTO t_log VALUES (new.CustomerId, 'x');
END;
COMMIT;
"""

CHINOOK_SQLITE = """CREATE TABLE [Customer]
(
    [CustomerId] INTEGER  NOT NULL,
    [FirstName] NVARCHAR(40)  NOT NULL,
    [Email] NVARCHAR(60)  NOT NULL,
    CONSTRAINT [PK_Customer] PRIMARY KEY  ([CustomerId])
);
INSERT INTO [Customer] ([CustomerId], [FirstName], [Email]) VALUES (1, N'Luís', N'luisg@embraer.com.br');
INSERT INTO [Customer] ([CustomerId], [FirstName], [Email]) VALUES (2, N'Leonie', N'leonekohler@surfeu.de');
"""

SSMS = """USE [Chinook]
GO
/****** Object:  Table [dbo].[Customer]    Script Date: 1/1/2024 10:00:00 AM ******/
SET ANSI_NULLS ON
GO
CREATE TABLE [dbo].[Customer](
\t[CustomerId] [int] IDENTITY(1,1) NOT NULL,
\t[FirstName] [nvarchar](40) NOT NULL,
\t[BirthDate] [date] NULL,
 CONSTRAINT [PK_Customer] PRIMARY KEY CLUSTERED
(
\t[CustomerId] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF) ON [PRIMARY]
) ON [PRIMARY]
GO
SET IDENTITY_INSERT [dbo].[Customer] ON
GO
INSERT [dbo].[Customer] ([CustomerId], [FirstName], [BirthDate]) VALUES (1, N'Luís', CAST(N'1980-01-01' AS Date))
GO
INSERT [dbo].[Customer] ([CustomerId], [FirstName], [BirthDate]) VALUES (2, N'José O''Neil', NULL)
INSERT [dbo].[Customer] ([CustomerId], [FirstName], [BirthDate]) VALUES (3, N'Ana', CONVERT(date, '1990-02-03', 120))
SET IDENTITY_INSERT [dbo].[Customer] OFF
GO
CREATE PROCEDURE [dbo].[AddCustomer] AS
BEGIN
  INSERT INTO [dbo].[Customer] ([FirstName]) VALUES (N'never a row');
END
GO
"""

ORACLE = """--------------------------------------------------------
--  File created - Monday-January-01-2024
--------------------------------------------------------
REM INSERTING into CUSTOMERS
SET DEFINE OFF;
Insert into CUSTOMERS (CUSTOMER_ID,FULL_NAME,BIRTH_DATE) values ('1','María Quispe',to_date('01-JAN-80','DD-MON-RR'));
INSERT ALL
  INTO customers (customer_id, full_name, birth_date) VALUES (2, 'Ana', TO_DATE('2019-01-01','YYYY-MM-DD'))
  INTO customers (customer_id, full_name, birth_date) VALUES (3, q'[O'Brien]', TO_DATE('2019-02-01','YYYY-MM-DD'))
SELECT * FROM dual;
"""


@pytest.mark.parametrize(
    ("dump", "table", "dialect", "columns", "rows"),
    [
        pytest.param(
            MYSQLDUMP,
            "customer",
            "mysql",
            ["customer_id", "first_name", "email", "ki"],
            [
                ["1", "MARY", "mary@x.pe", "000102FF"],
                ["2", "O'Brien", "a\\b\n", "6b0079"],  # _binary: the bytes as hex
                ["3", "Josxe9", None, "ABCD"],  # MySQL reads an unknown escape as the letter
                ["4", "inside /*! comment", None, None],
                ["5", "a),(b;c", None, None],
                ["6", "r", None, None],
            ],
            id="mysqldump",
        ),
        pytest.param(
            MYSQLDUMP.replace("MySQL dump 10.13", "MariaDB dump 10.19"),
            "customer",
            "mysql",
            ["customer_id", "first_name", "email", "ki"],
            None,
            id="mariadb-dump",
        ),
        pytest.param(
            PG_DUMP,
            "public.customer",
            "postgresql",
            ["customer_id", "first_name", "email", "activebool"],
            [
                ["1", "MARY", "MARY.SMITH@sakilacustomer.org", "t"],
                ["2", "O'Brien", None, "f"],
                ["3", "back\\slash", "new\nline\ttab", "t"],
            ],
            id="pg-dump-copy",
        ),
        pytest.param(
            PG_INSERTS,
            "public.customer",
            "postgresql",
            ["customer_id", "first_name", "note", "born"],
            [
                ["1", "MARY", "C:\\temp", "1980-01-01"],
                ["2", "O'Brien", "multi\nline", "1990-02-03"],
                ["3", "dollar 'q'", None, "2000-01-01"],
                ["4", "rows", "per", None],
                ["5", "insert", "it's", None],
            ],
            id="pg-dump-inserts",
        ),
        pytest.param(
            SQLITE_DUMP,
            "Customer",
            "sqlite",
            ["CustomerId", "FirstName", "Note"],
            [["1", "Luís", "two\nlines"], ["2", "Leonie", None]],
            id="sqlite-dump",
        ),
        pytest.param(
            CHINOOK_SQLITE,
            "Customer",
            None,
            ["CustomerId", "FirstName", "Email"],
            [["1", "Luís", "luisg@embraer.com.br"], ["2", "Leonie", "leonekohler@surfeu.de"]],
            id="sqlite-brackets",
        ),
        pytest.param(
            SSMS,
            "dbo.Customer",
            "mssql",
            ["CustomerId", "FirstName", "BirthDate"],
            [["1", "Luís", "1980-01-01"], ["2", "José O'Neil", None], ["3", "Ana", "1990-02-03"]],
            id="ssms-generate-scripts",
        ),
        pytest.param(
            ORACLE,
            "CUSTOMERS",
            "oracle",
            ["CUSTOMER_ID", "FULL_NAME", "BIRTH_DATE"],
            [
                ["1", "María Quispe", "01-JAN-80"],
                ["2", "Ana", "2019-01-01"],
                ["3", "O'Brien", "2019-02-01"],
            ],
            id="oracle-sql-developer-insert-all",
        ),
    ],
)
def test_dialect(
    make: Maker,
    dump: str,
    table: str,
    dialect: str | None,
    columns: list[str],
    rows: list[list[str | None]] | None,
) -> None:
    path = make("dump.sql", dump)
    with open_input(path, IngestOptions(on_error="fail")) as reader:
        got = reader.batches().read_all()
        sql = reader._readers[0][1]
        assert [t.name for t in sql.tables] == [table]  # nothing from routines or triggers
        if dialect is not None:
            assert sql.dialect == dialect  # type: ignore[attr-defined]
    assert reader.report.format == "sql" and reader.report.table == table
    assert got.column_names == columns
    assert reader.report.malformed_rows == 0
    if rows is not None:
        assert [list(r.values()) for r in got.to_pylist()] == rows


def test_cp1252_dump_is_transcoded(make: Maker) -> None:
    dump = "-- MySQL dump\nINSERT INTO `t` VALUES (1,'Muñoz'),(2,'José');\n"
    with open_input(make("latin.sql", dump, encoding="cp1252")) as reader:
        assert reader.batches().read_all().column("col_2").to_pylist() == ["Muñoz", "José"]
