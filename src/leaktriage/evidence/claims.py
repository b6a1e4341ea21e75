"""Claims: records vs distinct people vs what the source could hold; capture-recapture.

A seller's "22 million more" is checked against the attributed source: how many customers it
held at the snapshot window. With two or more samples of one case, the Chapman form of the
Lincoln-Petersen estimator gives the size of the population the samples were drawn from.
"""

from __future__ import annotations

from typing import Any

from leaktriage.evidence._context import TriageContext
from leaktriage.match import Target

__all__ = ["PRIMARY_DOMAINS", "chapman", "compute"]

#: The identifier that counts a person, in order of preference.
PRIMARY_DOMAINS = ("national_id", "phone", "email", "imsi", "iccid", "customer_id")


def chapman(n1: int, n2: int, m: int) -> float:
    """Chapman's estimator of a population size from two samples with ``m`` in common."""
    return (n1 + 1) * (n2 + 1) / (m + 1) - 1


def primary_domain(ctx: TriageContext) -> str | None:
    """The leak's identifier used to count people."""
    return next((d for d in PRIMARY_DOMAINS if d in ctx.leak.domains()), None)


def compute(
    ctx: TriageContext, source: Target | None, snapshot: dict[str, Any], genuine_share: float
) -> dict[str, Any]:
    """The ``claims`` block of the triage JSON."""
    e = ctx.engine
    reasons: list[str] = []
    domain = primary_domain(ctx)
    people = None
    if domain:
        row = e.fetch_one(f"select count(distinct tok_{domain}) from lp")
        people = int(row[0]) if row else None
    source_rows = None
    at_snapshot = None
    if source is not None:
        table = ctx.profile(source)
        source_rows = e.count(table)
        if source.spec.has("activation") and snapshot.get("earliest"):
            lo = snapshot["earliest"]
            hi = snapshot.get("latest") or lo
            row = e.fetch_one(
                f"select count(*) from {table} where activation <= ? "
                f"and (churn is null or churn > ?)",
                [hi, lo],
            )
            at_snapshot = int(row[0]) if row else None
    capacity = at_snapshot or source_rows
    estimate: float | None = None
    capture = _capture_recapture(ctx, source.name if source is not None else None)
    if capture and capture.get("not_used"):
        reasons.append(capture.pop("not_used"))
        capture = None
    if capture:
        estimate = capture["estimate"]
        reasons.append(
            f"capture-recapture over {capture['samples']} samples estimates "
            f"{capture['estimate']:,.0f} records in the population they were drawn from"
        )
    elif capacity is not None and genuine_share > 0:
        estimate = float(capacity)
    claimed = ctx.claimed_records
    plausible: bool | None = None
    if claimed is not None:
        if capacity is None:
            reasons.append("no attributed source to compare the claimed total with")
        elif claimed > capacity * 1.05:
            plausible = False
            reasons.append(
                f"claimed {claimed:,} records but the attributed source held about "
                f"{capacity:,} customers at the snapshot"
            )
        else:
            plausible = True
            reasons.append(
                f"claimed {claimed:,} records is within the {capacity:,} the attributed source held"
            )
    if people is not None and people < ctx.leak_rows:
        reasons.append(
            f"{ctx.leak_rows:,} records hold {people:,} distinct people "
            f"({ctx.leak_rows - people:,} duplicates)"
        )
    return {
        "claimed_records": claimed,
        "estimated_records": round(estimate) if estimate is not None else None,
        "plausible": plausible,
        "reasons": reasons,
        "records": ctx.leak_rows,
        "distinct_people": people,
        "source_rows": source_rows,
        "source_rows_at_snapshot": at_snapshot,
        "capture_recapture": capture,
    }


def _capture_recapture(ctx: TriageContext, source: str | None) -> dict[str, Any] | None:
    """Chapman over this sample and the largest earlier sample of the case attributed to the
    same source: samples of different systems are not draws from one population."""
    if not ctx.case or not ctx.sample or not ctx.engine.table_exists("ws.case_samples"):
        return None
    from leaktriage.exposure.case import same_source_samples

    same, others = same_source_samples(ctx.engine, ctx.case, ctx.sample, source)
    if not same:
        if not others:
            return None
        return {
            "not_used": "capture-recapture not used: the case's other samples were attributed "
            f"to {', '.join(others)}, not to {source or 'any source'}; samples of different "
            "systems are not draws from one population"
        }
    marks = ", ".join("?" for _ in same)
    rows = ctx.engine.fetch_rows(
        "select sample, count(distinct tok) from ws.case_samples where case_name = ? "
        f"and (sample = ? or sample in ({marks})) "
        "group by sample order by sample = ? desc, 2 desc, 1 limit 2",
        [ctx.case, ctx.sample, *same, ctx.sample],
    )
    if len(rows) < 2:
        return None
    (s1, n1), (s2, n2) = rows
    common = ctx.engine.fetch_one(
        "select count(*) from (select distinct tok from ws.case_samples where case_name = ? "
        "and sample = ?) a join (select distinct tok from ws.case_samples where case_name = ? "
        "and sample = ?) b using (tok)",
        [ctx.case, s1, ctx.case, s2],
    )
    m = int(common[0]) if common else 0
    return {
        "samples": 2,
        "source": source,
        "n1": int(n1),
        "n2": int(n2),
        "common": m,
        "estimate": chapman(int(n1), int(n2), m),
    }
