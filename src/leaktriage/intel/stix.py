"""A case as a STIX 2.1 bundle, for CSIRTs (the ``stix2`` library).

The bundle holds:

* an ``incident`` with the **Incident Core Extension** (Incident Extension Suite 2.0,
  ``extension-definition--ef765651-680c-498d-9894-99799f2fa126``): determination and incident
  types from the verdict (:data:`~leaktriage.intel.facts.DETERMINATION`), criticality from the
  worst exposed tier, detection methods, ``impacted_entity_counts`` (exposed customers as
  ``customer-individual``), scores (verdict confidence, genuine fraction), and references to
  its impacts and tasks;
* ``impact`` objects (new SDO of the same suite, ``extension-definition--7cc33dd6-…``) with the
  ``confidentiality-ext`` extension: information type, loss type and record counts (personal
  data; authentication secrets such as Ki/OPc when they leaked);
* ``task`` objects (new SDO, ``extension-definition--2074a052-…``), the defender activities:
  detection of the claim, the triage of the samples, each regulator notice the law asks for
  (pending, due at its deadline) and the customer notification;
* the ``threat-actor`` named in the claim (``--actor``), the incident ``attributed-to`` it;
* the claim as a ``report`` (``--claim-url`` as its external reference);
* a ``file`` (SHA-256, size; no file name) for each sample;
* the TLP 2.0 ``marking-definition`` chosen (the official objects of the TLP 2.0 extension),
  applied to every object.

The two suite SDOs follow the reference implementation's naming, where an impact's
``impact_category`` is the name of its extension (``confidentiality-ext``), the form STIX 2.1
requires of extension names. They are registered with ``stix2`` here, so ``stix2.parse`` reads
the bundle back without ``allow_custom``.

Only :class:`~leaktriage.intel.facts.CaseFacts` goes in: counts, labels, dates and digests.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any, Final

import stix2
from stix2.properties import (
    EnumProperty,
    IntegerProperty,
    ListProperty,
    ReferenceProperty,
    StringProperty,
    TimestampProperty,
)

from leaktriage.intel.facts import TLP_LEVELS, CaseFacts, claim_text, counts_text, incident_text

__all__ = [
    "IMPACT_EXTENSION",
    "INCIDENT_CORE_EXTENSION",
    "TASK_EXTENSION",
    "TLP_MARKINGS",
    "stix_bundle",
    "stix_document",
]

INCIDENT_CORE_EXTENSION: Final = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
IMPACT_EXTENSION: Final = "extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9"
TASK_EXTENSION: Final = "extension-definition--2074a052-8be4-4932-849e-f5e7798e0030"
TLP2_EXTENSION: Final = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

#: The official TLP 2.0 marking definitions (OASIS cti-stix-common-objects, tlp-2.0).
TLP_MARKINGS: Final[dict[str, str]] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_CREATED: Final = "2022-10-01T00:00:00.000Z"

#: Namespace of the export's stable ids: the same case exported again keeps its object ids
#: (a new ``modified``), so a consumer updates the objects instead of duplicating them.
_NAMESPACE: Final = uuid.UUID("6f0b4c2e-8d2a-4b9e-9a61-3c7f1e2d5a40")
DEFAULT_PRODUCER: Final = "leaktriage"

_TIMESTAMP_FIDELITY = ("second", "minute", "hour", "day", "month", "year")
_OUTCOMES = ("cancelled", "failed", "ongoing", "pending", "successful", "unknown")
_LOSS = ("confirmed-loss", "contained", "exploited-loss", "none", "suspected-loss")


ConfidentialityImpact: Any = stix2.CustomExtension(
    type="confidentiality-ext",
    properties=OrderedDict(
        [
            ("loss_type", EnumProperty(list(_LOSS), required=True)),
            ("information_type", StringProperty()),
            ("record_count", IntegerProperty(min=0)),
            ("record_size", IntegerProperty(min=0)),
        ]
    ),
)(
    type(
        "ConfidentialityImpact",
        (),
        {
            "__doc__": "The confidentiality extension of an impact (Incident Extension Suite "
            "2.0, 2.3.2.2)."
        },
    )
)


Impact: Any = stix2.CustomObject(
    "impact",
    [
        ("impact_category", StringProperty(required=True)),
        ("criticality", IntegerProperty(min=0, max=100)),
        ("description", StringProperty()),
        ("impacted_entity_counts", stix2.properties.DictionaryProperty()),
        ("start_time", TimestampProperty()),
        ("start_time_fidelity", EnumProperty(list(_TIMESTAMP_FIDELITY))),
    ],
    extension_name=IMPACT_EXTENSION,
)(type("Impact", (), {"__doc__": "An impact of the incident (Incident Extension Suite 2.0, 2.3)."}))


Task: Any = stix2.CustomObject(
    "task",
    [
        ("outcome", EnumProperty(list(_OUTCOMES), required=True)),
        ("name", StringProperty()),
        ("description", StringProperty()),
        ("task_types", ListProperty(StringProperty)),
        ("start_time", TimestampProperty()),
        ("end_time", TimestampProperty()),
        ("impacted_entity_counts", stix2.properties.DictionaryProperty()),
        ("priority", IntegerProperty(min=0, max=100)),
        ("template_refs", ListProperty(ReferenceProperty(valid_types=["course-of-action"]))),
    ],
    extension_name=TASK_EXTENSION,
)(type("Task", (), {"__doc__": "A defender activity (Incident Extension Suite 2.0, 2.4)."}))


def _tlp_marking(level: str) -> stix2.MarkingDefinition:
    name = "TLP:" + level.upper()
    return stix2.MarkingDefinition(
        id=TLP_MARKINGS[level],
        created=_TLP_CREATED,
        name=name,
        extensions={TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}},
    )


def _ms(moment: datetime) -> datetime:
    """A UTC instant to the millisecond (STIX timestamps of created/modified)."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class _Ids:
    """Stable ids of one case's objects: the SHA-1 name hash of producer, case and role (as in
    UUIDv5) in the UUIDv4 layout STIX asks of SDOs, whose 122 free bits may be any
    unpredictable value."""

    def __init__(self, producer: str, case: str) -> None:
        self._base = f"{producer}\x00{case}"

    def __call__(self, kind: str, role: str = "") -> str:
        name = "\x00".join((self._base, kind, role))
        return f"{kind}--{uuid.UUID(bytes=uuid.uuid5(_NAMESPACE, name).bytes, version=4)}"


