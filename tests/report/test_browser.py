"""The HTML report in real headless Chromium: no network request, no console error, it renders.

Uses Debian's Chromium (``apt-get install chromium``) through Playwright; Playwright's own
browser downloads are not needed. Skipped when either is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from leaktriage.report.html import write_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OUT = Path(__file__).with_name("out")

# `make test` installs Debian's Chromium (`make browser`): its absence is a failure, not a skip.


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), (
        "Chromium missing: run `make browser` (apt-get install chromium)"
    )
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def report_file(
    tmp_path: Path,
    triage: dict[str, Any],
    planted_examples: list[dict[str, str]],
    obligations: list[dict[str, Any]],
) -> Path:
    path = tmp_path / "report.html"
    write_html(triage, path, examples=planted_examples, obligations=obligations)
    return path


def _open(browser: Any, path: Path, *, media: str = "screen") -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.emulate_media(media=media)
    page.goto(path.as_uri(), wait_until="load")
    return page, requests, errors


def test_report_loads_nothing_and_logs_no_error(browser: Any, report_file: Path) -> None:
    page, requests, errors = _open(browser, report_file)
    try:
        assert requests == [report_file.as_uri()]
        assert errors == []
        badge = page.locator("#verdict-badge")
        assert badge.is_visible()
        assert badge.inner_text().strip().lower() == "genuine"
        box = badge.bounding_box()
        assert box is not None and box["width"] > 60 and box["height"] > 20
        # every chart is laid out with a real size
        sizes = page.eval_on_selector_all(
            "figure svg",
            "els => els.map(e => [e.getBoundingClientRect().width,"
            " e.getBoundingClientRect().height])",
        )
        assert len(sizes) == 6
        assert all(w > 150 and h > 40 for w, h in sizes), sizes
        # no horizontal scrolling on a laptop screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366

        OUT.mkdir(exist_ok=True)
        shot = OUT / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(data) > 100_000
        height = int.from_bytes(data[20:24], "big")
        assert height > 2000  # the whole report, not one screen
    finally:
        page.close()


def test_report_prints(browser: Any, report_file: Path) -> None:
    page, requests, errors = _open(browser, report_file, media="print")
    try:
        assert not page.locator("nav.toc").is_visible()
        assert page.locator("#verdict-badge").is_visible()
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        OUT.mkdir(exist_ok=True)
        (OUT / "report.pdf").write_bytes(pdf)
        assert requests == [report_file.as_uri()]
        assert errors == []
    finally:
        page.close()
