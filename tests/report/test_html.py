"""The HTML report: sections, inline charts, no network, masked values only."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from leaktriage.report import html as report_html
from leaktriage.report.html import render_html, write_html

SECTIONS = ["summary", "reasons", "evidence", "exposure", "claims", "method"]
CHART_LABELS = [
    "identifiers found in our customer data",
    "leak records that hit a customer",
    "Snapshot window on a time axis",
    "Exposed customers per risk tier",
    "Exposed customers per leaked field",
    "already present in known prior leaks",
]


@pytest.fixture
def full_report(
    triage: dict[str, Any],
    planted_examples: list[dict[str, str]],
    obligations: list[dict[str, Any]],
) -> str:
    return render_html(triage, examples=planted_examples, obligations=obligations)


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def test_sections_present(full_report: str) -> None:
    for section in [*SECTIONS, "deadlines", "examples"]:
        assert f'<section id="{section}"' in full_report or f'<footer id="{section}"' in full_report
    assert 'id="verdict-badge"' in full_report
    assert ">genuine</span>" in full_report
    assert "crm" in full_report
    assert "13–14 Mar 2025" in full_report


def test_optional_sections_absent_without_inputs(triage: dict[str, Any]) -> None:
    page = render_html(triage)
    assert '<section id="deadlines"' not in page
    assert '<section id="examples"' not in page
    assert "Nearest deadline" not in page
    assert "Claimed records" in page  # the headline tile that takes the deadline's place


def test_reasons_listed_in_plain_language(triage: dict[str, Any]) -> None:
    page = render_html(triage)
    for reason in triage["verdict"]["reasons"]:
        assert f"<li>{reason}</li>" in html.unescape(page)


def test_every_chart_is_inline_accessible_svg(full_report: str) -> None:
    svgs = _svgs(full_report)
    assert len(svgs) == len(CHART_LABELS)
    for label in CHART_LABELS:
        assert any(label in svg.split(">", 2)[0] for svg in svgs), label
    for svg in svgs:
        opening = svg.split(">", 1)[0]
        assert 'role="img"' in opening
        assert "aria-label=" in opening
        assert re.search(r"<title>[^<]+</title>", svg)
    assert "<img" not in full_report
    assert "<script" not in full_report


def test_svg_ids_are_unique_across_charts(full_report: str) -> None:
    ids = re.findall(r'\bid="([^"]+)"', full_report)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", full_report):
        assert ref in ids


def test_no_remote_resources(full_report: str) -> None:
    # the only absolute URLs allowed are XML namespace names, which no browser fetches
    for m in re.finditer(r"https?://", full_report):
        before = full_report[max(0, m.start() - 14) : m.start()]
        assert re.search(r'xmlns(:\w+)?="$', before), full_report[m.start() - 40 : m.end() + 40]
    links = re.findall(
        r"""\b(?:src|href|xlink:href|action|srcset)\s*=\s*["']?([^"'\s>]*)""", full_report
    )
    assert links  # the table of contents
    assert all(link.startswith("#") for link in links), links
    assert "@import" not in full_report
    assert not re.search(r"url\((?!#)", full_report)
    assert "<link" not in full_report


def test_planted_raw_values_appear_only_masked(
    full_report: str, planted: list[tuple[str, str, str]]
) -> None:
    for _, raw, _ in planted:
        assert raw not in full_report
        assert raw.lower() not in full_report.lower()
    cells = re.findall(r'<td class="masked">(.*?)</td>', full_report)
    cells = [html.unescape(c) for c in cells]
    for _, _, masked in planted:
        assert masked in cells
    assert "*****0077" in cells  # the second record's phone
    assert '<td class="muted">untyped</td>' in full_report
    assert "912340077" not in full_report


def test_examples_masked_even_when_claimed_masked(triage: dict[str, Any]) -> None:
    """The caller's masking is not trusted: a raw value in a 'masked' example is masked again."""
    examples = [{"TELEFONO_MOVIL": "*****4821", "CORREO": "maria.flores@hotmail.com"}]
    page = render_html(triage, examples=examples)
    assert "*****4821" in page
    assert "m***@h***.com" in page
    assert "maria.flores" not in page


