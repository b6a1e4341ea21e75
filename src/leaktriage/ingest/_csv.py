"""Delimited text through pyarrow's streaming CSV reader: the fast path, no per-row Python.

Malformed rows (wrong field count) are skipped by pyarrow's ``invalid_row_handler``, which only
counts them (it must never raise: an exception there aborts the process). Rows with an oversized
field are dropped per batch with vectorized lengths. pyarrow does not know physical line
numbers once quoted fields may hold newlines, so when a pass found malformed rows a second,
Python ``csv`` pass locates them (only the first ``max_malformed_lines_kept``, stopping early).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from leaktriage.errors import InputError

from ._limits import Tally
from ._model import IngestOptions
from ._rows import TextFormatReader, decode_error, dedupe_columns, numbered_columns, text_stream
from ._sniff import Encoding, TextDialect, allow_big_fields

__all__ = ["CsvReader"]

log = logging.getLogger(__name__)

_FIRST_BLOCK = 4 * 2**20
_MAX_BLOCK = 2**31 - 2**20


class _Invalid:
    """Counts rows pyarrow rejected; returns "skip" so pyarrow never raises on its own."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, row: object) -> str:
        self.count += 1
        return "skip"


class CsvReader(TextFormatReader):
    format = "csv"

    def __init__(
        self,
        opener: Callable[..., BinaryIO],
        display: str,
        options: IngestOptions,
        encoding: Encoding,
        dialect: TextDialect,
    ) -> None:
        super().__init__(opener, display, options, encoding)
        self._forced_encoding = options.encoding is not None
        self.delimiter = dialect.delimiter
        self.header = dialect.header
        self._header_lines = max(dialect.header_lines, 1) if dialect.header else 0
        if dialect.header and dialect.records:
            self.columns = dedupe_columns(dialect.records[0])
        else:
            self.columns = numbered_columns(dialect.width)
        longest = max((sum(len(f) for f in r) for r in dialect.records), default=0)
        self._block = max(_FIRST_BLOCK, 4 * (longest + len(self.columns)))

    # -- pyarrow pass -------------------------------------------------------------------------

    def _arrow_batches(
        self, block: int, codec: str, invalid: _Invalid, on_bytes: object
    ) -> Iterator[pa.RecordBatch]:
        arrow_codec = "utf8" if codec in ("utf-8", "utf-8-sig") else codec
        read = pacsv.ReadOptions(
            column_names=self.columns,
            # pyarrow skips physical lines here, not quoted records: a header with a newline
            # inside a quoted name spans several.
            skip_rows=self._header_lines if self.header else 0,
            block_size=block,
            encoding=arrow_codec,
            use_threads=True,
        )
        parse = pacsv.ParseOptions(
            delimiter=self.delimiter,
            quote_char='"',
            double_quote=True,
            newlines_in_values=True,
            ignore_empty_lines=True,
            invalid_row_handler=invalid,
        )
        convert = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self.columns},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        with self._open(on_bytes) as raw:
            reader = pacsv.open_csv(
                raw, read_options=read, parse_options=parse, convert_options=convert
            )
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                yield batch

    def _drop_oversized(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, int]:
        limit = self._options.max_field_bytes
        mask = None
        for column in batch.columns:
            if column.nbytes <= limit:
                continue  # no single value can be longer than the whole column
            over = pc.fill_null(pc.greater(pc.binary_length(column), limit), False)
            mask = over if mask is None else pc.or_(mask, over)
        if mask is None:
            return batch, 0
        dropped = pc.sum(mask).as_py() or 0
        if not dropped:
            return batch, 0
        return batch.filter(pc.invert(mask)), dropped

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        fail = tally.fail
        emitted = 0
        block = self._block
        codec = self._codec
        while True:
            invalid = _Invalid()
            oversized = 0
            produced = 0
            try:
                for batch in self._arrow_batches(block, codec, invalid, on_bytes):
                    batch, dropped = self._drop_oversized(batch)
                    oversized += dropped
                    if fail and (invalid.count or oversized):
                        raise self._first_error(codec)
                    if produced + batch.num_rows <= emitted:
                        produced += batch.num_rows  # already handed out before a retry
                        continue
                    if produced < emitted:
                        batch = batch.slice(emitted - produced)
                        produced = emitted
                    produced += batch.num_rows
                    emitted = produced
                    tally.rows += batch.num_rows
                    yield batch
                break
            except pa.ArrowException as error:
                message = str(error)  # may quote the file: inspected, never passed on
                if "straddl" in message and block < _MAX_BLOCK:
                    block = min(block * 4, _MAX_BLOCK)
                    log.debug(
                        "%s: a row exceeds the block size, retrying with %d", self._path, block
                    )
                    continue
                if "UTF8" in message and codec == "utf-8" and not self._forced_encoding:
                    codec = "cp1252"
                    self._codec = codec
                    self.encoding = "cp1252"
                    log.info("%s: not UTF-8 after the sniffed head, reading as cp1252", self._path)
                    continue
                if "straddl" in message:
                    raise InputError("a row is too large to read", path=self._path) from None
                if "UTF8" in message:
                    raise decode_error(self._path, codec) from None
                raise InputError("cannot parse as delimited text", path=self._path) from None
        bad = invalid.count + oversized
        tally.malformed += bad
        if bad:
            for line, _column in self.find_bad_lines(codec, min(bad, tally.keep)):
                tally.lines.append(line)

    # -- line numbers of malformed rows ---------------------------------------------------------

    def _first_error(self, codec: str) -> InputError:
        found = self.find_bad_lines(codec, 1)
        if not found:
            return InputError("malformed row", path=self._path)
        line, column = found[0]
        return InputError(
            "malformed row (wrong number of fields or a field over max_field_bytes)",
            path=self._path,
            line=line,
            column=column,
        )

    def find_bad_lines(self, codec: str, want: int) -> list[tuple[int, int | None]]:
        """Physical line (and field) of the first ``want`` malformed records."""
        if want <= 0:
            return []
        limit = self._options.max_field_bytes
        allow_big_fields()
        width = len(self.columns)
        found: list[tuple[int, int | None]] = []
        with self._open(None) as raw, text_stream(raw, codec) as text:
            reader = csv.reader(text, delimiter=self.delimiter or ",", strict=False)
            next_line = 1
            first = True
            try:
                for record in reader:
                    start, next_line = next_line, reader.line_num + 1
                    if first and self.header:
                        first = False
                        continue
                    first = False
                    if not record:
                        continue
                    column: int | None = None
                    if len(record) != width:
                        column = min(len(record), width) + 1
                    else:
                        for i, value in enumerate(record, start=1):
                            if len(value) * 4 > limit and len(value.encode("utf-8")) > limit:
                                column = i
                                break
                    if column is not None:
                        found.append((start, column))
                        if len(found) >= want:
                            break
            except (csv.Error, UnicodeDecodeError):
                pass
        return found
