"""A synthetic case for the CSIRT exports, made the way an analyst makes it (the CLI): a 2,000
customer world, its sources registered, a case of two samples (the CRM extract posted with a
claim of 22 million records, then a dump of SIM keys) and a case of a fabricated sample."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

import log_watch
from intel_world import CASE, DISCOVERED, FAKE, IntelCase, lt, planted_identifiers


@pytest.fixture(scope="session")
def intel_case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IntelCase]:
    root = tmp_path_factory.mktemp("intel")
    world, ws = root / "world", root / "ws"
    r = lt(ws, "synth", "world", str(world), "--customers", "2000", "--seed", "5")
    assert r.exit_code == 0, r.output
    manifest = json.loads((world / "world.json").read_text())
    assert lt(ws, "init").exit_code == 0
    for src in manifest["sources"]:
        r = lt(ws, "source", "add", str(world / src["file"]), "--name", src["name"],
               "--as-of", src["as_of"])  # fmt: skip
        assert r.exit_code == 0, r.output
    for corpus in manifest["corpora"]:
        r = lt(ws, "corpus", "add", str(world / corpus["file"]), "--name", corpus["name"])
        assert r.exit_code == 0, r.output
    crm, keys, fake = (
        world / "leaks" / "genuine_crm.csv",
        world / "leaks" / "sim_keys_only.csv",
        world / "leaks" / "fabricated.csv",
    )
    for path, case, extra in (
        (crm, CASE, ["--claimed-records", "22000000"]),
        (keys, CASE, []),
        (fake, FAKE, []),
    ):
        r = lt(ws, "triage", str(path), "--case", case, "--discovered-at", DISCOVERED, *extra)
        assert r.exit_code == 0, r.output
    planted = planted_identifiers(world, manifest)
    log_watch.plant(planted)  # and no log line of the run holds one
    yield IntelCase(world, ws, manifest, [crm, keys], planted)
