"""A case of several samples: each keeps its own result; the case counts people once.

A claim is often answered with more than one sample (the seller posts 1,000 records, then
another 10,000). Each sample is triaged on its own and keeps its verdict, attribution,
snapshot and exposure (``ws.case_sample_results``); the case's exposure is the union of the
samples' exposed customers, each counted once with the highest tier any sample gave them
(``ws.case_exposure`` holds them per sample). Capture-recapture across samples estimates the
size of the one population they were drawn from, so it is used only for samples attributed to
the same source (:func:`same_source_samples`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from leaktriage.engines.base import Engine
from leaktriage.exposure.tiers import TierRules

__all__ = ["case_summary", "same_source_samples", "sample_results", "store_sample_result"]

_RESULTS = "ws.case_sample_results"


def _ensure(e: Engine) -> None:
    e.execute(
        f"""create table if not exists {_RESULTS} (
              case_name varchar, sample varchar, file_name varchar, triaged_at timestamp,
              label varchar, genuine_fraction double, source varchar, rows bigint,
              snapshot_earliest date, snapshot_latest date, custody varchar,
              exposed_customers bigint, by_tier_json varchar)"""
    )
    # added later, to tables written before: the sample's triage JSON (so commands can read a
    # case's latest result) and the file's full SHA-256 and size (the CSIRT exports list them)
    added = (("result_json", "varchar"), ("sha256", "varchar"), ("file_bytes", "bigint"))
    for column, kind in added:
        e.execute(f"alter table {_RESULTS} add column if not exists {column} {kind}")


def store_sample_result(
    e: Engine,
    case: str,
    sample: str,
    file_name: str,
    result: dict[str, Any],
    *,
    sha256: str | None = None,
    file_bytes: int | None = None,
) -> None:
    """Keep one sample's own verdict, attribution, snapshot and exposure counts (no person's
    data: labels, dates and counts only), its triage JSON, and the file's SHA-256 and size.
    Re-triaging the same file replaces its entry."""
    _ensure(e)
    e.execute(f"delete from {_RESULTS} where case_name = ? and sample = ?", [case, sample])
    snap = result.get("snapshot") or {}
    custody = result.get("custody") or {}
    e.execute(
        f"""insert into {_RESULTS} (case_name, sample, file_name, triaged_at, label,
              genuine_fraction, source, rows, snapshot_earliest, snapshot_latest, custody,
              exposed_customers, by_tier_json, result_json, sha256, file_bytes)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            case,
            sample,
            file_name,
            datetime.now(UTC).replace(tzinfo=None),
            result["verdict"]["label"],
            float(result["genuine_fraction"]),
            result["attribution"]["source"],
            int(result["input"]["rows"]),
            snap.get("earliest"),
            snap.get("latest"),
            custody.get("holder"),
            int(result["exposure"]["customers"]),
            json.dumps(result["exposure"].get("by_tier") or {}),
            json.dumps(result, default=str),
            sha256,
            file_bytes,
        ],
    )


def sample_results(e: Engine, case: str) -> list[dict[str, Any]]:
    """The triage JSON of each sample of ``case`` that kept one, oldest first (samples triaged
    before the column existed kept none)."""
    _ensure(e)
    rows = e.fetch_rows(
        f"""select result_json from {_RESULTS} where case_name = ? and result_json is not null
            order by triaged_at, sample""",
        [case],
    )
    return [json.loads(r[0]) for r in rows]


def same_source_samples(
    e: Engine, case: str, sample: str, source: str | None
) -> tuple[list[str], list[str]]:
    """The case's earlier samples attributed to ``source`` (capture-recapture may pair this
    sample with them) and the sources of the others (it may not)."""
    if not e.table_exists(_RESULTS):
        return [], []
    rows = e.fetch_rows(
        f"select sample, source from {_RESULTS} where case_name = ? and sample <> ?",
        [case, sample],
    )
    same = [r[0] for r in rows if r[1] == source and source is not None]
    others = sorted({r[1] or "no source" for r in rows if r[1] != source or source is None})
    return same, others


def case_summary(e: Engine, case: str, rules: TierRules) -> dict[str, Any]:
    """The case across its samples: each sample's own result, and the union of exposed
    customers (counted once, highest tier) — the ``case_samples`` block of the triage JSON."""
    _ensure(e)
    samples = [
        {
            "sample": r[0],
            "file_name": r[1],
            "triaged_at": r[2].isoformat() if r[2] else None,
            "label": r[3],
            "genuine_fraction": round(float(r[4]), 4),
            "source": r[5],
            "rows": int(r[6]),
            "snapshot": {
                "earliest": r[7].isoformat() if r[7] else None,
                "latest": r[8].isoformat() if r[8] else None,
            },
            "custody": r[9],
            "exposed_customers": int(r[10]),
            "by_tier": json.loads(r[11] or "{}"),
            "sha256": r[12],
            "file_bytes": int(r[13]) if r[13] is not None else None,
        }
        for r in e.fetch_rows(
            f"""select sample, file_name, triaged_at, label, genuine_fraction, source, rows,
                       snapshot_earliest, snapshot_latest, custody, exposed_customers,
                       by_tier_json, sha256, file_bytes
                from {_RESULTS} where case_name = ? order by triaged_at, sample""",
            [case],
        )
    ]
    union: dict[str, Any] = {"customers": 0, "by_tier": {}, "by_field": {}}
    if e.table_exists("ws.case_exposure"):
        order = [t.name for t in rules.tiers]
        rank = " ".join(f"when '{name}' then {i}" for i, name in enumerate(order))
        rows = e.fetch_rows(
            f"""select tier, count(*) from (
                  select customer_key,
                         arg_min(tier, case tier {rank} else {len(order)} end) as tier
                  from ws.case_exposure where case_name = ? group by customer_key)
                group by tier order by tier""",
            [case],
        )
        union["by_tier"] = {r[0]: int(r[1]) for r in rows}
        union["customers"] = sum(union["by_tier"].values())
        union["by_field"] = {
            r[0]: int(r[1])
            for r in e.fetch_rows(
                """select f, count(distinct customer_key) from (
                     select customer_key, unnest(fields) as f from ws.case_exposure
                     where case_name = ?) group by f order by f""",
                [case],
            )
        }
    return {"samples": samples, "exposure": union}
