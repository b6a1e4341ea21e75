"""A case as a MISP event, offline (PyMISP's ``MISPEvent`` to JSON; no MISP server needed).

The event holds:

* a ``tlp:…`` tag (the MISP ``tlp`` taxonomy, TLP 2.0 names) and, when the claim names one, the
  threat actor as a ``misp-galaxy:threat-actor="…"`` tag and a ``threat-actor`` attribute;
* an ``incident`` object (the MISP template of the STIX incident and its core extension):
  determination, investigation status, criticality, detection methods, incident types;
* a ``report`` object for the claim (title, summary, the claim's link);
* a ``file`` object per sample (``sha256``, ``size-in-bytes``; no file name);
* ``counter`` attributes with the aggregate counts: records in the samples, genuine records,
  exposed customers, customers per risk tier, records the seller claims.

Every object is built with ``strict=True`` so PyMISP checks it against its template (required
and multiple-valued relations) when the event is serialised. The MISP incident template's
determination vocabulary predates the suite's ``confirmed``: it is written ``successful-attempt``
("caused at least some harm") there. Ids are stable (UUIDv5 of producer, case and role), so a
re-export updates the event in MISP instead of adding a second one.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Final

from pymisp import MISPEvent, MISPObject

from leaktriage.intel.facts import TLP_LEVELS, CaseFacts, claim_text, incident_text
from leaktriage.intel.stix import DEFAULT_PRODUCER

__all__ = ["MISP_DETERMINATION", "misp_document", "misp_event"]

_NAMESPACE: Final = uuid.UUID("0d7f3a58-2a4c-4e59-9d8b-5b1c6e0f7a21")
#: Incident Core determination → the MISP incident template's vocabulary.
MISP_DETERMINATION: Final[dict[str, str]] = {
    "confirmed": "successful-attempt",
    "false-positive": "false-positive",
    "suspected": "suspected",
}
#: Criticality (0-100) → MISP threat level: 1 high, 2 medium, 3 low.
_THREAT_LEVEL: Final[tuple[tuple[int, int], ...]] = ((60, 1), (30, 2), (0, 3))
#: MISP distribution of the event: 0, "your organisation only". The analyst chooses the
#: sharing (community, sharing group) when publishing; the TLP tag says what recipients may do.
DISTRIBUTION: Final = 0


def _threat_level(criticality: int) -> int:
    return next(level for floor, level in _THREAT_LEVEL if criticality >= floor)


def misp_event(
    facts: CaseFacts,
    *,
    tlp: str = "amber",
    actor: str | None = None,
    claim_url: str | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> MISPEvent:
    """The case as a MISP event (see the module docstring for its content)."""
    if tlp not in TLP_LEVELS:
        raise ValueError(f"unknown TLP level {tlp!r}; known: {', '.join(TLP_LEVELS)}")
    base = f"{producer}\x00{facts.case}"

    def uid(role: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{base}\x00{role}"))

    def add(obj: MISPObject, relation: str, value: Any, **kwargs: Any) -> None:
        """An object's attribute, with an id stable across exports."""
        role = f"{obj.uuid}\x00{relation}\x00{value}"
        obj.add_attribute(relation, value=value, uuid=uid(role), **kwargs)

    event = MISPEvent()
    event.uuid = uid("event")
    event.info = f"Claimed leak of customer data: case {facts.case} ({facts.label})"
    event.date = facts.discovered_at.date()
    event.threat_level_id = _threat_level(facts.criticality)
    # 2 completed: the triage reached a verdict; 1 ongoing: it could not
    event.analysis = 1 if facts.determination == "suspected" else 2
    event.distribution = DISTRIBUTION
    event.add_tag(f"tlp:{tlp}")
    if actor:
        name = actor.replace('"', "'")
        event.add_tag(f'misp-galaxy:threat-actor="{name}"')
        event.add_attribute(
            "threat-actor",
            actor,
            category="Attribution",
            comment="Named in the claim; self-declared, not verified by the triage",
            uuid=uid("threat-actor"),
        )

    incident = MISPObject("incident", strict=True)
    incident.uuid = uid("incident")
    add(incident, "name", f"Claimed leak of customer data: case {facts.case}")
    add(incident, "determination", MISP_DETERMINATION[facts.determination])
    add(incident, "investigation_status", "open")
    add(incident, "criticality", str(facts.criticality))
    for method in ("message-from-attacker", "automated-tool"):
        add(incident, "detection_method", method)
    for kind in facts.incident_types:
        add(incident, "incident_type", kind)
    add(incident, "description", incident_text(facts))
    event.add_object(incident)

    report = MISPObject("report", strict=True)
    report.uuid = uid("report")
    add(report, "title", f"Claim of a data leak (case {facts.case})")
    add(report, "type", "claim")
    add(report, "summary", claim_text(facts, actor))
    if claim_url:
        add(report, "link", claim_url)
    event.add_object(report)

    for s in facts.sample_digests:
        sample = MISPObject("file", strict=True)
        sample.uuid = uid(f"file:{s.sha256}")
        sample.comment = (
            f"Leak sample posted with the claim: {s.rows:,} records, verdict {s.label}, "
            f"{s.exposed_customers:,} customers exposed"
        )
        add(sample, "sha256", s.sha256, to_ids=False)
        if s.file_bytes is not None:
            add(sample, "size-in-bytes", s.file_bytes)
        event.add_object(sample)

    counts = [
        ("records", facts.records, "records in the samples received"),
        ("genuine", facts.genuine_records, "records of real customers in the samples"),
        ("exposed", facts.exposed_customers, "customers exposed (each counted once)"),
        *(
            (f"tier:{tier}", n, f"exposed customers at risk tier {tier}")
            for tier, n in facts.by_tier.items()
        ),
    ]
    if facts.claimed_records is not None:
        counts.append(("claimed", facts.claimed_records, "records the seller claims to hold"))
    for role, n, comment in counts:
        event.add_attribute(
            "counter", n, category="Other", comment=comment, uuid=uid(f"counter:{role}")
        )
    return event


def misp_document(facts: CaseFacts, **options: Any) -> dict[str, Any]:
    """:func:`misp_event` as MISP's JSON export, ``{"Event": {...}}`` (what MISP imports, what
    the CLI writes and the API returns)."""
    return {"Event": json.loads(misp_event(facts, **options).to_json())}
