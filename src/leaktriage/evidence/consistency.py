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
from leaktriage.vocab import IDENTIFIER_TYPES

__all__ = ["TOP_SURNAMES", "compute"]

#: How many of the reference's most frequent surnames the surname-mix figure uses.
TOP_SURNAMES = 50


def _dni_birth_corr(ctx: TriageContext, table: str, columns: list[dict[str, Any]]) -> float | None:
    ids = [c for c in columns if c["type"] == "national_id" and c.get("scheme") == "pe.dni"]
    dobs = [c for c in columns if c["type"] == "birth_date" or c.get("role") == "birth"]
    if not ids or not dobs:
        return None
    prefix = quote_ident(ids[0]["canonical"] + "__prefix")
    dob = quote_ident(dobs[0]["canonical"])
    try:
        row = ctx.engine.fetch_one(
            f"select corr({prefix}::double, year({dob})::double), count(*) "
            f"from {table} where {prefix} is not null and {dob} is not null"
        )
    except Exception:  # noqa: BLE001 - a table registered before prefixes existed
        return None
    if not row or row[0] is None or int(row[1]) < 30:
        return None
    return float(row[0])


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
        value_col = (
            canon
            if col["type"] not in ("ki", "opc", "password_hash", "ip_address", "other")
            else canon + "__present"
        )
        expr = (
            f"count(*) filter (where not coalesce({quote_ident(value_col)}, false))"
            if value_col.endswith("__present")
            else f"count(*) filter (where {quote_ident(value_col)} is null)"
        )
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

    sources = ctx.of_kind("source")
    ref_corr = None
    for target in sources:
        info = ctx.infos[target.key]
        ref_corr = _dni_birth_corr(ctx, info.table, info.columns)
        if ref_corr is not None:
            break
    leak_corr = _dni_birth_corr(ctx, "leak", ctx.leak_columns)

    surname_mix = None
    if ctx.leak.has_names() and sources:
        union = " union all ".join(
            f"select sur1 from {ctx.profile(t)} where sur1 is not null" for t in sources
        )
        e.execute(
            f"create or replace temp table ref_top as select sur1 from ({union}) "
            f"group by sur1 order by count(*) desc, sur1 limit {TOP_SURNAMES}"
        )
        ref_share = e.fetch_one(
            f"select avg((sur1 in (select sur1 from ref_top))::int) from ({union})"
        )
        leak_share = e.fetch_one(
            "select avg((sur1 in (select sur1 from ref_top))::int) from lp where sur1 is not null"
        )
        if ref_share and leak_share and leak_share[0] is not None:
            surname_mix = {
                "leak_top_share": float(leak_share[0]),
                "reference_top_share": float(ref_share[0] or 0.0),
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
