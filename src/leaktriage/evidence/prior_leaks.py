"""Overlap with each registered prior leak: a leak mostly made of one is recycled."""

from __future__ import annotations

from typing import Any

from leaktriage.evidence._context import TriageContext

__all__ = ["compute"]


def compute(ctx: TriageContext) -> list[dict[str, Any]]:
    """``[{corpus, overlap, rows}]``: share of leak rows found in each corpus, largest first."""
    out = []
    for target in ctx.of_kind("corpus"):
        row = ctx.engine.fetch_one(
            "select count(distinct leak_row) from match_best where target = ? "
            "and (agrees or comparable_fields = 0)",
            [target.key],
        )
        hits = int(row[0]) if row else 0
        out.append(
            {
                "corpus": target.name,
                "overlap": hits / ctx.leak_rows if ctx.leak_rows else 0.0,
                "rows": hits,
                "corpus_rows": ctx.infos[target.key].rows,
            }
        )
    return sorted(out, key=lambda r: -r["overlap"])
