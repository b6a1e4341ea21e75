"""SQL dumps: every table, by name, at dump speed.

Dialects: MySQL/MariaDB (``mysqldump``), PostgreSQL (``pg_dump``: ``INSERT`` and ``COPY ... FROM
stdin``), SQLite ``.dump``, SQL Server (SSMS "Generate Scripts"), Oracle (SQL Developer,
``INSERT ALL``). Column names come from the INSERT column list, else the table's ``CREATE
TABLE``, else ``col_1..col_n``. Binary values (Ki/OPc written by ``mysqldump`` without
``--hex-blob``, ``X'..'``/``0x..``, PostgreSQL ``bytea``) come out as their hex digits; the
rules are in :mod:`._sqlbinary`.

*Pre-scan.* The constructor reads the dump once with the same parser as the read (so counts
agree): every table with data rows, in file order, its exact good-row count, its columns, the
byte offsets where its data starts and ends, and a sample of its first rows (at most
:data:`SAMPLE_ROWS` rows and :data:`SAMPLE_BYTES` bytes, in memory only). Tables whose sample is
full are only counted, not built into arrays.

*Reading.* :meth:`SqlReader.iter_batches` first yields the cached sample of the selected table,
so :meth:`select` plus reading the first few hundred rows costs nothing even for the last table
of a big dump. Only if the caller asks for more does it open the input again, skip (without
parsing) to the table's first data line, parse from there, drop the rows already handed out,
and stop after the table's last data line. A table that fits in its sample is never read again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import pyarrow as pa

from leaktriage.errors import InputError, InputRejected

from ._limits import Tally
from ._model import IngestOptions
from ._rows import RowBuffer, TableInfo, TextFormatReader, string_schema
from ._sniff import Encoding
from ._sqlparse import Listener, Parser, TableState, detect_dialect
from ._sqlsource import LineSource

__all__ = ["SAMPLE_BYTES", "SAMPLE_ROWS", "SqlReader"]

log = logging.getLogger(__name__)

SAMPLE_ROWS = 256
"""Rows of each table kept in memory by the pre-scan (what classification samples)."""
SAMPLE_BYTES = 1 << 20
"""Bytes (roughly) of each table's sample; a table of huge rows keeps fewer."""


def _same_table(wanted: str, name: str) -> bool:
    """Same table, case-insensitively; an unqualified name matches any schema."""
    wanted, name = wanted.lower(), name.lower()
    if wanted == name:
        return True
    if "." in wanted and "." in name:
        return False
    return wanted.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]


def _arrange(names: list[str] | None, columns: list[str], arrays: list[pa.Array]) -> list[pa.Array]:
    """A statement's arrays in the table's column order (missing columns are null)."""
    if names is None:
        return arrays
    by_name = dict(zip(names, arrays, strict=False))
    size = len(arrays[0]) if arrays else 0
    return [by_name[c] if c in by_name else pa.nulls(size, pa.string()) for c in columns]


def _arrange_row(
    names: list[str] | None, columns: list[str], values: list[str | None]
) -> list[str | None]:
    if names is None:
        return values
    by_name = dict(zip(names, values, strict=False))
    return [by_name.get(c) for c in columns]


@dataclass
class _Table:
    """What the pre-scan learnt of one table."""

    key: str
    first_offset: int
    first_line: int
    end_offset: int = 0
    rows: int = 0
    malformed: int = 0
    bad: list[tuple[int, int | None]] = field(default_factory=list)
    sample: list[pa.RecordBatch] = field(default_factory=list)
    sample_rows: int = 0
    sample_bytes: int = 0
    pending: list[list[str | None]] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.sample_rows >= SAMPLE_ROWS or self.sample_bytes >= SAMPLE_BYTES


class _Scan:
    """The pre-scan's listener: counts, offsets, samples."""

    def __init__(self, keep: int) -> None:
        self.parser: Parser
        self.found: dict[str, _Table] = {}
        self._keep = keep

    def _columns(self, key: str) -> list[str]:
        return self.parser.tables[key].columns

    def wants(self, key: str) -> bool:
        return not self.found[key].full

    def begin(self, key: str) -> None:
        if key not in self.found:
            parser = self.parser
            self.found[key] = _Table(key, parser.clean_offset, parser.clean_line)

    def end(self, key: str) -> None:
        self.found[key].end_offset = self.parser.source.offset

    def arrays(self, key: str, names: list[str] | None, arrays: list[pa.Array], line: int) -> None:
        table = self.found[key]
        size = len(arrays[0])
        table.rows += size
        if table.full:
            return
        self._flush(table)
        take = min(size, SAMPLE_ROWS - table.sample_rows)
        columns = self._columns(key)
        # Copies (``take``), so a sample never pins the arrays of a whole dump line.
        head = pa.array(range(take), pa.int64())
        batch = pa.RecordBatch.from_arrays(
            [a.take(head) for a in _arrange(names, columns, arrays)],
            schema=string_schema(columns),
        )
        table.sample.append(batch)
        table.sample_rows += take
        table.sample_bytes += batch.nbytes

    def row(self, key: str, names: list[str] | None, values: list[str | None], line: int) -> None:
        table = self.found[key]
        table.rows += 1
        if table.full:
            return
        row = _arrange_row(names, self._columns(key), values)
        table.pending.append(row)
        table.sample_rows += 1
        table.sample_bytes += sum(len(v) for v in row if v is not None) + 8 * len(row)
        if table.full:
            self._flush(table)

    def _flush(self, table: _Table) -> None:
        if table.pending:
            buffer = RowBuffer(self._columns(table.key), len(table.pending))
            for row in table.pending:
                buffer.add(row)
            table.sample.append(buffer.flush())
            table.pending = []

    def count(self, key: str, rows: int) -> None:
        self.found[key].rows += rows

    def bad(self, key: str, line: int, column: int | None) -> None:
        table = self.found[key]
        table.malformed += 1
        if len(table.bad) < self._keep:
            table.bad.append((line, column))

    def finish(self) -> None:
        for table in self.found.values():
            self._flush(table)


