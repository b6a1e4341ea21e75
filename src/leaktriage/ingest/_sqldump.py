"""SQL dumps, streamed: MySQL/PostgreSQL ``INSERT ... VALUES (...),(...)`` and PostgreSQL
``COPY ... FROM stdin`` blocks. Column names come from the INSERT column list, else from the
table's ``CREATE TABLE``, else ``col_1..col_n``.

With several tables, a cheap line-based pre-scan estimates the rows of each and the largest is
read, unless :attr:`IngestOptions.table` names one.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import BinaryIO

import pyarrow as pa

from leaktriage.errors import InputError

from ._limits import Tally
from ._model import IngestOptions
from ._rows import RowBuffer, TextFormatReader, decode_error, numbered_columns, text_stream
from ._sniff import Encoding
from ._sqllex import (
    Lexer,
    Token,
    tuple_pattern,
    unescape_copy,
    unescape_mysql,
    unescape_pg,
    value_pattern,
)

__all__ = ["SqlReader"]

log = logging.getLogger(__name__)

_PG_MARKERS = re.compile(
    r"PostgreSQL database dump|pg_dump|standard_conforming_strings|^COPY\s.*\sFROM\s+stdin",
    re.IGNORECASE | re.MULTILINE,
)
_INSERT_LINE = re.compile(
    r"^\s*(?:INSERT|REPLACE)\s+(?:(?:IGNORE|LOW_PRIORITY|DELAYED|HIGH_PRIORITY)\s+)*INTO\s+"
    r"((?:[`\"][^`\"]+[`\"]|[\w$]+)(?:\s*\.\s*(?:[`\"][^`\"]+[`\"]|[\w$]+))?)",
    re.IGNORECASE,
)
_COPY_LINE = re.compile(
    r"^\s*COPY\s+((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?).*\sFROM\s+stdin",
    re.IGNORECASE,
)
_TUPLE_SEP = re.compile(r"\)\s*,\s*\(")
_NOT_COLUMNS = frozenset(
    "PRIMARY KEY UNIQUE CONSTRAINT INDEX FOREIGN CHECK FULLTEXT SPATIAL EXCLUDE LIKE PERIOD".split()
)


def _name(text: str) -> str:
    """An identifier without its quotes; a qualified name keeps its dots."""
    parts = re.findall(r"`((?:[^`]|``)*)`|\"((?:[^\"]|\"\")*)\"|([^.\s`\"]+)", text)
    return ".".join(a or b or c for a, b, c in parts)


def _same_table(wanted: str, name: str) -> bool:
    """Same table, case-insensitively; an unqualified name matches any schema."""
    wanted, name = wanted.lower(), name.lower()
    if wanted == name:
        return True
    if "." in wanted and "." in name:
        return False
    return wanted.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]


class _Stop(Exception):
    pass


class SqlReader(TextFormatReader):
    format = "sql"

    def __init__(
        self,
        opener: Callable[..., BinaryIO],
        display: str,
        options: IngestOptions,
        encoding: Encoding,
        head: str,
    ) -> None:
        super().__init__(opener, display, options, encoding)
        self.header = True
        self.dialect = "postgresql" if _PG_MARKERS.search(head) else "mysql"
        self._tuple = tuple_pattern(self.dialect)
        self._values = value_pattern(self.dialect)
        self._unescape = unescape_pg if self.dialect == "postgresql" else unescape_mysql
        self.table: str = self._choose_table()
        self._creates: dict[str, list[str]] = {}
        self.columns = []
        self.columns = self._discover_columns()

    # -- pre-scan ------------------------------------------------------------------------------

    def _lines(self, on_bytes: object = None) -> Iterator[str]:
        with self._open(on_bytes) as raw, text_stream(raw, self._codec) as text:
            number = 0
            try:
                for number, line in enumerate(text, start=1):  # noqa: B007
                    yield line
            except UnicodeDecodeError:
                raise decode_error(self._path, self._codec, number + 1) from None

    def _choose_table(self) -> str:
        counts: Counter[str] = Counter()
        order: list[str] = []
        current: str | None = None
        in_copy: str | None = None
        for line in self._lines():
            if in_copy is not None:
                if line.startswith("\\."):
                    in_copy = None
                else:
                    counts[in_copy] += 1
                continue
            match = _INSERT_LINE.match(line)
            if match:
                current = _name(match.group(1))
                if self._options.table and _same_table(self._options.table, current):
                    return current
                order.append(current)
                counts[current] += 1 + len(_TUPLE_SEP.findall(line))
            elif current is not None:
                counts[current] += len(_TUPLE_SEP.findall(line)) + line.lstrip().startswith("(")
            else:
                copy = _COPY_LINE.match(line)
                if copy:
                    in_copy = _name(copy.group(1))
                    if self._options.table and _same_table(self._options.table, in_copy):
                        return in_copy
                    order.append(in_copy)
            if current is not None and line.rstrip().endswith(";"):
                current = None
        if self._options.table:
            raise InputError(
                f"no data for table {self._options.table!r} in the dump", path=self._path
            )
        if not counts:
            return ""
        best = max(counts.values())
        return next(name for name in order if counts[name] == best)

    def _discover_columns(self) -> list[str]:
        found: list[list[str]] = []

        def first_row(columns: list[str], values: list[str | None], line: int) -> None:
            found.append(columns or numbered_columns(len(values)))
            raise _Stop

        try:
            self._parse(first_row, Tally(0), None, strict=False)
        except _Stop:
            pass
        return found[0] if found else ["col_1"]

    # -- parsing -------------------------------------------------------------------------------

    def _parse(
        self,
        emit: Callable[[list[str], list[str | None], int], None],
        tally: Tally,
        on_bytes: object,
        strict: bool,
    ) -> None:
        for _ in self._parse_iter(emit, tally, on_bytes, strict):
            pass

    @staticmethod
    def _skip(lexer: Lexer, token: Token | None = None) -> None:
        while token is None or not (token[0] == "p" and token[1] == ";"):
            token = lexer.next()
            if token is None:
                return

    @staticmethod
    def _read_name(lexer: Lexer, stop: Callable[[Token], bool]) -> tuple[str, Token | None]:
        pieces: list[str] = []
        while (token := lexer.next()) is not None and not stop(token):
            pieces.append(token[1])
        return _name("".join(pieces)), token

    @staticmethod
    def _name_list(lexer: Lexer) -> list[str]:
        names: list[str] = []
        while (token := lexer.next()) is not None and token[1] != ")":
            if token[0] in ("w", "q"):
                names.append(_name(token[1]))
        return names

    def _wanted(self, table: str) -> bool:
        return self.table != "" and _same_table(self.table, table)

    def _create(self, lexer: Lexer) -> None:
        token = lexer.next()
        while (
            token is not None
            and token[0] == "w"
            and token[1].upper()
            in ("TEMPORARY", "TEMP", "UNLOGGED", "OR", "REPLACE", "GLOBAL", "LOCAL")
        ):
            token = lexer.next()
        if token is None or token[1].upper() != "TABLE":
            self._skip(lexer, token)
            return
        token = lexer.next()
        if token is not None and token[1].upper() == "IF":
            lexer.next()  # NOT
            lexer.next()  # EXISTS
        elif token is not None:
            lexer.push(token)
        name, token = self._read_name(lexer, lambda t: t[1] in ("(", ";"))
        if token is None or token[1] != "(":
            self._skip(lexer, token)
            return
        columns: list[str] = []
        depth, at_start = 1, True
        while depth and (token := lexer.next()) is not None:
            kind, text, _ = token
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
            elif text == "," and depth == 1:
                at_start = True
                continue
            elif at_start and depth == 1 and kind in ("w", "q"):
                if kind == "q" or text.upper() not in _NOT_COLUMNS:
                    columns.append(_name(text))
            at_start = False
        self._creates[name.lower()] = columns
        self._skip(lexer, token if token and token[1] == ";" else None)

    def _table_columns(self, table: str) -> list[str]:
        key = table.lower()
        if key in self._creates:
            return self._creates[key]
        short = key.rsplit(".", 1)[-1]
        for name, columns in self._creates.items():
            if name.rsplit(".", 1)[-1] == short:
                return columns
        return []

    def _value(self, tokens: list[Token]) -> str | None:
        strings = [t for t in tokens if t[0] in ("s", "e", "d")]
        if len(strings) == 1:
            kind, text, _ = strings[0]
            if kind == "e":
                body = text[text.index("'") + 1 : -1]
                return unescape_mysql(body)
            if kind == "d":
                return text[text.index("$", 1) + 1 : text.rindex("$", 0, len(text) - 1)]
            return unescape_pg(text[1:-1])
        if len(tokens) == 1 and tokens[0][0] == "w" and tokens[0][1].upper() == "NULL":
            return None
        return "".join(t[1] for t in tokens)

    def _insert(
        self,
        lexer: Lexer,
        emit: Callable[[list[str], list[str | None], int], None],
        tally: Tally,
        strict: bool,
    ) -> Iterator[None]:
        token = lexer.next()
        while token is not None and token[1].upper() != "INTO":
            token = lexer.next()
        table, token = self._read_name(
            lexer, lambda t: t[1] in ("(", ";") or t[1].upper() in ("VALUES", "VALUE", "SELECT")
        )
        columns: list[str] = []
        if token is not None and token[1] == "(":
            columns = self._name_list(lexer)
            token = lexer.next()
        if token is None or token[1].upper() not in ("VALUES", "VALUE"):
            self._skip(lexer, token)
            return
        wanted = self._wanted(table)
        if wanted and not columns:
            columns = self._table_columns(table)
        fail = tally.fail and strict
        unescape = self._unescape
        while True:
            # Fast path: whole tuples of plain values, one regex each, no tokens.
            for found, line in lexer.matches(self._tuple):
                if not wanted:
                    continue
                values: list[str | None] = [
                    (None if bare.upper() == "NULL" else bare) if bare else unescape(body)
                    for body, bare in self._values.findall(found.group(1))
                ]
                if "\n" in found.group()[: found.start(1) - found.start()]:
                    line += found.group()[: found.start(1) - found.start()].count("\n")
                if not self._check(values, columns, line, tally, fail, False):
                    continue
                emit(columns, values, line)
                yield None
            token = lexer.next()
            if token is None:
                return
            kind, text, line = token
            if text == ",":
                continue
            if text != "(":
                self._skip(lexer, token)
                return
            values, broken = self._slow_tuple(lexer)
            if not wanted:
                if broken:
                    return
                continue
            if self._check(values, columns, line, tally, fail, broken):
                emit(columns, values, line)
                yield None
            elif broken:
                return

    def _check(
        self,
        values: list[str | None],
        columns: list[str],
        line: int,
        tally: Tally,
        fail: bool,
        broken: bool,
    ) -> bool:
        """True for a good tuple; a bad one is counted, or raised in fail mode."""
        width = len(columns) or len(self.columns) or len(values)
        if not broken and len(values) == width:
            return True
        if fail:
            column = min(len(values), width) + 1
            raise InputError("malformed row in SQL dump", path=self._path, line=line, column=column)
        tally.bad(line)
        return False

    def _slow_tuple(self, lexer: Lexer) -> tuple[list[str | None], bool]:
        """A tuple a token at a time (expressions, E'' strings, literals over several lines)."""
        values: list[str | None] = []
        current: list[Token] = []
        depth = 1
        broken = False
        while (token := lexer.next()) is not None:
            if token[0] == "bad":
                broken = True
                break
            if token[1] == "(":
                depth += 1
            elif token[1] == ")":
                depth -= 1
                if depth == 0:
                    break
            elif token[1] == ";" and depth >= 1:
                broken = True
                break
            if token[1] == "," and depth == 1:
                values.append(self._value(current))
                current = []
            else:
                current.append(token)
        if not broken and (current or values):
            values.append(self._value(current))
        return values, broken

    def _copy(
        self,
        lexer: Lexer,
        emit: Callable[[list[str], list[str | None], int], None],
        tally: Tally,
        strict: bool,
    ) -> Iterator[None]:
        table, token = self._read_name(
            lexer, lambda t: t[1] in ("(", ";") or t[1].upper() == "FROM"
        )
        columns: list[str] = []
        if token is not None and token[1] == "(":
            columns = self._name_list(lexer)
            token = lexer.next()
        is_stdin = token is not None and token[1].upper() == "FROM"
        token = lexer.next() if is_stdin else token
        is_stdin = is_stdin and token is not None and token[1].lower() == "stdin"
        self._skip(lexer, token if token and token[1] == ";" else None)
        if not is_stdin:
            return
        wanted = self._wanted(table)
        if wanted and not columns:
            columns = self._table_columns(table)
        fail = tally.fail and strict
        lexer.raw_line()  # the rest of the COPY line
        while (line := lexer.raw_line()) is not None:
            number = lexer.line - 1
            body = line.rstrip("\n").rstrip("\r")
            if body == "\\.":
                return
            if not wanted:
                continue
            values = [unescape_copy(field) for field in body.split("\t")]
            width = len(columns) or len(values)
            if len(values) != width:
                if fail:
                    column = min(len(values), width) + 1
                    raise InputError(
                        "malformed row in COPY data", path=self._path, line=number, column=column
                    )
                tally.bad(number)
                continue
            emit(columns, values, number)
            yield None

    # -- reading -------------------------------------------------------------------------------

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        buffer = RowBuffer(self.columns, self._options.batch_rows)
        position = {name: i for i, name in enumerate(self.columns)}
        width = len(self.columns)
        ready: list[pa.RecordBatch] = []

        def emit(columns: list[str], values: list[str | None], line: int) -> None:
            if not columns or columns == self.columns:
                row = values if len(values) == width else (values + [None] * width)[:width]
            else:
                row = [None] * width
                for name, value in zip(columns, values, strict=False):
                    if name in position:
                        row[position[name]] = value
            buffer.add(row)
            tally.rows += 1
            if buffer.full:
                ready.append(buffer.flush())

        # The parser pushes rows; batches are handed out as they fill (bounded by batch_rows).
        for _ in self._parse_iter(emit, tally, on_bytes):
            while ready:
                yield ready.pop(0)
        while ready:
            yield ready.pop(0)
        if buffer.size:
            yield buffer.flush()

    def _parse_iter(
        self,
        emit: Callable[[list[str], list[str | None], int], None],
        tally: Tally,
        on_bytes: object,
        strict: bool = True,
    ) -> Iterator[None]:
        """Run the parser, yielding control after each row so batches flow out."""
        lexer = Lexer(self._lines(on_bytes), self.dialect)
        while (token := lexer.next()) is not None:
            kind, text, _ = token
            if kind != "w":
                if not (kind == "p" and text == ";"):
                    self._skip(lexer)
                continue
            word = text.upper()
            if word in ("INSERT", "REPLACE"):
                yield from self._insert(lexer, emit, tally, strict)
            elif word == "CREATE":
                self._create(lexer)
            elif word == "COPY":
                yield from self._copy(lexer, emit, tally, strict)
            else:
                self._skip(lexer)
