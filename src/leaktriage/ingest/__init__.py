"""Ingest: read any leak or reference file as batches of strings, with a report.

Sniffs compression and archives (by magic bytes), format (CSV/TSV/any delimiter, JSON, JSON
Lines, SQL dumps, XLSX, Parquet), encoding, delimiter and header; streams the rows as
``pyarrow`` record batches whose columns are all strings; counts malformed rows with their line
numbers. Errors name the file, line and column, never a value read from it.

Usage::

    with open_input("leak.csv.gz") as reader:
        reader.sample(1000)              # cheap: the first rows only
        for batch in reader.batches():   # everything, memory bounded
            ...
        reader.report.input_json()
"""

from __future__ import annotations

from ._model import IngestOptions, IngestReport
from ._reader import LeakReader, open_input

__all__ = ["IngestOptions", "IngestReport", "LeakReader", "open_input"]
