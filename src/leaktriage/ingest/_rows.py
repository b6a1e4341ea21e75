"""Helpers shared by the format readers: column names, row buffers, text streams."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

import pyarrow as pa

from leaktriage.errors import InputError

from ._limits import Tally

if TYPE_CHECKING:
    from ._model import IngestOptions
    from ._sniff import Encoding

__all__ = [
    "FormatReader",
    "TableInfo",
    "TextFormatReader",
    "RowBuffer",
    "dedupe_columns",
    "numbered_columns",
    "string_schema",
    "text_stream",
]


def dedupe_columns(names: Iterable[str | None]) -> list[str]:
    """Header names made unique (``name``, ``name_2``); blank names become ``col_<i>``."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = (raw or "").strip() or f"col_{i}"
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate)
        out.append(candidate)
    return out


def numbered_columns(width: int) -> list[str]:
    return [f"col_{i}" for i in range(1, width + 1)]


def string_schema(columns: list[str]) -> pa.Schema:
    return pa.schema([pa.field(name, pa.string(), nullable=True) for name in columns])


class RowBuffer:
    """Collects rows of strings column-wise and hands them out as record batches."""

    def __init__(self, columns: list[str], batch_rows: int) -> None:
        self.schema = string_schema(columns)
        self._index = {name: i for i, name in enumerate(columns)}
        self._width = len(columns)
        self._batch_rows = max(1, batch_rows)
        self._data: list[list[str | None]] = [[] for _ in columns]
        self._pairs = list(zip(columns, self._data, strict=True))
        self.size = 0

    def add(self, values: list[str | None]) -> None:
        for column, value in zip(self._data, values, strict=True):
            column.append(value)
        self.size += 1

    def add_mapping(self, values: dict[str, str | None]) -> None:
        get = values.get
        for name, column in self._pairs:
            column.append(get(name))
        self.size += 1

    @property
    def full(self) -> bool:
        return self.size >= self._batch_rows

    def flush(self) -> pa.RecordBatch:
        arrays = [pa.array(column, type=pa.string()) for column in self._data]
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        self._data = [[] for _ in range(self._width)]
        self._pairs = list(zip(self._index, self._data, strict=True))
        self.size = 0
        return batch


def text_stream(raw: BinaryIO, codec: str) -> io.TextIOWrapper:
    """Decoded text with physical line endings kept (``newline=""``)."""
    return io.TextIOWrapper(raw, encoding=codec, newline="", errors="strict")


def decode_error(path: str, codec: str, line: int | None = None) -> InputError:
    return InputError(
        f"text is not valid {codec}; force the encoding (IngestOptions.encoding)",
        path=path,
        line=line,
    )


@dataclass
class TableInfo:
    """One table of a multi-table input (a SQL dump's table, a workbook's sheet).

    ``name`` is as written in the file, unquoted (a schema-qualified SQL name keeps its dot);
    ``rows`` counts its data rows (exact for sheets; the pre-scan's count for dumps) or is
    ``None`` when not counted; ``columns`` are the names it would be read with.
    """

    name: str
    rows: int | None
    columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "rows": self.rows, "columns": list(self.columns)}


class FormatReader:
    """What every format reader provides to :class:`~leaktriage.ingest.LeakReader`.

    Multi-table readers (SQL dumps, workbooks) list their tables in :attr:`tables` and read the
    one :meth:`select` chose; on construction they select ``IngestOptions.table`` when given
    (raising :class:`InputError` naming the tables held when it is not there), else a default
    of their own. Single-table readers leave :attr:`tables` empty.
    """

    format: str = ""
    encoding: str = "binary"
    delimiter: str | None = None
    header: bool = False
    columns: list[str]
    table: str | None = None
    complete: bool = True
    """False when the reader had to stop early (a JSON syntax error in skip mode)."""
    late_key_rows: int = 0
    """JSON: records of the last pass holding keys that are not columns."""

    tables: list[TableInfo] = []
    """Every table the input holds that has data rows, in file order (empty: one table)."""

    numeric_columns: frozenset[str] = frozenset()
    """Columns of the selected table stored as numbers (workbooks): a document number saved as
    a number lost its leading zeros, which the normalizers restore for these columns."""

    def select(self, name: str) -> None:
        """Read table ``name`` from now on (sets :attr:`table` and :attr:`columns`)."""
        raise InputError(f"no table {name!r}: the input holds one table", path=None)

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        raise NotImplementedError


class TextFormatReader(FormatReader):
    """A reader of a text format: how to reopen the stream, what to call it, how to decode it."""

    def __init__(
        self,
        opener: Callable[..., BinaryIO],
        display: str,
        options: IngestOptions,
        encoding: Encoding,
    ) -> None:
        self._open = opener
        self._path = display
        self._options = options
        self._codec = encoding.codec
        self.encoding = encoding.label
