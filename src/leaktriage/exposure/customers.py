"""Exposure per customer: which fields leaked, the risk tier, the remediation, how to reach them.

Every genuine leak record (exact agreement or probabilistic link) is tied to a customer, with
a match confidence (the share of comparable fields that agree, or the link probability): the
operator's customer id from whichever source holds one for that record's candidates, else a
token of its strongest identifier. Candidates include the rows a record reaches in other
sources through the identifiers its matched row shares with them (``bridged_rows``, see
:mod:`leaktriage.match.bridge`): an HSS dump of IMSI and Ki/OPc reaches the CRM's customer id
and the line through the HSS row's MSISDN, so every SIM whose keys leaked is listed, and
watched, even when the leak holds no phone number.
A customer appearing in several records is counted once, with the union of their exposed
fields and the highest tier. Preferred channel: e-mail when the reference holds one, else SMS to
the line, else a letter.

Numbers are reassigned after churn. When the references carry the line's history (a CRM row of
the matched customer, closed, and a later row of another customer with the same line token, or
a line in service in a system of active lines), the record's line is *reassigned*: the exposed
person is still the former holder (their customer id, their tier by the fields that leaked),
but they are told by e-mail or letter, never by SMS to a line that is now someone else's, and
the line is kept off the watchlist's raised tiers (its current holder is not the person whose
data leaked). ``exposure.lines_reassigned`` counts those customers.

Writes the engine table ``exposed_customers``; :func:`store` keeps it in the workspace per case
(tokens and the operator's customer ids only).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from leaktriage.engines.base import quote_ident
from leaktriage.evidence._context import TriageContext
from leaktriage.evidence.operator import OPERATOR_TYPES
from leaktriage.exposure.tiers import TierRules
from leaktriage.match.bridge import bridge_links, date_sql
from leaktriage.vocab import PRESENCE_ONLY_TYPES

__all__ = ["compute", "reassigned_reason", "store"]

_FLAGGED = PRESENCE_ONLY_TYPES - {"other"}
#: Put before each tier's remediation when the records are another holder's (``scope`` is
#: ``identity``): the person is our customer, but what leaked is their identity, not their line.
PRECAUTIONARY = "Precautionary (another holder's records; no line of ours exposed): "
#: Rank of a candidate reached through another source's row (:mod:`leaktriage.match.bridge`),
#: plus the identifier domains the two rows share: below an agreeing candidate (100 and up),
#: above one whose fields were compared and disagreed.
BRIDGED_RANK = 50
#: Which of a customer's lines represents them: one with a token, in service before reassigned
#: (2: their only leaked line is now someone else's).
_LINE_KEY = "(line_tok is not null)::int * 2 + (not line_reassigned)::int"


def _presence(ctx: TriageContext) -> dict[str, str]:
    """SQL (over the leak as ``l``) of each exposed column type's presence in a record."""
    present: dict[str, str] = {}
    for col in ctx.leak_columns:
        t = col["type"]
        if t == "other":
            continue
        canon = col["canonical"]
        cond = (
            f"coalesce(l.{quote_ident(canon + '__present')}, false)"
            if t in _FLAGGED
            else f"l.{quote_ident(canon)} is not null"
        )
        present[t] = f"({present[t]} or {cond})" if t in present else cond
    return present


