"""What a case may tell a CSIRT: aggregate counts, labels, dates and file digests, nothing more.

The exports never read the triage JSON directly: they read :class:`CaseFacts`, built here by
copying a fixed list of fields out of the case's stored results. Every value is a count, a
fraction, a date, a label from a closed vocabulary (verdict labels, risk tiers, column types),
a name the operator registered (a source, a known-leak corpus), a jurisdiction from the rules
file, or a SHA-256 digest of a sample file. No identifier of any person can pass: the triage
JSON's ``examples`` (masked records), column names (chosen by whoever made the leak), file names
and the free-text reasons are left out on purpose, and unknown keys of ``by_field``/``by_tier``
are dropped.

The mappings from leaktriage's verdicts to the STIX Incident Core Extension and to MISP are data
here, each with the reason for it, so both exports say the same thing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

from leaktriage.engines.base import Engine
from leaktriage.errors import WorkspaceError
from leaktriage.exposure import case as ex_case
from leaktriage.exposure.tiers import TierRules, load_tier_rules
from leaktriage.vocab import COLUMN_TYPES, RISK_TIERS

__all__ = [
    "CRITICALITY",
    "DETERMINATION",
    "LABEL_PRIORITY",
    "LOSS_TYPE",
    "TLP_LEVELS",
    "CaseFacts",
    "ObligationFacts",
    "SampleFacts",
    "claim_text",
    "counts_text",
    "facts_from",
    "incident_text",
    "load_case_facts",
]

log = logging.getLogger(__name__)

#: TLP 2.0 levels (FIRST), as the CLI and API take them.
TLP_LEVELS: Final[tuple[str, ...]] = ("clear", "green", "amber", "amber+strict", "red")

#: Verdict label → Incident Core Extension ``determination`` (incident-determination-enum of the
#: Incident Extension Suite 2.0):
#: * genuine, mixed → ``confirmed``: records of real customers of ours are out (mixed: padded
#:   with invented ones, but the real ones are exposed all the same);
#: * recycled → ``confirmed``: the records are ours and in the attacker's hands, but from a
#:   known earlier leak; the incident types add ``duplicate`` and the description names the
#:   corpus, so a CSIRT does not count it as a new breach;
#: * fabricated, unrelated → ``false-positive``: the claim is false (invented people, or real
#:   people who are not our customers); the incident types say ``refuted``;
#: * inconclusive → ``suspected``: not enough evidence either way.
DETERMINATION: Final[dict[str, str]] = {
    "genuine": "confirmed",
    "mixed": "confirmed",
    "recycled": "confirmed",
    "fabricated": "false-positive",
    "unrelated": "false-positive",
    "inconclusive": "suspected",
}
#: Verdict label → confidentiality impact ``loss_type`` (incident-confidentiality-loss-enum).
LOSS_TYPE: Final[dict[str, str]] = {
    "genuine": "confirmed-loss",
    "mixed": "confirmed-loss",
    "recycled": "confirmed-loss",
    "fabricated": "none",
    "unrelated": "none",
    "inconclusive": "suspected-loss",
}
#: Incident types (event-type-ov) by determination; recycled adds ``duplicate``.
INCIDENT_TYPES: Final[dict[str, list[str]]] = {
    "confirmed": ["unauthorized-release"],
    "false-positive": ["refuted"],
    "suspected": ["insufficient-data"],
}
#: Worst exposed tier → incident ``criticality`` (0-100, the extension's Appendix B
#: "None, Low, High, Extreme" scale): cloned SIMs extreme, SIM swap and identity theft high,
#: phishing and the rest low. A false positive is 0.
CRITICALITY: Final[dict[str, int]] = {
    "sim_replacement": 95,
    "sim_swap": 65,
    "identity_theft": 65,
    "phishing": 20,
    "low": 10,
}
#: Which label leads a case of several samples: the most serious outcome any sample had.
LABEL_PRIORITY: Final[tuple[str, ...]] = (
    "genuine",
    "mixed",
    "recycled",
    "inconclusive",
    "unrelated",
    "fabricated",
)
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Column types whose exposure is of authentication secrets, not only personal data.
CREDENTIAL_TYPES: Final[frozenset[str]] = frozenset({"ki", "opc", "password_hash"})


@dataclass(frozen=True)
class SampleFacts:
    """One sample of the case: its file's digest and size, and its own counts."""

    sample: str
    """The sample's id (the first 16 hex digits of the file's SHA-256)."""
    sha256: str | None
    """The file's full SHA-256 (None for samples triaged before it was kept)."""
    file_bytes: int | None
    triaged_at: datetime | None
    label: str
    source: str | None
    """The internal system the sample's records were attributed to (a registered name)."""
    genuine_fraction: float
    rows: int
    exposed_customers: int

    @property
    def genuine_records(self) -> int:
        """Records of this sample judged to be real customers' (rounded)."""
        return round(self.rows * self.genuine_fraction)


@dataclass(frozen=True)
class ObligationFacts:
    """A notification the law asks for: who, by when, on what basis (from the rules file)."""

    jurisdiction: str
    authority: str | None
    deadline: datetime | None
    clock: str | None
    basis: str | None


