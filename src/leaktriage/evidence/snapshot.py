"""Snapshot dating: the day the copy was taken, bracketed by lifecycle dates and the source's age.

A copy taken on day D holds nobody activated (or provisioned) after D, records no event after
D, and, when it is a view of active customers, holds nobody who had churned by D. So D lies

* **after** the latest activation among the leak's genuine customers (the dates every source
  they reach holds for them: matched directly, or through the identifiers a matched row shares
  with another source, :mod:`leaktriage.match.bridge`), the latest provisioning date the
  attributed system holds for them, and the latest lifecycle date the copy itself records
  (an activation, a closure: *baja*, *cese*, termination, 해지일, in any header language the
  classifier reads);
* **before** their earliest churn, for customers the copy shows as not closed (a closure the
  copy records was seen by it, so it bounds D from below, not from above), and no later than
  the attributed source's as-of date: a copy of a system cannot be newer than the system (the
  archive of a decommissioned billing system registered ``--as-of 2019-12-31``).

Activation and churn are customer events, the same in every system, so they come from every
source; provisioning dates are a system's own (a SIM replaced after the copy was taken has a
later provisioning date in the HSS but not in the copy), so they come from the attributed
source only. An HSS dump of IMSI and Ki/OPc is thus dated by the HSS's provisioning dates and by
the CRM's churn dates of the same lines, reached through the HSS rows' MSISDNs. The ``basis``
sentence names what bounded each side, with its date.
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

#: What each lower bound is called in the basis sentence.
_LOWER = {
    "src_act": "the latest activation among them",
    "src_prov": "the latest SIM provisioning among them in '{source}'",
    "own_act": "the latest activation the copy records",
    "own_churn": "the latest closure the copy records",
    "own_prov": "the latest provisioning the copy records",
}


def compute(ctx: TriageContext, attributed: Target | None = None) -> dict[str, Any]:
    """``{earliest, latest, width_days, dated_customers, active_view, basis, bounds}``.

    ``attributed``: the source the leak is attributed to, whose provisioning dates and as-of
    date then bound the window too.
    """
    e = ctx.engine
    as_of = _as_of(ctx, attributed)
    # genuine rows' rows in every source: exact matches, probabilistic links, bridges
    bridged = (
        " union all select leak_row, target, t_row from bridged_rows"
        if e.table_exists("bridged_rows")
        else ""
    )
    e.execute(
        "create or replace temp table snap_links as "
        "select leak_row, target, t_row from match_best "
        "union all select leak_row, target, t_row from linked_rows" + bridged
    )
    parts = []
    params: list[Any] = []
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
    own = [f for f in ("activation", "churn", "provisioned") if ctx.leak.has(f)]
    if not parts and not own:
        return _result(None, None, 0, None, as_of, attributed, {}, [])
    if not parts:
        parts.append(
            "select leak_row, NULL::DATE as activation, NULL::DATE as churn, "
            "NULL::DATE as provisioned from snap_links where false"
        )
    # The copy's own dates: events it recorded, so at most its day. A date after the source's
    # as-of date (or after today) is a plan (a contract's end), not an event: not used.
    cap = as_of or date.today()
    own_sql = {
        f: f"case when l.{f} <= ?::DATE then l.{f} end" if f in own else "NULL::DATE"
        for f in ("activation", "churn", "provisioned")
    }
    # bound once per use: own_act, own_churn, own_prov, then own_churn again for the churn
    uses = ("activation", "churn", "provisioned", "churn")
    own_params = [cap for f in uses if f in own]
    sources = ctx.keys("source")
    e.execute(
        f"""create or replace temp table snap_dates as
            with src as (
              select d.leak_row, max(d.activation) as src_act, max(d.provisioned) as src_prov,
                     min(d.churn) as src_churn
              from ({" union all ".join(parts)}) d group by d.leak_row),
            kept as (
              select leak_row from genuine_rows
              -- and records whose hits could not be cross-checked (an HSS row of a line
              -- since churned matches the CRM on its MSISDN alone)
              union select leak_row from match_best where target in {ctx.in_list(sources)}
              group by leak_row having not bool_or(comparable_fields > 0))
            select k.leak_row, s.src_act, s.src_prov,
                   {own_sql["activation"]} as own_act, {own_sql["churn"]} as own_churn,
                   {own_sql["provisioned"]} as own_prov,
                   -- a closure the copy records was seen by it: not a bound from above
                   case when {own_sql["churn"]} is null then s.src_churn end as churn
            from kept k left join src s on s.leak_row = k.leak_row
            left join lp l on l._row = k.leak_row""",
        [*params, *sources, *own_params],
    )
    e.execute(
        "create or replace temp table snap_dates as select *, "
        "greatest(src_act, src_prov, own_act, own_churn, own_prov) as start_date "
        "from snap_dates where coalesce(src_act, src_prov, own_act, own_churn, own_prov, churn) "
        "is not null"
    )
    kinds = ("src_act", "src_prov", "own_act", "own_churn", "own_prov")
    row = e.fetch_one(
        "select count(*), " + ", ".join(f"max({k})" for k in kinds) + " from snap_dates"
    )
    dated = int(row[0]) if row else 0
    highs = {k: v for k, v in zip(kinds, row[1:], strict=True) if v is not None} if row else {}
    if not highs:
        return _result(None, None, dated, None, as_of, attributed, {}, [])
    kind = max(highs, key=lambda k: highs[k])
    earliest: date = highs[kind]
    conflict = e.fetch_one("select count(*) from snap_dates where churn <= ?", [earliest])
    conflicts = int(conflict[0]) if conflict else 0
    active_view = conflicts <= MAX_CONFLICT_SHARE * dated
    churn_bound: date | None = None
    if active_view:
        got = e.fetch_one("select min(churn) from snap_dates where churn > ?", [earliest])
        if got and got[0] is not None:
            churn_bound = got[0]
    # Activations by month over the two years before the window, for the report's chart.
    histogram = [
        {"start": r[0], "count": int(r[1])}
        for r in e.fetch_rows(
            "select date_trunc('month', start_date)::DATE, count(*) from snap_dates "
            "where start_date > ?::DATE - interval 730 day group by 1 order by 1",
            [earliest],
        )
    ]
    out = _result(
        earliest, churn_bound, dated, active_view, as_of, attributed, {kind: earliest}, histogram
    )
    if not active_view:
        out["basis"] += f"; {conflicts:,} had churned before that: not a view of active customers"
    return out


def _as_of(ctx: TriageContext, attributed: Target | None) -> date | None:
    if attributed is None:
        return None
    info = ctx.infos.get(attributed.key)
    value = info.as_of if info is not None else None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value


def _result(
    earliest: date | None,
    churn_bound: date | None,
    dated: int,
    active_view: bool | None,
    as_of: date | None,
    attributed: Target | None,
    lower: dict[str, date],
    histogram: list[dict[str, Any]],
) -> dict[str, Any]:
    """The window and the sentence that says what bounded each side.

    ``bounds``: which fact set each side (``lower``: one of :data:`_LOWER`'s keys; ``upper``:
    ``churn`` or ``as_of``), for the report.
    """
    latest: date | None = None
    upper_kind: str | None = None
    upper = ""
    if churn_bound is not None:
        latest = churn_bound - timedelta(days=1)
        upper_kind = "churn"
        upper = f"before the earliest churn among them ({churn_bound.isoformat()})"
    source = attributed.name if attributed is not None else ""
    # the copy's as-of date, unless the customers it holds are newer (then it is not this copy)
    if as_of is not None and (earliest is None or as_of >= earliest):
        if latest is None or as_of < latest:
            latest = as_of
            upper_kind = "as_of"
            upper = f"no later than the copy's as-of date {as_of.isoformat()} (source {source})"
    lower_kind = next(iter(lower), None)
    if earliest is None or lower_kind is None:
        basis = "no lifecycle dates for the matched customers"
        if upper:
            basis += f"; {upper}"
    else:
        what = _LOWER[lower_kind].format(source=source)
        basis = f"{dated:,} dated customers: after {what} ({earliest.isoformat()})"
        basis += (
            f" and {upper}"
            if upper
            else "; no churn among them, and no as-of date of the source, bounds it from above"
        )
    return {
        "earliest": earliest,
        "latest": latest,
        "width_days": (latest - earliest).days + 1 if latest and earliest else None,
        "dated_customers": dated,
        "activation_histogram": histogram,
        "active_view": active_view,
        "bounds": {"lower": lower_kind, "upper": upper_kind},
        "basis": basis,
    }
