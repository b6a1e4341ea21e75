"""Triage of one leak: the stages chained, and the triage JSON (``schema_version`` 1) assembled.

prepare (ingest → classify → normalize → tokenize) → match (exact tokens, then splink) →
evidence → verdict → exposure per customer. The leak's plaintext never reaches the workspace:
only, when a case is named, the tokens of its records (for capture-recapture across samples of
one case) and its exposed customers (tokens, tiers, the operator's customer ids).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from leaktriage.engines.base import Engine, transfer
from leaktriage.errors import InputRejected
from leaktriage.evidence import TriageContext
from leaktriage.evidence import agreement as ev_agreement
from leaktriage.evidence import canaries as ev_canaries
from leaktriage.evidence import claims as ev_claims
from leaktriage.evidence import consistency as ev_consistency
from leaktriage.evidence import custody as ev_custody
from leaktriage.evidence import hit_rates as ev_hit_rates
from leaktriage.evidence import linkage as ev_linkage
from leaktriage.evidence import operator as ev_operator
from leaktriage.evidence import prior_leaks as ev_prior
from leaktriage.evidence import schema as ev_schema
from leaktriage.evidence import snapshot as ev_snapshot
from leaktriage.exposure import case as ex_case
from leaktriage.exposure import customers as ex_customers
from leaktriage.exposure.clocks import load_rules as load_clock_rules
from leaktriage.exposure.clocks import obligations
from leaktriage.exposure.tiers import TierRules, load_tier_rules
from leaktriage.ingest import IngestOptions, open_input
from leaktriage.match import ProfileSpec, Target, match_exact
from leaktriage.match.bridge import bridge_links
from leaktriage.pipeline import prepare_input
from leaktriage.report.mask import mask_value
from leaktriage.verdict import attribute, decide
from leaktriage.workspace import Workspace

__all__ = ["SCHEMA_VERSION", "run_triage"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: Tables a scale-out engine hands back to the workspace engine after matching and linkage.
HANDED_BACK = ("leak", "lp", "match_hits", "match_best", "linked_rows")
#: Working tables of the linkage stage, dropped from a scale-out engine after the hand-back.
LINKAGE_WORK = ("unsettled", "link_pairs")
#: A scale-out engine runs probabilistic linkage itself only when a reference source has at
#: least this many rows; smaller references are linked on the workspace engine after the
#: hand-back (same model, same links: tests/spark/test_linkage_spark.py).
SCALE_OUT_LINKAGE_MIN_ROWS = 2_000_000
#: Environment variable that overrides :data:`SCALE_OUT_LINKAGE_MIN_ROWS` (0: always on the
#: scale-out engine).
SCALE_OUT_LINKAGE_ENV = "LEAKTRIAGE_SCALE_OUT_LINKAGE_MIN_ROWS"
#: Rows read again from the head of the leak to pick masked examples from.
SAMPLE_ROWS = 2000


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def run_triage(
    ws: Workspace,
    path: Path,
    *,
    case: str | None = None,
    claimed_records: int | None = None,
    overrides: Mapping[str, str] | None = None,
    options: IngestOptions | None = None,
    region: str = "PE",
    on_stage: Callable[[str], None] | None = None,
    rules: TierRules | None = None,
    discovered_at: datetime | None = None,
    jurisdictions: Sequence[str] | None = None,
    engine: Engine | None = None,
    sample_name: str | None = None,
) -> dict[str, Any]:
    """Judge the leak at ``path`` against the workspace; return the triage JSON document.

    ``discovered_at`` (default: now) starts the regulatory clocks; ``jurisdictions`` (default:
    the rules file's ``default``) chooses which apply. ``engine``: a scale-out engine that
    runs the data-proportional stages (reading, normalizing and tokenizing the leak, the token
    joins and best-candidate comparison against every target's index, probabilistic linkage);
    their per-record tables then come back to the workspace engine, where evidence and
    exposure run.
    """
    discovered = discovered_at or datetime.now(UTC).replace(microsecond=0)
    if discovered.tzinfo is None:
        raise ValueError("discovered_at must carry a time zone")

    def stage(name: str) -> None:
        log.info("triage stage: %s", name)
        if on_stage:
            on_stage(name)

    e = ws.engine
    data = engine if engine is not None else e
    if options is None:
        # Extracted archive members are spooled (encrypted) in the workspace's temp area.
        options = IngestOptions(work_dir=str(ws.path / "tmp"))
    stage("reading")
    prepared = prepare_input(
        data, ws.keyring, path, table="leak", options=options, overrides=overrides, region=region
    )
    rows = data.count("leak")
    if rows == 0:
        raise InputRejected("empty input: no data rows", path=str(path))
    columns = prepared.columns_json()
    leak = ProfileSpec.of("leak", columns)

    stage("matching")
    infos = {}
    targets = []
    for info in ws.list():
        target = Target(
            info.name,
            info.kind,
            ProfileSpec.of(info.table, info.columns),
            ws.profile_for(info.kind, info.name),
        )
        targets.append(target)
        infos[target.key] = info
    ctx = TriageContext(
        engine=e,
        leak=leak,
        leak_columns=columns,
        leak_rows=rows,
        targets=targets,
        infos=infos,
        claimed_records=claimed_records,
        case=case,
    )
    # Linkage runs where the references are large: on a scale-out engine only against
    # sources of SCALE_OUT_LINKAGE_MIN_ROWS rows or more (below, Spark's per-job overhead makes
    # splink 10-50x slower than on the workspace engine, with the same links).
    link_here = data is e or (
        max((i.rows for i in infos.values() if i.kind == "source"), default=0)
        < int(os.environ.get(SCALE_OUT_LINKAGE_ENV, SCALE_OUT_LINKAGE_MIN_ROWS))
    )
    if data is e:
        match_exact(e, leak, targets)
    else:
        # the same SQL on the scale-out engine, against each target's exported index
        indexed = [replace(t, profile=ws.index_view(data, infos[t.key])) for t in targets]
        match_exact(data, leak, indexed)
        if not link_here:
            stage("linkage")
            # splink on the scale-out engine too (its SparkAPI), against the indexed profiles
            linkage = ev_linkage.compute(replace(ctx, engine=data, targets=indexed))
        for table in HANDED_BACK:
            if not (link_here and table == "linked_rows"):
                transfer(data, table, e, table)
        for table in (*HANDED_BACK, *LINKAGE_WORK):
            data.execute(f"drop table if exists {table}")
    sample, sample_sha256 = _store_case_sample(ws, ctx, path) if case else (None, None)
    ctx.sample = sample

    if link_here:
        stage("linkage")
        linkage = ev_linkage.compute(ctx)
    stage("evidence")
    # records followed to the sources they did not hit (an HSS row's MSISDN reaches the CRM)
    # (a line token only to the row that held the line then: numbers are reassigned)
    bridge_links(e, ctx.of_kind("source"), {t.key: infos[t.key].as_of for t in targets})
    evidence: dict[str, Any] = {
        "linkage": linkage,
        "hit_rates": ev_hit_rates.compute(ctx),
        "agreement": ev_agreement.compute(ctx),
        # are the identifiers only we can hold (lines, SIMs, customer ids, plans) ours?
        "operator": ev_operator.compute(ctx),
        "consistency": ev_consistency.compute(ctx),
        "prior_leaks": ev_prior.compute(ctx),
        "canaries": ev_canaries.compute(ctx),
        "schema": ev_schema.compute(ctx),
        # customer events only, for attribution; dated again once the source is known
        "snapshot": ev_snapshot.compute(ctx),
    }
    stage("verdict")
    verdict, genuine = decide(evidence, rows=rows, domains=leak.domains())
    if verdict.identifier_only:
        # the verdict counts identifier-only hits far above chance as genuine: so do exposure
        # and dating (every SIM of an IMSI + Ki/OPc dump is a customer's)
        evidence["agreement"]["genuine_rows"] = ev_agreement.count_identifier_only(ctx)
    as_of = {t.name: infos[t.key].as_of for t in ctx.of_kind("source")}
    attribution = attribute(
        evidence["agreement"], evidence["schema"], as_of, evidence["snapshot"], evidence["canaries"]
    )
    source_target = next(
        (t for t in ctx.of_kind("source") if t.name == attribution["source"]), None
    )
    if verdict.label in ("fabricated", "unrelated", "inconclusive") and not evidence["canaries"]:
        attribution["source"] = None
        source_target = None
    if source_target is not None:
        evidence["snapshot"] = ev_snapshot.compute(ctx, source_target)
    # a divested unit's archive: the seller's retained copy, or the buyer's system since?
    custody = (
        ev_custody.compute(ctx, source_target, infos[source_target.key], evidence["snapshot"])
        if source_target is not None and verdict.label in ("genuine", "mixed")
        else None
    )
    if custody is not None:
        evidence["snapshot"] = ev_custody.bound_snapshot(evidence["snapshot"], custody)
    evidence["claims"] = ev_claims.compute(ctx, source_target, evidence["snapshot"], genuine)
    if source_target is not None and verdict.label in ("genuine", "mixed", "recycled"):
        snap = evidence["snapshot"]
        if snap["earliest"]:
            origin = (
                f"{custody['buyer']}'s system (the unit whose archive is '{source_target.name}')"
                if custody is not None and custody["holder"] == "buyer"
                else f"'{source_target.name}'"
            )
            verdict.reasons.append(
                f"records come from {origin} as of "
                f"{snap['earliest']}–{snap['latest'] or 'later'} ({snap['basis']})"
            )
    if custody is not None:
        verdict.reasons.extend(custody["reasons"])
    verdict.reasons.extend(evidence["claims"]["reasons"])

    stage("exposure")
    exposure = ex_customers.compute(
        ctx,
        rules or load_tier_rules(),
        attribution["source"],
        # another holder's records: their identity is exposed, not a line of ours
        scope="identity" if verdict.other_holder else "line",
    )
    moved = ex_customers.reassigned_reason(exposure)
    if moved:
        verdict.reasons.append(moved)
    if case and sample:
        ex_customers.store(ctx, case, sample)
        ws.engine.checkpoint()
    examples = _masked_examples(ctx, path, options, prepared.report.table)
    clock_rules = load_clock_rules()
    owed = obligations(
        exposed_fields=exposure["by_field"],
        customers=exposure["customers"],
        discovered_at=discovered,
        jurisdictions=list(jurisdictions) if jurisdictions else clock_rules.get("default"),
        rules=clock_rules,
    )
    snap = evidence["snapshot"]
    result = {
        "schema_version": SCHEMA_VERSION,
        "case": case,
        "input": prepared.input_json(),
        "columns": columns,
        "verdict": verdict.to_json(),
        "genuine_fraction": round(genuine, 4),
        "matched_customers": exposure["customers"],
        "attribution": attribution,
        "custody": custody,
        "snapshot": {
            "earliest": _iso(snap["earliest"]),
            "latest": _iso(snap["latest"]),
            "width_days": snap["width_days"],
            "basis": snap["basis"],
        },
        "recycled_from": [
            {
                "corpus": p["corpus"],
                "overlap": round(p["overlap"], 4),
                "rows": p["rows"],
                # share of records this corpus adds to the ones listed before it
                "explains": round(p["explains"], 4),
            }
            for p in evidence["prior_leaks"]
            if p["overlap"] > 0
        ],
        "recycled_unexplained": _round(ev_prior.unexplained(evidence["prior_leaks"])),
        "exposure": exposure,
        "discovered_at": discovered.isoformat(),
        "obligations": [o.to_json() for o in owed],
        "examples": examples,
        "claims": {
            k: evidence["claims"][k]
            for k in ("claimed_records", "estimated_records", "plausible", "reasons")
        },
        "evidence": _jsonable(evidence),
    }
    if case and sample:
        # this sample's own result, then the case across its samples (people counted once)
        ex_case.store_sample_result(
            e,
            case,
            sample,
            sample_name or path.name,
            result,
            sha256=sample_sha256,
            file_bytes=path.stat().st_size,
        )
        result["case_samples"] = ex_case.case_summary(e, case, rules or load_tier_rules())
        e.checkpoint()
    return result


def _store_case_sample(ws: Workspace, ctx: TriageContext, path: Path) -> tuple[str, str]:
    """Keep the tokens of this sample's people under the case, for capture-recapture.

    Returns the sample's id (a prefix of the file's digest, so re-triaging the same file
    replaces it) and the file's full SHA-256 (the CSIRT exports list it).
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    full = digest.hexdigest()
    sample = full[:16]
    domain = ev_claims.primary_domain(ctx)
    if domain is None:
        return sample, full
    e = ctx.engine
    e.execute(
        "create table if not exists ws.case_samples "
        "(case_name varchar, sample varchar, domain varchar, tok varchar)"
    )
    e.execute("delete from ws.case_samples where case_name = ? and sample = ?", [ctx.case, sample])
    e.execute(
        f"insert into ws.case_samples select ?, ?, ?, tok_{domain} from lp "
        f"where tok_{domain} is not null",
        [ctx.case, sample, domain],
    )
    ws.engine.checkpoint()
    return sample, full


#: Genuine records shown, masked, in reports.
EXAMPLES = 3


def _masked_examples(
    ctx: TriageContext, path: Path, options: IngestOptions | None, table: str | None
) -> list[dict[str, str]]:
    """A few genuine records of the leak, every value masked (``J*** Q***``, ``*****4821``).

    Read again from the head of the file (the triage tables hold no plaintext), masked here,
    and only then put in the document.
    """
    rows = ctx.engine.fetch_rows(
        f"select leak_row from genuine_rows where leak_row < {SAMPLE_ROWS} "
        f"order by leak_row limit {EXAMPLES}"
    )
    if not rows:
        return []
    wanted = [int(r[0]) for r in rows]
    types = {c["name"]: c["type"] for c in ctx.leak_columns}
    sample_options = IngestOptions(on_error="skip") if options is None else options
    # The same table as the triage read (a multi-table input's chosen one).
    sample_options = replace(sample_options, table=table, progress=None)
    with open_input(path, sample_options) as reader:
        sample = reader.sample(SAMPLE_ROWS).to_pylist()
    return [
        {
            name: mask_value(value or "", types.get(name, "other"))
            for name, value in sample[i].items()
        }
        for i in wanted
        if i < len(sample)
    ]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value
