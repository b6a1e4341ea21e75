"""Settings and the report of one ingest: plain data, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ._rows import TableInfo

__all__ = ["IngestOptions", "IngestReport"]


@dataclass
class IngestOptions:
    """How to read one input. Every field has a safe default; forcing one skips its sniffing."""

    on_error: Literal["skip", "fail"] = "skip"
    """Malformed rows: ``skip`` counts them (with line numbers) and goes on; ``fail`` raises
    :class:`~leaktriage.errors.InputError` naming the line (and column when known)."""

    encoding: str | None = None
    """Force a text encoding (a Python codec name); ``None`` sniffs it (BOM, UTF-8, CP1252)."""

    delimiter: str | None = None
    """Force the field delimiter of delimited text; ``None`` sniffs among ``, ; TAB |``."""

    header: bool | None = None
    """Force whether the first row (CSV, XLSX) holds column names; ``None`` sniffs it."""

    table: str | None = None
    """Multi-table inputs (SQL dumps, workbooks, archives): the table, sheet or member to read
    (plain or schema-qualified name, case-insensitive); ``None`` reads the table with the most
    personal-identifier columns (chosen by the pipeline; a reader alone defaults to its
    largest table)."""

    work_dir: str | None = None
    """Directory under which extracted archive members that do not fit in memory are spooled,
    sealed with AES-GCM under a key held only in memory (see :mod:`._spool`), in
    ``ingest-<pid>-<random>`` (0700; leftovers of killed runs are removed at the next ingest
    and workspace open). The CLI and the service pass the workspace's temp area,
    ``<workspace>/tmp``; ``None`` uses the system temp directory (still sealed)."""

    max_members: int = 10_000
    """Archives: more entries than this, counted over every nested archive, reject the input,
    a zip's from its end-of-central-directory record before anything else is read. Real dumps
    come as one file per table or per day (hundreds at most); 10,000 leaves room for a
    year of hourly exports while a zip of 100,000 tiny members (minutes of per-member work) is
    refused at once."""

    max_columns: int = 1024
    """More columns than this in a table rejects the input (SQL Server's limit for a table;
    no customer table of any system we know is wider)."""

    max_line_bytes: int = 64 * 2**20
    """A physical line longer than this (line-based formats: delimited text, JSON Lines, SQL
    dumps) rejects the input; 64 MiB is MySQL 8's default ``max_allowed_packet``, so no
    ``mysqldump`` line with default settings is longer."""

    max_input_bytes: int = 100 * 2**30
    """Absolute limit on the decompressed bytes, summed over every archive layer and member
    (each counted once however often it is read); over it the input is rejected. 100 GiB is
    ten times the largest leak we plan for (SK Telecom's 9.7 GB HSS dump) and what a
    workstation's disk and a day's triage can take."""

    max_ratio: float = 200.0
    """Limit on the decompressed bytes of every layer and member together over the input
    file's size on disk, checked while streaming once 1 MiB is out (and, for zip and 7z, from
    the declared sizes first). Text and dumps compress 5-20x with gzip and up to ~100x with xz
    when very repetitive; bombs expand 1,000x and more (nested ones 10,000x, each layer under
    any per-layer limit), so 200 refuses them long before memory or disk is at risk."""

    max_field_bytes: int = 32 * 2**20
    """A field longer than this (UTF-8 bytes) makes its row malformed (JSON: the string is cut
    to this length and counted in ``truncated_fields``). 32 MiB is a thousand times
    Excel's cell limit and leaves room for images or documents that dumps carry inline (hex,
    base64), while one row stays well inside a record batch's memory."""

    max_json_depth: int = 64
    """JSON nested deeper than this (arrays and objects, the top level counting as 1) rejects
    the input, checked on every byte before any parser sees it. Real exports nest under 10
    levels; 64 leaves room for ORM dumps while a ``[[[[…`` bomb is refused at its 65th byte
    (values over 500 count as 500)."""

    batch_rows: int = 65536
    """Rows per record batch for the row-at-a-time formats (JSON, SQL, XLSX, Parquet)."""

    max_malformed_lines_kept: int = 1000
    """How many malformed line numbers the report keeps (the count is always complete)."""

    progress: Callable[[int, int], None] | None = None
    """Called from :meth:`LeakReader.batches` with (compressed bytes done, compressed total)."""


@dataclass
class IngestReport:
    """What was read: format, encoding, counts and malformed line numbers, never a value."""

    path: str
    format: str
    compression: str | None
    members: list[str]
    encoding: str
    delimiter: str | None
    header: bool
    columns: list[str]
    rows: int = 0
    malformed_rows: int = 0
    malformed_lines: list[int] = field(default_factory=list)
    complete: bool = False
    table: str | None = None
    """SQL dumps: the table read."""
    skipped_members: list[str] = field(default_factory=list)
    """Archive members that hold no readable data (empty, binary, directories)."""
    malformed_by_member: dict[str, int] = field(default_factory=dict)
    """Archives: malformed rows per member (line numbers are per member)."""
    late_key_rows: int = 0
    """JSON: records holding keys first seen after the key scan (those keys are not columns)."""
    truncated_fields: int = 0
    """JSON: strings cut to ``max_field_bytes``."""
    tables: list[TableInfo] = field(default_factory=list)
    """Multi-table inputs: every table held (name as written, rows, columns), in file order."""
    numeric_columns: list[str] = field(default_factory=list)
    """Spreadsheets: columns whose cells were stored as numbers (leading zeros lost); their
    digit-only identifiers are padded back by the normalizers."""
    personal_tables: list[dict[str, Any]] = field(default_factory=list)
    """Multi-table inputs: the tables *not* read that hold personal data, with their personal
    column types (``{name, rows, personal_columns}``), so a user can read them with ``--table``."""

    def input_json(self) -> dict[str, Any]:
        """The ``input`` object of the JSON contracts (required keys first, then extras)."""
        out: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "rows": self.rows,
            "malformed_rows": self.malformed_rows,
            "compression": self.compression,
            "members": list(self.members),
            "delimiter": self.delimiter,
            "header": self.header,
            "malformed_lines": list(self.malformed_lines),
        }
        if self.table is not None:
            out["table"] = self.table
        if self.skipped_members:
            out["skipped_members"] = list(self.skipped_members)
        if self.late_key_rows:
            out["late_key_rows"] = self.late_key_rows
        if self.truncated_fields:
            out["truncated_fields"] = self.truncated_fields
        if self.tables:
            out["tables"] = [
                {**t.to_json(), "rows": self.rows if t.name == self.table else t.rows}
                for t in self.tables
            ]
        if self.numeric_columns:
            out["numeric_columns"] = list(self.numeric_columns)
        if self.personal_tables:
            out["other_personal_tables"] = [dict(t) for t in self.personal_tables]
        return out
