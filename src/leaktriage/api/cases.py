"""Cases of the service: their catalogue, uploads and background triage.

A case is a named incident (``ws.cases``): who opened it, the seller's claimed total, the
jurisdictions and the discovery time that start the clocks. Each upload of a leak sample is
streamed to ``<workspace>/uploads/`` (0600, never held in memory, refused past the size
limit) and queued; one worker thread triages the queue in order with its own workspace
connection, reporting its stage and the bytes read as it goes. The triage JSON (the DESIGN.md
contract) is kept in the encrypted workspace; the upload is deleted when its triage ends,
successful or not, so the plaintext leak never stays at rest. A triage interrupted by a restart
is marked failed at the next start.

Triage runs one at a time: a triage is CPU- and memory-bound on this machine's two cores, and
its working tables live in the engine's shared in-memory catalogue.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaktriage.errors import InputError, LeakTriageError
from leaktriage.workspace import Workspace

__all__ = ["STATES", "CaseInfo", "CaseManager", "Progress", "UploadSink", "UploadTooLarge"]

log = logging.getLogger(__name__)

#: Lifecycle of a case's latest sample.
STATES = ("new", "queued", "running", "done", "failed")
#: Uploads go here, under the workspace.
UPLOAD_DIR = "uploads"


class UploadTooLarge(InputError):
    """The upload passed the service's size limit."""


