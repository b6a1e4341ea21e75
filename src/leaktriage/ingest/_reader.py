"""Open an input: resolve containers, sniff each member, and read it as string batches."""

from __future__ import annotations

import codecs
import logging
from collections.abc import Generator, Iterator
from pathlib import Path
from types import TracebackType
from typing import cast

import pyarrow as pa

from leaktriage.errors import InputError, InputRejected

from ._archive import Part, Resolved, Workdir, resolve
from ._csv import CsvReader
from ._limits import Tally
from ._model import IngestOptions, IngestReport
from ._office import NOT_SPREADSHEET, SPREADSHEET_KINDS, ole2_kind
from ._rows import FormatReader, TableInfo, decode_error, string_schema
from ._sniff import (
    HEAD_BYTES,
    decode_head,
    detect_binary,
    detect_text_format,
    looks_like_junk,
    sniff_encoding,
    sniff_table,
    starts_like_json,
)

__all__ = ["LeakReader", "open_input"]

log = logging.getLogger(__name__)

_NOT_DATA = "not a recognised text or data format"
_MAX_HEAD_BYTES = 64 * 2**20


def _reader_for(part: Part, display: str, options: IngestOptions) -> FormatReader | None:
    """The format reader of one member, or ``None`` when it holds nothing (empty)."""
    if part.hint == NOT_SPREADSHEET:
        raise InputError(_NOT_DATA, path=display)  # DOCX, ODT, ...: not its XML parts
    if part.hint in SPREADSHEET_KINDS:
        from ._sheets import SheetReader

        return SheetReader(part.hint, display, options, part.local_path, part.open_seekable)
    size = HEAD_BYTES
    while True:
        with part.open(None) as stream:
            head = stream.read(size + 1)
        # Grow the head until it holds a few whole lines (very wide or very long first rows).
        if len(head) <= size or head.count(b"\n") >= 3 or size >= _MAX_HEAD_BYTES:
            break
        size *= 4
    if not head:
        return None
    kind = detect_binary(head)
    if kind == "parquet" and (part.local_path is not None or part.seekable is not None):
        from ._parquet import ParquetReader

        return ParquetReader(part.local_path or part.open_seekable, display, options)
    if kind == "ole2":
        with part.open_seekable() as stream:
            ole2 = ole2_kind(stream)
        if ole2 == "encrypted":
            raise InputError("password-protected workbook", path=display)
        if ole2 == "xls":
            from ._sheets import SheetReader

            return SheetReader("xls", display, options, part.local_path, part.open_seekable)
    if kind is not None:
        raise InputError(_NOT_DATA, path=display)
    complete = len(head) <= size
    head = head[:size]
    if not options.encoding:
        from ._sqlbinary import sniff_head

        head = sniff_head(head, complete)  # a dump's raw binary keys must not decide encoding
    try:
        encoding = sniff_encoding(head, complete, options.encoding)
    except LookupError:
        raise InputError(f"unknown encoding {options.encoding!r}", path=display) from None
    if options.encoding:
        try:
            codecs.getincrementaldecoder(encoding.codec)().decode(head, final=complete)
        except UnicodeDecodeError:
            raise decode_error(display, encoding.codec) from None
    text = decode_head(head, encoding, complete)
    if looks_like_junk(text) and not starts_like_json(text):
        raise InputError(_NOT_DATA, path=display)
    if not text.strip("\ufeff \t\r\n"):
        return None
    fmt = detect_text_format(text)
    if fmt in ("json", "jsonl"):
        from ._json import JsonReader

        return JsonReader(part.open, display, options, encoding, fmt)
    if fmt == "sql":
        from ._sqldump import SqlReader

        return SqlReader(part.open, display, options, encoding, text)
    dialect = sniff_table(text, complete, options.delimiter, options.header)
    if not dialect.records or (dialect.header and complete and len(dialect.records) == 1):
        return None
    return CsvReader(part.open, display, options, encoding, dialect)


def _names_member(wanted: str, member: str) -> bool:
    """Whether a (lower-cased) table name given by the user names archive member ``member``:
    its path in the archive, or its file name alone."""
    return bool(member) and wanted in (member.lower(), member.rsplit("/", 1)[-1].lower())


