"""Bridges: leak records followed from the source rows they matched to other sources' rows.

A leak reaches a source only through the identifiers it carries. An HSS dump of IMSI, Ki and
OPc hits the HSS on the IMSI and nothing else: the CRM, which knows who the customer is, holds
no IMSI. The HSS row does hold the line's MSISDN, and the CRM row of that line holds the same
MSISDN token, so the record's customer is found by following the identifier domains the two
sources share (HSS IMSI ↔ MSISDN ↔ CRM customer). In general: from every row a leak record
matched in a source, join each token domain that source shares with another source; the other
source's row that shares the most domains is the record's row there. Up to :data:`MAX_HOPS`
such steps are taken (HSS → billing → CRM), never to a source the record already reached.

Only rows the record can stand on are followed: candidates whose fields agree, whose hit could
not be cross-checked (identifiers only; for records that agree in no source), and probabilistic
links; a candidate whose name or
birth date contradicts the record is a different person and is not followed. Placeholder
tokens (``stop_<domain>``) are never joined on.

Lines and SIMs (:data:`LINE_DOMAINS`) are held by one customer at a time and reassigned after
churn, so a CRM holds two rows of a recycled number: the former holder's, closed, and the
current one's. A line token is followed only to a row that can be the *same holding* as the
row it comes from: their lifecycles (activation, churn, and for a row without churn the
source's as-of date, when it was in service) must fit one span. A churned holder's CRM row
never reaches the HSS or billing row of the number's new holder, and an HSS row (a line in
service on the HSS's as-of date) reaches its current holder's CRM row, never the former
one's. Of several rows that fit, the one in service is taken.

Writes the engine table ``bridged_rows`` (leak_row, target, t_row, via, domains, hops): one row
per leak record and source reached indirectly, ``via`` the key of the source it was reached
from, ``domains`` how many identifier domains the two rows share. Exposure reads it for the
customer id, contact channel and line of a record; snapshot dating for the lifecycle dates of
the customer behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date

from leaktriage.engines.base import Engine
from leaktriage.match.exact import Target
from leaktriage.match.profile import DOMAINS

__all__ = ["LINE_DOMAINS", "MAX_HOPS", "bridge_links", "date_sql", "same_holding_sql"]

log = logging.getLogger(__name__)

#: Steps from a source a record matched to sources it did not: one reaches the CRM from an
#: HSS row through the MSISDN; two allow one intermediate system (HSS → billing → CRM).
MAX_HOPS = 2
#: Identifier domains of a line or its SIM: held by one customer at a time, reassigned after
#: churn (a person's national ID or e-mail stays theirs across their rows).
LINE_DOMAINS = ("phone", "imsi", "iccid")

_EMPTY = (
    "create or replace temp table bridged_rows (leak_row bigint, target varchar, t_row bigint, "
    "via varchar, domains bigint, hops int)"
)


def date_sql(day: date | None) -> str:
    """A SQL date literal of a catalogue date (a ``date`` object, never text from an input)."""
    return "NULL::DATE" if day is None else f"DATE '{day.isoformat()}'"


def _span(row: str, as_of: str) -> tuple[str, str]:
    """SQL of the first and last day a profile row ``row`` is known to have held its line:
    its activation, its churn, and, without a churn, its source's as-of date ``as_of``."""
    live = f"case when {row}.churn is null then {as_of} end"
    return (
        f"coalesce({row}.activation, {live}, {row}.churn)",
        f"coalesce({row}.churn, {live}, {row}.activation)",
    )


def same_holding_sql(a: str, a_as_of: str, b: str, b_as_of: str) -> str:
    """SQL: rows ``a`` and ``b`` (profiles with ``activation``, ``churn``) can be one holding of
    a line, given their sources' as-of dates (SQL expressions, NULL when unknown).

    Neither row's known days may fall outside the other's activation–churn span: a row closed
    on day C did not hold the line on a later day another row shows it in service.
    """
    a_first, a_last = _span(a, a_as_of)
    b_first, b_last = _span(b, b_as_of)
    return (
        f"(({a}.churn is null or {b_last} is null or {b_last} <= {a}.churn) "
        f"and ({b}.churn is null or {a_last} is null or {a_last} <= {b}.churn) "
        f"and ({a}.activation is null or {b_first} is null or {b_first} >= {a}.activation) "
        f"and ({b}.activation is null or {a_first} is null or {a_first} >= {b}.activation))"
    )


