"""Internal consistency: does the leak look like records of real people?

Figures: checksum pass rate per identifier column; duplicate rate; missing-value share; how
well document numbers follow birth years (in Peru DNIs were issued in sequence, so real people's
DNI prefix correlates with their birth year; invented ones do not); how the surname mix compares
with the reference population's; and "too clean" signals (every checksum valid, nothing missing,
no duplicates), which real exports rarely show.
"""

from __future__ import annotations

from typing import Any

from leaktriage.engines.base import quote_ident
from leaktriage.evidence._context import TriageContext
from leaktriage.match.stats import TOP_SURNAMES, dni_birth_corr
from leaktriage.vocab import IDENTIFIER_TYPES, PRESENCE_ONLY_TYPES

__all__ = ["compute"]


def compute(ctx: TriageContext) -> dict[str, Any]:
    """Consistency figures of the leak, with the reference's where a comparison needs one."""
    e = ctx.engine
    n = max(ctx.leak_rows, 1)
    checksums = []
    missing = {}
    for col in ctx.leak_columns:
        canon = col["canonical"]
        if col["type"] in IDENTIFIER_TYPES and col["type"] != "customer_id":
            row = e.fetch_one(
                f"select avg({quote_ident(canon + '__valid')}::int) from leak "
                f"where {quote_ident(canon)} is not null"
            )
            checksums.append(
                {"column": col["name"], "type": col["type"], "valid_share": row[0] if row else None}
            )
        # Presence-only types keep a flag, not a value: missing means the flag is false.
        if col["type"] in PRESENCE_ONLY_TYPES:
            flag = quote_ident(canon + "__present")
            expr = f"count(*) filter (where not coalesce({flag}, false))"
        else:
            expr = f"count(*) filter (where {quote_ident(canon)} is null)"
        row = e.fetch_one(f"select {expr} from leak")
        missing[col["name"]] = (int(row[0]) / n) if row else None

    dup = None
    for domain in ("national_id", "phone", "email", "imsi", "iccid"):
        if domain in ctx.leak.domains():
            row = e.fetch_one(
                f"select count(*) - count(distinct tok_{domain}) from lp "
                f"where tok_{domain} is not null"
            )
            dup = {"type": domain, "rate": int(row[0]) / n if row else 0.0}
            break

    # The reference's figures were computed at registration (leaktriage.match.stats).
    stats = [ctx.infos[t.key].stats for t in ctx.of_kind("source")]
    ref_corr = next((st["dni_birth_corr"] for st in stats if st.get("dni_birth_corr")), None)
    leak_corr = dni_birth_corr(e, "leak", ctx.leak_columns)

    surname_mix = None
    counts: dict[str, int] = {}
    total = 0
    for st in stats:
        for name, n in st.get("top_surnames", []):
            counts[name] = counts.get(name, 0) + n
        total += st.get("surnames_total", 0)
    if ctx.leak.has_names() and counts and total:
        top = sorted(counts, key=lambda k: (-counts[k], k))[:TOP_SURNAMES]
        e.execute("create or replace temp table ref_top (sur1 varchar)")
        e.execute("insert into ref_top select unnest(?::VARCHAR[])", [top])
        leak_share = e.fetch_one(
            "select avg((sur1 in (select sur1 from ref_top))::int) from lp where sur1 is not null"
        )
        if leak_share and leak_share[0] is not None:
            surname_mix = {
                "leak_top_share": float(leak_share[0]),
                "reference_top_share": min(1.0, sum(counts[k] for k in top) / total),
            }

    valid = [c["valid_share"] for c in checksums if c["valid_share"] is not None]
    too_clean = bool(
        valid
        and min(valid) == 1.0
        and (dup is None or dup["rate"] == 0.0)
        and all((m or 0.0) == 0.0 for m in missing.values())
    )
    return {
        "checksums": checksums,
        "duplicates": dup,
        "missing_share": missing,
        "dni_birth_year_correlation": {"leak": leak_corr, "reference": ref_corr},
        "surname_mix": surname_mix,
        "too_clean": too_clean,
    }