@dataclass(frozen=True)
class CaseFacts:
    """Everything the CSIRT exports say about a case, and nothing else."""

    case: str
    discovered_at: datetime
    label: str
    """The leading verdict across the samples (:data:`LABEL_PRIORITY`)."""
    confidence: float | None
    genuine_fraction: float | None
    snapshot_earliest: date | None
    snapshot_latest: date | None
    exposed_customers: int
    """People counted once across the samples."""
    by_tier: dict[str, int]
    by_field: dict[str, int]
    claimed_records: int | None
    estimated_records: int | None
    plausible: bool | None
    recycled_from: list[tuple[str, float]] = field(default_factory=list)
    obligations: list[ObligationFacts] = field(default_factory=list)
    samples: list[SampleFacts] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Records held in the samples."""
        return sum(s.rows for s in self.samples)

    @property
    def genuine_records(self) -> int:
        """Records of the samples judged to be real customers'."""
        return sum(s.genuine_records for s in self.samples)

    @property
    def sources(self) -> list[str]:
        """The internal systems the samples were attributed to (registered names), in order."""
        return list(dict.fromkeys(s.source for s in self.samples if s.source))

    @property
    def determination(self) -> str:
        """The Incident Core Extension's determination (:data:`DETERMINATION`)."""
        return DETERMINATION.get(self.label, "suspected")

    @property
    def loss_type(self) -> str:
        """The confidentiality impact's loss type (:data:`LOSS_TYPE`)."""
        return LOSS_TYPE.get(self.label, "suspected-loss")

    @property
    def incident_types(self) -> list[str]:
        """Incident types (event-type-ov) for the determination."""
        types = list(INCIDENT_TYPES.get(self.determination, ["insufficient-data"]))
        if self.label == "recycled":
            types.append("duplicate")
        return types

    @property
    def worst_tier(self) -> str | None:
        """The most serious tier any exposed customer has (tiers in the rules' order)."""
        return next((t for t in RISK_TIERS if self.by_tier.get(t)), None)

    @property
    def criticality(self) -> int:
        """The incident's criticality, 0-100 (:data:`CRITICALITY`)."""
        if self.determination == "false-positive" or self.worst_tier is None:
            return 0
        return CRITICALITY.get(self.worst_tier, 10)

    @property
    def credential_records(self) -> int:
        """Exposed customers whose authentication secrets (Ki/OPc, password hashes) leaked."""
        return max((self.by_field.get(t, 0) for t in CREDENTIAL_TYPES), default=0)

    @property
    def sample_digests(self) -> list[SampleFacts]:
        """The samples whose file digest is known, oldest first."""
        return [s for s in self.samples if s.sha256]


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"


def counts_text(counts: dict[str, int]) -> str:
    """``sim_swap 1,234, phishing 56`` (or ``none``)."""
    return ", ".join(f"{name} {n:,}" for name, n in counts.items()) or "none"


def claim_text(facts: CaseFacts, actor: str | None) -> str:
    """The claim in a sentence or three: claimed, received, genuine, the size estimate."""
    who = f"'{actor}'" if actor else "The seller"
    parts = [
        f"{who} claims {facts.claimed_records:,} records"
        if facts.claimed_records is not None
        else f"{who} states no record count",
        f"{len(facts.samples)} sample(s) with {facts.records:,} records were received; "
        f"{facts.genuine_records:,} of them are records of real customers of ours",
    ]
    if facts.estimated_records is not None:
        verdict = {True: "plausible", False: "not plausible", None: "not assessed"}
        parts.append(
            f"the attributed system held about {facts.estimated_records:,} customers at the "
            f"snapshot: the claimed count is {verdict[facts.plausible]}"
        )
    return "; ".join(parts) + "."


def incident_text(facts: CaseFacts) -> str:
    """The incident in a paragraph: verdict, exposure counts, field types, source, overlap."""
    parts = [
        f"Verdict of the triage: {facts.label} (confidence {_pct(facts.confidence)}, "
        f"{_pct(facts.genuine_fraction)} of records genuine)",
        f"{facts.exposed_customers:,} customers exposed, by risk tier: "
        f"{counts_text(facts.by_tier)}",
        f"exposed field types: {', '.join(facts.by_field) or 'none'}",
    ]
    if facts.sources:
        window = (
            f" as of {facts.snapshot_earliest or '?'} to {facts.snapshot_latest or 'later'}"
            if facts.snapshot_earliest or facts.snapshot_latest
            else ""
        )
        names = ", ".join(f"'{name}'" for name in facts.sources)
        parts.append(f"records attributed to the operator's system(s) {names}{window}")
    if facts.recycled_from:
        known = ", ".join(f"'{c}' ({o:.0%})" for c, o in facts.recycled_from)
        parts.append(f"overlap with known earlier leaks: {known}")
    return "; ".join(parts) + ". Aggregate counts only: no record of any person is included."


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _counts(value: Any, allowed: tuple[str, ...]) -> dict[str, int]:
    """``{name: count}`` keeping only names of a closed vocabulary."""
    if not isinstance(value, dict):
        return {}
    out = {}
    for name, count in value.items():
        n = _int(count)
        if name in allowed and n is not None and n > 0:
            out[name] = n
    return out