def _holdings(
    engine: Engine,
    sources: Sequence[Target],
    dates: Mapping[str, date | None],
    rows: str,
    *,
    replace: bool,
) -> None:
    """Keep (or add to) ``bridge_holdings``: the line tokens, lifecycle dates and source as-of
    date of the rows in table ``rows`` (leak_row, target, t_row) that records stand on."""
    parts = []
    params: list[object] = []
    for t in sources:
        toks = ", ".join(f"s.tok_{d}" for d in LINE_DOMAINS)
        parts.append(
            f"select r.leak_row, {toks}, s.activation, s.churn, "
            f"{date_sql(dates.get(t.key))} as as_of "
            f"from {rows} r join {t.profile} s on s._row = r.t_row where r.target = ?"
        )
        params.append(t.key)
    head = (
        "create or replace temp table bridge_holdings as "
        if replace
        else "insert into bridge_holdings "
    )
    engine.execute(head + " union all ".join(parts), params, step="bridge holdings")


def bridge_links(
    engine: Engine, sources: Sequence[Target], as_of: Mapping[str, date | None] | None = None
) -> int:
    """Fill ``bridged_rows`` from ``match_best`` and ``linked_rows``; return its row count.

    ``sources`` are the registered reference sources (targets of kind ``source``) with their
    profile tables in ``engine``; ``as_of`` their as-of dates by target key (a row without a
    churn date was in service then), which a line token is followed by (:data:`LINE_DOMAINS`).
    """
    dates = as_of or {}
    engine.execute(_EMPTY)
    keys = [t.key for t in sources]
    if len(sources) < 2:
        return 0
    marks = ", ".join("?" for _ in keys)
    # the rows each record stands on in each source it matched directly
    engine.execute(
        f"""create or replace temp table bridge_reached as
            select distinct leak_row, target, t_row from (
              select leak_row, target, t_row from match_best
              where target in ({marks}) and (agrees or comparable_fields = 0)
                -- an unchecked hit (a phone number alone) only for a record that agrees
                -- nowhere: it may be the line's later holder's row
                and (agrees or leak_row not in (
                    select leak_row from match_best where agrees and target in ({marks})
                    union all select leak_row from linked_rows where target in ({marks})))
              union all select leak_row, target, t_row from linked_rows
              where target in ({marks}))""",
        [*keys, *keys, *keys, *keys],
        step="bridge start",
    )
    engine.execute(
        "create or replace temp table bridge_frontier as "
        "select leak_row, target, t_row from bridge_reached"
    )
    _holdings(engine, sources, dates, "bridge_reached", replace=True)
    for hop in range(1, MAX_HOPS + 1):
        parts: list[str] = []
        params: list[object] = []
        for a in sources:
            for b in sources:
                if a.key == b.key:
                    continue
                for d in DOMAINS:
                    if d not in a.spec.domains() or d not in b.spec.domains():
                        continue
                    # a line or SIM: only to a row of the same holding as every row of that
                    # line the record stands on (a closed CRM row rules out the HSS row of
                    # the number's later holder, even when reached from a 2019 billing row)
                    same = same_holding_sql("x", "x.as_of", "t", date_sql(dates.get(b.key)))
                    holding = (
                        f" and not exists (select 1 from bridge_holdings x "
                        f"where x.leak_row = f.leak_row and x.tok_{d} = t.tok_{d} "
                        f"and not {same})"
                        if d in LINE_DOMAINS
                        else ""
                    )
                    parts.append(
                        f"select f.leak_row, ?::VARCHAR as target, t._row as t_row, "
                        f"f.target as via, '{d}' as domain, t.churn is null as live "
                        f"from bridge_frontier f join {a.profile} s on s._row = f.t_row "
                        f"join {b.profile} t on t.tok_{d} = s.tok_{d} "
                        f"where f.target = ? and not s.stop_{d} and not t.stop_{d}{holding}"
                    )
                    params += [b.key, a.key]
        if not parts:
            break
        engine.execute(
            f"""create or replace temp table bridge_step as
                select leak_row, target, t_row, any_value(via) as via,
                       count(distinct domain) as domains
                from ({" union all ".join(parts)}) j
                where not exists (select 1 from bridge_reached r
                                  where r.leak_row = j.leak_row and r.target = j.target)
                group by leak_row, target, t_row
                qualify row_number() over (
                    partition by leak_row, target
                    order by count(distinct domain) desc, bool_or(live) desc, t_row
                ) = 1""",
            params,
            step=f"bridge hop {hop}",
        )
        found = engine.count("bridge_step")
        if not found:
            break
        engine.execute(
            f"insert into bridged_rows select leak_row, target, t_row, via, domains, {hop} "
            "from bridge_step"
        )
        engine.execute("insert into bridge_reached select leak_row, target, t_row from bridge_step")
        _holdings(engine, sources, dates, "bridge_step", replace=False)
        engine.execute(
            "create or replace temp table bridge_frontier as "
            "select leak_row, target, t_row from bridge_step"
        )
    for table in ("bridge_reached", "bridge_frontier", "bridge_step", "bridge_holdings"):
        engine.execute(f"drop table if exists {table}")
    total = engine.count("bridged_rows")
    log.info("bridged %d record-source links across sources", total)
    return total
