"""JSON documents and JSON Lines, read record by record into string columns, within limits.

A JSON document is cut into records by :mod:`._jsonscan` (numpy finds the structure and the
nesting depth of every byte before a parser sees it) and each record is decoded by the stdlib
C decoder; JSON Lines are read a line at a time. :mod:`._jsonflat` flattens each record and
names the columns. What is read:

* a top-level array: its items are the records; a top-level object wrapping them
  (``{"data": [...], "meta": {...}}``, ``{"customers": {"items": [...]}}``): the records array
  :func:`._jsonlocate.locate` picks; a top-level object without arrays: one record; several
  top-level values (``{...}\\n{...}``, as ``jq`` writes them): each a record;
* JSON Lines: one value per line; blank lines, CRLF and a BOM are fine;
* UTF-16 and other non-UTF-8 text is re-encoded to UTF-8 on the way in.

Limits, each refused with :class:`~leaktriage.errors.InputRejected` naming the option:
nesting deeper than ``max_json_depth``, a record (or line) longer than ``max_line_bytes``, more
than ``max_columns`` columns. A lone scalar or an empty object is refused as holding no
records. The columns are the union of the keys of the first :data:`KEY_SCAN_RECORDS` records,
in order of first appearance; a key first seen later is not a column (the rows holding one are
counted as ``late_key_rows``, never their values).

Damage: a malformed line of JSON Lines is counted and skipped (``on_error="skip"``) or raises
:class:`~leaktriage.errors.InputError` with its line and column. A JSON document is read up to
its damage: the records before it are kept, the damage counts as one malformed row and
``complete`` is false; damage before the first record always raises (nothing to keep).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, cast

import pyarrow as pa

from leaktriage.errors import InputError, InputRejected

from ._jsonflat import Flattener, column_names, decode
from ._jsonlines import read_lines, reason
from ._jsonlocate import Located, locate
from ._jsonscan import Damage, Piece, Span, pieces
from ._limits import Tally
from ._model import IngestOptions
from ._rows import TextFormatReader, decode_error, string_schema, text_stream
from ._sniff import Encoding

__all__ = ["JsonReader", "KEY_SCAN_RECORDS", "MAX_DEPTH_CAP"]

log = logging.getLogger(__name__)

KEY_SCAN_RECORDS = 200_000
"""How many records are scanned for column names before reading."""

MAX_DEPTH_CAP = 500
"""``max_json_depth`` above this is treated as this (flattening recurses per level)."""

_BROKEN = object()
"""What :meth:`JsonReader._decode` returns for a damaged record."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_NO_RECORDS = "empty input: no records in the JSON (the top-level value is a scalar)"


class _Utf8(io.RawIOBase):
    """Re-encodes a text stream as UTF-8 bytes (the scanner and line reader read UTF-8)."""

    def __init__(self, text: io.TextIOBase, path: str, codec: str) -> None:
        super().__init__()
        self._text = text
        self._path = path
        self._codec = codec
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                chunk = self._text.read(65536)
            except UnicodeDecodeError:
                raise decode_error(self._path, self._codec) from None
            if not chunk:
                return 0
            self._pending = chunk.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        try:
            self._text.close()
        finally:
            super().close()


class _Columns:
    """Rows (dicts keyed by raw key paths) gathered column-wise into record batches."""

    def __init__(self, raw: list[str], names: list[str], batch_rows: int) -> None:
        self._raw = raw
        self.schema = string_schema(names)
        self._batch_rows = max(1, batch_rows)
        self._data: list[list[str | None]] = [[] for _ in raw]
        self._pairs = list(zip(raw, self._data, strict=True))
        self.size = 0

    def add(self, row: dict[str, str | None]) -> None:
        get = row.get
        for name, column in self._pairs:
            column.append(get(name))
        self.size += 1

    @property
    def full(self) -> bool:
        return self.size >= self._batch_rows

    def flush(self) -> pa.RecordBatch:
        arrays = [_array(column) for column in self._data]
        self._data = [[] for _ in self._raw]
        self._pairs = list(zip(self._raw, self._data, strict=True))
        self.size = 0
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)


def _array(column: list[str | None]) -> pa.Array:
    try:
        return pa.array(column, type=pa.string())
    except UnicodeEncodeError:
        # Lone surrogates (``"\\ud800"`` escapes) cannot be UTF-8: replace them.
        return pa.array(
            [v if v is None else _SURROGATE.sub("\ufffd", v) for v in column], type=pa.string()
        )


def _first_line(piece: Piece) -> int:
    """The line a piece's content starts on (pieces begin with the separator's whitespace)."""
    data = piece.data
    lead = len(data) - len(data.lstrip(b" \t\r\n"))
    return piece.line + data.count(b"\n", 0, lead)


