"""Overlap with every registered prior leak at once: a leak made of known ones is recycled.

A combolist merges several earlier leaks (and often invented rows), so no single corpus need
hold most of it. Each corpus's ``overlap`` is the share of leak records found in it; the
corpora are then taken greedily (the one holding most records not yet explained first), and each
one's ``explains`` is the share of records it adds. What no corpus holds is
:func:`unexplained`. A record is *in* a corpus when its best candidate there agrees, or matches
on identifiers with nothing else to compare.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from leaktriage.evidence._context import TriageContext

__all__ = ["compute", "unexplained"]


def compute(ctx: TriageContext) -> list[dict[str, Any]]:
    """``[{corpus, overlap, rows, corpus_rows, explains, explains_rows}]`` in greedy order.

    ``overlap``: share of leak rows found in the corpus; ``explains``: share of leak rows it
    adds to the corpora before it in the list (the first explains its whole overlap).
    """
    corpora = ctx.of_kind("corpus")
    if not corpora:
        return []
    keys = [t.key for t in corpora]
    # The distinct sets of corpora a leak row is in, with their row counts: few, whatever the
    # leak's size, so the cover is computed in Python.
    combos: Counter[frozenset[str]] = Counter()
    for targets, count in ctx.engine.fetch_rows(
        f"""select ts, count(*) from (
                select leak_row, list_sort(list(distinct target)) as ts from match_best
                where target in {ctx.in_list(keys)} and (agrees or comparable_fields = 0)
                group by leak_row)
            group by ts""",
        keys,
    ):
        combos[frozenset(targets)] += int(count)
    n = ctx.leak_rows
    by_key = {t.key: t for t in corpora}
    rows = {k: sum(c for ts, c in combos.items() if k in ts) for k in keys}
    out = []
    left = dict(combos)
    remaining = sorted(keys, key=lambda k: (-rows[k], by_key[k].name))
    while remaining:
        gain = {k: sum(c for ts, c in left.items() if k in ts) for k in remaining}
        best = max(remaining, key=lambda k: (gain[k], rows[k], -remaining.index(k)))
        remaining.remove(best)
        left = {ts: c for ts, c in left.items() if best not in ts}
        target = by_key[best]
        out.append(
            {
                "corpus": target.name,
                "overlap": rows[best] / n if n else 0.0,
                "rows": rows[best],
                "corpus_rows": ctx.infos[best].rows,
                "explains": gain[best] / n if n else 0.0,
                "explains_rows": gain[best],
            }
        )
    return out


def unexplained(prior: list[dict[str, Any]]) -> float | None:
    """Share of leak records no registered corpus holds; None when no corpus is registered."""
    if not prior:
        return None
    return max(0.0, 1.0 - sum(p["explains"] for p in prior))
