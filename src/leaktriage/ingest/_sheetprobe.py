"""The first look at a workbook, run as a child process with a memory limit.

Run as ``python -I _sheetprobe.py KIND MEMORY_BYTES PATH`` (``-`` for PATH reads the workbook
from standard input); prints one JSON object and exits 0. It imports nothing but the standard
library and python-calamine, so it starts in tens of milliseconds.

Why a child: calamine allocates a sheet's whole span (rows × columns from its first to its last
cell) at once and aborts the process when that fails, so a 300-byte XLSX or XLSB holding cells
``A1`` and ``XFD1048576`` would kill the service. Here it kills only the child, whose address
space is capped (``RLIMIT_AS``); the parent refuses the workbook by a named limit, and loads a
sheet itself only after the child has loaded it within that limit.

For each worksheet the output gives its range (``start``, ``height``, ``width``), the number of
rows holding a value (``filled``) and the first ``ROWS`` such rows as ``[index, cells]`` with
the raw typed cells (dates, times and durations tagged), from which the parent sniffs the
header and renders its sample. ``error`` is ``null``, ``password``, ``cells`` (calamine's own
cell limit) or ``damaged``; no message of the library is passed on (it may quote the file).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from typing import Any

__all__ = ["encode_cell", "main"]

ROWS = 2010
"""Filled rows returned per sheet (the parent's sample size plus title and header rows)."""
CELLS = 400_000
"""Cells returned per sheet at most (fewer rows for very wide sheets)."""
SNIFF_ROWS = 206


def encode_cell(value: Any) -> Any:
    """A cell as JSON: text, number and boolean as themselves; dates and times tagged."""
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"td": value.total_seconds()}
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return ""
    return value


def _scan(book: Any, name: str) -> dict[str, Any]:
    sheet = book.get_sheet_by_name(name)
    start = sheet.start
    width = sheet.width
    limit = max(SNIFF_ROWS, min(ROWS, CELLS // max(width, 1)))
    rows: list[list[Any]] = []
    filled = 0
    for index, row in enumerate(sheet.iter_rows()):
        if len(row) - row.count(""):
            filled += 1
            if len(rows) < limit:
                end = len(row)
                while end and row[end - 1] == "":
                    end -= 1
                rows.append([index, [encode_cell(v) for v in row[:end]]])
    return {
        "name": name,
        "start": list(start) if start is not None else None,
        "height": sheet.height,
        "width": width,
        "filled": filled,
        "rows": rows,
    }


def main(argv: list[str]) -> int:
    _kind, memory, path = argv[1], int(argv[2]), argv[3]
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on Linux
        pass
    import python_calamine as calamine

    result: dict[str, Any] = {"error": None, "sheets": []}
    try:
        if path == "-":
            book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
        else:
            book = calamine.CalamineWorkbook.from_path(path)
        kinds = (calamine.SheetTypeEnum.WorkSheet, calamine.SheetTypeEnum.MacroSheet)
        names = [m.name for m in book.sheets_metadata if m.typ in kinds]
        for name in names:
            result["sheets"].append(_scan(book, name))
    except calamine.PasswordError:
        result = {"error": "password", "sheets": []}
    except MemoryError:
        return 3
    except BaseException as error:  # CalamineError, pyo3 panics: never their message
        text = str(error).lower() if isinstance(error, calamine.CalamineError) else ""
        result = {"error": "cells" if "cell limit" in text else "damaged", "sheets": []}
    sys.stdout.write(json.dumps(result, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