def stix_bundle(
    facts: CaseFacts,
    *,
    tlp: str = "amber",
    actor: str | None = None,
    claim_url: str | None = None,
    producer: str = DEFAULT_PRODUCER,
    now: datetime | None = None,
) -> stix2.Bundle:
    """The case as a STIX 2.1 bundle (see the module docstring for its objects)."""
    if tlp not in TLP_LEVELS:
        raise ValueError(f"unknown TLP level {tlp!r}; known: {', '.join(TLP_LEVELS)}")
    ids = _Ids(producer, facts.case)
    modified = _ms(now or datetime.now(UTC))
    first = min([s.triaged_at for s in facts.samples if s.triaged_at] + [facts.discovered_at])
    created = min(_ms(first), modified)
    marking = _tlp_marking(tlp)
    common: dict[str, Any] = {"created": created, "modified": modified}
    identity = stix2.Identity(
        id=ids("identity", producer),
        name=producer,
        identity_class="organization",
        object_marking_refs=[marking.id],
        **common,
    )
    common |= {"created_by_ref": identity.id, "object_marking_refs": [marking.id]}
    discovered = _ms(facts.discovered_at)

    impacts = [
        Impact(
            id=ids("impact", "pii"),
            impact_category="confidentiality-ext",
            criticality=facts.criticality,
            description=f"Personal data of {facts.exposed_customers:,} customers "
            f"({facts.genuine_records:,} genuine records in the samples).",
            impacted_entity_counts={"customer-individual": facts.exposed_customers},
            start_time=discovered,
            extensions={
                "confidentiality-ext": {
                    "information_type": "pii",
                    "loss_type": facts.loss_type,
                    "record_count": facts.genuine_records,
                }
            },
            **common,
        )
    ]
    if facts.credential_records and facts.loss_type != "none":
        impacts.append(
            Impact(
                id=ids("impact", "credentials"),
                impact_category="confidentiality-ext",
                criticality=facts.criticality,
                description=f"Authentication secrets (SIM keys Ki/OPc or password hashes) of "
                f"{facts.credential_records:,} customers.",
                impacted_entity_counts={"customer-individual": facts.credential_records},
                start_time=discovered,
                extensions={
                    "confidentiality-ext": {
                        "information_type": "credentials-user",
                        "loss_type": facts.loss_type,
                        "record_count": facts.credential_records,
                    }
                },
                **common,
            )
        )
    tasks = _tasks(facts, ids, common, discovered)
    scores = [
        {
            "name": "leaktriage verdict confidence",
            "value": facts.confidence,
            "description": f"Confidence of the verdict '{facts.label}' (0-1).",
        },
        {
            "name": "leaktriage genuine fraction",
            "value": facts.genuine_fraction,
            "description": "Share of records that are real customers of the operator (0-1).",
        },
    ]
    incident = stix2.Incident(
        id=ids("incident"),
        name=f"Claimed leak of customer data: case {facts.case}",
        description=incident_text(facts),
        extensions={
            INCIDENT_CORE_EXTENSION: {
                "extension_type": "property-extension",
                "determination": facts.determination,
                "investigation_status": "open",
                "criticality": facts.criticality,
                "detection_methods": ["message-from-attacker", "automated-tool"],
                "incident_types": facts.incident_types,
                "impacted_entity_counts": {"customer-individual": facts.exposed_customers},
                "impact_refs": [i.id for i in impacts],
                "tasks": [{"task_ref": t.id} for t in tasks],
                "scores": [s for s in scores if s["value"] is not None],
            }
        },
        **common,
    )
    files = [
        stix2.File(
            hashes={"SHA-256": s.sha256},
            **({"size": s.file_bytes} if s.file_bytes is not None else {}),
            object_marking_refs=[marking.id],
        )
        for s in facts.sample_digests
    ]
    related: list[Any] = []
    if actor:
        threat = stix2.ThreatActor(
            id=ids("threat-actor", actor),
            name=actor,
            description="Named in the claim; self-declared, not verified by the triage.",
            **common,
        )
        related += [
            threat,
            stix2.Relationship(
                id=ids("relationship", f"attributed-to:{actor}"),
                relationship_type="attributed-to",
                source_ref=incident.id,
                target_ref=threat.id,
                **common,
            ),
        ]
    related += [
        stix2.Relationship(
            id=ids("relationship", f"related-to:{f.id}"),
            relationship_type="related-to",
            source_ref=incident.id,
            target_ref=f.id,
            description="A sample of the leak posted with the claim.",
            **common,
        )
        for f in files
    ]
    refs = [incident, *impacts, *tasks, *files, *related]
    report = stix2.Report(
        id=ids("report", "claim"),
        name=f"Claim of a data leak (case {facts.case})",
        description=claim_text(facts, actor),
        report_types=["threat-report"],
        published=discovered,
        object_refs=[o.id for o in refs],
        **(
            {
                "external_references": [
                    {"source_name": "claim", "url": claim_url, "description": "The claim"}
                ]
            }
            if claim_url
            else {}
        ),
        **common,
    )
    return stix2.Bundle(marking, identity, report, *refs)


