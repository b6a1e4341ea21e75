"""XLSX workbooks through openpyxl in read-only mode: the first sheet holding data.

Cells are rendered as text the way a person reads them: integral numbers without ``.0``, dates
in ISO 8601 (``2024-03-01``, or ``2024-03-01T08:30:00`` with a time), booleans ``TRUE/FALSE``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from leaktriage.errors import InputError

from ._limits import Tally
from ._model import IngestOptions
from ._rows import FormatReader, RowBuffer, dedupe_columns, numbered_columns
from ._sniff import _has_header

__all__ = ["XlsxReader", "render_cell"]

_SNIFF_ROWS = 200


def render_cell(value: Any) -> str | None:
    """One cell as text (``None`` for an empty cell)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**63:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value if value != "" else None
    return str(value)


def _trim(row: tuple[Any, ...]) -> list[str | None]:
    cells = [render_cell(v) for v in row]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


class XlsxReader(FormatReader):
    format = "xlsx"
    encoding = "binary"

    def __init__(self, path: Path, display: str, options: IngestOptions) -> None:
        self._file = path
        self._path = display
        self._options = options
        self._sheet: str | None = None
        first_rows: list[list[str | None]] = []
        with self._workbook() as book:
            for sheet in book.worksheets:
                rows = []
                for row in sheet.iter_rows(values_only=True):
                    cells = _trim(row)
                    if cells:
                        rows.append(cells)
                    if len(rows) >= _SNIFF_ROWS:
                        break
                if rows:
                    self._sheet = sheet.title
                    first_rows = rows
                    break
        width = max((len(r) for r in first_rows), default=0)
        if options.header is not None:
            self.header = options.header
        else:
            head = len(first_rows[0]) if first_rows else 0
            padded = [([c or "" for c in r] + [""] * head)[:head] for r in first_rows]
            self.header = bool(padded) and _has_header(padded)
        if self.header and first_rows:
            self.columns = dedupe_columns(first_rows[0])
        else:
            self.columns = numbered_columns(max(width, 1))

    class _Book:
        def __init__(self, path: Path, display: str) -> None:
            import openpyxl

            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            except Exception:  # openpyxl raises many types on damaged files
                raise InputError("damaged or unsupported XLSX workbook", path=display) from None

        def __enter__(self) -> Any:
            return self.book

        def __exit__(self, *exc: object) -> None:
            self.book.close()

    def _workbook(self) -> XlsxReader._Book:
        return self._Book(self._file, self._path)

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        if self._sheet is None:
            return
        fail = tally.fail
        width = len(self.columns)
        buffer = RowBuffer(self.columns, self._options.batch_rows)
        first = True
        with self._workbook() as book, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheet = book[self._sheet]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = _trim(row)
                if not cells:
                    continue
                if first and self.header:
                    first = False
                    continue
                first = False
                if len(cells) > width:
                    if fail:
                        raise InputError(
                            "a row has cells beyond the last column",
                            path=self._path,
                            line=number,
                            column=width + 1,
                        )
                    tally.bad(number)
                    continue
                buffer.add(cells + [None] * (width - len(cells)))
                tally.rows += 1
                if buffer.full:
                    yield buffer.flush()
        if buffer.size:
            yield buffer.flush()
