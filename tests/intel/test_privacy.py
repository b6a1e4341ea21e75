"""No identifier of any person in any export: the identifiers of every person in the samples
(customer ids, DNIs, MSISDNs, e-mails, names, IMSIs, Ki/OPc), read from the world's files, are
searched for in STIX and MISP exports, from the library and the CLI; masked examples too."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from intel_world import CASE, FAKE, IntelCase, assert_no_identifier, lt
from leaktriage.intel import facts_from, load_case_facts
from leaktriage.intel.misp import misp_document
from leaktriage.intel.stix import stix_document


@pytest.mark.parametrize("case", [CASE, FAKE])
def test_library_exports_hold_no_identifier(intel_case: IntelCase, case: str) -> None:
    with intel_case.open() as ws:
        facts = load_case_facts(ws.engine, case)
    for doc in (
        stix_document(facts, actor="Dedale", claim_url="https://forum.example/t/1"),
        misp_document(facts, actor="Dedale", claim_url="https://forum.example/t/1"),
    ):
        assert_no_identifier(json.dumps(doc, ensure_ascii=False), intel_case.planted)


@pytest.mark.parametrize("kind", ["stix", "misp"])
def test_cli_exports_hold_no_identifier(intel_case: IntelCase, kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.json"
    r = lt(intel_case.ws, "export", kind, "--case", CASE, "--out", str(out), "--actor", "Dedale")
    assert r.exit_code == 0, r.output
    assert_no_identifier(out.read_text(encoding="utf-8"), intel_case.planted)
    assert_no_identifier(r.output, intel_case.planted)


def test_only_whitelisted_values_pass(intel_case: IntelCase) -> None:
    """A triage JSON with identifiers where they should never be (examples, an unknown field
    type, a reason, a column name, a file path) gives facts, and exports, without them."""
    planted = intel_case.planted[:50]
    leaky: dict[str, Any] = {
        "verdict": {"label": "genuine", "confidence": 0.9, "reasons": planted[:5]},
        "examples": [{"name": v} for v in planted[5:10]],
        "columns": [{"name": v, "type": "msisdn"} for v in planted[10:15]],
        "input": {"path": planted[15], "rows": 10},
        "discovered_at": "2026-11-25T09:00:00+00:00",
        "genuine_fraction": 1.0,
        "snapshot": {"earliest": "2025-01-01", "latest": None},
        "claims": {"claimed_records": 10, "reasons": planted[16:20]},
        "obligations": [{"jurisdiction": "PE", "deadline": "2026-11-27T09:00:00+00:00"}],
    }
    summary = {
        "samples": [
            {
                "sample": "ab" * 8,
                "sha256": planted[20],  # not a digest: dropped
                "label": "genuine",
                "rows": 10,
                "genuine_fraction": 1.0,
                "exposed_customers": 10,
                "file_name": planted[21],
            }
        ],
        "exposure": {
            "customers": 10,
            "by_tier": {"sim_swap": 10, planted[22]: 3},
            "by_field": {"msisdn": 10, planted[23]: 1},
        },
    }
    facts = facts_from("leaky", summary, [leaky])
    assert facts.by_field == {"msisdn": 10} and facts.by_tier == {"sim_swap": 10}
    assert facts.sample_digests == []
    for doc in (stix_document(facts), misp_document(facts)):
        text = json.dumps(doc, ensure_ascii=False)
        pattern = re.compile("|".join(re.escape(v) for v in planted), re.IGNORECASE)
        assert not pattern.search(text)
