"""Custody after a divestiture: the seller's retained archive, or the buyer's system?

A source registered with ``--divested-on DATE --buyer NAME`` is the archive of a business
unit sold on that date. A leak attributed to it is a copy either of that archive (the seller
still holds it: nothing in the leak is newer than the sale) or of the buyer's live system after
the sale, which the archive can only partly explain. What only the buyer's system can hold:

* **dates after the sale**: customers activated, lines closed or SIMs provisioned after it;
* **plans the archive never held**: the buyer's new products;
* **lines changed since**: records of the archive's own customers whose plan or status differs
  from what the archive says (a move to another plan, a closure).

Each count is compared with a small documented floor (a few stray typos must not move custody).
Plan names and statuses are compared as normalized values inside the engine; nothing of a
person is read out. The result is the triage JSON's ``custody: {holder, as_of, reasons}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from leaktriage.engines.base import quote_ident
from leaktriage.evidence._context import TriageContext
from leaktriage.match import Target
from leaktriage.workspace import SourceInfo

__all__ = ["MIN_RECORDS", "MIN_SHARE", "bound_snapshot", "compute"]

#: A sign of the buyer's system counts only when at least this many records show it ...
MIN_RECORDS = 3
#: ... and at least this share of the leak's records (or of those that can show it).
MIN_SHARE = 0.01

_LIFECYCLE = ("activation", "churn", "provisioned")
_WHAT = {
    "activation": "activated",
    "churn": "closed",
    "provisioned": "given a new SIM",
}


def _column(columns: list[dict[str, Any]], ctype: str) -> str | None:
    for col in columns:
        if col["type"] == ctype and col.get("canonical"):
            return str(col["canonical"])
    return None


def _enough(n: int, base: int) -> bool:
    return n >= MIN_RECORDS and n >= MIN_SHARE * max(base, 1)


def _after_sale(ctx: TriageContext, sold: date) -> tuple[dict[str, int], date | None]:
    """Records of the leak with each lifecycle date after the sale, and the latest such date."""
    e = ctx.engine
    counts: dict[str, int] = {}
    latest: date | None = None
    for role in _LIFECYCLE:
        if not ctx.leak.has(role):
            continue
        row = e.fetch_one(f"select count(*) filter (where {role} > ?), max({role}) from lp", [sold])
        if row is None:
            continue
        counts[role] = int(row[0])
        if row[1] is not None and (latest is None or row[1] > latest):
            latest = row[1]
    return counts, latest


def _plans(ctx: TriageContext, target: Target, info: SourceInfo) -> tuple[int, int, int]:
    """(records with a plan, records whose plan the archive never held, distinct such plans)."""
    leak_plan = _column(ctx.leak_columns, "plan")
    source_plan = _column(info.columns, "plan")
    if leak_plan is None or source_plan is None:
        return 0, 0, 0
    lp, sp = quote_ident(leak_plan), quote_ident(source_plan)
    row = ctx.engine.fetch_one(
        f"""select count(*) filter (where l.{lp} is not null),
                   count(*) filter (where l.{lp} is not null and k.plan is null),
                   count(distinct l.{lp}) filter (where l.{lp} is not null and k.plan is null)
            from leak l
            left join (select distinct {sp} as plan from {info.table}
                       where {sp} is not null) k on k.plan = l.{lp}"""
    )
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def _changed(ctx: TriageContext, target: Target, info: SourceInfo) -> tuple[int, int]:
    """(agreeing records compared, those whose plan or status differs from the archive's)."""
    found = [(_column(ctx.leak_columns, t), _column(info.columns, t)) for t in ("plan", "status")]
    pairs = [(a, b) for a, b in found if a and b]
    if not pairs:
        return 0, 0
    differs = " or ".join(
        f"(l.{quote_ident(a)} is not null and s.{quote_ident(b)} is not null "
        f"and l.{quote_ident(a)} <> s.{quote_ident(b)})"
        for a, b in pairs
    )
    row = ctx.engine.fetch_one(
        f"""select count(*), count(*) filter (where {differs})
            from match_best m
            join leak l on l._row = m.leak_row
            join {info.table} s on s._row = m.t_row
            where m.target = ? and m.agrees""",
        [target.key],
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


def compute(
    ctx: TriageContext, target: Target, info: SourceInfo, snapshot: dict[str, Any]
) -> dict[str, Any] | None:
    """``custody`` of a leak attributed to ``target``, or ``None`` when it is not divested."""
    sold = info.divested_on
    if sold is None:
        return None
    buyer = info.buyer or "the buyer"
    rows = ctx.leak_rows
    after, latest = _after_sale(ctx, sold)
    with_plan, unknown_plan, unknown_plans = _plans(ctx, target, info)
    compared, changed = _changed(ctx, target, info)

    signs: list[str] = []
    for role, n in after.items():
        if _enough(n, rows):
            signs.append(f"{n:,} records were {_WHAT[role]} after the sale on {sold}")
    if _enough(unknown_plan, with_plan):
        signs.append(
            f"{unknown_plan:,} records hold {unknown_plans} plan name(s) the archive never "
            f"held (introduced after the sale)"
        )
    if _enough(changed, compared):
        signs.append(
            f"{changed:,} of {compared:,} records of the archive's own customers differ from "
            f"it in plan or status (changed since the sale)"
        )
    if signs:
        as_of = latest if latest is not None and latest > sold else None
        reasons = [
            f"'{info.name}' is the archive of a unit sold to {buyer} on {sold}, but the leak "
            f"holds what only the buyer's system can: " + "; ".join(signs),
        ]
        if as_of is not None:
            reasons.append(f"the copy was taken on or after {as_of}, the latest date it holds")
        return {
            "holder": "buyer",
            "buyer": buyer,
            "divested_on": sold.isoformat(),
            "as_of": as_of.isoformat() if as_of else None,
            "reasons": reasons,
        }
    checked = ["no activation, closure or SIM change after it"] if after else []
    if with_plan:
        checked.append("every plan is one the archive holds")
    if compared:
        checked.append(f"the {compared:,} matched records agree with the archive in plan/status")
    as_of_seller = snapshot.get("latest") or (info.as_of.isoformat() if info.as_of else None)
    return {
        "holder": "seller",
        "buyer": buyer,
        "divested_on": sold.isoformat(),
        "as_of": str(as_of_seller) if as_of_seller else None,
        "reasons": [
            f"nothing in the leak is newer than the sale of the unit to {buyer} on {sold}"
            + (f" ({', '.join(checked)})" if checked else "")
            + f": a copy of the seller's retained archive '{info.name}'"
        ],
    }


def bound_snapshot(snapshot: dict[str, Any], custody: dict[str, Any]) -> dict[str, Any]:
    """The snapshot window once custody is known: a copy of the buyer's system was taken on
    or after the latest date it holds, and the seller's archive's as-of date does not bound
    it from above."""
    if custody["holder"] != "buyer" or not custody.get("as_of"):
        return snapshot
    after = date.fromisoformat(custody["as_of"])
    earliest = snapshot.get("earliest")
    latest = snapshot.get("latest")
    out = dict(snapshot)
    if earliest is None or earliest < after:
        out["earliest"] = after
    if latest is not None and latest < after:
        out["latest"] = None
    out["width_days"] = (
        (out["latest"] - out["earliest"]).days + 1
        if out.get("latest") and out["earliest"]
        else None
    )
    out["basis"] = f"on or after {after}, the latest date the buyer's copy holds" + (
        "" if out.get("latest") else "; nothing bounds it from above"
    )
    return out
