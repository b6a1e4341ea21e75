"""Canary hits: planted synthetic customers that name the copy a leak came from."""

from __future__ import annotations

from typing import Any

from leaktriage.evidence._context import TriageContext

__all__ = ["compute"]


def compute(ctx: TriageContext) -> list[dict[str, Any]]:
    """``[{source, count}]`` for every copy whose canaries appear in the leak."""
    out = []
    for target in ctx.of_kind("canary"):
        row = ctx.engine.fetch_one(
            "select count(distinct t_row) from match_hits where target = ?", [target.key]
        )
        count = int(row[0]) if row else 0
        if count:
            out.append({"source": target.name, "count": count})
    return sorted(out, key=lambda r: -r["count"])
