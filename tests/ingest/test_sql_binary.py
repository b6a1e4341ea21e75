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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
    bytes(
        [
            0x00,
            0x1A,
            0x27,
            0x5C,
            0x0A,
            0x0D,
            0x22,
            0x80,
            0xFF,
            0xC3,
            0x28,
            0xE2,
            0x82,
            0x25,
            0x5F,
            0x00,
        ]
    ),
    bytes(
        [
            0x5C,
            0x5C,
            0x27,
            0x27,
            0xC0,
            0xAF,
            0xF0,
            0x9F,
            0x98,
            0xED,
            0xA0,
            0x80,
            0xFE,
            0x1A,
            0x0A,
            0x0D,
        ]
    ),
    b"\xc3\xa9" + b"0123456789abcd",
    b"ABCDEFGHIJKLMNOP",
    bytes([0x27]) * 16,
    bytes([0x00]) * 16,
]
GIVEN = ["José", "María", "Nuñez", "Ángel", "Zoë", "Jürgen", "Søren", "Luz"]
SURNAMES = ["Rodríguez", "Huamán", "O'Brien", "García", "Peña", "Müller"]
_ESCAPES = {
    0x00: b"\\0",
    0x0A: b"\\n",
    0x0D: b"\\r",
    0x1A: b"\\Z",
    0x27: b"\\'",
    0x22: b'\\"',
    0x5C: b"\\\\",
}


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


def _value(value: object, introducer: bool, encoding: str = "utf-8") -> bytes:
    if isinstance(value, bytes):
        return (b"_binary " if introducer else b"") + b"'" + mysql_escape(value) + b"'"
    return b"'" + str(value).replace("'", "\\'").encode(encoding) + b"'"


def hss_dump(
    rows: list[dict[str, object]],
    introducer: bool = True,
    create: bool = True,
    before: int = 0,
    per_line: int = 700,
    encoding: str = "utf-8",
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
            out.append(
                b"CREATE TABLE `customer` (\n  `id` int NOT NULL,\n  `name` varchar(80) DEFAULT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
            )
        names = [
            f"({i},'{GIVEN[i % 8]} {SURNAMES[i % 6].replace(chr(39), chr(92) + chr(39))} {i}')"
            for i in range(before)
        ]
        for start in range(0, before, 2000):
            out.append(
                b"INSERT INTO `customer` VALUES "
                + ",".join(names[start : start + 2000]).encode(encoding)
                + b";\n"
            )
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
            b"("
            + b",".join(
                _value(row[c], introducer, encoding)
                for c in ("imsi", "msisdn", "ki", "opc", "iccid", "holder")
            )
            + b")"
            for row in rows[start : start + per_line]
        ]
        out.append(b"INSERT INTO `subscriber` VALUES " + b",".join(tuples) + b";\n")
    out.append(b"UNLOCK TABLES;\n")
    if create:
        out.append(b"CREATE TABLE `log` (`id` int, `who` varchar(40), `payload` blob);\n")
    out.append(
        "INSERT INTO `log` VALUES (1,'Peña',".encode(encoding)
        + _value(bytes(range(256)), introducer)
        + b");\n"
    )
    return b"".join(out)


def read(
    path: Path, table: str = "subscriber", **options: object
) -> tuple[list[dict[str, str | None]], object]:
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
def test_hss_dump_keys_read_as_hex_names_as_utf8(
    make: Maker, introducer: bool, before: int, per_line: int
) -> None:
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


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param("one-tuple-per-line", id="one-tuple-per-line"),
        pytest.param("expressions", id="expressions"),
    ],
)
def test_binary_keys_in_lines_the_fast_paths_do_not_take(make: Maker, layout: str) -> None:
    """phpMyAdmin-style statements (a tuple per line) and values inside expressions go through
    the token-at-a-time parser: the keys come out the same."""
    rows = subscribers(400, seed=3)
    lines = [
        b"-- MySQL dump 10.13\n",
        b"CREATE TABLE `subscriber` (`imsi` varchar(15), `ki` varbinary(16), `opc` blob, `holder` varchar(80));\n",
    ]
    lines.append(b"INSERT INTO `subscriber` (`imsi`, `ki`, `opc`, `holder`) VALUES\n")
    for i, row in enumerate(rows):
        ki, opc = _value(row["ki"], True), _value(row["opc"], False)
        if layout == "expressions":
            ki = b"CAST(" + ki + b" AS BINARY)"
        end = b";\n" if i == len(rows) - 1 else b",\n"
        lines.append(
            b"("
            + b",".join([_value(row["imsi"], False), ki, opc, _value(row["holder"], False)])
            + b")"
            + end
        )
    got, report = read(make("pma.sql", b"".join(lines)))
    assert [(r["ki"], r["opc"], r["holder"]) for r in got] == [
        (r["ki"].hex(), r["opc"].hex(), r["holder"])
        for r in rows  # type: ignore[union-attr]
    ]
    assert report.encoding == "utf-8"  # type: ignore[attr-defined]


