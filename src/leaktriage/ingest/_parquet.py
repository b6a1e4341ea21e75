"""Parquet through pyarrow ``iter_batches``; every column cast to string.

Struct columns are flattened to dotted names; list and map columns become JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from leaktriage.errors import InputError

from ._limits import Tally
from ._model import IngestOptions
from ._rows import FormatReader, string_schema

__all__ = ["ParquetReader"]


def _flatten(name: str, array: pa.Array) -> list[tuple[str, pa.Array]]:
    if pa.types.is_struct(array.type):
        out: list[tuple[str, pa.Array]] = []
        for i in range(array.type.num_fields):
            child = array.type.field(i)
            out.extend(_flatten(f"{name}.{child.name}", pc.struct_field(array, [i])))
        return out
    return [(name, _to_string(array))]


def _to_string(array: pa.Array) -> pa.Array:
    kind = array.type
    if pa.types.is_string(kind):
        return array
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return array.cast(pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(array, "true", "false")
    if (
        pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_fixed_size_binary(kind)
    ):
        values = [None if v is None else v.decode("utf-8", "replace") for v in array.to_pylist()]
        return pa.array(values, type=pa.string())
    if pa.types.is_nested(kind):
        values = [
            None if v is None else json.dumps(v, default=str, ensure_ascii=False)
            for v in array.to_pylist()
        ]
        return pa.array(values, type=pa.string())
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array(
            [None if v is None else str(v) for v in array.to_pylist()], type=pa.string()
        )


class ParquetReader(FormatReader):
    format = "parquet"
    encoding = "binary"
    header = True

    def __init__(
        self, path: Path | Callable[[], BinaryIO], display: str, options: IngestOptions
    ) -> None:
        """``path``: the file itself, or what opens a seekable copy (a spooled member)."""
        self._file = path
        self._path = display
        self._options = options
        handle = None if isinstance(path, Path) else path()
        try:
            parquet = pq.ParquetFile(path if handle is None else handle)
            empty = parquet.schema_arrow.empty_table()
        except (pa.ArrowException, OSError):
            raise InputError("damaged Parquet file", path=display) from None
        finally:
            if handle is not None:
                handle.close()
        self.columns = [name for name, _ in self._flat_columns(empty)]

    @staticmethod
    def _flat_columns(table: pa.Table | pa.RecordBatch) -> list[tuple[str, pa.Array]]:
        out: list[tuple[str, pa.Array]] = []
        for name, column in zip(table.column_names, table.columns, strict=True):
            array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
            out.extend(_flatten(name, array))
        return out

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        schema = string_schema(self.columns)
        handle = None if isinstance(self._file, Path) else self._file()
        try:
            parquet = pq.ParquetFile(self._file if handle is None else handle)
            for batch in parquet.iter_batches(batch_size=self._options.batch_rows):
                arrays = dict(self._flat_columns(batch))
                tally.rows += batch.num_rows
                yield pa.RecordBatch.from_arrays([arrays[n] for n in self.columns], schema=schema)
        except (pa.ArrowException, OSError):
            raise InputError("damaged Parquet file", path=self._path) from None
        finally:
            if handle is not None:
                handle.close()
