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
not be cross-checked (identifiers only), and probabilistic links; a candidate whose name or
birth date contradicts the record is a different person and is not followed. Placeholder
tokens (``stop_<domain>``) are never joined on.

Writes the engine table ``bridged_rows`` (leak_row, target, t_row, via, domains, hops): one row
per leak record and source reached indirectly, ``via`` the key of the source it was reached
from, ``domains`` how many identifier domains the two rows share. Exposure reads it for the
customer id, contact channel and line of a record; snapshot dating for the lifecycle dates of
the customer behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from leaktriage.engines.base import Engine
from leaktriage.match.exact import Target
from leaktriage.match.profile import DOMAINS

__all__ = ["MAX_HOPS", "bridge_links"]

log = logging.getLogger(__name__)

#: Steps from a source a record matched to sources it did not: one reaches the CRM from an
#: HSS row through the MSISDN; two allow one intermediate system (HSS → billing → CRM).
MAX_HOPS = 2

_EMPTY = (
    "create or replace temp table bridged_rows (leak_row bigint, target varchar, t_row bigint, "
    "via varchar, domains bigint, hops int)"
)


def bridge_links(engine: Engine, sources: Sequence[Target]) -> int:
    """Fill ``bridged_rows`` from ``match_best`` and ``linked_rows``; return its row count.

    ``sources`` are the registered reference sources (targets of kind ``source``) with their
    profile tables in ``engine``.
    """
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
              union all select leak_row, target, t_row from linked_rows
              where target in ({marks}))""",
        [*keys, *keys],
        step="bridge start",
    )
    engine.execute(
        "create or replace temp table bridge_frontier as "
        "select leak_row, target, t_row from bridge_reached"
    )
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
                    parts.append(
                        f"select f.leak_row, ?::VARCHAR as target, t._row as t_row, "
                        f"f.target as via, '{d}' as domain "
                        f"from bridge_frontier f join {a.profile} s on s._row = f.t_row "
                        f"join {b.profile} t on t.tok_{d} = s.tok_{d} "
                        f"where f.target = ? and not s.stop_{d} and not t.stop_{d}"
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
                    partition by leak_row, target order by count(distinct domain) desc, t_row
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
        engine.execute(
            "create or replace temp table bridge_frontier as "
            "select leak_row, target, t_row from bridge_step"
        )
    for table in ("bridge_reached", "bridge_frontier", "bridge_step"):
        engine.execute(f"drop table if exists {table}")
    total = engine.count("bridged_rows")
    log.info("bridged %d record-source links across sources", total)
    return total