class LeakReader:
    """An opened input. Use as a context manager: private temporary files go on close.

    ``columns``: header names (deduplicated ``name``, ``name_2``), ``col_1..col_n`` without a
    header, dotted names for nested JSON; for an archive, the union over its members in order of
    first appearance (a member lacking a column gives nulls). ``report``: what was read; its
    counts are final, and ``complete`` true, once :meth:`batches` is exhausted.
    """

    def __init__(
        self,
        display: str,
        path: Path,
        options: IngestOptions,
        resolved: Resolved,
        readers: list[tuple[Part, FormatReader]],
        work: Workdir,
    ) -> None:
        self._display = display
        self._options = options
        self._all = list(readers)
        self._readers = readers
        self._resolved = resolved
        self._work = work
        self._total = max(path.stat().st_size, 1)
        self.tables = self._list_tables()
        self._setup()
        if options.table is not None:
            self.select_table(options.table)

    def _list_tables(self) -> list[TableInfo]:
        """Every table the input holds: a reader's own tables (dumps, workbooks), or, for an
        archive of several members that are not parts of one table, each member."""
        if len(self._all) == 1:
            return list(self._all[0][1].tables)
        if self._parts_of_one_table():
            return []
        return [TableInfo(part.name, None, list(reader.columns)) for part, reader in self._all]

    def _parts_of_one_table(self) -> bool:
        """An archive whose members share their columns is one table split in parts (read as
        their union); members of different shapes are tables of their own."""
        shapes = {tuple(reader.columns) for _, reader in self._all}
        return len(shapes) == 1 and all(not reader.tables for _, reader in self._all)

    def _setup(self) -> None:
        readers = self._readers
        columns: list[str] = []
        seen: set[str] = set()
        for _, reader in readers:
            for name in reader.columns:
                if name not in seen:
                    seen.add(name)
                    columns.append(name)
        self.columns = columns
        self._schema = string_schema(columns)
        self.numeric_columns = frozenset(
            name for _, reader in readers for name in getattr(reader, "numeric_columns", ())
        )
        """Columns a spreadsheet stored as numbers (leading zeros may be lost)."""
        first = readers[0][1]
        formats = {r.format for _, r in readers}
        table = first.table
        if table is None and len(self._all) > 1 and self.tables and len(readers) == 1:
            table = readers[0][0].name
        self.report = IngestReport(
            path=self._display,
            format=first.format if len(formats) == 1 else "mixed",
            compression=self._resolved.compression,
            members=[p.name for p, _ in readers if p.name],
            encoding=first.encoding,
            delimiter=first.delimiter,
            header=first.header,
            columns=list(columns),
            table=table,
            skipped_members=list(self._resolved.skipped),
            tables=[TableInfo(t.name, t.rows, list(t.columns)) for t in self.tables],
            numeric_columns=sorted(self.numeric_columns),
        )

    @property
    def table(self) -> str | None:
        """The table being read (``None`` for a single-table input)."""
        return self.report.table

    def select_table(self, name: str) -> None:
        """Read table ``name`` (a dump's table, a workbook's sheet, an archive's member) from
        now on; raises :class:`InputError` naming the tables held when there is none such."""
        wanted = name.strip().lower()
        if len(self._all) == 1:
            part, reader = self._all[0]
            if reader.tables:
                reader.select(name)
            elif not _names_member(wanted, part.name):
                raise InputError(
                    f"no table {name!r}: the input holds one table", path=self._display
                )
            self._readers = self._all
        else:
            members = [
                (part, reader) for part, reader in self._all if _names_member(wanted, part.name)
            ]
            if not members:
                for part, reader in self._all:
                    if any(t.name.lower() == wanted for t in reader.tables):
                        reader.select(name)
                        members = [(part, reader)]
                        break
            if not members:
                held = ", ".join(t.name for t in self.tables) or ", ".join(
                    p.name for p, _ in self._all
                )
                raise InputError(
                    f"no table {name!r} in the input; it holds: {held}", path=self._display
                )
            self._readers = members
        self._setup()

    # -- context manager --------------------------------------------------------------------

    def __enter__(self) -> LeakReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Delete the private temporary files (extracted archive members)."""
        self._work.close()

    # -- reading ----------------------------------------------------------------------------

    def _project(self, batch: pa.RecordBatch, names: list[str]) -> pa.RecordBatch:
        if names == self.columns:
            return pa.RecordBatch.from_arrays(batch.columns, schema=self._schema)
        by_name = dict(zip(names, batch.columns, strict=True))
        arrays = [
            by_name[name] if name in by_name else pa.nulls(batch.num_rows, pa.string())
            for name in self.columns
        ]
        return pa.RecordBatch.from_arrays(arrays, schema=self._schema)

    def sample(self, n: int = 2000) -> pa.Table:
        """The first ``n`` good rows as a table of strings; reads only the start of the input."""
        batches: list[pa.RecordBatch] = []
        got = 0
        for _, reader in self._readers:
            if got >= n:
                break
            stream = cast(Generator[pa.RecordBatch, None, None], reader.iter_batches(Tally(0)))
            try:
                for batch in stream:
                    if batch.num_rows == 0:
                        continue
                    take = batch.slice(0, n - got)
                    batches.append(self._project(take, reader.columns))
                    got += take.num_rows
                    if got >= n:
                        break
            finally:
                stream.close()
        return pa.Table.from_batches(batches, schema=self._schema)

    def batches(self) -> pa.RecordBatchReader:
        """Every good row, lazily, as string batches in :attr:`columns` order.

        The report's counts are final, and ``complete`` true, once the reader is exhausted.
        """
        return pa.RecordBatchReader.from_batches(self._schema, self._iterate())

    def _iterate(self) -> Iterator[pa.RecordBatch]:
        report = self.report
        report.rows = 0
        report.malformed_rows = 0
        report.malformed_lines = []
        report.malformed_by_member = {}
        report.late_key_rows = 0
        report.truncated_fields = 0
        report.complete = False
        done = 0
        progress = self._options.progress

        def on_bytes(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(min(done, self._total), self._total)

        complete = True
        for part, reader in self._readers:
            tally = Tally(
                self._options.max_malformed_lines_kept - len(report.malformed_lines),
                fail=self._options.on_error == "fail",
            )
            for batch in reader.iter_batches(tally, on_bytes if progress else None):
                if batch.num_rows:
                    yield self._project(batch, reader.columns)
            report.rows += tally.rows
            report.malformed_rows += tally.malformed
            report.malformed_lines.extend(tally.lines)
            if tally.malformed and part.name:
                report.malformed_by_member[part.name] = tally.malformed
            complete = complete and reader.complete
            report.late_key_rows += reader.late_key_rows
            report.truncated_fields += getattr(reader, "truncated_fields", 0)
            report.encoding = self._readers[0][1].encoding
        report.complete = complete
        if progress is not None:
            progress(self._total, self._total)

    def _has_rows(self) -> bool:
        probe = Tally(0)
        for _, reader in self._readers:
            stream = cast(Generator[pa.RecordBatch, None, None], reader.iter_batches(probe))
            try:
                for batch in stream:
                    if batch.num_rows:
                        return True
            finally:
                stream.close()
        return probe.malformed > 0


def open_input(path: str | Path, options: IngestOptions | None = None) -> LeakReader:
    """Sniff and open ``path``; raises :class:`InputError` or :class:`InputRejected`."""
    options = options or IngestOptions()
    source = Path(path)
    display = str(path)
    if not source.is_file():
        raise InputError("no such file", path=display)
    work = Workdir(options, display)
    try:
        return _open(source, display, options, work)
    except OSError as error:
        work.close()
        raise InputError(
            f"cannot read the file ({error.strerror or 'I/O error'})", path=display
        ) from None
    except BaseException:
        work.close()
        raise


def _open(source: Path, display: str, options: IngestOptions, work: Workdir) -> LeakReader:
    resolved = resolve(source, options, work, display)
    readers: list[tuple[Part, FormatReader]] = []
    not_data = 0
    for part in resolved.parts:
        member = f"{display}!{part.name}" if part.name else display
        try:
            reader = _reader_for(part, member, options)
        except InputError as error:
            if not resolved.archive or isinstance(error, InputRejected):
                raise
            if error.reason != _NOT_DATA:
                raise
            not_data += 1
            resolved.skipped.append(part.name)
            continue
        if reader is None:
            if part.name:
                resolved.skipped.append(part.name)
            continue
        readers.append((part, reader))
    if not readers:
        if not_data:
            raise InputError(_NOT_DATA, path=display)
        raise InputRejected("empty input", path=display)
    leak = LeakReader(display, source, options, resolved, readers, work)
    if not leak._has_rows():
        raise InputRejected("empty input", path=display)
    return leak