def test_without_create_table_binary_is_hex_and_plain_literals_per_value(make: Maker) -> None:
    """No ``CREATE TABLE`` (``--no-create-info``): ``_binary`` literals are hex whatever their
    bytes; a plain literal is hex when its bytes are not valid UTF-8, text when they are (the
    documented per-value rule: nothing else says the column is binary)."""
    rows = subscribers(600, seed=11)
    names = ["imsi", "msisdn", "ki", "opc", "iccid", "holder"]
    got, report = read(
        make("binary.sql", hss_dump(rows, introducer=True, create=False)), table="subscriber"
    )
    check([dict(zip(names, r.values(), strict=True)) for r in got], rows)
    assert report.encoding == "utf-8"  # type: ignore[attr-defined]
    got, report = read(
        make("plain.sql", hss_dump(rows, introducer=False, create=False)), table="subscriber"
    )
    got = [dict(zip(names, r.values(), strict=True)) for r in got]
    assert report.encoding == "utf-8" and len(got) == 600  # type: ignore[attr-defined]
    for have, want in zip(got, rows, strict=True):
        key: bytes = want["ki"]  # type: ignore[assignment]
        try:
            text = key.decode("utf-8")
        except UnicodeDecodeError:
            assert have["ki"] == key.hex()
        else:
            assert have["ki"] == text
        assert have["holder"] == want["holder"]


def test_ascii_only_hss_dump_with_plain_keys_is_utf8(make: Maker) -> None:
    """No accented text anywhere to show UTF-8, no ``_binary``, no ``CREATE TABLE``: the keys
    that do not decode are random bytes, not CP1252 words, so the dump is still UTF-8."""
    rows = subscribers(300, seed=17)
    for row in rows:
        row["holder"] = "LUZ QUISPE"
    got, report = read(make("ascii.sql", hss_dump(rows, introducer=False, create=False)))
    assert report.encoding == "utf-8"  # type: ignore[attr-defined]
    keys = [r["col_3"] for r in got]
    assert keys[6:] == [r["ki"].hex() if not _utf8(r["ki"]) else r["ki"].decode() for r in rows[6:]]  # type: ignore[union-attr]


def _utf8(data: object) -> bool:
    assert isinstance(data, bytes)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_cp1252_dump_keeps_its_encoding_and_reads_binary_keys(make: Maker) -> None:
    """A dump written in CP1252 (``--default-character-set=latin1``) with ``_binary`` keys and a
    plain VARBINARY column: names decode as CP1252, keys as hex (bytes CP1252 cannot decode,
    0x81 0x8D 0x8F 0x90 0x9D, included)."""
    rows = subscribers(500, seed=5)
    rows[7]["ki"] = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) + bytes(11)
    data = hss_dump(rows, introducer=True, before=100, encoding="cp1252")
    got, report = read(make("latin.sql", data))
    check(got, rows)
    assert report.encoding == "cp1252"  # type: ignore[attr-defined]
    log, _ = read(make("latin.sql", data), table="log")
    assert log[0]["who"] == "Peña"


def _copy_dump(rows: list[dict[str, object]], create: bool) -> bytes:
    out = [b"--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n"]
    if create:
        out.append(
            b"CREATE TABLE public.subscriber (\n    imsi text,\n    ki bytea,\n    opc bytea,\n    holder text,\n    note text\n);\n\n"
        )
    out.append(b"COPY public.subscriber (imsi, ki, opc, holder, note) FROM stdin;\n")
    for i, row in enumerate(rows):
        note = "\\\\x41 is text" if i % 2 else "\\N"
        fields = [
            row["imsi"],
            "\\\\x" + row["ki"].hex(),
            "\\\\x" + row["opc"].hex(),
            row["holder"],
            note,
        ]  # type: ignore[union-attr]
        out.append("\t".join(fields).encode() + b"\n")  # type: ignore[arg-type]
    out.append(b"\\.\n")
    return b"".join(out)


