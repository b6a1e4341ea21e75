"""The first stages run end to end on one file: ingest → classify → normalize → tokenize.

The result is an engine table of *canonical columns*, one group per classified input column:

* identifier types (:data:`~leaktriage.vocab.IDENTIFIER_TYPES`): ``<canon>`` holds the keyed
  token of the normalized value, ``<canon>__valid`` and non-identifying extras (``__country``,
  ``__mcc``, ``__mnc``, ``__operator``, ``__domain``) sit beside it;
* fuzzy types (:data:`~leaktriage.vocab.FUZZY_TYPES`): ``<canon>`` holds the normalized value
  (a DATE for dates), full names also ``__given``, ``__surname1``, ``__surname2``;
* presence-only types (:data:`~leaktriage.vocab.PRESENCE_ONLY_TYPES`): ``<canon>__present``
  (and ``__valid`` for Ki/OPc); the value itself is dropped.

``<canon>`` is the type name, suffixed ``_2``, ``_3``... when a type occurs more than once.
``_row`` is the 0-based ordinal of the data row in the input. The rows stream from the reader
through one SQL statement into the table: no plaintext copy of the input is materialized.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from leaktriage.classify import ColumnGuess, classify_columns
from leaktriage.engines.base import Engine, quote_ident
from leaktriage.errors import EngineError, LeakTriageError
from leaktriage.ingest import IngestOptions, IngestReport, LeakReader, open_input
from leaktriage.normalize import detect_date_format, normalize_exprs
from leaktriage.tokens import Keyring, token_sql
from leaktriage.vocab import IDENTIFIER_TYPES, PRESENCE_ONLY_TYPES

__all__ = ["PreparedColumn", "PreparedInput", "prepare_input"]

log = logging.getLogger(__name__)

ROW_COLUMN = "_row"
_DATE_TYPES = frozenset({"birth_date", "date"})
#: Column types that make a table personal data: what identifies a person or a line. The
#: customer key is left out: every table that refers to customers holds it.
PERSONAL_TYPES = frozenset(
    {
        "msisdn",
        "phone",
        "national_id",
        "email",
        "imsi",
        "iccid",
        "imei",
        "full_name",
        "given_name",
        "surname",
        "birth_date",
        "address",
        "ki",
        "opc",
        "password_hash",
    }
)
#: Rows of each table classified to choose which table of a multi-table input to read.
TABLE_PROBE_ROWS = 200


@dataclass
class PreparedColumn:
    """One input column, its classification, and the canonical columns it became."""

    guess: ColumnGuess
    canonical: str
    outputs: list[str] = field(default_factory=list)
    date_format: str | None = None
    shape: str | None = None
    keeps_ref: bool = False

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md ``columns`` entry, with extras ``role`` and ``canonical``."""
        out = self.guess.to_json()
        if self.guess.role:
            out["role"] = self.guess.role
        out["canonical"] = self.canonical
        if self.shape:
            out["shape"] = self.shape
        if self.keeps_ref:
            out["ref"] = True
        return out


@dataclass
class PreparedInput:
    """A file read into an engine table of canonical columns."""

    table: str
    report: IngestReport
    columns: list[PreparedColumn]

    def columns_json(self) -> list[dict[str, Any]]:
        """The ``columns`` key of the JSON contracts."""
        return [c.to_json() for c in self.columns]

    def input_json(self) -> dict[str, Any]:
        """The ``input`` key of the JSON contracts."""
        return self.report.input_json()

    def column_of(self, ctype: str) -> list[PreparedColumn]:
        """Prepared columns of one type, in input order."""
        return [c for c in self.columns if c.guess.type == ctype]


def _with_row_numbers(
    reader: pa.RecordBatchReader, errors: list[LeakTriageError]
) -> pa.RecordBatchReader:
    """The reader's batches with ``_row`` added.

    An input error raised while reading crosses the engine as text only; it is kept in
    ``errors`` so that the caller can raise the original, with its path, line and column.
    """
    schema = reader.schema.append(pa.field(ROW_COLUMN, pa.int64()))

    def batches() -> Iterator[pa.RecordBatch]:
        start = 0
        try:
            for batch in reader:
                rows = pa.array(range(start, start + batch.num_rows), type=pa.int64())
                start += batch.num_rows
                yield pa.RecordBatch.from_arrays([*batch.columns, rows], schema=schema)
        except LeakTriageError as exc:
            errors.append(exc)
            raise

    return pa.RecordBatchReader.from_batches(schema, batches())


#: Types whose value *shape* (digits → 9, letters → A) is a schema fingerprint: how a system
#: writes phones, IDs and dates. Shapes of names or addresses would say too much; they are not kept.
_SHAPED = frozenset(
    {"msisdn", "phone", "national_id", "imsi", "iccid", "imei", "birth_date", "date", "customer_id"}
)
_SHAPE_TABLE = str.maketrans(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "9" * 10 + "a" * 26 + "A" * 26,
)


