"""The engine interface every stage talks to (modelled on splink's ``DatabaseAPI``).

Stages write SQL once, in DuckDB's dialect, and exchange tables inside the engine; they never
pass Python lists of rows. An engine implements a few private methods; the public ones are final
and wrap every engine failure once, with the step's name and never a data value.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, final

import pyarrow as pa

from leaktriage.errors import EngineError, LeakTriageError

__all__ = ["Dialect", "Engine", "quote_ident", "transfer"]

_SAFE_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_ident(name: str) -> str:
    """Quote an identifier for SQL. The only way stages put a name into SQL text."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Dialect:
    """What differs between engines' SQL, as documented attributes (sqlglot's ``Dialect``)."""

    name: str
    """The sqlglot dialect name the engine's SQL is translated to."""

    supports_lambdas: bool = True
    """Whether list lambdas (``list_transform(xs, x -> ...)``) run natively."""

    param_style: str = "?"
    """Placeholder for a positional bound parameter."""


class Engine(ABC):
    """An engine runs SQL and holds named tables. Subclasses implement the ``_`` methods."""

    dialect: Dialect

    # -- to implement -------------------------------------------------------------------------
    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] | None) -> None: ...

    @abstractmethod
    def _fetch_arrow(self, sql: str, params: Sequence[Any] | None) -> pa.Table: ...

    @abstractmethod
    def _fetch_rows(self, sql: str, params: Sequence[Any] | None) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _run_with_stream(self, name: str, batches: pa.RecordBatchReader, sql: str) -> None: ...

    @abstractmethod
    def _stream_arrow(
        self, sql: str, params: Sequence[Any] | None, batch_rows: int
    ) -> Iterator[pa.RecordBatch]: ...

    @abstractmethod
    def _set_variable(self, name: str, value: Any) -> None: ...

    @abstractmethod
    def close(self) -> None:
        """Release the engine's resources."""

    # -- public, final ------------------------------------------------------------------------
    @final
    def execute(self, sql: str, params: Sequence[Any] | None = None, *, step: str = "sql") -> None:
        """Run a statement; ``step`` names it in an error (never the SQL's values)."""
        try:
            self._execute(sql, params)
        except Exception as exc:  # noqa: BLE001 - wrapped once, here
            raise self._wrap(exc, step) from None

    @final
    def fetch_arrow(
        self, sql: str, params: Sequence[Any] | None = None, *, step: str = "query"
    ) -> pa.Table:
        """Run a query and return its result as an Arrow table (for small results)."""
        try:
            return self._fetch_arrow(sql, params)
        except Exception as exc:  # noqa: BLE001
            raise self._wrap(exc, step) from None

    @final
    def fetch_rows(
        self, sql: str, params: Sequence[Any] | None = None, *, step: str = "query"
    ) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples (for small results)."""
        try:
            return self._fetch_rows(sql, params)
        except Exception as exc:  # noqa: BLE001
            raise self._wrap(exc, step) from None

    @final
    def fetch_one(
        self, sql: str, params: Sequence[Any] | None = None, *, step: str = "query"
    ) -> tuple[Any, ...] | None:
        """The first row of a query, or ``None``."""
        rows = self.fetch_rows(sql, params, step=step)
        return rows[0] if rows else None

    @final
    def stream_arrow(
        self,
        sql: str,
        params: Sequence[Any] | None = None,
        *,
        batch_rows: int = 100_000,
        step: str = "query",
    ) -> Iterator[pa.RecordBatch]:
        """Stream a large result in Arrow batches, memory bounded."""
        try:
            yield from self._stream_arrow(sql, params, batch_rows)
        except Exception as exc:  # noqa: BLE001
            raise self._wrap(exc, step) from None

    @final
    def run_with_stream(
        self, name: str, batches: pa.RecordBatchReader, sql: str, *, step: str = "load"
    ) -> None:
        """Run ``sql`` with the stream ``batches`` readable as the relation ``name``.

        The engine pulls batches as the statement needs them, so memory stays bounded. An error
        raised by the producer of the batches (an :class:`InputError`) passes through unwrapped.
        """
        if not _SAFE_IDENT.match(name):
            raise ValueError(f"bad relation name {name!r}")
        try:
            self._run_with_stream(name, batches, sql)
        except Exception as exc:  # noqa: BLE001 - wrapped once, here
            cause: BaseException | None = exc
            while cause is not None:
                if isinstance(cause, LeakTriageError):
                    raise cause from None
                cause = cause.__cause__ or cause.__context__
            raise self._wrap(exc, step) from None

    @final
    def load_arrow(self, table: str, batches: pa.RecordBatchReader, *, step: str = "load") -> None:
        """Create (or replace) ``table`` from a stream of Arrow batches, memory bounded."""
        self.run_with_stream(
            "__lt_arrow_in",
            batches,
            f"create or replace table {table} as select * from __lt_arrow_in",
            step=step,
        )

    @final
    def set_variable(self, name: str, value: Any) -> None:
        """Bind a session variable (used for key material: never put keys into SQL text)."""
        if not _SAFE_IDENT.match(name):
            raise ValueError(f"bad variable name {name!r}")
        self._set_variable(name, value)

    @final
    def table_exists(self, table: str) -> bool:
        """Whether a table or view of that (possibly schema-qualified) name exists."""
        schema, _, name = table.rpartition(".")
        sql = "select count(*) from information_schema.tables where table_name = ?"
        params: list[Any] = [name]
        if schema:
            sql += " and table_catalog = ?"
            params.append(schema)
        row = self.fetch_one(sql, params, step="table_exists")
        return bool(row and row[0])

    @final
    def count(self, table: str) -> int:
        """Row count of a table."""
        row = self.fetch_one(f"select count(*) from {table}", step="count")
        return int(row[0]) if row else 0

    def translate(self, sql: str) -> str:
        """DuckDB-dialect SQL (a statement or an expression) as this engine runs it: for code
        that hands SQL text to another library running on the engine (splink's conditions and
        blocking rules). Identity here; scale-out engines translate."""
        return sql

    def splink_db_api(self) -> Any:
        """A splink database API over this engine's own session, so that linkage reads and
        writes engine tables in place."""
        raise EngineError(f"probabilistic linkage is not available on {self.dialect.name}")

    def release_splink(self) -> None:
        """Free what a splink run left in the engine beyond the tables it drops itself."""
        return None

    # -- Parquet exchange (scale-out engines) -----------------------------------------------------
    def write_parquet(
        self, table: str, path: Path, *, encrypt: Sequence[str] = (), key_variable: str = ""
    ) -> None:
        """Write ``table`` as Parquet, the ``encrypt`` columns encrypted under the key bound as
        ``key_variable``. Engines that read the workspace in place (DuckDB) do not need it."""
        raise EngineError(f"the {self.dialect.name} engine does not write Parquet indexes")

    def read_parquet(
        self,
        view: str,
        path: Path,
        *,
        decrypt: Mapping[str, str] | None = None,
        key_variable: str = "",
    ) -> None:
        """Register Parquet written by :meth:`write_parquet` as the table ``view``."""
        raise EngineError(f"the {self.dialect.name} engine does not read Parquet indexes")

    def _wrap(self, exc: BaseException, step: str) -> EngineError:
        # Engine messages can quote data (a failed cast names the value): keep the class only,
        # plus the first line when it is known not to quote values.
        kind = type(exc).__name__
        return EngineError(f"engine step '{step}' failed ({kind}): {_scrub(str(exc))}")


def transfer(source: Engine, table: str, target: Engine, into: str) -> None:
    """Copy ``table`` of one engine into ``into`` (replaced) of another, as Arrow batches."""
    batches = source.stream_arrow(f"select * from {table}", step="transfer")
    first = next(batches, None)
    if first is None:
        schema = source.fetch_arrow(f"select * from {table} limit 0", step="transfer").schema
        reader = pa.RecordBatchReader.from_batches(schema, iter(()))
    else:

        def rest() -> Iterator[pa.RecordBatch]:
            yield first
            yield from batches

        reader = pa.RecordBatchReader.from_batches(first.schema, rest())
    target.load_arrow(into, reader, step="transfer")


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _scrub(message: str) -> str:
    """The first line of an engine message with every quoted literal removed."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return _QUOTED.sub("'…'", first)[:300]
