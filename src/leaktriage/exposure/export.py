"""Exports of a case's exposure: the notification list and the risk API's watchlist.

The notification list names customers by the operator's own customer id (from the reference),
with their tier, remediation, preferred channel, exposed field types and match confidence: no
leaked value. CSV
cells that a spreadsheet would run as a formula (= + - @, tab, carriage return) are neutralised
with a leading apostrophe (OWASP CSV injection). The watchlist holds keyed tokens of the exposed
lines and their tiers, for the risk API; nothing else.

A line reassigned since the leak (the exposed customer is its former holder, see
:mod:`leaktriage.exposure.customers`) is marked ``line_reassigned`` in the notification list,
whose channel then never is SMS, and goes on the watchlist as ``unlisted`` with
``reassigned`` true: the risk API answers for it as for a line not on the list, and says why.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from leaktriage.errors import InputError, WorkspaceError
from leaktriage.exposure.tiers import TierRules
from leaktriage.workspace import Workspace

__all__ = ["FORMULA_PREFIXES", "exposure_rows", "neutralise", "watchlist_rows", "write_table"]

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

NOTIFICATION_COLUMNS = [
    "customer_id",
    "customer_key",
    "tier",
    "remediation",
    "channel",
    "exposed_fields",
    "source",
    "records",
    "match_confidence",
    "line_reassigned",
]
WATCHLIST_COLUMNS = ["line_token", "tier", "watch_until", "case", "reassigned"]
#: The watchlist tier of a reassigned line: the risk API's tier for lines not on the list.
REASSIGNED_TIER = "unlisted"
#: Which of a customer's lines the lists name: one with a token, in service before reassigned.
_LINE_KEY = "(line_tok is not null)::int * 2 + (not coalesce(line_reassigned, false))::int"


def neutralise(value: Any) -> Any:
    """A CSV cell that cannot run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _triaged(ws: Workspace, case: str) -> bool:
    """Whether a sample of ``case`` was triaged (it may have exposed nobody)."""
    e = ws.engine
    return e.table_exists("ws.case_sample_results") and bool(
        e.fetch_one("select 1 from ws.case_sample_results where case_name = ? limit 1", [case])
    )


def _case_rows(ws: Workspace, case: str) -> list[tuple[Any, ...]]:
    if not ws.engine.table_exists("ws.case_exposure"):
        if _triaged(ws, case):
            return []
        raise WorkspaceError(f"no exposure stored for case {case!r}: run triage with --case")
    rows = ws.engine.fetch_rows(
        f"""select customer_key, any_value(customer_ref), list(tier), list(distinct f),
                  any_value(channel), any_value(source), sum(records),
                  arg_max(line_tok, {_LINE_KEY}), max(confidence),
                  coalesce(arg_max(line_reassigned, {_LINE_KEY}), false)
           from (select *, unnest(fields) as f from ws.case_exposure where case_name = ?)
           group by customer_key order by customer_key""",
        [case],
    )
    if not rows and not _triaged(ws, case):
        raise WorkspaceError(f"no exposure stored for case {case!r}: run triage with --case")
    return rows


def _worst(tiers: list[str], rules: TierRules) -> str:
    order = [t.name for t in rules.tiers]
    return min(tiers, key=lambda t: order.index(t) if t in order else len(order))


def exposure_rows(
    ws: Workspace, case: str, rules: TierRules, tiers: list[str] | None = None
) -> list[dict[str, Any]]:
    """The notification list of a case, one row per customer (highest tier over samples)."""
    out = []
    for key, ref, case_tiers, fields, channel, source, records, _, conf, moved in _case_rows(
        ws, case
    ):
        tier = _worst(case_tiers, rules)
        if tiers and tier not in tiers:
            continue
        out.append(
            {
                "customer_id": ref or "",
                "customer_key": key,
                "tier": tier,
                "remediation": rules.tier(tier).remediation,
                "channel": channel,
                "exposed_fields": ";".join(sorted(f for f in fields if f)),
                "source": source or "",
                "records": int(records),
                "match_confidence": round(float(conf), 4) if conf is not None else None,
                "line_reassigned": bool(moved),
            }
        )
    return out


def watchlist_rows(ws: Workspace, case: str, rules: TierRules) -> list[dict[str, Any]]:
    """Line tokens of a case's customers in tiers the rules put on watch.

    A reassigned line (its current holder is not the exposed customer) is listed as
    :data:`REASSIGNED_TIER` with ``reassigned`` true, for as long as the tier would have
    watched it, so that the risk API can say why it is not raised.
    """
    now = datetime.now(UTC)
    out = []
    for _, _, case_tiers, _, _, _, _, line_tok, _, moved in _case_rows(ws, case):
        tier = rules.tier(_worst(case_tiers, rules))
        if not tier.watch or not line_tok:
            continue
        until = (now + timedelta(days=round(30.44 * tier.months))).date().isoformat()
        out.append(
            {
                "line_token": line_tok,
                "tier": REASSIGNED_TIER if moved else tier.name,
                "watch_until": until,
                "case": case,
                "reassigned": bool(moved),
            }
        )
    return out


def write_table(rows: list[dict[str, Any]], columns: list[str], path: Path | None) -> str | None:
    """Write rows as CSV or Parquet (by ``path``'s suffix), atomically; CSV to a string if no
    path is given (the CLI prints it)."""
    if path is None:
        buf = io.StringIO()
        _write_csv(rows, columns, buf)
        return buf.getvalue()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError("the output must end in .csv or .parquet", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lt-", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        if suffix == ".csv":
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                _write_csv(rows, columns, fh)
        else:
            table = pa.table({c: [r[c] for r in rows] for c in columns})
            pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return None


def _write_csv(rows: list[dict[str, Any]], columns: list[str], fh: Any) -> None:
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
