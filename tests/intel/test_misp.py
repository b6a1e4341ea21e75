"""MISP events of a case: PyMISP checks every object against its template, loads the event
back, and the event says what the triage found (objects, counters, TLP and actor tags)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pymisp import MISPEvent

from intel_world import CASE, FAKE, IntelCase
from leaktriage.intel import CaseFacts, load_case_facts
from leaktriage.intel.misp import misp_document, misp_event


@pytest.fixture(scope="module")
def facts(intel_case: IntelCase) -> Iterator[dict[str, CaseFacts]]:
    with intel_case.open() as ws:
        yield {c: load_case_facts(ws.engine, c) for c in (CASE, FAKE)}


def _load(doc: dict[str, object]) -> MISPEvent:
    event = MISPEvent()
    event.load(json.dumps(doc))
    return event


def test_objects_pass_their_templates(facts: dict[str, CaseFacts]) -> None:
    event = misp_event(facts[CASE], actor="Dedale", claim_url="https://forum.example/t/1")
    for obj in event.objects:
        obj.to_json(strict=True)  # required, one-of and multiple relations of the template
    assert {o.name for o in event.objects} == {"incident", "report", "file"}


def test_event_loads_back_and_says_what_the_triage_found(
    facts: dict[str, CaseFacts], intel_case: IntelCase
) -> None:
    f = facts[CASE]
    doc = misp_document(f, tlp="amber+strict", actor="Dedale", claim_url="https://f.example/1")
    event = _load(doc)
    assert event.info.startswith("Claimed leak of customer data: case csirt")
    assert str(event.date) == "2026-11-25"
    assert int(event.threat_level_id) == 1  # Ki/OPc exposed: high
    assert {t.name for t in event.tags} == {
        "tlp:amber+strict",
        'misp-galaxy:threat-actor="Dedale"',
    }
    objects: dict[str, list[object]] = {}
    for o in event.objects:
        objects.setdefault(o.name, []).append(o)
    (incident,) = objects["incident"]
    values = {a.object_relation: a.value for a in incident.attributes}
    assert values["determination"] == "successful-attempt"
    assert values["criticality"] == "95"
    (report,) = objects["report"]
    report_values = {a.object_relation: a.value for a in report.attributes}
    assert report_values["link"] == "https://f.example/1"
    assert "22,000,000" in report_values["summary"]
    digests = {
        next(a.value for a in o.attributes if a.object_relation == "sha256")
        for o in objects["file"]
    }
    assert digests == {intel_case.sha256(p) for p in intel_case.samples}
    counters = {a.comment: int(a.value) for a in event.attributes if a.type == "counter"}
    assert counters["customers exposed (each counted once)"] == f.exposed_customers
    assert counters["records the seller claims to hold"] == 22_000_000
    assert counters["exposed customers at risk tier sim_replacement"] == 300
    actors = [a.value for a in event.attributes if a.type == "threat-actor"]
    assert actors == ["Dedale"]


def test_a_fabricated_claim(facts: dict[str, CaseFacts]) -> None:
    event = _load(misp_document(facts[FAKE], tlp="green"))
    (incident,) = [o for o in event.objects if o.name == "incident"]
    values = {a.object_relation: a.value for a in incident.attributes}
    assert values["determination"] == "false-positive"
    assert values["criticality"] == "0"
    assert int(event.threat_level_id) == 3
    assert [t.name for t in event.tags] == ["tlp:green"]


def test_a_second_export_keeps_the_event_and_object_ids(facts: dict[str, CaseFacts]) -> None:
    def ids(doc: dict[str, object]) -> list[str]:
        event = doc["Event"]
        assert isinstance(event, dict)
        out = [event["uuid"]]
        for o in event["Object"]:
            out += [o["uuid"], *(a["uuid"] for a in o["Attribute"])]
        return out + [a["uuid"] for a in event["Attribute"]]

    assert ids(misp_document(facts[CASE])) == ids(misp_document(facts[CASE]))
