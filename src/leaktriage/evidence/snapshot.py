"""Snapshot dating from the lifecycle dates of the matched customers.

A copy taken on day D holds nobody activated (or provisioned) after D, and, when it is a view of
active customers, nobody who had churned by D. So D lies after the latest activation among the
leak's genuine customers and before their earliest churn: a window that narrows as the sample
grows. Activation and churn are customer events, the same in every system, so they come from
every source the genuine rows matched; provisioning dates are a system's own (a SIM replaced
after the copy was taken has a later provisioning date in the HSS but not in the copy), so they
come from the attributed source only. An HSS leak is thus dated by the HSS's provisioning dates
and by the CRM's churn dates of the same lines.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from leaktriage.evidence._context import TriageContext
from leaktriage.match import Target

__all__ = ["MAX_CONFLICT_SHARE", "compute"]

#: Share of genuine customers allowed to have churned before the latest activation while the
#: leak is still read as an active-customer view (noise in the reference's lifecycle dates).
MAX_CONFLICT_SHARE = 0.02


def compute(ctx: TriageContext, attributed: Target | None = None) -> dict[str, Any]:
    """``{earliest, latest, width_days, dated_customers, active_view, basis}``."""
    e = ctx.engine
    parts = []
    params: list[Any] = []
    # genuine rows' best candidates: exact matches, then probabilistic links
    e.execute(
        "create or replace temp table snap_links as "
        "select leak_row, target, t_row from match_best "
        "union all select leak_row, target, t_row from linked_rows"
    )
    for target in ctx.of_kind("source"):
        spec = target.spec
        if not any(spec.has(f) for f in ("activation", "churn", "provisioned")):
            continue
        provisioned = "t.provisioned" if target == attributed else "NULL::DATE"
        parts.append(
            f"select b.leak_row, t.activation, t.churn, {provisioned} as provisioned "
            f"from snap_links b join {ctx.profile(target)} t on t._row = b.t_row "
            f"where b.target = ?"
        )
        params.append(target.key)
    empty = {
        "earliest": None,
        "latest": None,
        "width_days": None,
        "dated_customers": 0,
        "active_view": None,
        "basis": "no lifecycle dates for the matched customers",
    }
    if not parts:
        return empty
    sources = ctx.keys("source")
    e.execute(
        f"""create or replace temp table snap_dates as
            select d.leak_row, max(greatest(d.activation, d.provisioned)) as start_date,
                   min(d.churn) as churn
            from ({" union all ".join(parts)}) d
            where d.leak_row in (select leak_row from genuine_rows)
               -- and records whose hits could not be cross-checked (an HSS row of a line
               -- since churned matches the CRM on its MSISDN alone)
               or d.leak_row in (
                select leak_row from match_best where target in {ctx.in_list(sources)}
                group by leak_row having not bool_or(comparable_fields > 0))
            group by d.leak_row""",
        [*params, *sources],
    )
    row = e.fetch_one("select max(start_date), count(*) from snap_dates")
    if not row or row[0] is None:
        return {**empty, "dated_customers": int(row[1]) if row else 0}
    earliest: date = row[0]
    dated = int(row[1])
    conflict = e.fetch_one("select count(*) from snap_dates where churn <= ?", [earliest])
    conflicts = int(conflict[0]) if conflict else 0
    latest: date | None = None
    active_view = conflicts <= MAX_CONFLICT_SHARE * dated
    if active_view:
        got = e.fetch_one("select min(churn) from snap_dates where churn > ?", [earliest])
        if got and got[0] is not None:
            latest = got[0] - timedelta(days=1)
    basis = (
        f"after the latest activation/provisioning among {dated:,} dated customers"
        + (
            "; before the earliest churn among them"
            if latest
            else ("; no churn among them bounds it from above" if active_view else "")
        )
        + (
            ""
            if active_view
            else f"; {conflicts:,} had churned before that: not a view of active customers"
        )
    )
    # Activations by month over the two years before the window, for the report's chart.
    histogram = [
        {"start": r[0], "count": int(r[1])}
        for r in e.fetch_rows(
            "select date_trunc('month', start_date)::DATE, count(*) from snap_dates "
            "where start_date > ?::DATE - interval 730 day group by 1 order by 1",
            [earliest],
        )
    ]
    return {
        "earliest": earliest,
        "latest": latest,
        "width_days": (latest - earliest).days + 1 if latest else None,
        "dated_customers": dated,
        "activation_histogram": histogram,
        "active_view": active_view,
        "basis": basis,
    }
