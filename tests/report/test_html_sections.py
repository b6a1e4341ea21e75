"""Report sections of the second round: the table read from a multi-table input, another
holder's records, reassigned lines, the share each known leak explains, and a case's samples."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from leaktriage.report.html import render_html

EXAMPLE = Path(__file__).with_name("example_triage.json")


@pytest.fixture
def doc() -> dict[str, Any]:
    return copy.deepcopy(json.loads(EXAMPLE.read_text()))


def test_multi_table_input_names_the_table_and_the_others(doc: dict[str, Any]) -> None:
    doc["input"]["table"] = "Customer"
    doc["input"]["tables"] = [
        {"name": "Customer", "rows": 59, "columns": ["CustomerId", "Email"]},
        {"name": "Employee", "rows": 8, "columns": ["EmployeeId", "Email"]},
        {"name": "PlaylistTrack", "rows": 8715, "columns": ["PlaylistId", "TrackId"]},
    ]
    doc["input"]["other_personal_tables"] = [
        {"name": "Employee", "rows": 8, "personal_columns": ["email", "full_name"]}
    ]
    html = render_html(doc)
    assert 'id="tables-read"' in html
    assert "<strong>Customer</strong> of 3" in html
    assert "Employee (8 rows" in html and "--table NAME" in html
    del doc["input"]["tables"]
    assert 'id="tables-read"' not in render_html(doc)


def test_identity_scope_and_reassigned_lines(doc: dict[str, Any]) -> None:
    doc["exposure"]["scope"] = "identity"
    doc["exposure"]["lines_reassigned"] = 12
    html = render_html(doc)
    assert 'id="scope-identity"' in html
    assert "12 of their leaked lines have been reassigned" in html
    doc["exposure"].pop("scope")
    doc["exposure"]["lines_reassigned"] = 0
    html = render_html(doc)
    assert 'id="scope-identity"' not in html and 'id="lines-reassigned"' not in html


def test_recycled_parts(doc: dict[str, Any]) -> None:
    doc["recycled_from"] = [
        {"corpus": "forum_2023", "overlap": 0.46, "rows": 138, "explains": 0.46},
        {"corpus": "shop_2024", "overlap": 0.36, "rows": 108, "explains": 0.34},
    ]
    doc["recycled_unexplained"] = 0.2
    html = render_html(doc)
    assert 'id="recycled-parts"' in html
    assert "shop_2024" in html and "34.0%" in html and "20.0%" in html


def test_case_samples_table(doc: dict[str, Any]) -> None:
    sample = {
        "sample": "a1", "file_name": "first.csv", "triaged_at": None, "label": "genuine",
        "genuine_fraction": 1.0, "source": "crm", "rows": 300,
        "snapshot": {"earliest": "2025-01-01", "latest": None}, "custody": None,
        "exposed_customers": 300, "by_tier": {"sim_swap": 300},
    }  # fmt: skip
    second = {**sample, "sample": "b2", "file_name": "second.csv", "source": "hss"}
    doc["case_samples"] = {
        "samples": [sample, second],
        "exposure": {"customers": 450, "by_tier": {"sim_swap": 450}, "by_field": {}},
    }
    html = render_html(doc)
    assert 'id="samples"' in html
    assert "first.csv" in html and "second.csv" in html and "<strong>450</strong>" in html
    doc["case_samples"]["samples"] = [sample]
    assert 'id="samples"' not in render_html(doc)
