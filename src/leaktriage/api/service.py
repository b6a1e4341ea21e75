"""The running service: one workspace, shared by request threads, the triage worker and the
flusher, each on a connection of its own.

:class:`Service` owns

* the open workspace and a connection per request thread (:meth:`Service.db`);
* people's sessions, API keys, the login throttle (:mod:`leaktriage.api.security`);
* cases and the triage worker (:mod:`leaktriage.api.cases`);
* the watchlist of every case (reloaded after each triage) and the risk decider;
* SIM-change events, persisted to ``ws.sim_change_events`` (tokens only) and reloaded at start,
  and alerts (``ws.alerts``) raised when a SIM change hits a watched line;
* the audit trail (:mod:`leaktriage.api.audit`).

A flusher thread writes buffered audit entries, events and alerts once a second, so the hot
paths (risk decisions, events) never wait for the database.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from leaktriage.api.audit import AuditLog
from leaktriage.api.auth import ApiKey, list_api_keys, live_api_keys
from leaktriage.api.cases import CaseManager
from leaktriage.api.risk import RiskDecider, RiskRules, SimChangeEvents, Watchlist
from leaktriage.api.security import KeyCache, LoginThrottle, SessionStore
from leaktriage.workspace import Workspace

__all__ = ["Alert", "PersistedEvents", "Service", "ServiceConfig"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of one service."""

    max_upload_bytes: int = 4 * 2**30
    #: ``Secure`` on the session cookie. Off only for plain-HTTP test servers.
    secure_cookies: bool = True
    flush_seconds: float = 1.0
    #: Limits passed to ingest (``max_input_bytes``, ``max_ratio``).
    ingest_limits: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Alert:
    """A SIM change on a line exposed in a case."""

    id: int
    raised_at: datetime
    occurred_at: datetime
    case_name: str
    tier: str
    customer_ref: str | None

    def to_json(self) -> dict[str, Any]:
        """JSON shape (``/api/v1/alerts`` items)."""
        return {
            "id": self.id,
            "raised_at": _aware(self.raised_at).isoformat(),
            "occurred_at": _aware(self.occurred_at).isoformat(),
            "case": self.case_name,
            "tier": self.tier,
            "customer_ref": self.customer_ref,
        }


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


