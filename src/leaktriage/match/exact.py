"""Exact matching: joins on keyed tokens, then cross-field agreement of the best candidate.

For a leak and each target (a source or a corpus), every identifier domain both have is joined
on its token. Each leak row's best candidate in a target is the target row it hits on the most
domains. The candidate is then compared field by field (other identifiers, names, birth date,
address) and the comparison is kept per row, so that evidence can say *why* a leak is judged
genuine or fabricated ("the DNI is real but the name belongs to someone else").

Rows tied on the most domains are all compared, and the one whose fields agree most is kept,
then the one in service (no churn): numbers are reassigned, so a phone number alone hits the
CRM rows of its former holder and of its current one, and the record is the holder's whose
name it carries, or, with nothing to compare, the line's current holder.

Tables written (engine-side, replaced on each run), with ``target`` the target's ``kind:name`` key:

``match_hits``  leak_row, target, t_row, domain
``match_best``  leak_row, target, t_row, hit_domains, id_comparable, id_agree, name_sim,
                given_sim, sur_sim, dob_comparable, dob_agree, addr_sim, agree_fields,
                comparable_fields, agrees
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from leaktriage.engines.base import Engine
from leaktriage.match.profile import DOMAINS, ProfileSpec

__all__ = ["NAME_AGREE", "STOP_TOKEN_COUNT", "Target", "match_exact"]

log = logging.getLogger(__name__)

#: A token shared by more rows of one target than this is a placeholder ("000000000"), not an
#: identity; flagged once at registration (:meth:`ProfileSpec.indexed_sql`).
STOP_TOKEN_COUNT = 50
#: Jaro-Winkler similarity from which two normalized names agree.
NAME_AGREE = 0.88


@dataclass(frozen=True)
class Target:
    """A table to match against: a registered source or corpus."""

    name: str
    kind: str  # "source" | "corpus" | "canary"
    spec: ProfileSpec
    profile: str
    """The table holding the target's indexed profile (:meth:`ProfileSpec.indexed_sql`), with
    ``stop_<domain>`` flags on placeholder tokens."""

    @property
    def key(self) -> str:
        """How the match tables name this target: ``kind:name``."""
        return f"{self.kind}:{self.name}"


def match_exact(engine: Engine, leak: ProfileSpec, targets: Sequence[Target]) -> None:
    """Fill ``match_hits`` and ``match_best`` for ``leak`` against every target."""
    engine.execute(f"create or replace temp table lp as {leak.sql()}", step="leak profile")
    hit_parts: list[str] = []
    params: list[object] = []
    for target in targets:
        for domain in DOMAINS:
            if domain not in leak.domains() or domain not in target.spec.domains():
                continue
            col = f"tok_{domain}"
            hit_parts.append(
                f"select l._row as leak_row, ?::VARCHAR as target, t._row as t_row, "
                f"'{domain}' as domain from lp l join {target.profile} t on l.{col} = t.{col} "
                f"where not t.stop_{domain}"
            )
            params.append(target.key)
    if hit_parts:
        engine.execute(
            "create or replace temp table match_hits as " + " union all ".join(hit_parts),
            params,
            step="token joins",
        )
    else:
        engine.execute(
            "create or replace temp table match_hits (leak_row bigint, target varchar, "
            "t_row bigint, domain varchar)"
        )
    _best(engine, leak, targets)


def _best(engine: Engine, leak: ProfileSpec, targets: Sequence[Target]) -> None:
    engine.execute(
        """create or replace temp table match_cand as
           select leak_row, target, t_row, count(distinct domain) as hit_domains
           from match_hits group by leak_row, target, t_row
           qualify rank() over (
               partition by leak_row, target order by count(distinct domain) desc) = 1""",
        step="best candidates",
    )
    parts = []
    for target in targets:
        comparable = " + ".join(
            f"(l.tok_{d} is not null and t.tok_{d} is not null)::int" for d in DOMAINS
        )
        parts.append(
            f"""select c.leak_row, c.target, c.t_row, c.hit_domains,
                   ({comparable}) as id_comparable,
                   coalesce({
                " + ".join(f"coalesce((l.tok_{d} = t.tok_{d})::int, 0)" for d in DOMAINS)
            }, 0) as id_agree,
                   jaro_winkler_similarity(l.name, t.name) as name_sim,
                   jaro_winkler_similarity(l.given, t.given) as given_sim,
                   jaro_winkler_similarity(
                       concat_ws(' ', l.sur1, l.sur2), concat_ws(' ', t.sur1, t.sur2)) as sur_sim,
                   (l.dob is not null and t.dob is not null) as dob_comparable,
                   coalesce(l.dob = t.dob, false) as dob_agree,
                   jaro_winkler_similarity(l.address, t.address) as addr_sim,
                   t.churn is null as in_service
               from match_cand c join lp l on l._row = c.leak_row
               join {target.profile} t on t._row = c.t_row
               where c.target = ?"""
        )
    if not parts:
        engine.execute(
            """create or replace temp table match_best (leak_row bigint, target varchar,
               t_row bigint, hit_domains bigint, id_comparable int, id_agree int,
               name_sim double, given_sim double, sur_sim double, dob_comparable boolean,
               dob_agree boolean, addr_sim double, agree_fields int, comparable_fields int,
               agrees boolean)"""
        )
        return
    engine.execute(
        f"""create or replace temp table match_best as
            with f as ({" union all ".join(parts)}),
            g as (
              select *,
                -- each extra identifier, the name and the birth date are one field each
                (id_agree - 1)
                  + (coalesce(name_sim, 0) >= {NAME_AGREE}
                     or (coalesce(given_sim, 0) >= {NAME_AGREE}
                         and coalesce(sur_sim, 0) >= {NAME_AGREE}))::int
                  + dob_agree::int as agree_fields,
                (id_comparable - 1) + (name_sim is not null)::int + dob_comparable::int
                  as comparable_fields
              from f)
            select leak_row, target, t_row, hit_domains, id_comparable, id_agree, name_sim,
                   given_sim, sur_sim, dob_comparable, dob_agree, addr_sim, agree_fields,
                   comparable_fields,
                   comparable_fields > 0 and agree_fields * 2 >= comparable_fields
                      and agree_fields > 0 as agrees
            from g
            -- of rows tied on the most domains: the most agreeing, then the one in service
            qualify row_number() over (
                partition by leak_row, target
                order by agree_fields desc, coalesce(name_sim, 0) desc, in_service desc, t_row
            ) = 1""",
        [t.key for t in targets],
        step="cross-field agreement",
    )
    log.info("matched leak against %d targets", len(targets))
