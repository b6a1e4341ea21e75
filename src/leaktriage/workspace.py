"""The workspace: an encrypted DuckDB database, its key, and the tables of sources and corpora.

Layout of a workspace directory::

    DIR/workspace.duckdb   the database, encrypted (AES-GCM, DuckDB's own encryption)
    DIR/key                the master key, 64 hex chars, mode 0600 (absent with LEAKTRIAGE_KEY)
    DIR/tmp/               DuckDB's spill directory, with temp-file encryption on
    DIR/spark/index/       the matching profiles as Parquet for the Spark engine (tokens; fuzzy
                           fields AES-256-GCM encrypted under an HKDF key of their own)

The master key never reaches the database. HKDF derives from it the database key and one token
key per identifier domain (:mod:`leaktriage.tokens`). The database holds keyed tokens of
identifiers, presence flags of secrets, and the normalized fuzzy fields (names, addresses,
dates) that matching needs; never a plaintext identifier.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaktriage.engines.base import Engine, quote_ident, transfer
from leaktriage.engines.duckdb import DuckDBEngine
from leaktriage.errors import InputError, WorkspaceError
from leaktriage.match.exact import STOP_TOKEN_COUNT
from leaktriage.match.profile import ProfileSpec
from leaktriage.match.stats import index_stats
from leaktriage.tokens import Keyring, derive_key

if TYPE_CHECKING:
    from leaktriage.ingest import IngestOptions
    from leaktriage.pipeline import PreparedInput

__all__ = ["KEY_ENV", "SourceInfo", "Workspace", "WORKSPACE_ENV", "default_workspace_path"]

log = logging.getLogger(__name__)

KEY_ENV = "LEAKTRIAGE_KEY"
WORKSPACE_ENV = "LEAKTRIAGE_WORKSPACE"
SCHEMA_VERSION = "1"
_DB_FILE = "workspace.duckdb"
_KEY_FILE = "key"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MIN_ENV_KEY_CHARS = 16
#: HKDF purpose of the key that encrypts the fuzzy fields of the Spark index (a domain of its
#: own: the database key and the token keys are never reused for it).
INDEX_KEY_PURPOSE = "spark-index:aes-256-gcm"
#: Session variable the index key is bound to on a scale-out engine.
INDEX_KEY_VARIABLE = "lt_index_key"
#: Profile columns written encrypted to the Spark index, with their SQL type after decryption.
INDEX_ENCRYPTED: dict[str, str] = {
    "given": "STRING",
    "sur1": "STRING",
    "sur2": "STRING",
    "address": "STRING",
    "name": "STRING",
    "customer_ref": "STRING",
    "dob": "DATE",
    "activation": "DATE",
    "churn": "DATE",
    "provisioned": "DATE",
}


_SCALE_OUT_STAGING = "lt_staging"
_INDEX_OUT = "lt_index_out"


def default_workspace_path() -> Path:
    """``$LEAKTRIAGE_WORKSPACE`` or ``./leaktriage-workspace``."""
    return Path(os.environ.get(WORKSPACE_ENV) or "leaktriage-workspace")


@dataclass(frozen=True)
class SourceInfo:
    """A registered reference source or prior-leak corpus."""

    name: str
    kind: str  # "source" | "corpus"
    as_of: date | None
    added_at: datetime
    file_name: str
    rows: int
    table: str
    input: dict[str, Any]
    columns: list[dict[str, Any]]
    stats: dict[str, Any]
    """Figures computed once at registration (:func:`leaktriage.match.stats.index_stats`)."""
    divested_on: date | None = None
    """Sources only: the day the business unit this copy belongs to was sold (the copy is
    then the seller's archive of it)."""
    buyer: str | None = None
    """Who bought that unit."""


def _master_from_env(value: str) -> bytes:
    if len(value) < _MIN_ENV_KEY_CHARS:
        raise WorkspaceError(
            f"{KEY_ENV} is too short: use at least {_MIN_ENV_KEY_CHARS} characters"
        )
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        return bytes.fromhex(value)
    return value.encode("utf-8")


class Workspace:
    """An open workspace. Use :meth:`init` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, path: Path, master: bytes, engine: DuckDBEngine) -> None:
        self.path = path
        self.engine = engine
        self.keyring = Keyring(master)
        self.keyring.bind(engine)
        self._index_key = derive_key(master, INDEX_KEY_PURPOSE)
        # index tables already read by an engine: (engine id, table) → stamp
        self._index_read: dict[tuple[int, str], dict[str, Any]] = {}
        self._master = master
        self._owner = True

    def for_thread(self) -> Workspace:
        """The same workspace over another connection, for use by one other thread (the web
        service's request workers and background triage). Closing it closes that connection
        only; the database stays open until this workspace is closed."""
        view = Workspace(self.path, self._master, self.engine.cursor())
        view._owner = False
        return view

    # -- lifecycle ------------------------------------------------------------------------------
    @classmethod
    def init(cls, path: Path, *, env_key: str | None = None) -> tuple[Workspace, bool]:
        """Create a workspace at ``path``. Returns it and whether a key file was written."""
        db = path / _DB_FILE
        if db.exists():
            raise WorkspaceError(f"{path}: a workspace already exists here")
        path.mkdir(parents=True, exist_ok=True)
        wrote_key = False
        if env_key:
            master = _master_from_env(env_key)
        else:
            master = secrets.token_bytes(32)
            key_file = path / _KEY_FILE
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(master.hex() + "\n")
            wrote_key = True
        try:
            ws = cls._connect(path, master)
        except Exception:
            if wrote_key:
                (path / _KEY_FILE).unlink(missing_ok=True)
            raise
        ws._create_schema()
        return ws, wrote_key

    @classmethod
    def open(cls, path: Path, *, env_key: str | None = None) -> Workspace:
        """Open an existing workspace with the key from ``env_key`` or its key file."""
        if not (path / _DB_FILE).exists():
            raise WorkspaceError(f"{path}: no workspace here (run 'leaktriage init')")
        if env_key:
            master = _master_from_env(env_key)
        else:
            key_file = path / _KEY_FILE
            if not key_file.exists():
                raise WorkspaceError(
                    f"{path}: no key: set {KEY_ENV} or restore the key file {key_file}"
                )
            text = key_file.read_text().strip()
            if not re.fullmatch(r"[0-9a-f]{64}", text):
                raise WorkspaceError(f"{key_file}: not a leaktriage key file")
            master = bytes.fromhex(text)
        ws = cls._connect(path, master)
        row = ws.engine.fetch_one("select v from ws.meta where k = 'schema_version'")
        if not row or row[0] != SCHEMA_VERSION:
            ws.close()
            raise WorkspaceError(f"{path}: workspace schema version is not {SCHEMA_VERSION}")
        ws._upgrade()
        return ws

    def _upgrade(self) -> None:
        """Columns added since schema version 1 was first written (additive only)."""
        for column in ("divested_on date", "buyer varchar"):
            self.engine.execute(
                f"alter table ws.sources add column if not exists {column}", step="upgrade"
            )
        if self.engine.table_exists("ws.case_exposure"):
            # line_reassigned: the exposed customer's leaked line is now another customer's
            for column in ("confidence double", "line_reassigned boolean"):
                self.engine.execute(
                    f"alter table ws.case_exposure add column if not exists {column}",
                    step="upgrade",
                )

    @classmethod
    def _connect(cls, path: Path, master: bytes) -> Workspace:
        tmp = path / "tmp"
        tmp.mkdir(mode=0o700, exist_ok=True)
        from leaktriage.ingest._spool import remove_stale_spools

        # Archive members spooled by an ingest that was killed (sealed under a key that died
        # with it): remove them now, leaving those of live processes.
        remove_stale_spools(tmp)
        engine = DuckDBEngine(temp_directory=tmp)
        try:
            engine.attach_encrypted(path / _DB_FILE, derive_key(master, "duckdb").hex())
            # Spilled intermediate results may hold leak rows: encrypt them too.
            engine.execute("SET temp_file_encryption = true", step="temp_file_encryption")
        except Exception:
            engine.close()
            raise
        return cls(path, master, engine)

    def close(self) -> None:
        """Flush and close (a :meth:`for_thread` view closes its connection only)."""
        if not self._owner:
            self.engine.close()
            return
        self.engine.checkpoint()
        self.engine.close()
        shutil.rmtree(self.path / "tmp", ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _create_schema(self) -> None:
        e = self.engine
        e.execute("create table ws.meta (k varchar primary key, v varchar)")
        e.execute(
            "insert into ws.meta values ('schema_version', ?), ('created_at', ?)",
            [SCHEMA_VERSION, datetime.now(UTC).isoformat()],
        )
        e.execute(
            """create table ws.sources (
                name varchar, kind varchar, as_of date, added_at timestamp,
                file_name varchar, rows bigint, table_name varchar,
                input_json varchar, columns_json varchar, stats_json varchar,
                divested_on date, buyer varchar,
                primary key (kind, name))"""
        )
        e.checkpoint()

    # -- sources and corpora ----------------------------------------------------------------------
    @staticmethod
    def check_name(name: str) -> None:
        """Source and corpus names: letters, digits, ``_ . -``, up to 64 characters."""
        if not _NAME.match(name):
            raise InputError(
                f"invalid name {name!r}: use letters, digits, '_', '.', '-' (max 64 chars)"
            )

    @staticmethod
    def profile_for(kind: str, name: str) -> str:
        """The workspace table holding the matching profile of a source or corpus."""
        safe = re.sub(r"[^a-z0-9_]", "_", name.lower())
        return f"ws.{quote_ident(f'profile__{kind}__{safe}')}"

    @staticmethod
    def table_for(kind: str, name: str) -> str:
        """The workspace table holding the records of a source or corpus."""
        safe = re.sub(r"[^a-z0-9_]", "_", name.lower())
        return f"ws.{quote_ident(f'{kind}__{safe}')}"

    def staging_table(self, kind: str, name: str) -> str:
        """Where to stream the new records of a source before :meth:`register` swaps them in."""
        safe = re.sub(r"[^a-z0-9_]", "_", name.lower())
        return f"ws.{quote_ident(f'staging__{kind}__{safe}')}"

    def register(
        self,
        *,
        kind: str,
        name: str,
        as_of: date | None,
        staged: str,
        file_name: str,
        input_json: dict[str, Any],
        columns_json: list[dict[str, Any]],
        divested_on: date | None = None,
        buyer: str | None = None,
    ) -> SourceInfo:
        """Replace the records of ``kind``/``name`` with the table ``staged``, atomically.

        ``staged`` is best :meth:`staging_table` (already in the workspace: it is renamed, not
        copied); any other engine table is copied. The swap and the catalogue row commit together
        or not at all, and the staging table is gone afterwards either way.
        """
        self.check_name(name)
        table = self.table_for(kind, name)
        e = self.engine
        rows = e.count(staged)
        added = datetime.now(UTC).replace(tzinfo=None)
        in_place = staged == self.staging_table(kind, name)
        e.execute("begin transaction")
        try:
            e.execute(f"drop table if exists {table}")
            if in_place:
                bare = table.split(".", 1)[1]
                e.execute(f"alter table {staged} rename to {bare}", step="register swap")
            else:
                e.execute(f"create table {table} as select * from {staged}", step="register copy")
            profile = self.profile_for(kind, name)
            e.execute(f"drop table if exists {profile}")
            spec = ProfileSpec.of(table, columns_json)
            e.execute(
                f"create table {profile} as {spec.indexed_sql(STOP_TOKEN_COUNT)}",
                step="register profile",
            )
            stats = index_stats(e, table, profile, spec)
            e.execute("delete from ws.sources where kind = ? and name = ?", [kind, name])
            e.execute(
                "insert into ws.sources (name, kind, as_of, added_at, file_name, rows, "
                "table_name, input_json, columns_json, stats_json, divested_on, buyer) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    name,
                    kind,
                    as_of,
                    added,
                    file_name,
                    rows,
                    table,
                    json.dumps(input_json),
                    json.dumps(columns_json),
                    json.dumps(stats),
                    divested_on,
                    buyer,
                ],
            )
            e.execute("commit")
        except Exception:
            e.execute("rollback")
            if in_place:
                e.execute(f"drop table if exists {staged}")
            raise
        e.checkpoint()
        log.info("registered %s %s: %d rows", kind, name, rows)
        return self.get(kind, name)

    def add_file(
        self,
        kind: str,
        name: str,
        path: Path,
        *,
        as_of: date | None = None,
        options: IngestOptions | None = None,
        overrides: Mapping[str, str] | None = None,
        region: str = "PE",
        file_name: str | None = None,
        engine: Engine | None = None,
        divested_on: date | None = None,
        buyer: str | None = None,
    ) -> tuple[SourceInfo, PreparedInput]:
        """Read ``path`` through the pipeline straight into a staging table and register it.

        Reference sources keep the operator's customer ids (for notification lists); corpora
        and canaries keep tokens only. On any failure the staging table is dropped and the
        previous registration stands. ``engine`` (a scale-out engine) reads, normalizes and
        tokenizes the file; its result is then brought into the workspace, which stays the
        system of record, and the new profile is exported as that engine's index.
        """
        from leaktriage.pipeline import prepare_input

        self.check_name(name)
        if options is None:
            from leaktriage.ingest import IngestOptions

            # Extracted archive members are spooled (encrypted) in the workspace's temp area.
            options = IngestOptions(work_dir=str(self.path / "tmp"))
        staging = self.staging_table(kind, name)
        scale_out = engine is not None and engine is not self.engine
        try:
            prepared = prepare_input(
                engine if scale_out and engine else self.engine,
                self.keyring,
                path,
                table=_SCALE_OUT_STAGING if scale_out else staging,
                options=options,
                overrides=overrides,
                region=region,
                keep_customer_ref=kind == "source",
            )
            if scale_out and engine:
                transfer(engine, _SCALE_OUT_STAGING, self.engine, staging)
                engine.execute(f"drop table if exists {_SCALE_OUT_STAGING}")
        except BaseException:
            self.engine.execute(f"drop table if exists {staging}")
            raise
        info = self.register(
            kind=kind,
            name=name,
            as_of=as_of,
            staged=staging,
            file_name=file_name or path.name,
            input_json=prepared.input_json(),
            columns_json=prepared.columns_json(),
            divested_on=divested_on,
            buyer=buyer,
        )
        if scale_out and engine:
            self.index_view(engine, info)
        return info, prepared

    # -- the index of a scale-out engine ----------------------------------------------------------
    def index_path(self, info: SourceInfo) -> Path:
        """Where the Parquet index of a registered source or corpus lives."""
        safe = re.sub(r"[^a-z0-9_]", "_", info.name.lower())
        return self.path / "spark" / "index" / f"{info.kind}__{safe}"

    def index_view(self, engine: Engine, info: SourceInfo) -> str:
        """The table, on ``engine``, holding the matching profile of ``info`` (as
        :meth:`profile_for` does in the workspace), exported first when missing or stale.

        The export is Parquet under ``DIR/spark/index/``: tokens and flags as they are, the
        fuzzy fields (:data:`INDEX_ENCRYPTED`) AES-256-GCM encrypted, decrypted on read only
        into the engine's (encrypted) cache. A stamp beside it (registration time and row
        count) says which registration it holds.
        """
        path = self.index_path(info)
        stamp_file = path.with_name(path.name + ".json")
        stamp = {"added_at": info.added_at.isoformat(), "rows": info.rows}
        view = f"lt_index__{path.name}"
        if self._index_read.get((id(engine), view)) == stamp:
            return view
        engine.set_variable(INDEX_KEY_VARIABLE, self._index_key)
        fresh = (
            stamp_file.exists() and path.exists() and json.loads(stamp_file.read_text()) == stamp
        )
        if not fresh:
            stamp_file.unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(path.parent.parent, 0o700)
            transfer(self.engine, self.profile_for(info.kind, info.name), engine, _INDEX_OUT)
            try:
                engine.write_parquet(
                    _INDEX_OUT,
                    path,
                    encrypt=tuple(INDEX_ENCRYPTED),
                    key_variable=INDEX_KEY_VARIABLE,
                )
            finally:
                engine.execute(f"drop table if exists {_INDEX_OUT}")
            stamp_file.write_text(json.dumps(stamp))
            log.info("exported the %s index of %s %s", engine.dialect.name, info.kind, info.name)
        engine.read_parquet(view, path, decrypt=INDEX_ENCRYPTED, key_variable=INDEX_KEY_VARIABLE)
        self._index_read[(id(engine), view)] = stamp
        return view

    def get(self, kind: str, name: str) -> SourceInfo:
        """One registered source or corpus."""
        found = [s for s in self.list(kind) if s.name == name]
        if not found:
            raise WorkspaceError(f"no {kind} named {name!r} in {self.path}")
        return found[0]

    def list(self, kind: str | None = None) -> list[SourceInfo]:
        """Registered sources and corpora, by kind then name."""
        sql = (
            "select name, kind, as_of, added_at, file_name, rows, table_name, input_json, "
            "columns_json, stats_json, divested_on, buyer from ws.sources"
        )
        params: list[Any] = []
        if kind:
            sql += " where kind = ?"
            params.append(kind)
        sql += " order by kind, name"
        return [
            SourceInfo(
                name=r[0],
                kind=r[1],
                as_of=r[2],
                added_at=r[3],
                file_name=r[4],
                rows=r[5],
                table=r[6],
                input=json.loads(r[7]),
                columns=json.loads(r[8]),
                stats=json.loads(r[9] or "{}"),
                divested_on=r[10],
                buyer=r[11],
            )
            for r in self.engine.fetch_rows(sql, params)
        ]
