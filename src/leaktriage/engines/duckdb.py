"""The embedded DuckDB engine: the default, and the SQL dialect stages are written in.

The engine's own database is in memory (spilling to ``temp_directory``); a workspace database is
attached encrypted under the alias ``ws``. Encryption needs OpenSSL, which DuckDB takes from the
``httpfs`` extension; the pip package ``duckdb-extension-httpfs`` ships it for the exact DuckDB
version, and we load it by path because the machine has no internet to install extensions.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from leaktriage.engines.base import Dialect, Engine
from leaktriage.errors import EngineError, WorkspaceError

__all__ = ["DuckDBEngine"]

log = logging.getLogger(__name__)

DUCKDB_DIALECT = Dialect(name="duckdb")


def _httpfs_extension_path() -> Path:
    spec = importlib.util.find_spec("duckdb_extension_httpfs")
    if spec is None or not spec.submodule_search_locations:
        raise WorkspaceError(
            "the package duckdb-extension-httpfs is missing: it provides OpenSSL for the "
            "encrypted workspace (pip install duckdb-extension-httpfs==" + duckdb.__version__ + ")"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    wanted = root / "extensions" / f"v{duckdb.__version__}" / "httpfs.duckdb_extension"
    if wanted.exists():
        return wanted
    raise WorkspaceError(
        f"duckdb-extension-httpfs does not match duckdb {duckdb.__version__}: "
        f"install duckdb-extension-httpfs=={duckdb.__version__}"
    )


#: Share of physical memory DuckDB may use before it spills to disk.
DEFAULT_MEMORY_SHARE = 0.6


def _default_memory_limit() -> str:
    configured = os.environ.get("LEAKTRIAGE_MEMORY_LIMIT")
    if configured:
        return configured
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return "4GB"
    return f"{max(1, int(total * DEFAULT_MEMORY_SHARE / 2**20))}MB"


class DuckDBEngine(Engine):
    """DuckDB in process.

    ``threads`` defaults to DuckDB's choice (all cores). ``memory_limit`` defaults to
    ``$LEAKTRIAGE_MEMORY_LIMIT`` or :data:`DEFAULT_MEMORY_SHARE` of physical memory, below
    DuckDB's own 80 % so that Arrow batches and Python around the engine still fit (a 22M-row
    leak against 30M customers peaked at 21 GiB of 24 under DuckDB's default). ``temp_directory``
    is where
    DuckDB spills when a join or sort outgrows memory.
    """

    dialect = DUCKDB_DIALECT

    def __init__(
        self,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_directory: str | os.PathLike[str] | None = None,
    ) -> None:
        config: dict[str, Any] = {"allow_unsigned_extensions": True}
        if threads:
            config["threads"] = threads
        config["memory_limit"] = memory_limit or _default_memory_limit()
        if temp_directory:
            config["temp_directory"] = str(temp_directory)
        self._con = duckdb.connect(":memory:", config=config)
        # Progress output of DuckDB would go to the terminal uninvited.
        self._con.execute("SET enable_progress_bar = false")
        self._encryption_loaded = False
        self.attached: str | None = None
        self._owner = True

    def cursor(self) -> DuckDBEngine:
        """Another connection to the same database, for another thread.

        It sees the attached workspace and the engine's tables; session variables (the token
        keys) are its own and must be bound again. Closing it leaves this engine open.
        """
        twin = object.__new__(DuckDBEngine)
        twin._con = self._con.cursor()
        twin._encryption_loaded = self._encryption_loaded
        twin.attached = self.attached
        twin._owner = False
        return twin

    # -- workspace ----------------------------------------------------------------------------
    def attach_encrypted(self, path: Path, key_hex: str, alias: str = "ws") -> None:
        """Attach (creating if absent) an encrypted database file under ``alias``.

        A wrong key raises :class:`WorkspaceError`. The key is bound as a parameter where DuckDB
        allows it; ``ATTACH`` does not, so it is passed as a hex literal that never reaches a log.
        """
        if not self._encryption_loaded:
            self._con.execute(f"LOAD '{_httpfs_extension_path()}'")
            self._encryption_loaded = True
        if not all(c in "0123456789abcdef" for c in key_hex):
            raise WorkspaceError("internal: the database key must be lowercase hex")
        target = str(path).replace("'", "''")
        try:
            self._con.execute(f"ATTACH '{target}' AS {alias} (ENCRYPTION_KEY '{key_hex}')")
        except duckdb.Error as exc:
            text = str(exc)
            if "encryption key" in text.lower() or "encrypt" in text.lower():
                raise WorkspaceError(
                    f"{path}: wrong workspace key (check LEAKTRIAGE_KEY or the key file)"
                ) from None
            raise WorkspaceError(
                f"{path}: cannot open the workspace database ({type(exc).__name__})"
            ) from None
        self.attached = alias

    def checkpoint(self) -> None:
        """Flush the attached workspace to disk."""
        if self.attached:
            self._con.execute(f"CHECKPOINT {self.attached}")

    # -- Engine -------------------------------------------------------------------------------
    def _execute(self, sql: str, params: Sequence[Any] | None) -> None:
        self._con.execute(sql, params or [])

    def _fetch_arrow(self, sql: str, params: Sequence[Any] | None) -> pa.Table:
        result = self._con.execute(sql, params or []).to_arrow_table()
        return result

    def _fetch_rows(self, sql: str, params: Sequence[Any] | None) -> list[tuple[Any, ...]]:
        return self._con.execute(sql, params or []).fetchall()

    def _stream_arrow(
        self, sql: str, params: Sequence[Any] | None, batch_rows: int
    ) -> Iterator[pa.RecordBatch]:
        cursor = self._con.cursor()
        try:
            reader = cursor.execute(sql, params or []).to_arrow_reader(batch_rows)
            yield from reader
        finally:
            cursor.close()

    def _run_with_stream(self, name: str, batches: pa.RecordBatchReader, sql: str) -> None:
        # DuckDB scans the reader lazily: batches flow through without being held in memory.
        self._con.register(name, batches)
        try:
            self._con.execute(sql)
        finally:
            self._con.unregister(name)

    def _set_variable(self, name: str, value: Any) -> None:
        self._con.execute(f"SET VARIABLE {name} = ?", [value])

    def close(self) -> None:
        try:
            self._con.close()
        except duckdb.Error as exc:  # pragma: no cover - closing twice
            raise EngineError(f"closing duckdb failed ({type(exc).__name__})") from None

    def splink_db_api(self) -> Any:
        """A splink ``DuckDBAPI`` on this engine's connection, so linkage reads and writes
        engine tables in place. splink is imported here, lazily: it is heavy and optional."""
        import splink

        return splink.DuckDBAPI(connection=self._con)

    def release_splink(self) -> None:
        # splink's prior estimate registers this relation on the connection and leaves it.
        try:
            self._con.unregister("result_df")
        except duckdb.Error:  # pragma: no cover - not registered
            pass

    @property
    def raw_connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for engine-specific code inside ``engines/`` only."""
        return self._con
