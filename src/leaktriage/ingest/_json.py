"""JSON arrays of objects (streamed with ijson) and JSON Lines, flattened to string columns.

Nested objects become dotted columns (``address.city``); lists are kept as JSON text. The
columns are the union of the keys of the first :data:`KEY_SCAN_RECORDS` records, in order of
first appearance; a key first seen later is not a column (the rows holding one are counted in
the log, never their values). A top-level object is read as the list of records under its first
key whose value is an array of objects, else as one record.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, BinaryIO, cast

import ijson
import pyarrow as pa

from leaktriage.errors import InputError

from ._limits import Tally
from ._model import IngestOptions
from ._rows import RowBuffer, TextFormatReader, decode_error, text_stream
from ._sniff import Encoding

__all__ = ["JsonReader", "KEY_SCAN_RECORDS"]

log = logging.getLogger(__name__)

KEY_SCAN_RECORDS = 200_000
"""How many records are scanned for column names before reading."""


def _scalar(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return None
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is Decimal:
        return str(value)
    if kind is float:
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def flatten(
    record: dict[str, Any], prefix: str = "", out: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    """``{"a": {"b": 1}, "c": [1]}`` → ``{"a.b": "1", "c": "[1]"}``."""
    out = {} if out is None else out
    for key, value in record.items():
        name = prefix + key if prefix else key
        kind = type(value)
        if kind is str:
            out[name] = value
        elif kind is dict:
            if value:
                flatten(value, name + ".", out)
            else:
                out.setdefault(name, None)
        elif kind is list:
            out[name] = json.dumps(value, ensure_ascii=False, default=_plain)
        else:
            out[name] = _scalar(value)
    return out


_DECODE = json.JSONDecoder(parse_float=Decimal).decode


class _Utf8(io.RawIOBase):
    """Re-encodes a text stream as UTF-8 bytes, for ijson (which reads bytes)."""

    def __init__(self, text: io.TextIOBase) -> None:
        super().__init__()
        self._text = text
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = self._text.read(65536)
            if not chunk:
                return 0
            self._pending = chunk.encode("utf-8")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class JsonReader(TextFormatReader):
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
        self._prefix = "item"
        if kind == "json":
            self._prefix = self._find_prefix()
        self.columns = self._scan_keys()

    # -- streams ------------------------------------------------------------------------------

    def _bytes(self, on_bytes: object) -> BinaryIO:
        raw = self._open(on_bytes)
        if self._codec == "utf-8":
            return raw
        return cast(BinaryIO, io.BufferedReader(_Utf8(text_stream(raw, self._codec))))

    def _find_prefix(self) -> str:
        """``item`` for an array; for an object, the path of its first array of objects."""
        with self._bytes(None) as stream:
            try:
                array_at: str | None = None
                for n, (prefix, event, _) in enumerate(ijson.parse(stream)):
                    if n == 0 and event != "start_map":
                        return "item"
                    if n > 100_000:
                        break
                    if array_at is not None and event == "start_map":
                        return prefix
                    array_at = prefix if event == "start_array" else None
            except (ijson.JSONError, UnicodeDecodeError):
                pass
        return ""

    def _records(self, stream: BinaryIO, tally: Tally) -> Iterator[tuple[int | None, Any]]:
        """(line, record) pairs; malformed lines are counted (and raise in fail mode)."""
        fail = tally.fail
        if self.format == "jsonl":
            reader = io.TextIOWrapper(stream, encoding=self._codec, newline=None)
            number = 0
            try:
                for number, line in enumerate(reader, start=1):  # noqa: B007
                    if not line.strip():
                        continue
                    try:
                        record = _DECODE(line)
                    except ValueError:
                        if fail:
                            raise InputError(
                                "malformed JSON line", path=self._path, line=number
                            ) from None
                        tally.bad(number)
                        continue
                    yield number, record
            except UnicodeDecodeError:
                raise decode_error(self._path, self._codec, number + 1) from None
            return
        try:
            for record in ijson.items(stream, self._prefix, use_float=False):
                yield None, record
        except (ijson.JSONError, UnicodeDecodeError):
            if fail:
                raise InputError("malformed JSON", path=self._path) from None
            # The rest of a broken document cannot be resynchronised: count it and stop.
            tally.bad(None)
            self.complete = False
            log.warning("%s: malformed JSON, reading stopped early", self._path)

    def _scan_keys(self) -> list[str]:
        keys: dict[str, None] = {}
        scratch = Tally(0)
        with self._bytes(None) as stream:
            try:
                for n, (_, record) in enumerate(self._records(stream, scratch)):
                    if n >= KEY_SCAN_RECORDS:
                        break
                    if isinstance(record, dict):
                        for key in flatten(record):
                            keys.setdefault(key, None)
            except InputError:
                pass
        self.complete = True
        return list(keys) or ["value"]

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        fail = tally.fail
        known = set(self.columns)
        late = 0
        self.complete = True
        buffer = RowBuffer(self.columns, self._options.batch_rows)
        with self._bytes(on_bytes) as stream:
            for line, record in self._records(stream, tally):
                if not isinstance(record, dict):
                    if fail:
                        raise InputError(
                            "a JSON record is not an object", path=self._path, line=line
                        )
                    tally.bad(line)
                    continue
                row = flatten(record)
                if not known.issuperset(row):
                    late += 1
                buffer.add_mapping(row)
                tally.rows += 1
                if buffer.full:
                    yield buffer.flush()
        if buffer.size:
            yield buffer.flush()
        self.late_key_rows = late
        if late:
            log.warning("%s: %d records hold keys first seen after the key scan", self._path, late)