def test_deadlines_sorted_with_utc_and_local(full_report: str) -> None:
    section = full_report.split('<section id="deadlines"', 1)[1].split("</section>", 1)[0]
    # 2025-03-19 09:30+01:00 is 08:30 UTC: the earliest, and the headline's nearest deadline
    utc = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC(?=<)", section)
    assert utc == ["2025-03-19 08:30 UTC", "2025-03-20 14:00 UTC", "2025-03-21 05:00 UTC"]
    assert "2025-03-20 09:00 Lima (UTC−5)" in section
    assert "2025-03-21 14:00 Seoul (UTC+9)" in section  # naive deadline read as UTC
    assert "2025-03-19 09:30 (UTC+1)" in section  # no single zone for the EU: its own offset
    summary = full_report.split('<section id="summary"', 1)[1].split("</section>", 1)[0]
    assert "Nearest deadline" in summary
    assert "19 Mar 08:30" in summary
    assert "National telecom regulator" in summary
    assert "national_id, msisdn" in section
    assert "PIPA art. 34" in section


@pytest.mark.parametrize(
    "label", ["genuine", "recycled", "fabricated", "mixed", "unrelated", "inconclusive"]
)
def test_every_verdict_label_renders(triage: dict[str, Any], label: str) -> None:
    triage["verdict"]["label"] = label
    page = render_html(triage)
    assert f'class="badge {label}"' in page
    assert report_html.VERDICT_MEANING[label] in html.unescape(page)


def test_minimal_document_without_evidence() -> None:
    """Only the schema's required keys, nothing found: the report still renders, no charts."""
    minimal: dict[str, Any] = {
        "schema_version": 1,
        "input": {
            "path": "x.csv",
            "format": "csv",
            "encoding": "utf-8",
            "rows": 10,
            "malformed_rows": 0,
        },
        "columns": [],
        "verdict": {"label": "inconclusive", "confidence": 0.2, "reasons": []},
        "genuine_fraction": 0.0,
        "matched_customers": 0,
        "attribution": {"source": None, "candidates": [], "canary_hits": []},
        "snapshot": {"earliest": None, "latest": None},
        "recycled_from": [],
        "exposure": {"customers": 0, "by_field": {}, "by_tier": {}},
        "claims": {
            "claimed_records": None,
            "estimated_records": None,
            "plausible": None,
            "reasons": [],
        },
    }
    page = render_html(minimal)
    assert _svgs(page) == []
    assert "could not be dated" in page
    assert "No overlap with any known prior leak" in page
    assert "unknown" in page


def test_snapshot_histogram_drawn_when_provided(triage: dict[str, Any]) -> None:
    triage["evidence"]["snapshot"]["activation_histogram"] = [
        {"start": f"2024-{m:02d}-01", "count": 50 + 10 * m} for m in range(1, 13)
    ]
    page = render_html(triage)
    snap = next(s for s in _svgs(page) if "Snapshot window" in s.split(">", 1)[0])
    assert "activation date of matched customers" in snap


def test_text_is_escaped(triage: dict[str, Any]) -> None:
    triage["case"] = "<script>alert(1)</script>"
    triage["verdict"]["reasons"].append("a <b>bold</b> claim")
    page = render_html(triage)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "a &lt;b&gt;bold&lt;/b&gt; claim" in page


def test_write_html_is_atomic(tmp_path: Path, triage: dict[str, Any]) -> None:
    out = tmp_path / "deep" / "report.html"
    write_html(triage, out, obligations=[])
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]


def test_write_html_leaves_nothing_on_failure(
    tmp_path: Path, triage: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous", encoding="utf-8")

    def broken_replace(src: str, dst: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report_html.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_html(triage, out)
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_positional_signature_still_works(tmp_path: Path, triage: dict[str, Any]) -> None:
    """The CLI calls write_html(result, path) and render_html(result)."""
    write_html(triage, tmp_path / "r.html")
    assert render_html(triage).count("<svg") == len(CHART_LABELS)


def test_examples_capped(triage: dict[str, Any]) -> None:
    examples = [{"TELEFONO_MOVIL": f"9876{i:05d}"} for i in range(12)]
    page = render_html(triage, examples=examples)
    assert page.count('<td class="masked">') == report_html.MAX_EXAMPLES
    assert f"Showing {report_html.MAX_EXAMPLES} of 12 examples." in page


def test_report_without_chart_renderer(
    triage: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No vl-convert: no charts, a visible note, and the figures still in tables and lists."""
    monkeypatch.setattr(report_html, "_renderer_available", lambda: False)
    page = render_html(triage)
    assert "<svg" not in page
    assert "Charts omitted" in page
    assert '<th scope="row">national id</th>' in page  # hit-rate table
    assert "forum_2023: 3.1%" in page
    assert "vl-convert-python is not installed" in caplog.text
