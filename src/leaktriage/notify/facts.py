"""What a notification can say about a case: aggregate facts read from its triage JSON.

Only labels, dates, names of the operator's own systems and of known leaks, and counts are
taken from the triage result; the verdict's reasons, masked examples, column names and file
names are left behind, so that no value read from a leak can reach a draft. When the case has
several samples, the people are counted once across them (the ``case_samples`` union).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from leaktriage.vocab import COLUMN_TYPES, RISK_TIERS

__all__ = ["CaseFacts"]


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _counts(table: Any, known: tuple[str, ...]) -> dict[str, int]:
    """Positive counts of known keys only (an unknown key cannot carry text into a draft)."""
    if not isinstance(table, Mapping):
        return {}
    out = {}
    for key, value in table.items():
        n = _int(value)
        if key in known and n:
            out[key] = n
    return out


@dataclass(frozen=True)
class CaseFacts:
    """The aggregate facts of one case that a notification draft or customer notice uses."""

    case: str
    verdict: str
    """Verdict label of the latest sample (DESIGN.md: genuine, recycled, ...)."""
    confidence: float
    source: str | None
    """The operator's system the records are attributed to."""
    snapshot_earliest: str | None
    snapshot_latest: str | None
    discovered_at: datetime
    customers: int
    """Exposed customers, counted once across the case's samples."""
    by_tier: dict[str, int] = field(default_factory=dict)
    by_field: dict[str, int] = field(default_factory=dict)
    samples: int = 1
    rows: int = 0
    """Records in the samples analysed."""
    records: int | None = None
    """Records of exposed customers (single-sample cases only)."""
    lines_reassigned: int = 0
    scope: str = "line"
    claimed: int | None = None
    estimated: int | None = None
    custody_holder: str | None = None
    custody_buyer: str | None = None
    custody_date: str | None = None
    recycled: tuple[tuple[str, float], ...] = ()
    canaries: int = 0

    @classmethod
    def from_result(cls, result: Mapping[str, Any], case: str | None = None) -> CaseFacts:
        """The facts of a triage JSON document (the latest sample's, with ``case_samples``)."""
        verdict = result.get("verdict") or {}
        exposure = result.get("exposure") or {}
        attribution = result.get("attribution") or {}
        snapshot = result.get("snapshot") or {}
        claims = result.get("claims") or {}
        custody = result.get("custody") or {}
        union = (result.get("case_samples") or {}).get("exposure") or {}
        samples = list((result.get("case_samples") or {}).get("samples") or [])
        discovered = result.get("discovered_at")
        try:
            discovered_at = datetime.fromisoformat(str(discovered))
        except ValueError:
            discovered_at = datetime.now(UTC).replace(microsecond=0)
        if discovered_at.tzinfo is None:
            discovered_at = discovered_at.replace(tzinfo=UTC)

        several = len(samples) > 1
        source_exposure = union if several else exposure
        rows = (
            sum(_int(s.get("rows")) or 0 for s in samples)
            if several
            else _int((result.get("input") or {}).get("rows")) or 0
        )
        label = str(verdict.get("label") or "inconclusive")
        return cls(
            case=str(case or result.get("case") or ""),
            verdict=label if label in _VERDICTS else "inconclusive",
            confidence=float(verdict.get("confidence") or 0.0),
            source=attribution.get("source"),
            snapshot_earliest=snapshot.get("earliest"),
            snapshot_latest=snapshot.get("latest"),
            discovered_at=discovered_at,
            customers=_int(source_exposure.get("customers")) or 0,
            by_tier=_counts(source_exposure.get("by_tier"), RISK_TIERS),
            by_field=_counts(source_exposure.get("by_field"), COLUMN_TYPES),
            samples=max(len(samples), 1),
            rows=rows,
            records=None if several else _int(exposure.get("records")),
            lines_reassigned=_int(exposure.get("lines_reassigned")) or 0,
            scope=str(exposure.get("scope") or "line"),
            claimed=_int(claims.get("claimed_records")),
            estimated=_int(claims.get("estimated_records")),
            custody_holder=custody.get("holder"),
            custody_buyer=custody.get("buyer"),
            custody_date=custody.get("divested_on"),
            recycled=tuple(
                (str(p.get("corpus")), float(p.get("overlap") or 0.0))
                for p in result.get("recycled_from") or []
                if p.get("corpus")
            ),
            canaries=sum(_int(c.get("count")) or 0 for c in attribution.get("canary_hits") or []),
        )


_VERDICTS = ("genuine", "recycled", "fabricated", "mixed", "unrelated", "inconclusive")
