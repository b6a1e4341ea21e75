"""Verdict: evidence combined into a label, a confidence and reasons a person can read.

Labels (DESIGN.md): ``genuine`` real customer records of ours; ``recycled`` mostly a known
prior leak; ``fabricated`` invented, or real identifiers re-paired with invented people;
``mixed`` genuine records padded with invented ones; ``unrelated`` realistic people who are not
our customers; ``inconclusive`` when the evidence cannot tell.

The thresholds are data (:data:`THRESHOLDS`), each with the reason for its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

__all__ = ["THRESHOLDS", "Verdict", "attribute", "decide"]

THRESHOLDS: dict[str, float] = {
    # Share of records agreeing with a customer above which a leak is genuine: real exports carry
    # a little noise (typos, stale rows), padding rarely stays under 15 %.
    "genuine": 0.85,
    # Below this share of agreeing records, the genuine part is too small to call it mixed.
    "mixed": 0.10,
    # A prior leak holding this share of the records makes the leak a re-publication.
    "recycled": 0.60,
    # Share of records whose identifier hit disagrees on name/birth date above which hits are
    # re-paired identifiers rather than chance.
    "repaired": 0.03,
    # Correlation of DNI prefix with birth year above which records look like real people.
    "realistic_corr": 0.5,
}


@dataclass
class Verdict:
    """The ``verdict`` block of the triage JSON."""

    label: str
    confidence: float
    reasons: list[str]

    def to_json(self) -> dict[str, Any]:
        """``{label, confidence, reasons}``."""
        return {
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "reasons": self.reasons,
        }


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%" if x >= 0.01 or x == 0 else f"{100 * x:.2f}%"


def attribute(
    agreement: dict[str, Any],
    schema: list[dict[str, Any]],
    as_of: dict[str, Any],
    snapshot: dict[str, Any],
    canaries: list[dict[str, Any]],
) -> dict[str, Any]:
    """The ``attribution`` block: the source the records most likely came from."""
    schema_by = {s["source"]: s["score"] for s in schema}
    base = max(agreement["genuine_rows"], 1)
    candidates = []
    for s in agreement["by_source"]:
        covered = (
            s["agreeing_rows"] + s.get("linked_rows", 0)
            if agreement["genuine_rows"]
            else s["hit_rows"]
        )
        coverage = covered / base if agreement["genuine_rows"] else 0.0
        score = coverage * (0.5 + 0.5 * schema_by.get(s["source"], 0.0))
        until = as_of.get(s["source"])
        if until and snapshot.get("earliest") and snapshot["earliest"] > until + timedelta(days=31):
            score *= 0.2  # the system's copy ends before customers the leak holds were added
        candidates.append({"source": s["source"], "score": round(score, 4)})
    candidates.sort(key=lambda c: -c["score"])
    source = candidates[0]["source"] if candidates and candidates[0]["score"] > 0.05 else None
    if canaries:
        source = canaries[0]["source"]
    return {"source": source, "candidates": candidates, "canary_hits": canaries}


def decide(ev: dict[str, Any], *, rows: int, domains: set[str]) -> tuple[Verdict, float]:
    """Label, confidence and reasons, and the genuine fraction, from the evidence figures.

    Canary hits, when there are any, are the first reason whatever the label: they name the copy.
    """
    verdict, genuine = _decide(ev, rows=rows, domains=domains)
    for hit in reversed(ev["canaries"]):
        verdict.reasons.insert(
            0, f"{hit['count']} canary customer(s) planted in '{hit['source']}' appear in the leak"
        )
    return verdict, genuine


def _decide(ev: dict[str, Any], *, rows: int, domains: set[str]) -> tuple[Verdict, float]:
    t = THRESHOLDS
    reasons: list[str] = []
    agree = ev["agreement"]
    hits = {h["type"]: h for h in ev["hit_rates"]["by_type"]}
    if rows == 0:
        return Verdict("inconclusive", 0.5, ["the leak holds no records"]), 0.0
    genuine = agree["genuine_share"]
    link = ev.get("linkage") or {}
    if link.get("ran") and link.get("sampled") and link["linked_rows"]:
        genuine = min(1.0, genuine + link["estimated_linked_rows"] / rows)
        reasons.append(
            f"{_pct(link['linked_share'])} of a sample of {link['linked_in']:,} records with no "
            f"agreeing identifier link to a customer by name, birth date and address "
            f"(about {link['estimated_linked_rows']:,} records)"
        )
    elif agree.get("linked_rows"):
        reasons.append(
            f"{agree['linked_rows']:,} records with no agreeing identifier link to a customer "
            f"by name, birth date and address (probability ≥ {link.get('threshold', 0.95)})"
        )
    if agree.get("unverifiable_counted_as_genuine"):
        reasons.append(
            f"{agree['unverifiable_hit_rows']:,} records match customers on identifiers alone "
            f"(nothing else to compare, e.g. lines since churned); counted as genuine because "
            f"the records that could be cross-checked agree"
        )
    if not domains and genuine < t["mixed"]:
        return (
            Verdict(
                "inconclusive",
                0.9,
                [
                    "no identifier column was recognised (phone, national ID, email, IMSI, "
                    "ICCID, IMEI, customer id) and names link to no customer: nothing can be "
                    "checked against the sources; map columns with --map COLUMN=TYPE"
                ],
            ),
            genuine,
        )

    # Single-identifier leaks (a list of phone numbers) cannot be cross-checked: hits far above
    # chance then count, and the reason says so.
    if agree["comparable_hit_rows"] == 0 and agree["hit_rows"]:
        above = [h for h in hits.values() if (h["ratio_to_chance"] or 99) > 10 and h["hits"]]
        if above:
            genuine = agree["hit_share"]
            reasons.append(
                "records carry one identifier only, so fields cannot be cross-checked; "
                f"{_pct(genuine)} of records hit a customer, far above chance"
            )
    for h in hits.values():
        line = f"{_pct(h['rate'])} of {h['type']} values belong to customers"
        if h["chance_rate"]:
            line += f" (chance: {_pct(h['chance_rate'])})"
        reasons.append(line)

    prior = ev["prior_leaks"]
    if prior and prior[0]["overlap"] >= t["recycled"]:
        p = prior[0]
        reasons.insert(
            0,
            f"{_pct(p['overlap'])} of records are in the known leak '{p['corpus']}': "
            f"a re-publication",
        )
        return Verdict("recycled", min(0.99, 0.5 + 0.5 * p["overlap"]), reasons), genuine

    repaired = agree["disagreeing_rows"] / rows
    if genuine >= t["genuine"]:
        reasons.insert(
            0, f"{_pct(genuine)} of records agree with one customer across identifiers and fields"
        )
        conf = min(0.99, 0.55 + 0.45 * genuine) * (1.0 if rows >= 100 else 0.8)
        return Verdict("genuine", conf, reasons), genuine
    if genuine >= t["mixed"]:
        reasons.insert(
            0,
            f"only {_pct(genuine)} of records agree with a customer; the rest "
            + (
                f"re-pair real identifiers with other people ({_pct(repaired)}) or match nobody"
                if repaired >= t["repaired"]
                else "match nobody"
            )
            + ": genuine records padded with invented ones",
        )
        return Verdict("mixed", 0.75, reasons), genuine

    corr = ev["consistency"]["dni_birth_year_correlation"]["leak"]
    if repaired >= t["repaired"]:
        hit_share = agree["hit_share"]
        reasons.insert(
            0,
            f"{_pct(hit_share)} of records carry a customer's identifier, but only "
            f"{_pct(genuine)} agree on name or birth date: identifiers re-paired with invented "
            f"people",
        )
        return Verdict("fabricated", min(0.95, 0.6 + repaired), reasons), genuine
    if corr is not None and corr >= t["realistic_corr"]:
        reasons.insert(
            0,
            f"records look like real people (document numbers follow birth years, "
            f"correlation {corr:.2f}) but {_pct(agree['hit_share'])} match a customer: "
            f"real people who are not ours",
        )
        return Verdict("unrelated", min(0.9, 0.5 + 0.4 * corr), reasons), genuine
    if corr is not None:
        reasons.insert(
            0,
            f"no record agrees with a customer and document numbers do not follow birth "
            f"years (correlation {corr:.2f}), as invented records do",
        )
        return Verdict("fabricated", 0.7, reasons), genuine
    if agree["hit_share"] == 0:
        reasons.insert(0, "no record matches a customer of any source")
        return Verdict("unrelated", 0.55, reasons), genuine
    reasons.insert(0, "too few agreeing records to judge, and no consistency signal to decide")
    return Verdict("inconclusive", 0.5, reasons), genuine