def _sample(row: dict[str, Any]) -> SampleFacts:
    digest = row.get("sha256")
    ok = isinstance(digest, str) and _SHA256.fullmatch(digest) is not None
    return SampleFacts(
        sample=str(row.get("sample") or ""),
        sha256=digest if ok else None,
        file_bytes=_int(row.get("file_bytes")),
        triaged_at=_datetime(row.get("triaged_at")),
        label=str(row.get("label") or "inconclusive"),
        source=row["source"] if isinstance(row.get("source"), str) else None,
        genuine_fraction=_float(row.get("genuine_fraction")) or 0.0,
        rows=_int(row.get("rows")) or 0,
        exposed_customers=_int(row.get("exposed_customers")) or 0,
    )


def _lead(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The result that speaks for the case: the latest of those with the most serious label."""

    def rank(r: dict[str, Any]) -> int:
        label = (r.get("verdict") or {}).get("label")
        return LABEL_PRIORITY.index(label) if label in LABEL_PRIORITY else len(LABEL_PRIORITY)

    if not results:
        return None
    best = min(rank(r) for r in results)
    return [r for r in results if rank(r) == best][-1]


def facts_from(
    case: str,
    summary: dict[str, Any],
    results: list[dict[str, Any]],
) -> CaseFacts:
    """The facts of ``case`` from its :func:`~leaktriage.exposure.case.case_summary` (samples
    and the union of exposed customers) and its samples' triage JSON, oldest first (may be
    empty for samples triaged before it was kept)."""
    samples = [_sample(row) for row in summary.get("samples") or []]
    union = summary.get("exposure") or {}
    lead = _lead(results) or {}
    latest = results[-1] if results else {}
    verdict = lead.get("verdict") or {}
    labels = [s.label for s in samples] + ([verdict["label"]] if verdict.get("label") else [])
    label = next((x for x in LABEL_PRIORITY if x in labels), "inconclusive")
    snapshot = lead.get("snapshot") or {}
    # the latest claim that states a count (a later sample may come without one)
    claims = next(
        (
            c
            for c in reversed([r.get("claims") or {} for r in results])
            if c.get("claimed_records") is not None
        ),
        latest.get("claims") or {},
    )
    first_triage = min((s.triaged_at for s in samples if s.triaged_at), default=None)
    discovered = (
        _datetime(lead.get("discovered_at"))
        or first_triage
        or datetime.now(UTC).replace(microsecond=0)
    )
    obligations = [
        ObligationFacts(
            jurisdiction=str(o.get("jurisdiction")),
            authority=o.get("authority") if isinstance(o.get("authority"), str) else None,
            deadline=_datetime(o.get("deadline")),
            clock=o.get("clock") if isinstance(o.get("clock"), str) else None,
            basis=o.get("basis") if isinstance(o.get("basis"), str) else None,
        )
        for o in latest.get("obligations") or []
        if isinstance(o, dict) and o.get("jurisdiction")
    ]
    recycled = [
        (str(p["corpus"]), float(p.get("overlap") or 0.0))
        for p in lead.get("recycled_from") or []
        if isinstance(p, dict) and p.get("corpus")
    ]
    plausible = claims.get("plausible")
    return CaseFacts(
        case=case,
        discovered_at=discovered,
        label=label,
        confidence=_float(verdict.get("confidence")),
        genuine_fraction=_float(lead.get("genuine_fraction")),
        snapshot_earliest=_date(snapshot.get("earliest")),
        snapshot_latest=_date(snapshot.get("latest")),
        exposed_customers=_int(union.get("customers")) or 0,
        by_tier=_counts(union.get("by_tier"), RISK_TIERS),
        by_field=_counts(union.get("by_field"), COLUMN_TYPES),
        claimed_records=_int(claims.get("claimed_records")),
        estimated_records=_int(claims.get("estimated_records")),
        plausible=plausible if isinstance(plausible, bool) else None,
        recycled_from=recycled,
        obligations=obligations,
        samples=samples,
    )


def load_case_facts(
    e: Engine,
    case: str,
    *,
    rules: TierRules | None = None,
    fallback_result: dict[str, Any] | None = None,
) -> CaseFacts:
    """The facts of ``case`` from the workspace (its samples, their triage JSON and the union
    of its exposed customers). ``fallback_result``: the case's latest triage JSON from
    elsewhere (the service's case catalogue) for cases whose samples kept none.

    Raises :class:`~leaktriage.errors.WorkspaceError` when no sample of the case was triaged.
    """
    summary = ex_case.case_summary(e, case, rules or load_tier_rules())
    results = ex_case.sample_results(e, case)
    if not results and fallback_result is not None:
        results = [fallback_result]
    if not summary["samples"] and not results:
        raise WorkspaceError(f"no triaged sample in case {case!r}: run triage with --case")
    facts = facts_from(case, summary, results)
    log.info(
        "case facts: %d samples, %d with a digest, label %s",
        len(facts.samples),
        len(facts.sample_digests),
        facts.label,
    )
    return facts
