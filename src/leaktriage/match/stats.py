"""Figures of a registered table computed once, at registration, for every later triage.

``distinct_tokens`` per identifier domain (how dense real values are in each identifier space),
``dni_birth_corr`` (how document numbers follow birth years among real customers) and
``top_surnames`` (the most frequent first surnames with counts, and the total): triage compares
each leak with them without scanning the sources again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from leaktriage.engines.base import Engine, quote_ident
from leaktriage.match.profile import ProfileSpec

__all__ = ["TOP_SURNAMES", "dni_birth_corr", "index_stats"]

#: How many of the most frequent surnames are kept.
TOP_SURNAMES = 50
#: Fewer pairs than this give no correlation.
MIN_PAIRS = 30


def dni_birth_corr(
    engine: Engine, table: str, columns: Sequence[Mapping[str, Any]]
) -> float | None:
    """Correlation of the Peruvian DNI's first two digits with the birth year, or None."""
    ids = [c for c in columns if c["type"] == "national_id" and c.get("scheme") == "pe.dni"]
    dobs = [c for c in columns if c["type"] == "birth_date" or c.get("role") == "birth"]
    if not ids or not dobs:
        return None
    prefix = quote_ident(ids[0]["canonical"] + "__prefix")
    dob = quote_ident(dobs[0]["canonical"])
    row = engine.fetch_one(
        f"select corr({prefix}::double, year({dob})::double), count(*) "
        f"from {table} where {prefix} is not null and {dob} is not null",
        step="dni/birth correlation",
    )
    if not row or row[0] is None or int(row[1]) < MIN_PAIRS:
        return None
    return float(row[0])


def index_stats(engine: Engine, table: str, profile: str, spec: ProfileSpec) -> dict[str, Any]:
    """The figures of one registered table (its records in ``table``, profile in ``profile``)."""
    domains = sorted(spec.domains())
    distinct: dict[str, int] = {}
    if domains:
        counts = engine.fetch_one(
            "select " + ", ".join(f"count(distinct tok_{d})" for d in domains) + f" from {profile}",
            step="distinct tokens",
        )
        distinct = {d: int(n) for d, n in zip(domains, counts or (), strict=True)}
    top: list[list[Any]] = []
    total = 0
    if spec.has_names():
        top = [
            [r[0], int(r[1])]
            for r in engine.fetch_rows(
                f"select sur1, count(*) from {profile} where sur1 is not null "
                f"group by sur1 order by 2 desc, 1 limit {TOP_SURNAMES}",
                step="top surnames",
            )
        ]
        row = engine.fetch_one(f"select count(sur1) from {profile}", step="surnames")
        total = int(row[0]) if row else 0
    return {
        "distinct_tokens": distinct,
        "dni_birth_corr": dni_birth_corr(engine, table, spec.columns),
        "top_surnames": top,
        "surnames_total": total,
    }
