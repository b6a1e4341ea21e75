"""Cross-field agreement among hits.

A real record's identifiers, name and birth date belong to the same customer. A fabricated one
re-pairs real identifiers with invented names, so its hits disagree on everything else. Per
source: leak rows hit, rows whose other fields could be compared, rows that agree; overall: rows
that agree with some source or were linked probabilistically (the genuine rows, kept in the
engine table ``genuine_rows``) and rows whose only hit disagrees.
"""

from __future__ import annotations

from typing import Any

from leaktriage.evidence._context import TriageContext

__all__ = ["UNVERIFIABLE_TRUST", "compute", "count_identifier_only"]

#: Share of cross-checked hits that must agree before identifier-only hits count as genuine.
UNVERIFIABLE_TRUST = 0.9


def compute(ctx: TriageContext) -> dict[str, Any]:
    """Agreement figures per source and overall."""
    e = ctx.engine
    sources = ctx.keys("source")
    per_source = []
    for target in ctx.of_kind("source"):
        row = e.fetch_one(
            """select count(*), count(*) filter (where comparable_fields > 0),
                      count(*) filter (where agrees),
                      count(*) filter (where name_sim is not null),
                      count(*) filter (where name_sim is not null and name_sim < 0.75),
                      count(*) filter (where dob_comparable),
                      count(*) filter (where dob_comparable and not dob_agree)
               from match_best where target = ?""",
            [target.key],
        )
        assert row is not None
        hit, comparable, agree, names, name_bad, dobs, dob_bad = (int(x or 0) for x in row)
        linked = e.fetch_one(
            "select count(distinct leak_row) from linked_rows where target = ? and leak_row "
            "not in (select leak_row from match_best where agrees and target = ?)",
            [target.key, target.key],
        )
        per_source.append(
            {
                "source": target.name,
                "hit_rows": hit,
                "comparable_rows": comparable,
                "agreeing_rows": agree,
                "linked_rows": int(linked[0]) if linked else 0,
                "agree_share": agree / comparable if comparable else None,
                "name_disagree_share": name_bad / names if names else None,
                "dob_disagree_share": dob_bad / dobs if dobs else None,
            }
        )
    src = ctx.in_list(sources)
    e.execute(
        f"""create or replace temp table genuine_rows as
            select distinct leak_row from match_best where agrees and target in {src}
            union select leak_row from linked_rows""",
        sources,
    )
    row = e.fetch_one(
        f"""select count(distinct leak_row),
                   count(distinct leak_row) filter (where comparable_fields > 0)
            from match_best where target in {src}""",
        sources,
    )
    hit, comparable = (int(x or 0) for x in (row or (0, 0)))
    verified = e.count("genuine_rows")
    # Records matched on identifiers alone, with nothing else to compare (an HSS row of a line
    # since churned: only the CRM still knows its MSISDN). When the records that could be
    # cross-checked overwhelmingly agree, these are counted as genuine too.
    unverifiable = hit - comparable
    counted_unverifiable = bool(
        unverifiable and comparable and verified / comparable >= UNVERIFIABLE_TRUST
    )
    if counted_unverifiable:
        count_identifier_only(ctx)
    genuine = e.count("genuine_rows")
    linked = e.fetch_one(
        "select count(distinct leak_row) from linked_rows where leak_row not in "
        f"(select leak_row from match_best where agrees and target in {src})",
        sources,
    )
    disagree = e.fetch_one(
        f"""select count(*) from (select leak_row from match_best where target in {src}
            group by leak_row
            having bool_or(comparable_fields > 0) and not bool_or(agrees))
            where leak_row not in (select leak_row from genuine_rows)""",
        sources,
    )
    n = ctx.leak_rows
    return {
        "by_source": per_source,
        "genuine_rows": genuine,
        "linked_rows": int(linked[0]) if linked else 0,
        "hit_rows": hit,
        "comparable_hit_rows": comparable,
        "unverifiable_hit_rows": unverifiable,
        "unverifiable_counted_as_genuine": counted_unverifiable,
        "disagreeing_rows": int(disagree[0]) if disagree else 0,
        "genuine_share": genuine / n if n else 0.0,
        "hit_share": hit / n if n else 0.0,
    }


def count_identifier_only(ctx: TriageContext) -> int:
    """Add to ``genuine_rows`` the records that hit a source on identifiers alone (nothing else
    to compare); return the rows ``genuine_rows`` then holds.

    Called here when the cross-checked records vouch for them, and by triage when the verdict
    counts a leak of one identifier type (a list of IMSIs, of phone numbers) as genuine because
    its hits are far above chance: exposure, attribution and dating then see those records.
    """
    sources = ctx.keys("source")
    ctx.engine.execute(
        f"""insert into genuine_rows
            select leak_row from match_best where target in {ctx.in_list(sources)}
            group by leak_row having not bool_or(comparable_fields > 0)
            except select leak_row from genuine_rows""",
        sources,
    )
    return ctx.engine.count("genuine_rows")