@dataclass
class Progress:
    """Live progress of the case's running triage (in memory)."""

    state: str = "new"
    stage: str | None = None
    bytes_done: int = 0
    bytes_total: int = 0
    started: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``progress`` object of the case status."""
        elapsed = round(time.monotonic() - self.started, 1) if self.started else None
        fraction = (
            min(1.0, self.bytes_done / self.bytes_total)
            if self.bytes_total and self.stage == "reading"
            else None
        )
        return {
            "stage": self.stage,
            "bytes_read": self.bytes_done,
            "bytes_total": self.bytes_total,
            "fraction_read": round(fraction, 3) if fraction is not None else None,
            "elapsed_seconds": elapsed,
        }


@dataclass
class CaseInfo:
    """A case as the catalogue holds it."""

    name: str
    created_by: str
    created_at: datetime
    claimed_records: int | None
    region: str
    jurisdictions: list[str]
    discovered_at: datetime
    state: str
    samples: int
    file_name: str | None
    file_bytes: int | None
    error: str | None
    finished_at: datetime | None
    verdict: str | None
    progress: Progress = field(default_factory=Progress)

    def to_json(self) -> dict[str, Any]:
        """The case status document (``GET /api/v1/cases/{name}``)."""
        return {
            "name": self.name,
            "created_by": self.created_by,
            "created_at": _iso(self.created_at),
            "claimed_records": self.claimed_records,
            "region": self.region,
            "jurisdictions": self.jurisdictions,
            "discovered_at": _iso(self.discovered_at),
            "state": self.state,
            "samples": self.samples,
            "file_name": self.file_name,
            "file_bytes": self.file_bytes,
            "error": self.error,
            "finished_at": _iso(self.finished_at),
            "verdict": self.verdict,
            "progress": self.progress.to_json() if self.state == "running" else None,
        }


def _iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at).isoformat()


def _utc_naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


_COLUMNS = (
    "name, created_by, created_at, claimed_records, region, jurisdictions, discovered_at, "
    "state, samples, file_name, file_bytes, error, finished_at, verdict"
)


@dataclass
class _Job:
    case: str
    path: Path
    file_name: str
    table: str | None = None
    """Multi-table inputs: the table, sheet or member to read (None: ingest chooses)."""


class CaseManager:
    """The case catalogue and the triage worker.

    ``ws`` is a workspace connection for the catalogue (guarded by a lock); the worker opens
    its own with :meth:`Workspace.for_thread`. ``on_done`` runs after each successful triage
    (the service reloads its watchlist there).
    """

    def __init__(
        self,
        ws: Workspace,
        *,
        max_upload_bytes: int,
        ingest_limits: dict[str, Any] | None = None,
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        self._ws = ws
        self._db_lock = threading.Lock()
        self.max_upload_bytes = max_upload_bytes
        self._ingest_limits = ingest_limits or {}
        self._on_done = on_done
        self._progress: dict[str, Progress] = {}
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self.upload_dir = ws.path / UPLOAD_DIR
        self.upload_dir.mkdir(mode=0o700, exist_ok=True)
        with self._db_lock:
            ws.engine.execute(
                "create table if not exists ws.cases (name varchar primary key, "
                "created_by varchar, created_at timestamp, claimed_records bigint, "
                "region varchar, jurisdictions varchar[], discovered_at timestamp, "
                "state varchar, samples integer, file_name varchar, file_bytes bigint, "
                "error varchar, finished_at timestamp, verdict varchar, result_json varchar)"
            )
            # A triage cut short by a stop is not running any more.
            ws.engine.execute(
                "update ws.cases set state = 'failed', error = 'interrupted by a service "
                "restart: upload the sample again' where state in ('queued', 'running')"
            )
        for stale in self.upload_dir.glob("*.part"):
            stale.unlink(missing_ok=True)
        for stale in self.upload_dir.glob("*.upload*"):
            stale.unlink(missing_ok=True)

    # -- worker ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the triage worker."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="lt-triage", daemon=True)
            self._worker.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to stop after the current triage (waits up to ``timeout``)."""
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout)
            self._worker = None

    def wait_idle(self, timeout: float = 300.0) -> bool:
        """Block until no triage is queued or running (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.05)
        return False

    def _run(self) -> None:
        ws = self._ws_for_worker()
        try:
            while True:
                job = self._queue.get()
                try:
                    if job is None:
                        return
                    self._triage(ws, job)
                finally:
                    self._queue.task_done()
        finally:
            ws.close()

    def _ws_for_worker(self) -> Workspace:
        with self._db_lock:
            return self._ws.for_thread()

    def _triage(self, ws: Workspace, job: _Job) -> None:
        from leaktriage.exposure.tiers import load_tier_rules
        from leaktriage.ingest import IngestOptions
        from leaktriage.triage import run_triage

        info = self.get(job.case)
        if info is None:  # deleted meanwhile
            job.path.unlink(missing_ok=True)
            return
        progress = self._progress.setdefault(job.case, Progress())
        progress.state, progress.stage, progress.started = "running", "reading", time.monotonic()
        progress.bytes_done, progress.bytes_total = 0, job.path.stat().st_size
        self._set(job.case, state="running", error=None)

        def on_bytes(done: int, total: int) -> None:
            progress.bytes_done, progress.bytes_total = done, total or progress.bytes_total

        def on_stage(name: str) -> None:
            progress.stage = name

        log.info("case %s: triage started", job.case)
        try:
            options = IngestOptions(
                progress=on_bytes,
                table=job.table,
                work_dir=str(ws.path / "tmp"),
                **self._ingest_limits,
            )
            result = run_triage(
                ws,
                job.path,
                case=job.case,
                claimed_records=info.claimed_records,
                options=options,
                region=info.region,
                on_stage=on_stage,
                rules=load_tier_rules(),
                discovered_at=info.discovered_at.replace(tzinfo=UTC),
                jurisdictions=info.jurisdictions or None,
                sample_name=job.file_name,
            )
            result["input"]["path"] = job.file_name  # the upload itself is deleted below
            self._set(
                job.case,
                state="done",
                verdict=result["verdict"]["label"],
                result_json=json.dumps(result, default=str),
                finished_at=datetime.now(UTC).replace(tzinfo=None),
                samples=info.samples + 1,
                error=None,
            )
            log.info("case %s: triage done", job.case)
            if self._on_done:
                self._on_done(job.case)
        except LeakTriageError as exc:
            # Our errors are one line naming file, row and column, never a value.
            self._fail(job.case, str(exc).replace(str(job.path), job.file_name))
        except Exception as exc:  # noqa: BLE001 - a worker must survive any one triage
            log.exception("case %s: triage failed (%s)", job.case, type(exc).__name__)
            self._fail(job.case, f"internal error ({type(exc).__name__}); see the server log")
        finally:
            progress.state, progress.started = "idle", None
            job.path.unlink(missing_ok=True)

    def _fail(self, case: str, message: str) -> None:
        log.info("case %s: triage failed", case)
        self._set(
            case,
            state="failed",
            error=message[:500],
            finished_at=datetime.now(UTC).replace(tzinfo=None),
        )

    # -- catalogue ------------------------------------------------------------------------------
    def create(
        self,
        name: str,
        created_by: str,
        *,
        claimed_records: int | None = None,
        region: str = "PE",
        jurisdictions: list[str] | None = None,
        discovered_at: datetime | None = None,
    ) -> CaseInfo:
        """Open a case (raises :class:`InputError` for a bad or taken name)."""
        Workspace.check_name(name)
        discovered = _utc_naive(discovered_at or datetime.now(UTC).replace(microsecond=0))
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        with self._db_lock:
            e = self._ws.engine
            if e.fetch_one("select 1 from ws.cases where name = ?", [name]):
                raise InputError(f"a case named {name!r} exists")
            e.execute(
                "insert into ws.cases (name, created_by, created_at, claimed_records, region, "
                "jurisdictions, discovered_at, state, samples) "
                "values (?, ?, ?, ?, ?, ?, ?, 'new', 0)",
                [
                    name,
                    created_by,
                    now,
                    claimed_records,
                    region.upper(),
                    list(jurisdictions or []),
                    discovered,
                ],
            )
        log.info("case %s opened", name)
        info = self.get(name)
        assert info is not None
        return info

    def get(self, name: str) -> CaseInfo | None:
        """A case, or None."""
        with self._db_lock:
            row = self._ws.engine.fetch_one(
                f"select {_COLUMNS} from ws.cases where name = ?", [name]
            )
        return self._info(row) if row else None

    def list(self) -> list[CaseInfo]:
        """Every case, newest first."""
        with self._db_lock:
            rows = self._ws.engine.fetch_rows(
                f"select {_COLUMNS} from ws.cases order by created_at desc, name"
            )
        return [self._info(r) for r in rows]

    def result(self, name: str) -> dict[str, Any] | None:
        """The latest triage JSON of a case, or None."""
        with self._db_lock:
            row = self._ws.engine.fetch_one(
                "select result_json from ws.cases where name = ?", [name]
            )
        if not row or row[0] is None:
            return None
        out: dict[str, Any] = json.loads(row[0])
        return out

    def _info(self, row: tuple[Any, ...]) -> CaseInfo:
        values = list(row)
        values[5] = list(values[5] or [])
        info = CaseInfo(*values)
        live = self._progress.get(info.name)
        if live is not None and info.state == "running":
            info.progress = live
        return info

    def _set(self, name: str, **values: Any) -> None:
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self._db_lock:
            self._ws.engine.execute(
                f"update ws.cases set {assignments} where name = ?", [*values.values(), name]
            )

    # -- uploads --------------------------------------------------------------------------------
    def open_upload(self, file_name: str) -> UploadSink:
        """A new upload file (0600) to stream into; see :class:`UploadSink`."""
        return UploadSink(self.upload_dir, file_name, self.max_upload_bytes)

    def enqueue(self, name: str, upload: UploadSink, table: str | None = None) -> None:
        """Queue a finished upload for triage. Keeps the original suffix, which ingest reads
        to tell formats (``.csv.gz``, ``.zip``...). ``table``: the table, sheet or member of a
        multi-table input to read (``None``: the one with most personal-identifier columns)."""
        file_name = upload.file_name
        suffixes = "".join(Path(file_name).suffixes[-2:])
        final = upload.path.with_name(upload.path.stem + ".upload" + _safe_suffix(suffixes))
        upload.path.rename(final)
        size = final.stat().st_size
        self._set(name, state="queued", file_name=file_name, file_bytes=size, error=None)
        self._progress[name] = Progress(state="queued")
        self._queue.put(_Job(name, final, file_name, (table or "").strip() or None))
        log.info("case %s: sample queued (%d bytes)", name, size)


def _safe_suffix(suffixes: str) -> str:
    kept = "".join(c for c in suffixes.lower() if c.isalnum() or c == ".")
    return kept[:16]


class UploadSink:
    """One upload being streamed to disk: :meth:`write` chunks, then :meth:`finish` (or
    :meth:`abort`). Past ``limit`` bytes, :meth:`write` removes the partial file and raises
    :class:`UploadTooLarge`."""

    def __init__(self, directory: Path, file_name: str, limit: int) -> None:
        self.file_name = (Path(file_name.replace("\\", "/")).name or "upload")[:200]
        self.path = directory / f"{secrets.token_hex(8)}.part"
        self.limit = limit
        self.size = 0
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        """Append a chunk."""
        self.size += len(chunk)
        if self.size > self.limit:
            self.abort()
            raise UploadTooLarge(
                f"upload larger than the limit of {self.limit:,} bytes", path=self.file_name
            )
        self._fh.write(chunk)

    def finish(self) -> None:
        """Close the file; an empty upload is refused."""
        self._fh.close()
        if self.size == 0:
            self.path.unlink(missing_ok=True)
            raise InputError("empty upload", path=self.file_name)

    def abort(self) -> None:
        """Drop the partial file."""
        if not self._fh.closed:
            self._fh.close()
        self.path.unlink(missing_ok=True)
