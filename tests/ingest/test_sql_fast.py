"""The vectorized paths of SQL dumps give exactly what the token-at-a-time parser gives, and no
token soup makes the reader raise outside the error tree or hang."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_corpus import Maker

from leaktriage.errors import LeakTriageError
from leaktriage.ingest import IngestOptions, _sqlparse, open_input
from leaktriage.ingest._sqlfast import _unescape_copy_array, _unescape_mysql_array
from leaktriage.ingest._sqllex import unescape_copy, unescape_mysql

TRICKY = [
    "O'Brien",
    "back\\slash",
    "ends with \\",
    "line\nbreak",
    "cr\r\nlf",
    "tab\there",
    "nul\0byte",
    "ctrl-z\x1a",
    "a),(b",
    "semi;colon",
    "'",
    "''",
    "",
    "NULL",
    "percent \\% under \\_",
    "Muñoz 日本 😀",
    "*/ /*! -- #",
    '"double"',
    "\ue000\ue001 private use",
]

_MYSQL_ESCAPE = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\0": "\\0", "\n": "\\n", "\r": "\\r"}
_MYSQL_ESCAPE["\x1a"] = "\\Z"


def mysql_literal(value: str | None) -> str:
    """As mysqldump (mysql_real_escape_string) writes it."""
    if value is None:
        return "NULL"
    return "'" + "".join(_MYSQL_ESCAPE.get(c, c) for c in value) + "'"


def copy_field(value: str | None) -> str:
    """As pg_dump writes a COPY text field."""
    if value is None:
        return "\\N"
    table = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}
    return "".join(table.get(c, c) for c in value.replace("\0", ""))


def read_column(path: Path, name: str = "v", route: str = "csv") -> list[str | None]:
    """Column ``name`` of a dump; ``route`` picks how long MySQL lines are read: ``csv``
    (through pyarrow.csv, whatever the line length) or ``split`` (the token split only)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sqlparse, "CSV_MIN_BYTES", 0 if route == "csv" else 1 << 62)
        with open_input(path, IngestOptions(on_error="fail")) as reader:
            return reader.batches().read_all().column(name).to_pylist()


def mysql_dumps(values: list[str | None]) -> tuple[str, str]:
    """The same rows as one extended-INSERT line (fast path) and with a comment between tuples
    (which sends every tuple through the token parser)."""
    tuples = [f"({i},{mysql_literal(v)})" for i, v in enumerate(values)]
    head = "-- MySQL dump\nINSERT INTO `t` (`i`, `v`) VALUES "
    return head + ",".join(tuples) + ";\n", head + ",/* slow */".join(tuples) + ";\n"


@pytest.mark.parametrize("route", ["csv", "split"])
def test_tricky_values_fast_and_slow_agree(make: Maker, route: str) -> None:
    values: list[str | None] = [*TRICKY, None]
    fast, slow = mysql_dumps(values)
    assert read_column(make("fast.sql", fast), route=route) == values
    assert read_column(make("slow.sql", slow)) == values
    for value in values:  # alone in a tuple list, so one odd value cannot hide behind another
        one, _ = mysql_dumps([value, "x"])
        assert read_column(make("one.sql", one), route=route) == [value, "x"]


def test_tricky_values_in_standard_dialects(make: Maker) -> None:
    values = [v for v in TRICKY if "\0" not in v]
    literal = ["'" + v.replace("'", "''") + "'" for v in values]
    rows = "".join(f"INSERT INTO t (i, v) VALUES ({i}, {lit});\n" for i, lit in enumerate(literal))
    slow = "".join(
        f"INSERT INTO t (i, v) VALUES ({i}, CAST({lit} AS text));\n"
        for i, lit in enumerate(literal)
    )
    header = "-- PostgreSQL database dump\nSET standard_conforming_strings = on;\n"
    assert read_column(make("pg.sql", header + rows)) == values
    assert read_column(make("pg-slow.sql", header + slow)) == values
    national = rows.replace(", '", ", N'")
    assert read_column(make("mssql.sql", "USE [x]\nGO\n" + national)) == values