class JsonReader(TextFormatReader):
    """Reads a JSON document (``kind="json"``) or JSON Lines (``kind="jsonl"``)."""

    def __init__(
        self,
        opener: Callable[..., BinaryIO],
        display: str,
        options: IngestOptions,
        encoding: Encoding,
        kind: str,
    ) -> None:
        super().__init__(opener, display, options, encoding)
        self.format = kind
        self.header = True
        self.truncated_fields = 0
        """Strings of the last pass cut to ``max_field_bytes``."""
        self._depth = max(1, min(options.max_json_depth, MAX_DEPTH_CAP))
        self._where: Located | None = None
        if kind == "json":
            with self._bytes(None) as stream:
                self._where = locate(stream, self._depth, self._path)
            if self._where.kind == "scalar":
                raise InputRejected(_NO_RECORDS, path=self._path)
            if self._where.path:
                log.info("%s: records under %r", self._path, self._where.path)
        self._raw, self.columns = self._scan_keys()

    # -- streams ------------------------------------------------------------------------------

    def _bytes(self, on_bytes: object) -> BinaryIO:
        """The input as UTF-8 bytes (any BOM kept: the readers skip it)."""
        raw = self._open(on_bytes)
        if self._codec in ("utf-8", "utf-8-sig"):
            return raw
        text = text_stream(raw, self._codec)
        return cast(BinaryIO, io.BufferedReader(_Utf8(text, self._path, self._codec)))

    # -- records ------------------------------------------------------------------------------

    def _records(self, stream: BinaryIO, tally: Tally) -> Iterator[tuple[int, Any]]:
        """(line, decoded record) pairs; malformed ones are counted (or raise in fail mode).

        For a JSON document the line is where the whitespace before the record starts (only
        damage needs it exact)."""
        if self.format == "jsonl":
            limit = self._options.max_line_bytes
            yield from read_lines(stream, tally, self._path, self._depth, limit)
            return
        assert self._where is not None
        limit = self._options.max_line_bytes
        for item in pieces(stream, self._where, self._depth, limit, self._path):
            kind = type(item)
            if kind is Span:
                span = cast(Span, item)
                try:
                    many = decode(b"[" + span.text + b"]")
                except ValueError:
                    many = None
                if many is not None:
                    line = span.first_line
                    for record in many:
                        yield line, record
                    continue
                for piece in span.pieces():  # one of them is damaged: find it
                    record = self._decode(piece, tally)
                    if record is _BROKEN:
                        return
                    yield piece.line, record
                continue
            if kind is Damage:
                self._damage(cast(Damage, item), tally)
                return
            piece = cast(Piece, item)
            record = self._decode(piece, tally)
            if record is _BROKEN:
                return
            yield piece.line, record

    def _decode(self, piece: Piece, tally: Tally) -> Any:
        """One record, or :data:`_BROKEN` once its damage is counted (or raised)."""
        data = piece.data
        if not data or data.isspace():
            self._damaged(tally, piece.line, piece.column, "empty item in the JSON array")
            return _BROKEN
        try:
            return decode(data)
        except UnicodeDecodeError:
            self._damaged(tally, _first_line(piece), None, "text is not valid UTF-8")
        except ValueError as error:
            line, column = self._where_in(piece, error)
            self._damaged(tally, line, column, f"malformed JSON ({reason(error)})")
        return _BROKEN

    def _damage(self, damage: Damage, tally: Tally) -> None:
        line, column, why = damage.line, damage.column, damage.reason
        if damage.tail is not None:
            try:
                decode(damage.tail.data.decode("utf-8", "replace"))
            except ValueError as error:  # where the decoder stops: the first fault
                line, column = self._where_in(damage.tail, error)
                why = f"malformed JSON ({reason(error)})"
        self._damaged(tally, line, column, why)

    def _where_in(self, piece: Piece, error: ValueError) -> tuple[int, int | None]:
        lineno = getattr(error, "lineno", None)
        colno = getattr(error, "colno", None)
        if lineno is None or colno is None:
            return _first_line(piece), None
        if lineno == 1:
            return piece.line, piece.column + colno - 1
        return piece.line + lineno - 1, colno

    def _damaged(self, tally: Tally, line: int, column: int | None, reason: str) -> None:
        """Damage in a JSON document: raise (fail mode, or nothing read yet) or count it."""
        if tally.fail or tally.rows == 0 and not self._scanned:
            raise InputError(reason, path=self._path, line=line, column=column)
        tally.bad(line)
        self.complete = False
        log.warning("%s: JSON damaged at line %d, reading stopped there", self._path, line)

    # -- columns ------------------------------------------------------------------------------

    _scanned = False

    def _scan_keys(self) -> tuple[list[str], list[str]]:
        keys: dict[str, None] = {}
        scratch = Tally(0)
        flat = Flattener(self._options.max_field_bytes)
        limit = self._options.max_columns
        records = 0
        with self._bytes(None) as stream:
            for n, (_, record) in enumerate(self._records(stream, scratch)):
                if n >= KEY_SCAN_RECORDS:
                    break
                records += 1
                scratch.rows += 1
                for key in flat.record(record):
                    if key not in keys:
                        keys[key] = None
                        if len(keys) > limit:
                            raise InputRejected(
                                f"more than {limit} columns in the JSON records (max_columns)",
                                path=self._path,
                            )
        self._scanned = True
        self.complete = True
        if records and not keys:
            # ``{}``, ``[{}, {}]``: records without a single member, nothing to read.
            raise InputRejected(
                "empty input: the JSON records hold no values (only empty objects)",
                path=self._path,
            )
        raw = list(keys) or ["value"]
        return raw, column_names(raw)

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        known = set(self._raw)
        late = 0
        self.complete = True
        flat = Flattener(self._options.max_field_bytes)
        buffer = _Columns(self._raw, self.columns, self._options.batch_rows)
        try:
            with self._bytes(on_bytes) as stream:
                for _, record in self._records(stream, tally):
                    row = flat.record(record)
                    if not known.issuperset(row):
                        late += 1
                    buffer.add(row)
                    tally.rows += 1
                    if buffer.full:
                        yield buffer.flush()
            if buffer.size:
                yield buffer.flush()
        finally:
            self.late_key_rows = late
            self.truncated_fields = flat.truncated
        if late:
            log.warning("%s: %d records hold keys first seen after the key scan", self._path, late)
        if flat.truncated:
            log.warning("%s: %d strings cut to max_field_bytes", self._path, flat.truncated)