class PersistedEvents(SimChangeEvents):
    """SIM-change events in memory for lookups, queued for the workspace on each record."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[tuple[str, datetime]] = []

    def record(self, token: str, occurred_at: datetime | None = None) -> None:
        at = _aware(occurred_at or datetime.now(UTC))
        super().record(token, at)
        with self._lock:
            self.pending.append((token, at))

    def take(self) -> list[tuple[str, datetime]]:
        """The events recorded since the last call."""
        with self._lock:
            batch, self.pending = self.pending, []
        return batch

    def load(self, rows: list[tuple[str, datetime]]) -> None:
        """Restore the latest change per line (no re-persisting)."""
        for token, at in rows:
            SimChangeEvents.record(self, token, at)


class Service:
    """Everything ``leaktriage serve`` runs. Call :meth:`start`, and :meth:`stop` at the end."""

    def __init__(
        self,
        ws: Workspace,
        config: ServiceConfig | None = None,
        *,
        watchlist: Watchlist | None = None,
        rules: RiskRules | None = None,
    ) -> None:
        self.ws = ws
        self.config = config or ServiceConfig()
        self._local = threading.local()
        self._views: list[Workspace] = []
        self._views_lock = threading.Lock()
        self._flush_ws = self._view()
        self.audit = AuditLog(self._view())
        self.sessions = SessionStore()
        self.throttle = LoginThrottle()
        self.keys = KeyCache()
        self.reload_keys()
        self.events = PersistedEvents()
        self._init_events()
        self.cases = CaseManager(
            self._view(),
            max_upload_bytes=self.config.max_upload_bytes,
            ingest_limits=dict(self.config.ingest_limits),
            on_done=self._after_triage,
        )
        self._fixed_watchlist = watchlist is not None
        self.decider = RiskDecider(
            watchlist if watchlist is not None else Watchlist.from_workspace(self._flush_ws),
            ws.keyring,
            rules,
            self.events,
        )
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None
        self._flush_lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the triage worker and the flusher."""
        self.cases.start()
        if self._flusher is None:
            self._stop.clear()
            self._flusher = threading.Thread(target=self._flush_loop, name="lt-flush", daemon=True)
            self._flusher.start()
        log.info("service started: %d watched lines", len(self.decider.watchlist))

    def stop(self) -> None:
        """Finish: stop the worker and flusher, write what is buffered, close connections."""
        self.cases.stop()
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join(5.0)
            self._flusher = None
        self.flush()
        with self._views_lock:
            views, self._views = self._views, []
        for view in views:
            view.close()
        log.info("service stopped")

    def _view(self) -> Workspace:
        view = self.ws.for_thread()
        with self._views_lock:
            self._views.append(view)
        return view

    def db(self) -> Workspace:
        """The calling thread's own workspace connection."""
        view: Workspace | None = getattr(self._local, "ws", None)
        if view is None:
            view = self._local.ws = self._view()
        return view

    # -- keys -----------------------------------------------------------------------------------
    def reload_keys(self) -> None:
        """Load the live API keys' digests from the workspace."""
        keys = live_api_keys(self._flush_ws)
        self.keys.replace(keys)
        log.info("API keys loaded: %d live", len(keys))

    def api_keys(self) -> list[ApiKey]:
        """Every API key (for the admin page)."""
        return list_api_keys(self.db())

    # -- watchlist, events, alerts --------------------------------------------------------------
    def _after_triage(self, case: str) -> None:
        if not self._fixed_watchlist:
            self.decider.watchlist = Watchlist.from_workspace(self.db())

    def _init_events(self) -> None:
        e = self._flush_ws.engine
        e.execute(
            "create table if not exists ws.sim_change_events "
            "(line_tok varchar, occurred_at timestamp, received_at timestamp)"
        )
        e.execute(
            "create table if not exists ws.alerts (id bigint, raised_at timestamp, "
            "occurred_at timestamp, case_name varchar, tier varchar, customer_ref varchar, "
            "line_tok varchar)"
        )
        rows = e.fetch_rows(
            "select line_tok, max(occurred_at) from ws.sim_change_events group by line_tok"
        )
        self.events.load([(t, _aware(at)) for t, at in rows])

    def alerts(self, limit: int = 200) -> list[Alert]:
        """Newest alerts first."""
        self.flush()
        rows = self.db().engine.fetch_rows(
            "select id, raised_at, occurred_at, case_name, tier, customer_ref from ws.alerts "
            "order by raised_at desc, id desc limit ?",
            [limit],
        )
        return [Alert(*r) for r in rows]

    def _flush_loop(self) -> None:
        while not self._stop.wait(self.config.flush_seconds):
            try:
                self.flush()
            except Exception as exc:  # noqa: BLE001 - keep flushing; entries stay buffered
                log.error("flush failed (%s)", type(exc).__name__)

    def flush(self) -> None:
        """Write buffered events, alerts and audit entries now."""
        with self._flush_lock:
            events = self.events.take()
            if events:
                try:
                    self._write_events(events)
                except Exception:
                    with self.events._lock:
                        self.events.pending = events + self.events.pending
                    raise
            self.audit.flush()

    def _write_events(self, events: list[tuple[str, datetime]]) -> None:
        import pyarrow as pa

        now = datetime.now(UTC).replace(tzinfo=None)
        watchlist = self.decider.watchlist
        table = pa.table(
            {
                "line_tok": [t for t, _ in events],
                "occurred_at": [at.astimezone(UTC).replace(tzinfo=None) for _, at in events],
                "received_at": [now] * len(events),
            }
        )
        e = self._flush_ws.engine
        e.run_with_stream(
            "__lt_events_in",
            table.to_reader(),
            "insert into ws.sim_change_events select line_tok, occurred_at, received_at "
            "from __lt_events_in",
            step="events",
        )
        hits = []
        for token, at in events:
            entry = watchlist.get(token, at.date())
            if entry is not None and datetime.now(UTC) - at <= timedelta(days=30):
                hits.append((token, at.astimezone(UTC).replace(tzinfo=None), entry))
        if not hits:
            return
        next_row = e.fetch_one("select coalesce(max(id), 0) from ws.alerts", step="alerts")
        next_id = int(next_row[0]) if next_row else 0
        has_exposure = e.table_exists("ws.case_exposure")
        for token, at, entry in hits:
            next_id += 1
            ref = (
                e.fetch_one(
                    "select any_value(customer_ref) from ws.case_exposure "
                    "where case_name = ? and line_tok = ?",
                    [entry.case, token],
                    step="alerts",
                )
                if has_exposure
                else None
            )
            e.execute(
                "insert into ws.alerts values (?, ?, ?, ?, ?, ?, ?)",
                [next_id, now, at, entry.case, entry.tier, ref[0] if ref else None, token],
                step="alerts",
            )
        log.warning("%d SIM change(s) on exposed lines: alerts raised", len(hits))


def open_service(path: Path, *, env_key: str | None = None, **config: Any) -> Service:
    """Open the workspace at ``path`` and build its service (not started)."""
    ws = Workspace.open(path, env_key=env_key)
    return Service(ws, ServiceConfig(**config))
