"""Combolists: a leak merged from several known leaks (issue 12, item 4).

``combolist_two_corpora`` is ``email:phone:dni:name`` without header, merged from the corpora
``forum_2023`` and ``shop_2024`` and invented people. No single corpus holds the recycled share
of it; together they do, so it is ``recycled`` from both, each named, with what each corpus
explains and the share no corpus explains.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from leaktriage.synth.truth import truth_exposure
from leaktriage.triage import run_triage
from leaktriage.verdict import THRESHOLDS
from leaktriage.workspace import Workspace


def _entry(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in manifest["scenarios"] if s["name"] == name)


def _check_combolist(root: Path, entry: dict[str, Any], result: dict[str, Any]) -> None:
    reasons = result["verdict"]["reasons"]
    assert result["verdict"]["label"] == entry["label"] == "recycled", reasons
    assert abs(result["genuine_fraction"] - entry["genuine_fraction"]) <= 0.05
    assert result["attribution"]["source"] == entry["source"]
    # every corpus it was merged from is named, and what each explains adds up
    named = {
        r["corpus"]: r
        for r in result["recycled_from"]
        if r["explains"] >= THRESHOLDS["recycled_part"]
    }
    assert set(named) == set(entry["recycled_corpora"])
    assert result["recycled_from"][0]["corpus"] == entry["recycled_from"]
    for corpus, rows in entry["recycled_rows"].items():
        assert named[corpus]["rows"] >= rows  # its part, and people it shares with the other
        assert named[corpus]["overlap"] < THRESHOLDS["recycled"]  # no corpus alone suffices
        assert f"'{corpus}'" in reasons[0]
    explained = sum(r["explains"] for r in result["recycled_from"])
    assert abs(explained + result["recycled_unexplained"] - 1) <= 1e-3
    invented = 1 - sum(entry["recycled_rows"].values()) / entry["rows"]
    assert abs(result["recycled_unexplained"] - invented) <= 0.05
    by_field, by_tier = truth_exposure(root, entry)
    assert result["exposure"]["by_tier"] == by_tier
    assert result["exposure"]["by_field"] == by_field


def test_colon_combolist_is_recycled_from_both(
    world: tuple[Path, dict[str, Any], Workspace],
) -> None:
    """The file as published: colons, no header (needs the reader to sniff four columns)."""
    root, manifest, ws = world
    entry = _entry(manifest, "combolist_two_corpora")
    result = run_triage(ws, root / entry["file"], claimed_records=22_000_000)
    assert [c["type"] for c in result["columns"]] == list(entry["columns"].values())
    _check_combolist(root, entry, result)


def test_combolist_with_header_is_recycled_from_both(
    world: tuple[Path, dict[str, Any], Workspace], tmp_path: Path
) -> None:
    """The same rows with a header and commas: the many-corpora logic, whatever the reader."""
    root, manifest, ws = world
    entry = _entry(manifest, "combolist_two_corpora")
    path = tmp_path / "combolist.csv"
    lines = (root / entry["file"]).read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["email", "phone", "dni", "name"])
        out.writerows(line.split(":") for line in lines)
    header = dict(zip(["email", "phone", "dni", "name"], entry["columns"].values(), strict=True))
    result = run_triage(ws, path)
    assert {c["name"]: c["type"] for c in result["columns"]} == header
    _check_combolist(root, entry, result)


@pytest.mark.parametrize("scenario", ["recycled_forum", "genuine_crm", "other_operator"])
def test_single_corpus_or_none(
    world: tuple[Path, dict[str, Any], Workspace], scenario: str
) -> None:
    """A re-publication of one corpus names that one alone; other leaks are not recycled, and
    what the corpora explain plus what none explains is the whole leak."""
    root, manifest, ws = world
    entry = _entry(manifest, scenario)
    result = run_triage(ws, root / entry["file"])
    named = [r for r in result["recycled_from"] if r["explains"] >= THRESHOLDS["recycled_part"]]
    explained = sum(r["explains"] for r in result["recycled_from"])
    assert abs(explained + result["recycled_unexplained"] - 1) <= 1e-3
    if scenario == "recycled_forum":
        assert [r["corpus"] for r in named] == ["forum_2023"]
        assert result["recycled_unexplained"] <= 0.05
        assert "'shop_2024'" not in result["verdict"]["reasons"][0]
    else:
        assert result["verdict"]["label"] != "recycled"
        assert explained < THRESHOLDS["recycled"]
