"""Operator-specific evidence: are the identifiers that only we can hold ours?

Some identifiers belong to one operator: its MSISDNs, IMSIs and ICCIDs, its customer ids, its
plan names. Others any holder of a person's data can have: national ID, name, birth date,
e-mail, address. A record of ours agrees with the customer on both. Another holder's record of a
person who is also our customer (in Peru many people hold lines with two operators) agrees on
the person fields and fails on every field that is ours.

Among the *person-matched* records (their best candidate in a source agrees, on a national ID,
e-mail, name or birth date, or splink linked them), per operator-specific field the leak has:
how many records can be compared (the leak has a value and so does the customer's record) and
how many agree. A plan is compared with the plan names our sources use, not with one customer's
plan, which changes over time. The verdict decides from these counts (``foreign_agree``).
"""

from __future__ import annotations

from typing import Any

from leaktriage.engines.base import quote_ident
from leaktriage.evidence._context import TriageContext
from leaktriage.match.exact import NAME_AGREE

__all__ = ["OPERATOR_DOMAINS", "OPERATOR_TYPES", "compute"]

#: Token domains only the operator that issued them holds: lines, SIMs, its own account ids.
OPERATOR_DOMAINS: tuple[str, ...] = ("phone", "imsi", "iccid", "customer_id")
#: Column types that describe a line or contract with an operator rather than a person: when a
#: leak is another holder's, exposure counts none of these (they are not our customer's with us).
OPERATOR_TYPES: frozenset[str] = frozenset(
    {"msisdn", "phone", "imsi", "iccid", "imei", "ki", "opc", "customer_id", "plan", "status"}
)


def _person_rows(ctx: TriageContext, domains: list[str]) -> None:
    """``person_rows``: per person-matched leak row, per domain whether it compares / agrees,
    and the operator's customer id of the candidate (to count people)."""
    e = ctx.engine
    parts = []
    params: list[Any] = []
    for target in ctx.of_kind("source"):
        cols = ", ".join(
            f"(l.tok_{d} is not null and t.tok_{d} is not null) as {d}_cmp, "
            f"coalesce(l.tok_{d} = t.tok_{d}, false) as {d}_eq"
            for d in domains
        )
        person = (
            "coalesce(l.tok_national_id = t.tok_national_id, false) "
            "or coalesce(l.tok_email = t.tok_email, false) "
            f"or coalesce(m.name_sim, 0) >= {NAME_AGREE} or m.dob_agree"
        )
        parts.append(
            f"""select m.leak_row, t.customer_ref{", " + cols if cols else ""}
                from match_best m join lp l on l._row = m.leak_row
                join {ctx.profile(target)} t on t._row = m.t_row
                where m.target = ? and m.agrees and ({person})
                union all
                select k.leak_row, t.customer_ref{", " + cols if cols else ""}
                from linked_rows k join lp l on l._row = k.leak_row
                join {ctx.profile(target)} t on t._row = k.t_row
                where k.target = ?"""
        )
        params += [target.key, target.key]
    if not parts:
        e.execute("create or replace temp table person_rows (leak_row bigint, ref varchar)")
        return
    agg = "".join(f", bool_or({d}_cmp) as {d}_cmp, bool_or({d}_eq) as {d}_eq" for d in domains)
    e.execute(
        f"""create or replace temp table person_rows as
            select leak_row, any_value(customer_ref) filter (where customer_ref is not null)
                   as ref{agg}
            from ({" union all ".join(parts)}) group by leak_row""",
        params,
        step="operator-specific fields",
    )


def _plan_sql(ctx: TriageContext) -> tuple[str, str] | None:
    """(the leak's plan column, a query of every plan name our sources use), or None."""
    leak_plan = next(
        (c for c in ctx.leak_columns if c["type"] == "plan" and c.get("canonical")), None
    )
    ours = [
        f"select {quote_ident(c['canonical'])} as plan from {ctx.infos[t.key].table}"
        for t in ctx.of_kind("source")
        for c in ctx.infos[t.key].columns
        if c["type"] == "plan" and c.get("canonical")
    ]
    if leak_plan is None or not ours:
        return None
    return quote_ident(leak_plan["canonical"]), " union ".join(ours)


def compute(ctx: TriageContext) -> dict[str, Any]:
    """``{person_rows, customers, line_rows, fields: [{type, comparable, agreeing}]}``.

    ``line_rows``: person-matched records with at least one operator-specific field of ours.
    """
    e = ctx.engine
    source_domains = set().union(*(t.spec.domains() for t in ctx.of_kind("source")))
    domains = [d for d in OPERATOR_DOMAINS if d in ctx.leak.domains() and d in source_domains]
    _person_rows(ctx, domains)
    fields: list[dict[str, Any]] = []
    for d in domains:
        row = e.fetch_one(
            f"select count(*) filter (where {d}_cmp), count(*) filter (where {d}_eq) "
            "from person_rows"
        )
        n, a = (int(x or 0) for x in (row or (0, 0)))
        fields.append({"type": d, "comparable": n, "agreeing": a})
    agree_any = [f"p.{d}_eq" for d in domains]
    joined = "person_rows p"
    plan = _plan_sql(ctx)
    if plan is not None:
        column, ours = plan
        e.execute(
            f"""create or replace temp table person_plans as
                select p.leak_row, coalesce(l.{column} in ({ours}), false) as plan_eq
                from person_rows p join leak l on l._row = p.leak_row
                where l.{column} is not null"""
        )
        row = e.fetch_one("select count(*), count(*) filter (where plan_eq) from person_plans")
        n, a = (int(x or 0) for x in (row or (0, 0)))
        fields.append({"type": "plan", "comparable": n, "agreeing": a})
        agree_any.append("coalesce(q.plan_eq, false)")
        joined += " left join person_plans q on q.leak_row = p.leak_row"
    line = " or ".join(agree_any) if agree_any else "false"
    row = e.fetch_one(
        f"""select count(*), count(distinct coalesce(p.ref, 'row:' || p.leak_row::varchar)),
                   count(*) filter (where {line})
            from {joined}"""
    )
    person, customers, lines = (int(x or 0) for x in (row or (0, 0, 0)))
    return {"person_rows": person, "customers": customers, "line_rows": lines, "fields": fields}