def compute(
    ctx: TriageContext, rules: TierRules, source: str | None, *, scope: str = "line"
) -> dict[str, Any]:
    """Fill ``exposed_customers`` and return the ``exposure`` block of the triage JSON.

    ``scope="identity"``: the records are another holder's (``Verdict.other_holder``): only
    person fields count as exposed (never a line, SIM, customer id or plan, which are not ours)
    and each remediation is marked precautionary (:data:`PRECAUTIONARY`).
    """
    e = ctx.engine
    present = _presence(ctx)
    if scope == "identity":
        present = {t: sql for t, sql in present.items() if t not in OPERATOR_TYPES}
        tiers = tuple(replace(t, remediation=PRECAUTIONARY + t.remediation) for t in rules.tiers)
        rules = replace(rules, tiers=tiers)
    cands = []
    params: list[Any] = []
    if not e.table_exists("bridged_rows"):  # triage fills it (match.bridge.bridge_links)
        bridge_links(e, [])
    for target in ctx.of_kind("source"):
        cands.append(
            f"""select c.leak_row, ? as source, c.rank, c.confidence, c.bridged, t.customer_ref,
                       t.tok_email is not null as has_email_ref,
                       t.tok_phone is not null as has_line_ref, t.tok_phone as line_tok,
                       c.t_row, t.churn as line_churn, t.tok_national_id as nid
                from (select leak_row, t_row, agrees::int * 100 + hit_domains as rank,
                             -- share of comparable fields that agree; 1 for identifier-only
                             case when comparable_fields > 0
                                  then agree_fields / comparable_fields else 1.0 end
                               as confidence, false as bridged
                      from match_best where target = ?
                      union all select leak_row, t_row, 1000 as rank,
                             match_probability as confidence, false as bridged
                      from linked_rows where target = ?
                      -- the same customer in another system, reached through the identifiers
                      -- the matched row shares with it (HSS IMSI -> MSISDN -> CRM customer):
                      -- below any agreeing candidate, above a contradicted one
                      union all select leak_row, t_row, {BRIDGED_RANK} + domains as rank,
                             NULL::DOUBLE as confidence, true as bridged
                      from bridged_rows where target = ?) c
                join {ctx.profile(target)} t on t._row = c.t_row"""
        )
        params += [target.name, target.key, target.key, target.key]
    if cands:
        e.execute(
            f"""create or replace temp table exposure_cand as
                select * from ({" union all ".join(cands)})
                where leak_row in (select leak_row from genuine_rows)""",
            params,
        )
    else:
        e.execute(
            "create or replace temp table exposure_cand (leak_row bigint, source varchar, "
            "rank int, confidence double, bridged boolean, customer_ref varchar, "
            "has_email_ref boolean, "
            "has_line_ref boolean, "
            "line_tok varchar, t_row bigint, line_churn date, nid varchar)"
        )
    _mark_reassigned(ctx)
    flags = ", ".join(f"{sql} as {quote_ident('has_' + t)}" for t, sql in present.items())
    key_parts = [f"l.tok_{d}" for d in ("national_id", "phone", "email", "imsi", "iccid", "imei")]
    e.execute(
        f"""create or replace temp table exposed_records as
            select l._row, r.customer_ref, r.source, r.email_ref, r.line_ref, r.confidence,
                   {"false" if scope == "identity" else "coalesce(r.line_reassigned, false)"}
                     as line_reassigned,
                   coalesce(r.line_tok, {"NULL" if scope == "identity" else "p.tok_phone"})
                     as line_tok,
                   coalesce(r.customer_ref, 'tok:' || coalesce({
            ", ".join(k.replace("l.", "p.") for k in key_parts)
        }, 'row:' || l._row::varchar))
                     as customer_key
                   {", " + flags if flags else ""}
            from leak l join lp p on p._row = l._row
            left join (
                select leak_row,
                       arg_max(customer_ref, rank) filter (where customer_ref is not null)
                         as customer_ref,
                       -- the system the record came from: one it matched, not one reached
                       coalesce(arg_max(source, rank) filter (where source = ? and not bridged),
                                arg_max(source, rank) filter (where not bridged)) as source,
                       bool_or(has_email_ref) as email_ref, bool_or(has_line_ref) as line_ref,
                       coalesce(max(confidence) filter (where rank >= 100), max(confidence))
                         as confidence,
                       arg_max(line_tok, rank) filter (where line_tok is not null) as line_tok,
                       -- the record's own rows (agreeing, linked, bridged) show the line
                       -- closed for them and held by someone else since
                       coalesce(bool_or(line_reassigned) filter (where rank >= {BRIDGED_RANK}),
                                false) as line_reassigned
                from exposure_cand group by leak_row) r on r.leak_row = l._row
            where l._row in (select leak_row from genuine_rows)""",
        [source],
    )
    types = sorted(present)
    agg = ", ".join(
        f"bool_or({quote_ident('has_' + t)}) as {quote_ident('has_' + t)}" for t in types
    )
    remediation = " ".join(f"when '{t.name}' then ?" for t in rules.tiers)
    e.execute(
        f"""create or replace temp table exposed_customers as
            select *, {rules.case_sql(set(types))} as tier
            from (select customer_key, any_value(customer_ref) as customer_ref,
                         any_value(source) as source, count(*) as records,
                         round(max(confidence), 4) as confidence,
                         -- a line of theirs still in service before a reassigned one
                         arg_max(line_tok, {_LINE_KEY}) as line_tok,
                         arg_max(line_reassigned, {_LINE_KEY}) as line_reassigned,
                         -- never SMS to a line that is now another customer's
                         case when bool_or(email_ref) then 'email'
                              when bool_or(line_ref) and max({_LINE_KEY}) <> 2 then 'sms'
                              else 'letter' end as channel
                         {", " + agg if agg else ""}
                  from exposed_records group by customer_key)"""
    )
    fields = ", ".join(f"case when {quote_ident('has_' + t)} then '{t}' end" for t in types)
    e.execute(
        f"""create or replace temp table exposed_customers as
            select *, case tier {remediation} else '' end as remediation,
                   list_filter([{fields or "NULL"}]::VARCHAR[], x -> x is not null) as fields
            from exposed_customers""",
        [t.remediation for t in rules.tiers],
    )
    customers = e.count("exposed_customers")
    by_field = {}
    for t in types:
        row = e.fetch_one(f"select count(*) from exposed_customers where {quote_ident('has_' + t)}")
        by_field[t] = int(row[0]) if row else 0
    by_tier = {
        r[0]: int(r[1])
        for r in e.fetch_rows("select tier, count(*) from exposed_customers group by 1 order by 1")
    }
    by_source = {
        r[0]: int(r[1])
        for r in e.fetch_rows(
            "select source, count(*) from exposed_customers where source is not null "
            "group by 1 order by 1"
        )
    }
    moved = e.fetch_one("select count(*) from exposed_customers where line_reassigned")
    return {
        "customers": customers,
        # exposed customers whose leaked line now belongs to someone else
        "lines_reassigned": int(moved[0]) if moved else 0,
        "records": ctx.engine.count("exposed_records"),
        "by_field": by_field,
        "by_tier": by_tier,
        "by_source": by_source,
        "remediation": {t.name: t.remediation for t in rules.tiers if t.name in by_tier},
        "scope": scope,
    }