class _Read:
    """The read's listener: batches of the selected table, after skipping the sample."""

    def __init__(
        self, key: str, columns: list[str], tally: Tally, batch_rows: int, skip: int, path: str
    ) -> None:
        self._key = key
        self._columns = columns
        self._tally = tally
        self._batch_rows = max(1, batch_rows)
        self._skip = skip
        self._path = path
        self._schema = string_schema(columns)
        self._buffer = RowBuffer(columns, batch_rows)
        self.ready: list[pa.RecordBatch] = []

    def wants(self, key: str) -> bool:
        return key == self._key

    def begin(self, key: str) -> None:
        pass

    def end(self, key: str) -> None:
        pass

    def count(self, key: str, rows: int) -> None:
        pass

    def bad(self, key: str, line: int, column: int | None) -> None:
        if key != self._key:
            return
        if self._tally.fail:
            raise InputError("malformed row in SQL dump", path=self._path, line=line, column=column)
        self._tally.bad(line)

    def arrays(self, key: str, names: list[str] | None, arrays: list[pa.Array], line: int) -> None:
        arrays = _arrange(names, self._columns, arrays)
        size = len(arrays[0])
        start = min(self._skip, size)
        self._skip -= start
        if start == size:
            return
        self.flush()
        for offset in range(start, size, self._batch_rows):
            length = min(self._batch_rows, size - offset)
            self.ready.append(
                pa.RecordBatch.from_arrays(
                    [a.slice(offset, length) for a in arrays], schema=self._schema
                )
            )
            self._tally.rows += length

    def row(self, key: str, names: list[str] | None, values: list[str | None], line: int) -> None:
        if self._skip:
            self._skip -= 1
            return
        self._buffer.add(_arrange_row(names, self._columns, values))
        self._tally.rows += 1
        if self._buffer.full:
            self.flush()

    def flush(self) -> None:
        if self._buffer.size:
            self.ready.append(self._buffer.flush())


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
        self.dialect = detect_dialect(head)
        self._found: dict[str, _Table] = {}
        self._states: dict[str, TableState] = {}
        self._creates: dict[str, list[str]] = {}
        self._binary: dict[str, frozenset[str]] = {}
        self._prescan()
        self.tables = [
            TableInfo(self._states[key].name, table.rows, list(self._states[key].columns))
            for key, table in self._found.items()
            if table.rows or table.malformed
        ]
        if not self.tables:
            raise InputRejected("no data rows in any table", path=display)
        if options.table:
            self.select(options.table)
        else:
            best = max(t.rows or 0 for t in self.tables)
            self.select(next(t.name for t in self.tables if (t.rows or 0) == best))

    def _parser(
        self,
        source: LineSource,
        listener: Listener,
        tables: dict[str, TableState] | None = None,
        creates: dict[str, list[str]] | None = None,
        binary: dict[str, frozenset[str]] | None = None,
    ) -> Parser:
        return Parser(
            source,
            self.dialect,
            self._path,
            listener,
            max_columns=self._options.max_columns,
            max_field_bytes=self._options.max_field_bytes,
            tables=tables,
            creates=creates,
            binary=binary,
        )

    def _prescan(self) -> None:
        scan = _Scan(self._options.max_malformed_lines_kept)
        with self._open(None) as raw:
            source = LineSource(raw, self._codec, self._path, self._options.max_line_bytes)
            parser = self._parser(source, scan)
            scan.parser = parser
            for _ in parser.run():
                pass
        scan.finish()
        self._found = scan.found
        self._states = parser.tables
        self._creates = parser.creates
        self._binary = parser.binary
        log.debug("sql pre-scan: %d tables with data", len(self._found))

    def select(self, name: str) -> None:
        """Read table ``name`` (case-insensitive; an unqualified name matches any schema)."""
        chosen = next((t for t in self.tables if t.name.lower() == name.lower()), None)
        if chosen is None:
            chosen = next((t for t in self.tables if _same_table(name, t.name)), None)
        if chosen is None:
            held = ", ".join(t.name for t in self.tables)
            raise InputError(f"no table {name!r} in the input; it holds: {held}", path=self._path)
        self.table = chosen.name
        self.columns = list(chosen.columns)

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        key = (self.table or "").lower()
        table = self._found[key]
        for batch in table.sample:
            tally.rows += batch.num_rows
            yield batch
        if table.rows == table.sample_rows:
            self._replay_malformed(table, tally)
            return
        listener = _Read(
            key, self.columns, tally, self._options.batch_rows, table.sample_rows, self._path
        )
        state = {key: self._states[key]}
        with self._open(on_bytes) as raw:
            source = LineSource(raw, self._codec, self._path, self._options.max_line_bytes)
            source.skip_to(table.first_offset, table.first_line)
            parser = self._parser(
                source,
                listener,
                tables=state,
                creates=dict(self._creates),
                binary=dict(self._binary),
            )
            for _ in parser.run(stop_offset=table.end_offset):
                if listener.ready:
                    yield from listener.ready
                    listener.ready.clear()
        listener.flush()
        yield from listener.ready

    def _replay_malformed(self, table: _Table, tally: Tally) -> None:
        """A table read from its sample alone: its malformed rows as the read would count them."""
        for line, column in table.bad:
            if tally.fail:
                raise InputError(
                    "malformed row in SQL dump", path=self._path, line=line, column=column
                )
            tally.bad(line)
        tally.malformed += table.malformed - len(table.bad)