@pytest.mark.parametrize("create", [True, False], ids=["declared-bytea", "no-create-table"])
def test_pg_copy_bytea_reads_as_hex(make: Maker, create: bool) -> None:
    rows = subscribers(700, seed=9)
    got, report = read(make("pg.sql", _copy_dump(rows, create)))
    assert [(r["ki"], r["opc"], r["holder"]) for r in got] == [
        (r["ki"].hex(), r["opc"].hex(), r["holder"])
        for r in rows  # type: ignore[union-attr]
    ]
    assert got[1]["note"] == "\\x41 is text" and got[0]["note"] is None


def _planted(rows: list[dict[str, object]]) -> list[str]:
    """What must never be shown: each key's hex, and its bytes as any decoding would show them."""
    shown: list[str] = []
    for row in rows[:50]:
        for key in (row["ki"], row["opc"]):
            assert isinstance(key, bytes)
            shown += [key.hex(), key.hex().upper(), repr(key)[2:-1]]
            shown += [key.decode("cp1252", "replace")[:8], key.decode("latin-1")[:8]]
    return [s for s in shown if len(s) >= 8 and s.strip()]


def test_hss_dump_triage_classifies_ki_and_opc(tmp_path: Path) -> None:
    rows = subscribers(600, seed=13)
    leak = tmp_path / "hss.sql"
    leak.write_bytes(hss_dump(rows, introducer=True, before=3000))
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["--workspace", str(ws), "init"], env={}).exit_code == 0
    out = tmp_path / "triage.json"
    result = runner.invoke(
        app,
        ["--workspace", str(ws), "triage", str(leak), "--table", "subscriber", "--json", str(out)],
        env={},
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    types = {c["name"]: c["type"] for c in report["columns"]}
    assert types["ki"] == "ki" and types["opc"] == "opc" and types["imsi"] == "imsi"
    assert report["input"]["encoding"] == "utf-8" and report["input"]["rows"] == 600
    shown = result.output + out.read_text()
    assert not [s for s in _planted(rows) if s in shown]


def test_key_bytes_never_reach_logs_or_messages(
    make: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    """A dump cut in the middle of a key (leaks are often partial): the rows before the cut
    are read, the cut one is malformed, and with ``on_error="fail"`` the message names the
    line only; no log line holds a key."""
    rows = subscribers(900, seed=21)
    dump = hss_dump(rows, introducer=True, per_line=300)
    cut = dump.rindex(b"_binary '", 0, dump.index(b"UNLOCK TABLES")) + 13
    path = make("cut.sql", dump[:cut])
    caplog.set_level(logging.DEBUG)
    got, report = read(path)
    check(got, rows[: len(got)])
    assert len(got) == 899 and report.malformed_rows == 1  # type: ignore[attr-defined]
    with pytest.raises(InputError) as caught:
        read(path, on_error="fail")
    shown = str(caught.value) + caplog.text
    assert "line" in str(caught.value)
    assert not [s for s in _planted(rows) if s in shown]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.binary(max_size=24), st.binary(max_size=24)), min_size=1, max_size=30),
    st.sampled_from([1, 3, 1000]),
    st.booleans(),
)
def test_random_key_bytes_read_exactly(
    make: Maker, keys: list[tuple[bytes, bytes]], per_line: int, introducer: bool
) -> None:
    """Any bytes, on every route (one tuple per INSERT, a few, all in one line): exactly their
    hex, whether introduced by ``_binary`` or in a declared VARBINARY column."""
    rows = subscribers(len(keys), seed=len(keys))
    for row, (ki, opc) in zip(rows, keys, strict=True):
        row["ki"], row["opc"] = ki, opc
    got, report = read(make("h.sql", hss_dump(rows, introducer=introducer, per_line=per_line)))
    check(got, rows)
    assert report.malformed_rows == 0  # type: ignore[attr-defined]