def _mark_reassigned(ctx: TriageContext) -> None:
    """Add ``line_reassigned`` to ``exposure_cand``: the candidate row is closed (churned) and
    a row of any source shows the same line token held by another customer since: activated
    after that churn, or in service on its source's as-of date after it."""
    e = ctx.engine
    parts = []
    params: list[Any] = []
    for target in ctx.of_kind("source"):
        if "phone" not in target.spec.domains():
            continue
        as_of = ctx.infos[target.key].as_of if target.key in ctx.infos else None
        parts.append(
            f"""select ?::VARCHAR as source, _row, tok_phone, tok_national_id, customer_ref,
                       activation, churn, {date_sql(as_of)} as as_of
                from {ctx.profile(target)}
                where not stop_phone and tok_phone in (
                    select line_tok from exposure_cand where line_churn is not null)"""
        )
        params.append(target.name)
    if not parts:
        e.execute("create or replace temp table exposure_cand as "
                  "select *, false as line_reassigned from exposure_cand")  # fmt: skip
        return
    e.execute(
        f"create or replace temp table line_rows as {' union all '.join(parts)}",
        params,
        step="line history",
    )
    e.execute(
        """create or replace temp table exposure_cand as
           select c.*, coalesce(c.line_churn is not null and exists (
               select 1 from line_rows s
               where s.tok_phone = c.line_tok and not (s.source = c.source and s._row = c.t_row)
                 and (s.activation > c.line_churn
                      or (s.activation is null and s.churn is null and s.as_of > c.line_churn))
                 -- another customer: not the same account, not the same person back
                 and (s.customer_ref is null or c.customer_ref is null
                      or s.customer_ref <> c.customer_ref)
                 and (s.tok_national_id is null or c.nid is null
                      or s.tok_national_id <> c.nid)), false) as line_reassigned
           from exposure_cand c""",
        step="line history",
    )
    e.execute("drop table if exists line_rows")


def reassigned_reason(exposure: dict[str, Any]) -> str | None:
    """The verdict's sentence on reassigned lines, or None when there are none."""
    moved = int(exposure.get("lines_reassigned") or 0)
    if not moved:
        return None
    return (
        f"{moved} of the {exposure['customers']} exposed customers' leaked lines have been "
        "reassigned since to other customers: the former holders are the exposed persons, told "
        "by e-mail or letter (not on the line), and the lines' current holders are not put on "
        "watch"
    )


def store(ctx: TriageContext, case: str, sample: str) -> None:
    """Keep this sample's exposed customers under ``case`` in the workspace (tokens, ids)."""
    e = ctx.engine
    e.execute(
        """create table if not exists ws.case_exposure (
             case_name varchar, sample varchar, customer_key varchar, customer_ref varchar,
             source varchar, tier varchar, remediation varchar, channel varchar,
             fields varchar[], line_tok varchar, records bigint, confidence double,
             stored_at timestamp, line_reassigned boolean)"""
    )
    e.execute("delete from ws.case_exposure where case_name = ? and sample = ?", [case, sample])
    e.execute(
        """insert into ws.case_exposure (case_name, sample, customer_key, customer_ref, source,
             tier, remediation, channel, fields, line_tok, records, confidence, stored_at,
             line_reassigned)
           select ?, ?, customer_key, customer_ref, source, tier, remediation, channel, fields,
                  line_tok, records, confidence, now()::timestamp, line_reassigned
           from exposed_customers""",
        [case, sample],
    )
