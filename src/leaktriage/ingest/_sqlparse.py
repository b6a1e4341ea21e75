"""The statement machine of SQL dumps: which rows belong to which table.

Lines are taken one at a time. A line that is a whole run of plain tuples (the shape
``mysqldump``, ``pg_dump --inserts``, SQLite ``.dump`` and SSMS write) goes through the
vectorized tuple path of :mod:`._sqlfast`; ``COPY ... FROM stdin`` data goes to ``pyarrow.csv``
in chunks; anything else (DDL, expressions, casts, literals spanning lines, ``INSERT ALL``,
conditional comments) goes to the token-at-a-time parser over :class:`._sqllex.Lexer`, which
hands back to the line path as soon as a statement (or a line of tuples) is over.

Every raw line first passes :meth:`Parser._binary_literals` (the source's ``rewrite`` hook),
which turns binary literals (``_binary '..'``, plain literals of columns the dump's ``CREATE
TABLE`` declares binary, literals that do not decode) into hex text before anything decodes the
line (see :mod:`._sqlbinary`); lines without ``_binary`` that decode pass after two C-level
scans. A line only counted (a table whose sample is full) is not rewritten when its tuples
can be counted on the raw bytes.

The parser only reports what it finds to a :class:`Listener`: the pre-scan counts rows and keeps
samples, the read builds batches of the selected table. Both run the same code, so the counts of
the pre-scan are those of the read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc

from leaktriage.errors import InputRejected

from ._rows import decode_error, dedupe_columns, numbered_columns
from ._sqlbinary import hex_literals, hex_tuples, needs_rewrite
from ._sqlfast import (
    CSV_MIN_BYTES,
    copy_columns,
    count_tuples,
    csv_tuples,
    oversized_rows,
    split_tuples,
    tuple_columns,
)
from ._sqlslow import TokenStatements
from ._sqlsource import LineSource
from ._sqlvalues import column_names, table_name

__all__ = ["Listener", "Parser", "TableState", "detect_dialect", "table_name"]

_IDENT = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|\[[^\]\n]+\]|[\w$#@]+)"
_NAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_HEAD = re.compile(
    (
        r"\s*(?:INSERT|REPLACE)(?:\s+(?:IGNORE|LOW_PRIORITY|DELAYED|HIGH_PRIORITY))*\s+"
        rf"(?:INTO\s+)?(?!(?:ALL|FIRST)\s)({_NAME})\s*(?:\(([^()]*)\)\s*)?VALUES?\s*(?=\(|$)"
    ).encode(),
    re.IGNORECASE,
)
_COPY = re.compile(
    rf"\s*COPY\s+({_NAME})\s*(?:\(([^()]*)\)\s*)?FROM\s+stdin\s*;\s*$", re.IGNORECASE
)
_DELIMITER = re.compile(r"\s*DELIMITER\s+(\S+)", re.IGNORECASE)
_COPY_CHUNK = 4 << 20

_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    (
        "postgresql",
        re.compile(
            r"PostgreSQL database dump|pg_dump|standard_conforming_strings|search_path|"
            r"^COPY\s[^\n]*\sFROM\s+stdin",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
    (
        "mysql",
        re.compile(
            r"MySQL dump|MariaDB dump|^/\*!\d|^LOCK TABLES|ENGINE\s*=|AUTO_INCREMENT|`",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
    (
        "sqlite",
        re.compile(r"PRAGMA\s+foreign_keys|^BEGIN TRANSACTION;", re.IGNORECASE | re.MULTILINE),
    ),
    (
        "mssql",
        re.compile(
            r"^\s*GO\s*$|IDENTITY_INSERT|\[dbo\]|^\s*USE\s+\[|N'", re.IGNORECASE | re.MULTILINE
        ),
    ),
    (
        "oracle",
        re.compile(
            r"^\s*INSERT\s+ALL\b|\bTO_DATE\s*\(|\bFROM\s+dual\b|^\s*REM\s|SET\s+DEFINE\s+OFF",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
]


def detect_dialect(head: str) -> str:
    """``postgresql``, ``mysql``, ``mssql``, ``oracle``, ``sqlite``; ``mysql`` without marks
    (its backslash escapes are the safe reading of a bare ``INSERT`` dump)."""
    head = head[: 256 * 1024]  # the head may be megabytes of one line
    for dialect, pattern in _MARKERS:
        if pattern.search(head):
            return dialect
    return "mysql"


@dataclass
class TableState:
    """What is known of one table: name as first written, column names, tuple width."""

    name: str
    columns: list[str] = field(default_factory=list)
    width: int | None = None


@dataclass
class _Statement:
    key: str
    names: list[str] | None
    width: int | None


class Listener(Protocol):
    """What the parser reports; ``names`` is a statement's own column list (``None``: the
    table's order)."""

    def wants(self, key: str) -> bool: ...
    def begin(self, key: str) -> None: ...
    def end(self, key: str) -> None: ...
    def arrays(
        self, key: str, names: list[str] | None, arrays: list[pa.Array], line: int
    ) -> None: ...
    def row(
        self, key: str, names: list[str] | None, values: list[str | None], line: int
    ) -> None: ...
    def count(self, key: str, rows: int) -> None: ...
    def bad(self, key: str, line: int, column: int | None) -> None: ...