def _tasks(facts: CaseFacts, ids: _Ids, common: dict[str, Any], discovered: datetime) -> list[Any]:
    """The defender activities: detection, triage, each regulator notice, the customers'."""
    triaged = sorted(_ms(s.triaged_at) for s in facts.samples if s.triaged_at)
    tasks = [
        Task(
            id=ids("task", "detected"),
            name="Claim detected",
            task_types=["detected"],
            outcome="successful",
            start_time=discovered,
            **common,
        ),
        Task(
            id=ids("task", "investigation"),
            name="Leak samples triaged",
            description=f"{len(facts.samples)} sample(s), {facts.records:,} records; verdicts: "
            + (", ".join(s.label for s in facts.samples) or facts.label)
            + ".",
            task_types=["investigation"],
            outcome="successful",
            **({"start_time": triaged[0]} if triaged else {}),
            **({"end_time": triaged[-1]} if len(triaged) > 1 and triaged[-1] > triaged[0] else {}),
            **common,
        ),
    ]
    for o in facts.obligations:
        due = _ms(o.deadline) if o.deadline else None
        when = f"due {due.isoformat()}" if due else "no deadline computed"
        tasks.append(
            Task(
                id=ids("task", f"reported:{o.jurisdiction}"),
                name=f"Notify {o.authority or 'the authority'} ({o.jurisdiction})",
                description=f"Regulator notice, {when}"
                + (f" ({o.clock} from discovery)" if o.clock else "")
                + (f"; basis: {o.basis}" if o.basis else "")
                + ". Pending as of this export: leaktriage does not record filings.",
                task_types=["reported"],
                outcome="pending",
                start_time=discovered,
                **({"end_time": due} if due and due > discovered else {}),
                **common,
            )
        )
    if facts.exposed_customers:
        tasks.append(
            Task(
                id=ids("task", "victim-notification"),
                name="Notify the exposed customers",
                description="Customer notice and remediation by risk tier: "
                f"{counts_text(facts.by_tier)}.",
                task_types=["victim-notification"],
                outcome="pending",
                impacted_entity_counts={"customer-individual": facts.exposed_customers},
                **common,
            )
        )
    return tasks


def stix_document(facts: CaseFacts, **options: Any) -> dict[str, Any]:
    """:func:`stix_bundle` as a JSON object (what the CLI writes and the API returns)."""
    doc: dict[str, Any] = json.loads(stix_bundle(facts, **options).serialize())
    return doc
