"""HSS dumps with raw binary keys: ``mysqldump`` without ``--hex-blob`` (the SK Telecom 2025
case), PostgreSQL ``bytea`` in ``COPY``. Ki/OPc come out as the hex of their bytes, the rest of
the dump as its real encoding, and no key byte reaches a message or a log."""

# ruff: noqa: E501  (the dumps keep the long lines their tools write)

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest
from ingest_corpus import Maker
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.errors import InputError
from leaktriage.ingest import IngestOptions, open_input

runner = CliRunner()

# Keys holding every byte mysqldump escapes (NUL, ^Z, quote, backslash, LF, CR, double
# quote), high bytes, invalid UTF-8 (a lone continuation, a truncated sequence, an overlong
# lead, 0xFF), a valid UTF-8 "é" and a key of plain ASCII: all must come out as hex.
SPECIAL_KEYS = [
    bytes([0x00, 0x1A, 0x27, 0x5C, 0x0A, 0x0D, 0x22, 0x80, 0xFF, 0xC3, 0x28, 0xE2, 0x82, 0x25, 0x5F, 0x00]),
    bytes([0x5C, 0x5C, 0x27, 0x27, 0xC0, 0xAF, 0xF0, 0x9F, 0x98, 0xED, 0xA0, 0x80, 0xFE, 0x1A, 0x0A, 0x0D]),
    b"\xc3\xa9" + b"0123456789abcd",
    b"ABCDEFGHIJKLMNOP",
    bytes([0x27]) * 16,
    bytes([0x00]) * 16,
]
GIVEN = ["José", "María", "Nuñez", "Ángel", "Zoë", "Jürgen", "Søren", "Luz"]
SURNAMES = ["Rodríguez", "Huamán", "O'Brien", "García", "Peña", "Müller"]
_ESCAPES = {0x00: b"\\0", 0x0A: b"\\n", 0x0D: b"\\r", 0x1A: b"\\Z", 0x27: b"\\'", 0x22: b'\\"', 0x5C: b"\\\\"}


def mysql_escape(data: bytes) -> bytes:
    """``mysql_real_escape_string``: only these bytes are escaped, every other byte kept."""
    return b"".join(_ESCAPES.get(b, bytes([b])) for b in data)


def subscribers(n: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(n):
        ki = SPECIAL_KEYS[i] if i < len(SPECIAL_KEYS) else rng.randbytes(16)
        opc = SPECIAL_KEYS[-1 - i] if i < len(SPECIAL_KEYS) else rng.randbytes(16)
        rows.append(
            {
                "imsi": f"71606{i:010d}",
                "msisdn": f"519{rng.randrange(10**8):08d}",
                "ki": ki,
                "opc": opc,
                "iccid": f"895110{i:013d}",
                "holder": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}",
            }
        )
    return rows


def _value(value: object, introducer: bool) -> bytes:
    if isinstance(value, bytes):
        return (b"_binary " if introducer else b"") + b"'" + mysql_escape(value) + b"'"
    return b"'" + str(value).replace("'", "\\'").encode() + b"'"


def hss_dump(
    rows: list[dict[str, object]],
    introducer: bool = True,
    create: bool = True,
    before: int = 0,
    per_line: int = 700,
) -> bytes:
    """A mysqldump of an HSS: ``customer`` (``before`` rows of accented names) then
    ``subscriber`` (imsi, msisdn, ki/opc VARBINARY(16), iccid, holder) in extended INSERT lines
    of ``per_line`` tuples, then a ``log`` table with a BLOB."""
    out = [
        b"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n",
        b"/*!40101 SET NAMES utf8mb4 */;\n",
    ]
    if before:
        if create:
            out.append(b"CREATE TABLE `customer` (\n  `id` int NOT NULL,\n  `name` varchar(80) DEFAULT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
        names = [f"({i},'{GIVEN[i % 8]} {SURNAMES[i % 6].replace(chr(39), chr(92) + chr(39))} {i}')" for i in range(before)]
        for start in range(0, before, 2000):
            out.append(b"INSERT INTO `customer` VALUES " + ",".join(names[start : start + 2000]).encode() + b";\n")
    if create:
        out.append(
            b"DROP TABLE IF EXISTS `subscriber`;\nCREATE TABLE `subscriber` (\n"
            b"  `imsi` varchar(15) NOT NULL,\n  `msisdn` varchar(15) DEFAULT NULL,\n"
            b"  `ki` varbinary(16) NOT NULL,\n  `opc` varbinary(16) DEFAULT NULL,\n"
            b"  `iccid` varchar(20) DEFAULT NULL,\n  `holder` varchar(80) DEFAULT NULL,\n"
            b"  PRIMARY KEY (`imsi`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
        )
    out.append(b"LOCK TABLES `subscriber` WRITE;\n")
    for start in range(0, len(rows), per_line):
        tuples = [
            b"(" + b",".join(_value(row[c], introducer) for c in ("imsi", "msisdn", "ki", "opc", "iccid", "holder")) + b")"
            for row in rows[start : start + per_line]
        ]
        out.append(b"INSERT INTO `subscriber` VALUES " + b",".join(tuples) + b";\n")
    out.append(b"UNLOCK TABLES;\n")
    if create:
        out.append(b"CREATE TABLE `log` (`id` int, `who` varchar(40), `payload` blob);\n")
    out.append("INSERT INTO `log` VALUES (1,'Peña',".encode() + _value(bytes(range(256)), introducer) + b");\n")
    return b"".join(out)


def read(path: Path, table: str = "subscriber", **options: object) -> tuple[list[dict[str, str | None]], object]:
    with open_input(path, IngestOptions(table=table, **options)) as reader:  # type: ignore[arg-type]
        return reader.batches().read_all().to_pylist(), reader.report


def check(got: list[dict[str, str | None]], rows: list[dict[str, object]]) -> None:
    assert len(got) == len(rows)
    for have, want in zip(got, rows, strict=True):
        assert have["ki"] == want["ki"].hex()  # type: ignore[union-attr]
        assert have["opc"] == want["opc"].hex()  # type: ignore[union-attr]
        assert have["holder"] == want["holder"]
        assert have["imsi"] == want["imsi"] and have["iccid"] == want["iccid"]


@pytest.mark.parametrize(
    ("introducer", "before", "per_line"),
    [
        pytest.param(True, 0, 700, id="binary-in-head"),
        pytest.param(True, 12000, 700, id="binary-after-head"),
        pytest.param(True, 0, 5, id="short-lines"),
        pytest.param(False, 0, 700, id="plain-declared-varbinary"),
        pytest.param(False, 12000, 1, id="plain-after-head-one-per-line"),
    ],
)
def test_hss_dump_keys_read_as_hex_names_as_utf8(make: Maker, introducer: bool, before: int, per_line: int) -> None:
    rows = subscribers(1500)
    path = make("hss.sql", hss_dump(rows, introducer=introducer, before=before, per_line=per_line))
    got, report = read(path)
    check(got, rows)
    assert report.encoding == "utf-8"  # type: ignore[attr-defined]
    assert report.malformed_rows == 0  # type: ignore[attr-defined]
    if before:
        names, _ = read(path, table="customer")
        assert names[1]["name"] == "María Huamán 1" and names[2]["name"] == "Nuñez O'Brien 2"
    log, _ = read(path, table="log")
    assert log == [{"id": "1", "who": "Peña", "payload": bytes(range(256)).hex()}]