def test_tricky_values_in_copy(make: Maker) -> None:
    values = [v.replace("\0", "") for v in TRICKY] + [None, "\\N as text"]
    lines = "".join(f"{i}\t{copy_field(v)}\n" for i, v in enumerate(values))
    dump = f"-- pg_dump\nCOPY public.t (i, v) FROM stdin;\n{lines}\\.\n"
    assert read_column(make("copy.sql", dump)) == values


# Control characters other than the escaped ones would make the sniffer call a tiny file junk.
_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="\t\n\r"),
    max_size=30,
)
_escapes = st.lists(
    st.one_of(
        _text,
        st.sampled_from(["\\\\", "\\'", "''", "\\n", "\\0", "\\Z", "\\%", "\\_", "\\x", "\\"]),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_escapes, min_size=1, max_size=20))
def test_vectorized_mysql_unescape_is_exact(bodies: list[str]) -> None:
    got = _unescape_mysql_array(pa.array(bodies, pa.string())).to_pylist()
    assert got == [unescape_mysql(b) for b in bodies]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(
                _text.filter(lambda s: "\\" not in s),
                st.sampled_from(["\\\\", "\\t", "\\n", "\\r", "\\b", "\\f", "\\v", "\\q", "\\N"]),
                st.sampled_from(["\\101", "\\x41", "\\7", "\\\\101"]),
            ),
            max_size=6,
        ).map("".join),
        min_size=1,
        max_size=20,
    )
)
def test_vectorized_copy_unescape_is_exact(fields: list[str]) -> None:
    fields = [f for f in fields if f != "\\N"]
    got = _unescape_copy_array(pa.array(fields, pa.string())).to_pylist()
    assert got == [unescape_copy(f) for f in fields]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(_text, st.sampled_from(TRICKY)), min_size=1, max_size=40))
def test_random_values_fast_equals_slow(make: Maker, values: list[str]) -> None:
    fast, slow = mysql_dumps(list(values))
    assert read_column(make("f.sql", fast), route="csv") == values
    assert read_column(make("f.sql", fast), route="split") == values
    assert read_column(make("s.sql", slow)) == values


_TOKENS = [
    "INSERT", "INTO", "REPLACE", "IGNORE", "VALUES", "VALUE", "COPY", "FROM", "stdin", "CREATE",
    "TABLE", "ALL", "SELECT", "dual", "GO", "\nGO\n", "DELIMITER ;;\n", "DELIMITER ;\n",
    "`t`", '"t"', "[dbo].[t]", "t", "public.t", "(", ")", ",", ";", "\n", " ", "\t",
    "'x'", "'", "''", "\\'", "E'a\\'b'", "N'n'", "q'[o]'", "$$d$$", "$t$", "X'AB'", "0x0F",
    "_binary 'b'", "/*!50705 ", "*/", "/*", "--", "#", "NULL", "1", "-2.5e3", "CAST(", "AS",
    "TO_DATE(", "replace(", "char(10)", "\\.\n", "\\N", "::text", "\xff", "é", "\0",
]  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=60), st.booleans())
def test_random_sql_tokens_only_raise_the_error_tree(
    make: Maker, tokens: list[str], mysql: bool
) -> None:
    head = "-- MySQL dump\n" if mysql else "-- PostgreSQL database dump\n"
    path = make("fuzz.sql", head + "INSERT INTO t VALUES (1);\n" + " ".join(tokens))
    try:
        with open_input(path, IngestOptions(max_columns=64)) as reader:
            for _ in reader.batches():
                pass
            for table in getattr(reader._readers[0][1], "tables", []):
                reader._readers[0][1].select(table.name)
    except LeakTriageError:
        pass


@pytest.mark.parametrize("on_error", ["skip", "fail"])
def test_invalid_utf8_in_a_fast_line_is_an_input_error(make: Maker, on_error: str) -> None:
    good = b"INSERT INTO `t` VALUES (1,'a');\n"
    bad = b"INSERT INTO `t` VALUES (2,\xff\xfe);\n"  # outside a literal: not a binary value
    path = make("bad.sql", b"-- MySQL dump\n" + good * 10_000 + bad)  # past the sniffed head
    with pytest.raises(LeakTriageError) as caught:
        with open_input(path, IngestOptions(encoding="utf-8", on_error=on_error)) as reader:  # type: ignore[arg-type]
            reader.batches().read_all()
    assert getattr(caught.value, "line", None) == 10_002
