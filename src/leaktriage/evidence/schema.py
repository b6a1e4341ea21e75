"""Schema fingerprint: how much the leak's columns and formats look like each source's.

Three parts: containment (a copy cannot hold a field its system does not have, so the share
of the leak's field types the source holds), the overlap of column types (Jaccard over
multisets, ``other`` ignored), and, for types both have, whether values are written the same
way (the dominant *shape* of a sample: ``999-999-999`` vs ``+99 999 999 999``; ``99/99/9999`` vs
``99999999``). A copy of a system keeps its formats; a re-typed or re-generated file rarely does.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from leaktriage.evidence._context import TriageContext

__all__ = ["compute", "similarity"]


#: Types that carry the same information for containment: a full name holds given names and
#: surnames; msisdn and phone are both phone numbers; dates of any role are dates.
_FAMILY = {
    "full_name": "name",
    "given_name": "name",
    "surname": "name",
    "msisdn": "phone",
    "phone": "phone",
    "birth_date": "birth_date",
}


def similarity(leak: list[dict[str, Any]], source: list[dict[str, Any]]) -> dict[str, Any]:
    """Containment, type overlap, shape agreement and their blend for two ``columns`` lists."""
    a = Counter(c["type"] for c in leak if c["type"] != "other")
    b = Counter(c["type"] for c in source if c["type"] != "other")
    union = sum((a | b).values())
    jaccard = sum((a & b).values()) / union if union else 0.0
    fa = {_FAMILY.get(t, t) for t in a}
    fb = {_FAMILY.get(t, t) for t in b}
    containment = len(fa & fb) / len(fa) if fa else 0.0
    shapes_a = {c["type"]: c.get("shape") for c in leak if c.get("shape")}
    shapes_b = {c["type"]: c.get("shape") for c in source if c.get("shape")}
    shared = [t for t in shapes_a if t in shapes_b]
    shape = sum(shapes_a[t] == shapes_b[t] for t in shared) / len(shared) if shared else None
    score = 0.5 * containment + (0.5 * jaccard if shape is None else 0.3 * jaccard + 0.2 * shape)
    return {
        "containment": containment,
        "type_overlap": jaccard,
        "shape_agreement": shape,
        "score": score,
    }


def compute(ctx: TriageContext) -> list[dict[str, Any]]:
    """``[{source, containment, type_overlap, shape_agreement, score}]``, best first."""
    out = []
    for target in ctx.of_kind("source"):
        sim = similarity(ctx.leak_columns, ctx.infos[target.key].columns)
        out.append({"source": target.name, **sim})
    return sorted(out, key=lambda r: -r["score"])
