"""Probabilistic linkage of the records exact identifiers did not settle.

Records that no identifier of theirs finds (names and birth dates only, mangled documents,
invented padding) are linked with splink to the source that holds names and agrees with most records
(or, when none agrees, the one with the richest fields). A link above the threshold is
cross-field agreement on names, birth date and address, so the record counts as genuine. When
more records are unsettled than :data:`MAX_ROWS`, a fixed random sample is linked and only the
estimated share is reported (the record-level genuine set then stays the exact one).

Writes ``linked_rows(leak_row, target, t_row, match_probability)`` (empty when nothing ran).
"""

from __future__ import annotations

import logging
from typing import Any

from leaktriage.engines.base import Engine
from leaktriage.evidence._context import TriageContext
from leaktriage.match import Target, link_probabilistic
from leaktriage.match.linkage import LinkageTooBroad, sample_rows

__all__ = ["MAX_ROWS", "THRESHOLD", "compute"]

log = logging.getLogger(__name__)

#: Unsettled records linked one by one; above this a sample of this size is linked.
MAX_ROWS = 10_000
#: Match probability from which a link counts: high, because Peruvian names are skewed and a
#: false link would count an invented person as a customer.
THRESHOLD = 0.99


def _empty_linked_rows(e: Engine) -> None:
    e.execute(
        "create or replace temp table linked_rows (leak_row bigint, target varchar, "
        "t_row bigint, match_probability double)"
    )


def _best_named_source(ctx: TriageContext) -> Target | None:
    """The one source linkage runs against: with names, most exact agreements, richest
    fields; ``None`` when no source has names."""
    named = [t for t in ctx.of_kind("source") if t.spec.has_names()]
    if not named:
        return None

    def rank(t: Target) -> tuple[int, int]:
        row = ctx.engine.fetch_one(
            "select count(*) from match_best where agrees and target = ?", [t.key]
        )
        fields = sum(t.spec.has(f) for f in ("dob", "address")) + len(t.spec.domains())
        return (int(row[0]) if row else 0, fields)

    return max(named, key=rank)


def compute(ctx: TriageContext) -> dict[str, Any]:
    """Run the linkage and return its figures."""
    e = ctx.engine
    _empty_linked_rows(e)
    target = _best_named_source(ctx)
    if not ctx.leak.has_names() or target is None:
        return {"ran": False, "reason": "names are needed on both sides"}
    beside = (
        (ctx.leak.has("dob") and target.spec.has("dob"))
        or (ctx.leak.has("address") and target.spec.has("address"))
        or bool(ctx.leak.domains() & target.spec.domains())
    )
    if not beside:
        return {
            "ran": False,
            "reason": "names alone cannot tell namesakes apart: linkage needs a birth date, "
            "an address or an identifier beside them",
        }
    keys = ctx.keys("source")
    # Records no identifier of theirs finds at all; a record whose identifier belongs to a
    # customer but whose name does not is re-paired, and a namesake would not make it genuine.
    e.execute(
        f"""create or replace temp table unsettled as
            select _row from lp where _row not in (
                select leak_row from match_best where target in {ctx.in_list(keys)})""",
        keys,
    )
    unsettled = e.count("unsettled")
    if unsettled == 0:
        return {"ran": False, "reason": "every record was settled by exact identifiers"}
    sampled = unsettled > MAX_ROWS
    if sampled:
        # a fixed sample, the same on every engine
        sample_rows(e, "unsettled", "unsettled", MAX_ROWS, "7")
    considered = e.count("unsettled")
    try:
        pairs = link_probabilistic(
            e,
            ctx.leak,
            target.spec,
            rows="unsettled",
            threshold=THRESHOLD,
            profiles=("lp", ctx.profile(target)),
        )
    except LinkageTooBroad as exc:
        log.info("linkage skipped: %d candidate pairs", exc.pairs)
        return {
            "ran": False,
            "reason": f"{exc.pairs:,} candidate pairs: names too common for this reference "
            f"size to link one by one",
            "unsettled_rows": unsettled,
        }
    # A national ID is one person's for life: a link between two different ones is two
    # namesakes born the same day, not one customer.
    e.execute(
        f"""create or replace temp table linked_rows as
            select p.leak_row, ?::VARCHAR as target, p.t_row, p.match_probability from {pairs} p
            join lp l on l._row = p.leak_row join {ctx.profile(target)} t on t._row = p.t_row
            where p.match_probability >= {THRESHOLD}
              and not coalesce(l.tok_national_id <> t.tok_national_id, false)""",
        [target.key],
    )
    e.execute(f"drop table if exists {pairs}")
    linked = e.count("linked_rows")
    by_source = [{"source": target.name, "linked_rows": linked}]
    if sampled:
        # An estimate only: the record-level genuine set keeps to exact matches.
        _empty_linked_rows(e)
    log.info("linkage: %d of %d unsettled records linked", linked, considered)
    return {
        "ran": True,
        "unsettled_rows": unsettled,
        "linked_in": considered,
        "sampled": sampled,
        "linked_rows": linked,
        "linked_share": linked / considered if considered else 0.0,
        "estimated_linked_rows": round(linked / considered * unsettled) if considered else 0,
        "threshold": THRESHOLD,
        "by_source": by_source,
    }