def _dominant_shape(values: list[str | None], ctype: str) -> str | None:
    """The most common shape of a sample's values, for fingerprinting how a system writes them."""
    if ctype not in _SHAPED:
        return None
    counts: dict[str, int] = {}
    for v in values:
        if v:
            shape = v.strip().translate(_SHAPE_TABLE)[:40]
            counts[shape] = counts.get(shape, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _canonical_names(guesses: list[ColumnGuess]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for g in guesses:
        seen[g.type] = seen.get(g.type, 0) + 1
        names.append(g.type if seen[g.type] == 1 else f"{g.type}_{seen[g.type]}")
    return names


def _plan(
    guesses: list[ColumnGuess],
    sample: pa.Table,
    region: str,
    keep_customer_ref: bool = False,
    numeric_columns: frozenset[str] = frozenset(),
) -> tuple[list[PreparedColumn], list[str], list[str]]:
    """Prepared columns and the inner (normalize) and outer (tokenize) select lists."""
    inner: list[str] = [quote_ident(ROW_COLUMN)]
    outer: list[str] = [quote_ident(ROW_COLUMN)]
    prepared: list[PreparedColumn] = []
    for guess, canon in zip(guesses, _canonical_names(guesses), strict=True):
        col = PreparedColumn(guess=guess, canonical=canon)
        if guess.type in _DATE_TYPES and guess.name in sample.column_names:
            values = [v for v in sample.column(guess.name).to_pylist() if v]
            col.date_format = detect_date_format(values)
        exprs = normalize_exprs(
            quote_ident(guess.name),
            guess.type,
            scheme=guess.scheme,
            region=region,
            date_format=col.date_format,
            numeric=guess.name in numeric_columns,
        )
        if guess.type in PRESENCE_ONLY_TYPES:
            exprs = {k: v for k, v in exprs.items() if k in ("valid", "present")}
            exprs.setdefault("present", f"coalesce(trim({quote_ident(guess.name)}), '') <> ''")
        if guess.type == "customer_id" and keep_customer_ref and "value" in exprs:
            # The operator's own account number, kept (encrypted with the workspace) so that
            # notification lists name customers the way the operator's systems do.
            exprs["ref"] = exprs["value"]
            col.keeps_ref = True
        if guess.type == "national_id" and "value" in exprs:
            # The first two digits: coarse enough to reveal nothing about a person, fine enough
            # to test whether document numbers follow birth years as real ones do.
            exprs["prefix"] = f"try_cast(left({exprs['value']}, 2) as integer)"
        if guess.name in sample.column_names:
            col.shape = _dominant_shape(sample.column(guess.name).to_pylist(), guess.type)
        for key, sql in exprs.items():
            name = canon if key == "value" else f"{canon}__{key}"
            inner.append(f"{sql} as {quote_ident(name)}")
            if key == "value" and guess.type in IDENTIFIER_TYPES:
                outer.append(f"{token_sql(quote_ident(name), guess.type)} as {quote_ident(name)}")
            else:
                outer.append(quote_ident(name))
            col.outputs.append(name)
        prepared.append(col)
    return prepared, inner, outer


def choose_table(reader: LeakReader, overrides: Mapping[str, str] | None, region: str) -> None:
    """Read the table of a multi-table input with the most personal-identifier columns.

    A dump's largest table is often a join table (``PlaylistTrack``, ``rental``) of two ids;
    the customers are elsewhere. Each table's first rows are classified; the one with most
    :data:`PERSONAL_TYPES` columns wins (ties: more rows, then file order) and the others that
    hold personal data are named in the report, so the user can read them with ``--table``.
    """
    if len(reader.tables) < 2:
        return
    found: list[tuple[str, int | None, list[str]]] = []
    for table in reader.tables:
        reader.select_table(table.name)
        guesses = classify_columns(
            reader.sample(TABLE_PROBE_ROWS), overrides=overrides, region=region, table=table.name
        )
        personal = sorted({g.type for g in guesses if g.type in PERSONAL_TYPES})
        found.append((table.name, table.rows, personal))
    best = max(range(len(found)), key=lambda i: (len(found[i][2]), found[i][1] or 0, -i))
    reader.select_table(found[best][0])
    reader.report.personal_tables = [
        {"name": name, "rows": rows, "personal_columns": personal}
        for i, (name, rows, personal) in enumerate(found)
        if i != best and personal
    ]
    log.info(
        "multi-table input: read %s of %d tables (%d others hold personal data)",
        found[best][0],
        len(found),
        len(reader.report.personal_tables),
    )


def prepare_input(
    engine: Engine,
    keyring: Keyring,
    path: Path,
    *,
    table: str,
    options: IngestOptions | None = None,
    overrides: Mapping[str, str] | None = None,
    region: str = "PE",
    on_classified: Callable[[list[ColumnGuess]], None] | None = None,
    keep_customer_ref: bool = False,
) -> PreparedInput:
    """Read ``path`` into the engine table ``table`` (replaced) of canonical columns.

    Raises :class:`~leaktriage.errors.InputError` for unreadable input; the table is then not
    created (the statement that streams rows into it fails as a whole). ``keep_customer_ref``
    (reference sources only) keeps the customer id itself in ``customer_id__ref`` beside its
    token, for notification lists.
    """
    keyring.bind(engine)
    with open_input(path, options) as reader:
        if options is None or options.table is None:
            choose_table(reader, overrides, region)
        sample = reader.sample()
        guesses = classify_columns(
            sample, overrides=overrides, region=region, table=reader.table or path.stem
        )
        if on_classified:
            on_classified(guesses)
        prepared, inner, outer = _plan(
            guesses, sample, region, keep_customer_ref, reader.numeric_columns
        )
        staging = f"__lt_in_{abs(hash(table)) % 10**8}"
        engine.execute(f"drop table if exists {table}")
        sql = (
            f"create table {table} as select {', '.join(outer)} from "
            f"(select {', '.join(inner)} from {staging})"
        )
        errors: list[LeakTriageError] = []
        try:
            engine.run_with_stream(
                staging, _with_row_numbers(reader.batches(), errors), sql, step="prepare"
            )
        except EngineError:
            if errors:
                raise errors[0] from None
            raise
        report = reader.report
    log.info("prepared %s: %d rows, %d columns", path.name, report.rows, len(prepared))
    return PreparedInput(table=table, report=report, columns=prepared)
