"""Identifier hit rates per type, against the rate expected by chance.

A hit is a leak value whose token equals one of a source's. By chance, a random but well-formed
value hits with probability (distinct values the sources hold) / (size of the value space): in
Peru 8-digit DNIs are densely used, so invented DNIs hit real customers often, and a hit rate
must be read against that. The figure that matters is the ratio of observed to expected hits.
"""

from __future__ import annotations

import math
from typing import Any

from leaktriage.evidence._context import TriageContext

__all__ = ["SPACE_SIZE", "compute"]

#: Size of the space well-formed values are drawn from, per token domain. ``None``: unbounded in
#: practice (emails, customer ids), so chance hits are nil.
SPACE_SIZE: dict[str, float | None] = {
    "phone": 1e8,  # 9 + 8 digits: Peruvian mobile numbers
    "national_id": 1e8,  # 8-digit DNI
    "imsi": 1e10,  # MSIN digits under one MCC-MNC
    "iccid": 1e11,
    "imei": 1e14,
    "email": None,
    "customer_id": None,
}


def compute(ctx: TriageContext) -> dict[str, Any]:
    """Per domain the leak has: present values, leak rows hit, rate, chance rate, ratio, z."""
    sources = ctx.keys("source")
    e = ctx.engine
    rows = []
    for domain in sorted(ctx.leak.domains()):
        present = e.fetch_one(f"select count(*) from lp where tok_{domain} is not null")
        n = int(present[0]) if present else 0
        hit = e.fetch_one(
            f"select count(distinct leak_row) from match_hits where domain = ? "
            f"and target in {ctx.in_list(sources)}",
            [domain, *sources],
        )
        hits = int(hit[0]) if hit else 0
        held = 0
        for target in ctx.of_kind("source"):
            # counted once at registration (Workspace.register)
            known = ctx.infos[target.key].stats.get("distinct_tokens", {})
            held = max(held, int(known.get(domain, 0)))
        space = SPACE_SIZE.get(domain)
        chance = min(1.0, held / space) if space else 0.0
        expected = n * chance
        sd = math.sqrt(n * chance * (1 - chance)) if chance else 0.0
        rows.append(
            {
                "type": domain,
                "present": n,
                "hits": hits,
                "rate": hits / n if n else 0.0,
                "chance_rate": chance,
                "expected_by_chance": expected,
                "ratio_to_chance": (hits / expected) if expected else None,
                "z": ((hits - expected) / sd) if sd else None,
            }
        )
    return {"by_type": rows}