class Parser(TokenStatements):
    """One pass over a dump, reporting to ``listener``; :meth:`run` yields after each unit of
    work (a line, a COPY chunk, a slow tuple) so the caller can hand batches out."""

    def __init__(
        self,
        source: LineSource,
        dialect: str,
        path: str,
        listener: Listener,
        *,
        max_columns: int,
        max_field_bytes: int,
        tables: dict[str, TableState] | None = None,
        creates: dict[str, list[str]] | None = None,
        binary: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.source = source
        source.rewrite = self._binary_literals
        self.dialect = dialect
        self.mysql = dialect == "mysql"
        self._path = path
        self._listener = listener
        self._max_columns = max_columns
        self._max_field = max_field_bytes
        self._pending = max(max_field_bytes, 1 << 20) + (1 << 20)
        self.tables: dict[str, TableState] = tables if tables is not None else {}
        self.creates: dict[str, list[str]] = creates if creates is not None else {}
        self.binary: dict[str, frozenset[str]] = binary if binary is not None else {}
        self._order: list[str] = []
        self._stmt: _Statement | None = None
        self._mode = "normal"
        self.clean_offset = 0
        self.clean_line = 1
        # Routine bodies hold statements: PostgreSQL quotes them ($$), mysqldump wraps them in
        # DELIMITER blocks; elsewhere they run to ``END;`` or a ``GO``/``/`` line.
        self._routine_until_end = dialect not in ("postgresql", "mysql")

    # -- lines ---------------------------------------------------------------------------

    def _binary_literals(self, raw: bytes) -> bytes:
        """A raw line with its binary literals as hex (see :mod:`._sqlbinary`); ordinary lines
        of a dump without declared binary columns pass after two C-level scans."""
        flags: list[bool] | None = None
        context: tuple[int, str | None, int | None] | None = None
        if self.binary and b"'" in raw:
            context = self._binary_context(raw)
            flags = self._flags(context[1])
        if not (flags and any(flags)) and not needs_rewrite(raw, self.source.decodable):
            return raw
        if context is None:
            context = self._binary_context(raw)
            flags = self._flags(context[1])
        start, key, width = context
        if key is None:
            return hex_literals(raw, 0, self.mysql, self.source.decodable)[0]
        segment = raw[start:]
        if width is not None and key in self.tables and not self._listener.wants(key):
            if count_tuples(segment, self.mysql) is not None:
                return raw  # only counted (by the same call in _fast): nothing is decoded
        fast = hex_tuples(segment, self.mysql, start == 0, self.source.decodable, flags)
        if fast is not None:
            return raw[:start] + fast
        return hex_literals(raw, start, self.mysql, self.source.decodable, flags)[0]

    def _binary_context(self, raw: bytes) -> tuple[int, str | None, int | None]:
        """Where a line's tuples start, their table and width; the table is ``None`` when the
        line is not a statement head or a line of tuples."""
        head = _HEAD.match(raw)
        if head is not None:
            key = table_name(head.group(1).decode("utf-8", "replace")).lower()
            listed = head.group(2)
            known = self.tables.get(key)
            if listed is not None:
                self._order = column_names(listed.decode("utf-8", "replace"))
            else:
                self._order = known.columns if known is not None else self._created(key)
            width = len(self._order) if listed is not None else None
            if width is None and known is not None:
                width = known.width
            return head.end(), key, width
        stmt = self._stmt
        if stmt is not None and raw.lstrip()[:1] in (b"(", b","):
            self._order = stmt.names or self.tables[stmt.key].columns
            return 0, stmt.key, stmt.width
        return 0, None, None

    def _created(self, key: str) -> list[str]:
        return self.creates.get(key) or self.creates.get(key.rsplit(".", 1)[-1]) or []

    def _flags(self, key: str | None) -> list[bool] | None:
        """Which columns of the line's tuples (in :attr:`_order`) are declared binary."""
        if key is None:
            return None
        declared = self.binary.get(key) or self.binary.get(key.rsplit(".", 1)[-1])
        if not declared:
            return None
        return [name.lower() in declared for name in self._order]

    def _decode(self, raw: bytes, number: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise decode_error(self._path, "utf-8", number) from None

    def _next_text(self) -> str | None:
        number = self.source.line
        raw = self.source.readline()
        return None if raw is None else self._decode(raw, number)

    def run(self, stop_offset: int | None = None) -> Iterator[None]:
        """Parse to the end (or to the first clean line at or after ``stop_offset``)."""
        source = self.source
        while True:
            if self._mode == "copy":
                self._copy_chunk()
                yield None
                continue
            if self._mode == "normal":
                self.clean_offset, self.clean_line = source.offset, source.line
                if stop_offset is not None and source.offset >= stop_offset:
                    return
            number = source.line
            raw = source.readline()
            if raw is None:
                break
            if self._mode == "delimiter":
                if _DELIMITER.match(raw.decode("utf-8", "replace")) and raw.split()[1:2] == [b";"]:
                    self._mode = "normal"
                continue
            yield from self._line(raw, number)
            yield None
        if self._stmt is not None:
            self._end()

    def _line(self, raw: bytes, number: int) -> Iterator[None]:
        if self._mode == "after":
            if raw.lstrip().startswith(b","):
                self._mode = "values"
            else:
                self._end()
        if self._mode == "values":
            if not self._fast(raw, number, continued=True):
                yield from self._slow(self._decode(raw, number), number, values=True)
            return
        stripped = raw.strip()
        if not stripped or stripped.startswith(b"--") or (self.mysql and stripped[:1] == b"#"):
            return
        if (len(stripped) <= 2 and stripped.upper() in (b"GO", b"/")) or stripped[:4].upper() in (
            b"REM ",
            b"PROM",
        ):
            return
        head = _HEAD.match(raw)
        if head is not None:
            columns = head.group(2)
            self._begin(
                self._decode(head.group(1), number),
                None if columns is None else self._decode(columns, number),
            )
            rest = raw[head.end() :]
            if not rest.strip():
                self._mode = "values"
            elif not self._fast(rest, number, continued=False):
                yield from self._slow(self._decode(rest, number), number, values=True)
            return
        text = self._decode(raw, number)
        word = stripped[:9].upper()
        if word.startswith(b"COPY"):
            copy = _COPY.match(text)
            if copy is not None:
                self._begin(copy.group(1), copy.group(2))
                self._mode = "copy"
                return
        if word == b"DELIMITER":
            delimiter = _DELIMITER.match(text)
            if delimiter is not None and delimiter.group(1) != ";":
                self._mode = "delimiter"
            return
        yield from self._slow(text, number, values=False)

    # -- statements ----------------------------------------------------------------------

    def _begin(self, raw_name: str, column_list: str | None) -> None:
        name = table_name(raw_name)
        key = name.lower()
        names = dedupe_columns(column_names(column_list)) if column_list is not None else None
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = TableState(name)
            if names:
                table.columns = list(names)
            elif key in self.creates or key.rsplit(".", 1)[-1] in self.creates:
                table.columns = self.creates.get(key) or self.creates[key.rsplit(".", 1)[-1]]
            if table.columns:
                table.width = len(table.columns)
        if names is not None:
            self._check_width(len(names))
            spelling = {c.lower(): c for c in table.columns}
            names = [spelling.get(n.lower(), n) for n in names]
            if names == table.columns:
                names = None
        width = len(names) if names else table.width
        self._stmt = _Statement(key, names, width)
        self._listener.begin(key)

    def _end(self) -> None:
        if self._stmt is not None:
            self._listener.end(self._stmt.key)
        self._stmt = None
        self._mode = "normal"

    def _check_width(self, width: int) -> None:
        if width > self._max_columns:
            raise InputRejected(
                f"a table has more than {self._max_columns} columns (max_columns)",
                path=self._path,
            )

    def _set_width(self, stmt: _Statement, width: int) -> None:
        self._check_width(width)
        stmt.width = width
        table = self.tables[stmt.key]
        if table.width is None:
            table.width = width
            table.columns = numbered_columns(width)

    # -- the fast paths ------------------------------------------------------------------

    def _fast(self, segment: bytes, number: int, continued: bool) -> bool:
        stmt = self._stmt
        assert stmt is not None
        if stmt.width is not None and not self._listener.wants(stmt.key):
            counted = count_tuples(segment, self.mysql)
            if counted is not None:
                self._listener.count(stmt.key, counted[0])
                self._ended(counted[1])
                return True
        if (
            self.mysql
            and stmt.width is not None
            and len(segment) >= CSV_MIN_BYTES
            and self._listener.wants(stmt.key)
        ):
            routed = csv_tuples(segment, stmt.width, continued)
            if routed is not None:
                arrays = self._drop_oversized(stmt.key, routed[0], number)
                if len(arrays[0]):
                    self._listener.arrays(stmt.key, stmt.names, arrays, number)
                self._ended(routed[1])
                return True
        found = split_tuples(segment, self.mysql, stmt.width, continued)
        if found is None:
            return False
        tokens, width, ending = found
        if stmt.width is None:
            self._set_width(stmt, width)
        if self._listener.wants(stmt.key):
            try:
                arrays = tuple_columns(tokens, width, self.mysql)
            except pa.ArrowInvalid:
                raise decode_error(self._path, "utf-8", number) from None
            arrays = self._drop_oversized(stmt.key, arrays, number)
            if len(arrays[0]):
                self._listener.arrays(stmt.key, stmt.names, arrays, number)
        else:
            self._listener.count(stmt.key, len(tokens) // width)
        self._ended(ending)
        return True

    def _ended(self, ending: str) -> None:
        if ending == ";":
            self._end()
        else:
            self._mode = "values" if ending == "," else "after"

    def _drop_oversized(self, key: str, arrays: list[pa.Array], line: int) -> list[pa.Array]:
        mask = oversized_rows(arrays, self._max_field)
        if mask is None:
            return arrays
        for _ in range(pc.sum(mask).as_py() or 0):
            self._listener.bad(key, line, None)
        keep = pc.invert(mask)
        return [pc.filter(column, keep) for column in arrays]

    def _copy_chunk(self) -> None:
        stmt = self._stmt
        assert stmt is not None
        first = self.source.line
        chunk, ended = self.source.copy_chunk(_COPY_CHUNK)
        if chunk:
            if b"\r" in chunk:
                chunk = chunk.replace(b"\r\n", b"\n")
            if stmt.width is None:
                self._set_width(stmt, chunk[: chunk.find(b"\n")].count(b"\t") + 1)
            width = stmt.width
            assert width is not None
            lines = chunk.count(b"\n")
            if chunk.count(b"\t") != lines * (width - 1):
                chunk, lines = self._copy_filter(stmt.key, chunk, width, first)
            if lines:
                if self._listener.wants(stmt.key):
                    arrays = self._copy_arrays(chunk, width, first)
                    arrays = self._drop_oversized(stmt.key, arrays, first)
                    if len(arrays[0]):
                        self._listener.arrays(stmt.key, stmt.names, arrays, first)
                else:
                    self._listener.count(stmt.key, lines)
        if ended:
            self._end()

    def _copy_filter(self, key: str, chunk: bytes, width: int, first: int) -> tuple[bytes, int]:
        """Drop (and report) the lines of a chunk that do not hold ``width`` fields."""
        lines = chunk.split(b"\n")[:-1]
        good: list[bytes] = []
        for i, line in enumerate(lines):
            fields = line.count(b"\t") + 1
            if fields == width:
                good.append(line)
            else:
                self._listener.bad(key, first + i, min(fields, width) + 1)
        return (b"\n".join(good) + b"\n" if good else b""), len(good)

    def _copy_arrays(self, chunk: bytes, width: int, first: int) -> list[pa.Array]:
        stmt = self._stmt
        assert stmt is not None
        self._order = stmt.names or self.tables[stmt.key].columns
        bytea = self._flags(stmt.key)
        if bytea is None and self._created(stmt.key):
            bytea = [False] * width  # declared, and no column is bytea
        try:
            return copy_columns(chunk, width, bytea)
        except pa.ArrowInvalid:
            for i, line in enumerate(chunk.split(b"\n")):
                self._decode(line, first + i)
            raise decode_error(self._path, "utf-8", first) from None
