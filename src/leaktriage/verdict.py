"""Verdict: evidence combined into a label, a confidence and reasons a person can read.

Labels (DESIGN.md): ``genuine`` real customer records of ours; ``recycled`` mostly a known
prior leak; ``fabricated`` invented, or real identifiers re-paired with invented people;
``mixed`` genuine records padded with invented ones; ``unrelated`` realistic people who are not
our customers; ``inconclusive`` when the evidence cannot tell.

The thresholds are data (:data:`THRESHOLDS`), each with the reason for its value.

Two kinds of identifiers are told apart (:mod:`leaktriage.evidence.operator`): ones only we can
hold (our MSISDNs, IMSIs, ICCIDs, customer ids, plan names) and ones any holder of a person's
data has (national ID, name, birth date, e-mail). A leak whose person fields agree with our
customers while its operator-specific fields systematically fail is another holder's data:
``unrelated``, its people exposed in their identity only (``Verdict.other_holder``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

__all__ = ["THRESHOLDS", "WILSON_Z", "Verdict", "attribute", "decide", "upper_bound"]

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
    # Records with one identifier only (nothing to cross-check) count as genuine when their hits
    # exceed this many times what chance gives (DNIs are dense: an invented one often hits).
    "chance_ratio": 10.0,
    # A corpus is named among a leak's origins (and counts towards "recycled") when it explains
    # at least this share of records that the corpora before it do not: below it, a handful of
    # shared people, not a part the leak was merged from.
    "recycled_part": 0.05,
    # Operator-specific fields (line, SIM, customer id, plan) of the records whose person fields
    # agree with a customer: when the upper confidence bound (WILSON_Z) of the share that also
    # agrees stays below this on every such field the leak has, the fields systematically fail
    # and the leak is another holder's. A copy of our own data agrees on most (stale numbers and
    # lines since churned are a minority even in an old copy); another operator's list agrees on
    # none but the few numbers ported between us. The bound, not the share, so that a few
    # comparable records cannot decide it (with 0 of 20 agreeing the bound is 0.249).
    "foreign_agree": 0.25,
}

WILSON_Z = 2.576
"""Normal quantile of the one-sided 99.5 % Wilson score bound used with ``foreign_agree``
(two-sided 99 %): the chance that a copy of ours whose fields truly agree at that share shows
as few agreeing records is below 0.5 %."""

#: How a reason names each operator-specific field.
_FIELD_WORDS = {
    "phone": "phone numbers",
    "imsi": "IMSIs",
    "iccid": "ICCIDs",
    "customer_id": "customer codes",
    "plan": "plan names",
}


@dataclass
class Verdict:
    """The ``verdict`` block of the triage JSON."""

    label: str
    confidence: float
    reasons: list[str]
    identifier_only: bool = False
    """The genuine fraction rests on identifier-only hits far above chance (a list of IMSIs or
    phone numbers): those records are genuine though no field could be cross-checked."""
    other_holder: bool = False
    """The records are another holder's (their people are ours, their lines are not): exposure
    counts person fields only."""

    def to_json(self) -> dict[str, Any]:
        """``{label, confidence, reasons}``."""
        return {
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "reasons": self.reasons,
        }


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%" if x >= 0.01 or x == 0 else f"{100 * x:.2f}%"


def upper_bound(agreeing: int, comparable: int, z: float = WILSON_Z) -> float:
    """Wilson score upper bound of a share observed as ``agreeing`` of ``comparable``."""
    if comparable <= 0:
        return 1.0
    p = agreeing / comparable
    z2n = z * z / comparable
    centre = p + z2n / 2
    spread = z * math.sqrt(p * (1 - p) / comparable + z2n / (4 * comparable))
    return min(1.0, (centre + spread) / (1 + z2n))


def _explains(prior: list[dict[str, Any]]) -> list[tuple[dict[str, Any], float]]:
    """Each corpus with the share of records it adds (``explains``; an entry without it, as
    older evidence has, explains its overlap when first and nothing after)."""
    return [(p, p.get("explains", p["overlap"] if i == 0 else 0.0)) for i, p in enumerate(prior)]


def _recycled(prior: list[dict[str, Any]]) -> tuple[float, str] | None:
    """(share covered, first reason) when the corpora that each explain ``recycled_part`` of
    the records together hold ``recycled`` of them; the reason names every such corpus."""
    t = THRESHOLDS
    named = [(p, x) for p, x in _explains(prior) if x >= t["recycled_part"]]
    covered = sum(x for _, x in named)
    if not named or covered < t["recycled"]:
        return None
    if len(named) == 1:
        p = named[0][0]
        first = f"{_pct(p['overlap'])} of records are in the known leak '{p['corpus']}'"
    else:
        parts = [f"{_pct(named[0][1])} in '{named[0][0]['corpus']}'"] + [
            f"{_pct(x)} more in '{p['corpus']}'" for p, x in named[1:]
        ]
        first = (
            f"{_pct(covered)} of records are in {len(named)} known leaks ({', '.join(parts)}); "
            f"{_pct(max(0.0, 1 - sum(x for _, x in _explains(prior))))} are in none"
        )
    return covered, first + ": a re-publication"


def _other_holder(
    op: dict[str, Any] | None, rows: int, reasons: list[str]
) -> tuple[Verdict, float] | None:
    """``unrelated`` (another holder's data) when every operator-specific field the
    person-matched records can be compared on fails, beyond chance (``foreign_agree``)."""
    if not op or not op["person_rows"]:
        return None
    compared = [f for f in op["fields"] if f["comparable"]]
    if not compared:
        return None
    bounds = [upper_bound(f["agreeing"], f["comparable"]) for f in compared]
    if max(bounds) >= THRESHOLDS["foreign_agree"]:
        return None
    lines = op["line_rows"]
    found = ", ".join(
        f"{f['agreeing']:,} of {f['comparable']:,} {_FIELD_WORDS.get(f['type'], f['type'])}"
        for f in compared
    )
    reasons.insert(
        0,
        f"{op['customers']:,} of our customers appear in it ({_pct(op['person_rows'] / rows)} "
        f"of records agree with one on national ID, name, birth date or e-mail), but "
        f"{'none' if lines == 0 else f'only {lines:,}'} of their lines with us "
        f"{'does' if lines == 1 else 'do'}: {found} are ours. Another holder's data (e.g. "
        f"another operator's customers who also hold a line with us): their identity is "
        f"exposed, not their line",
    )
    conf = min(0.95, 0.6 + 0.4 * (1 - max(bounds)))
    return Verdict("unrelated", conf, reasons, other_holder=True), lines / rows


def attribute(
    agreement: dict[str, Any],
    schema: list[dict[str, Any]],
    as_of: dict[str, Any],
    snapshot: dict[str, Any],
    canaries: list[dict[str, Any]],
) -> dict[str, Any]:
    """The ``attribution`` block: the source the records most likely came from."""
    schema_by = {s["source"]: s["score"] for s in schema}
    # Coverage: the share of agreeing records a source explains; when no record could be
    # cross-checked (a list of IMSIs and Ki/OPc, of phone numbers), the share of hit records.
    verified = any(s["agreeing_rows"] + s.get("linked_rows", 0) for s in agreement["by_source"])
    base = max(agreement["genuine_rows"] if verified else agreement["hit_rows"], 1)
    candidates = []
    for s in agreement["by_source"]:
        covered = s["agreeing_rows"] + s.get("linked_rows", 0) if verified else s["hit_rows"]
        coverage = min(1.0, covered / base)
        score = coverage * (0.5 + 0.5 * schema_by.get(s["source"], 0.0))
        until = as_of.get(s["source"])
        if until and snapshot.get("earliest") and snapshot["earliest"] > until + timedelta(days=31):
            score *= 0.2  # the system's copy ends before customers the leak holds were added
        candidates.append({"source": s["source"], "score": round(score, 4)})
    candidates.sort(key=lambda c: -c["score"])
    source = candidates[0]["source"] if candidates and candidates[0]["score"] > 0.05 else None
    if source is None and candidates and candidates[0]["score"] > 0:
        # records that hit a source come from somewhere: never leave a genuine leak that hit a
        # source unattributed (triage drops the source for labels that are not ours)
        source = candidates[0]["source"]
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
    identifier_only = False
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
        above = [
            h
            for h in hits.values()
            if (h["ratio_to_chance"] or math.inf) > t["chance_ratio"] and h["hits"]
        ]
        if above:
            genuine = agree["hit_share"]
            identifier_only = True
            reasons.append(
                "records carry one identifier only, so fields cannot be cross-checked; "
                f"{_pct(genuine)} of records hit a customer, far above chance"
            )
    for h in hits.values():
        line = f"{_pct(h['rate'])} of {h['type']} values belong to customers"
        if h["chance_rate"]:
            line += f" (chance: {_pct(h['chance_rate'])})"
        reasons.append(line)

    recycled = _recycled(ev["prior_leaks"])
    if recycled is not None:
        covered, first = recycled
        reasons.insert(0, first)
        conf = min(0.99, 0.5 + 0.5 * covered)
        return Verdict("recycled", conf, reasons, identifier_only), genuine
    if genuine >= t["mixed"]:
        foreign = _other_holder(ev.get("operator"), rows, reasons)
        if foreign is not None:
            return foreign

    repaired = agree["disagreeing_rows"] / rows
    if genuine >= t["genuine"]:
        reasons.insert(
            0, f"{_pct(genuine)} of records agree with one customer across identifiers and fields"
        )
        conf = min(0.99, 0.55 + 0.45 * genuine) * (1.0 if rows >= 100 else 0.8)
        return Verdict("genuine", conf, reasons, identifier_only), genuine
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
        return Verdict("mixed", 0.75, reasons, identifier_only), genuine

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
