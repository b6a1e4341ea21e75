"""The audit trail: who saw or exported exposure data, and every risk decision.

An entry says who (user or API key name and its kind), when, what (an action name such as
``case.result`` or ``risk.decide``), which case, how many records, and the outcome (a status or
a decision). It never holds an identifier: no MSISDN, no token, no customer id, no file name.

Entries are buffered in memory and written to ``ws.audit`` in batches by the service's flusher
(every second, and at shutdown), so a risk decision costs one list append, not a database write.
A reader first flushes, so an admin always sees every entry recorded so far.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaktriage.workspace import Workspace

__all__ = ["AuditEntry", "AuditLog"]

log = logging.getLogger(__name__)

_COLUMNS = '"at", actor, actor_kind, action, case_name, records, outcome'


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited act (no identifiers)."""

    at: datetime
    actor: str
    actor_kind: str  # "user" | "key" | "anonymous"
    action: str
    case_name: str | None
    records: int
    outcome: str

    def to_json(self) -> dict[str, Any]:
        """JSON shape (the ``/api/v1/audit`` items)."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "actor_kind": self.actor_kind,
            "action": self.action,
            "case": self.case_name,
            "records": self.records,
            "outcome": self.outcome,
        }


class AuditLog:
    """Buffered audit writer and reader over the workspace table ``ws.audit``."""

    def __init__(self, ws: Workspace) -> None:
        """``ws`` is a connection of the log's own (:meth:`Workspace.for_thread`)."""
        self._ws = ws
        self._pending: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        ws.engine.execute(
            'create table if not exists ws.audit ("at" timestamp, actor varchar, '
            "actor_kind varchar, action varchar, case_name varchar, records bigint, "
            "outcome varchar)"
        )

    def record(
        self,
        actor: str,
        actor_kind: str,
        action: str,
        *,
        case: str | None = None,
        records: int = 0,
        outcome: str = "ok",
    ) -> None:
        """Record one act now (thread-safe, no I/O)."""
        entry = AuditEntry(
            datetime.now(UTC).replace(tzinfo=None),
            actor,
            actor_kind,
            action,
            case,
            records,
            outcome,
        )
        with self._lock:
            self._pending.append(astuple(entry))

    def flush(self) -> int:
        """Write the buffered entries; returns how many were written."""
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                import pyarrow as pa

                names = [c.strip().strip('"') for c in _COLUMNS.split(",")]
                table = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in batch])
                self._ws.engine.run_with_stream(
                    "__lt_audit_in",
                    table.to_reader(),
                    f"insert into ws.audit select {_COLUMNS} from __lt_audit_in",
                    step="audit",
                )
            except Exception:
                # Keep them for the next attempt: the trail must not lose entries.
                with self._lock:
                    self._pending = batch + self._pending
                raise
            return len(batch)

    def entries(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        action: str | None = None,
        actor: str | None = None,
        case: str | None = None,
    ) -> tuple[list[AuditEntry], int]:
        """Newest first, with the total matching count."""
        self.flush()
        where, params = [], []
        for column, value in (("action", action), ("actor", actor), ("case_name", case)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        clause = (" where " + " and ".join(where)) if where else ""
        e = self._ws.engine
        with self._write_lock:  # the connection is this log's own; one thread at a time
            total_row = e.fetch_one(f"select count(*) from ws.audit{clause}", params, step="audit")
            rows = e.fetch_rows(
                f'select {_COLUMNS} from ws.audit{clause} order by "at" desc, action '
                "limit ? offset ?",
                [*params, limit, offset],
                step="audit",
            )
        return [AuditEntry(*r) for r in rows], int(total_row[0]) if total_row else 0
