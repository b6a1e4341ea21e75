"""``leaktriage export stix|misp``: files written, exit codes, the digests kept per sample."""

from __future__ import annotations

import json
from pathlib import Path

import stix2validator
from pymisp import MISPEvent

from intel_world import CASE, IntelCase, lt
from leaktriage.exposure.case import case_summary
from leaktriage.exposure.tiers import load_tier_rules


def test_stix_export_writes_a_valid_bundle(intel_case: IntelCase, tmp_path: Path) -> None:
    out = tmp_path / "case.stix.json"
    r = lt(intel_case.ws, "export", "stix", "--case", CASE, "--out", str(out),
           "--tlp", "amber+strict", "--actor", "Dedale", "--claim-url", "https://f.example/1",
           "--producer", "Operator CSIRT")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())  # Rich wraps long lines
    assert "STIX 2.1 bundle" in text and "2 sample hashes" in text
    result = stix2validator.validate_string(
        out.read_text(), stix2validator.ValidationOptions(version="2.1")
    )
    assert result.is_valid
    doc = json.loads(out.read_text())
    assert any(o["type"] == "identity" and o["name"] == "Operator CSIRT" for o in doc["objects"])


def test_misp_export_writes_an_event(intel_case: IntelCase, tmp_path: Path) -> None:
    out = tmp_path / "case.misp.json"
    r = lt(intel_case.ws, "export", "misp", "--case", CASE, "--out", str(out), "--tlp", "red")
    assert r.exit_code == 0, r.output
    event = MISPEvent()
    event.load(out.read_text())
    assert [t.name for t in event.tags] == ["tlp:red"]
    assert len([o for o in event.objects if o.name == "file"]) == 2


def test_exit_codes(intel_case: IntelCase, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    r = lt(intel_case.ws, "export", "stix", "--case", "no-such-case", "--out", str(out))
    assert r.exit_code == 4 and "no triaged sample" in r.output
    assert not out.exists()
    r = lt(intel_case.ws, "export", "misp", "--case", CASE, "--out", str(out), "--tlp", "white")
    assert r.exit_code == 2
    r = lt(intel_case.ws, "export", "stix", "--out", str(out))  # no --case
    assert r.exit_code == 2
    r = lt(tmp_path / "no-ws", "export", "stix", "--case", CASE, "--out", str(out))
    assert r.exit_code == 4


def test_each_sample_keeps_its_digest_and_size(intel_case: IntelCase) -> None:
    with intel_case.open() as ws:
        samples = case_summary(ws.engine, CASE, load_tier_rules())["samples"]
    assert [(s["sha256"], s["file_bytes"]) for s in samples] == [
        (intel_case.sha256(p), p.stat().st_size) for p in intel_case.samples
    ]
    assert all(s["sample"] == s["sha256"][:16] for s in samples)
