"""The web UI in real headless Chromium (Debian's, installed by ``make browser``) against the
live server: log in with the keyboard, open a case, upload a synthetic leak, watch the
progress, see the verdict, the charts and a countdown, download the report; a viewer gets no
notification list. No request leaves the server's origin, and the page logs no error (a CSP
violation would)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api
from service_helpers import PASSWORD, Served

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # `make test` installs Debian's Chromium (`make browser`): its absence is a failure.
    assert Path(CHROMIUM).exists(), "Chromium missing: run `make browser`"
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with every request URL and every console or page error recorded."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(
            viewport={"width": 1366, "height": 768}, accept_downloads=True, base_url=base
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def close(self) -> None:
        self.context.close()


def _log_in_with_keyboard(page: Any, user: str) -> None:
    page.goto("/login")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'username'")
    page.keyboard.press("Shift+Tab")  # back through the header (the brand link)...
    page.keyboard.press("Shift+Tab")  # ...to the skip link, the page's first stop
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type(user)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/"), page.url
    assert page.locator("#who").inner_text().startswith(user)


def test_analyst_triages_a_leak_and_a_viewer_gets_no_notification_list(
    browser: Any, live_server: str, served: Served, tmp_path: Path
) -> None:
    name = f"browser-{time.monotonic_ns() % 10**9}"
    analyst = Watched(browser, live_server)
    page = analyst.page
    try:
        _log_in_with_keyboard(page, "analyst")
        page.get_by_role("link", name="New case").first.click()
        page.wait_for_url("**/cases/new")
        page.get_by_label("Case name").fill(name)
        page.get_by_label("Records the seller claims (optional)").fill("1000")
        page.get_by_label("PE", exact=True).check()
        page.get_by_label("Leak sample").set_input_files(served.scenario_file("genuine_crm"))
        with page.expect_navigation():
            page.get_by_role("button", name="Open the case and triage").click()
        assert page.url.endswith(f"/cases/{name}")
        # the progress panel while queued or running (a triage takes seconds, this ms)
        panel = page.locator("#progress")
        assert panel.is_visible()
        assert panel.get_attribute("data-state") in ("queued", "running")
        assert page.locator("#case-state").inner_text() in ("queued", "running")
        # the panel polls its fragment and the page reloads itself when the triage ends
        page.locator("#verdict-label").wait_for(state="visible", timeout=120_000)
        polls = [u for u in analyst.requests if u.endswith(f"/cases/{name}/progress")]
        assert polls, "the progress panel never polled"
        assert page.locator("#verdict-label").inner_text().strip().lower() == "genuine"
        assert page.locator("#case-state").inner_text() == "done"

        # readable on a laptop screen: nothing wider than the 1366 px viewport
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        charts = page.locator("figure.chart svg")
        assert charts.count() >= 3
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 40
        countdown = page.locator("time.countdown").first
        assert countdown.is_visible()
        first = countdown.inner_text()
        assert "left" in first or "overdue" in first
        page.wait_for_function(
            "t => document.querySelector('time.countdown').textContent !== t", arg=first
        )  # ticks

        with page.expect_download() as info:
            page.locator("#download-report").click()
        download = info.value
        assert download.suggested_filename == f"{name}-report.html"
        saved = tmp_path / "report.html"
        download.save_as(saved)
        report = saved.read_text(encoding="utf-8")
        assert report.lstrip().lower().startswith("<!doctype html")
        assert "genuine" in report
        assert page.locator("#download-notifications").is_visible()

        base = live_server.rstrip("/")
        assert all(url.startswith(base) for url in analyst.requests), analyst.requests
        assert analyst.errors == []
    finally:
        analyst.close()

    viewer = Watched(browser, live_server)
    page = viewer.page
    try:
        _log_in_with_keyboard(page, "viewer")
        assert page.get_by_role("link", name="New case").count() == 0
        page.get_by_role("link", name=name).click()
        page.locator("#verdict-label").wait_for(state="visible")
        assert page.locator("#download-report").is_visible()
        assert page.locator("#download-notifications").count() == 0
        assert page.locator("a[href*='notification-list']").count() == 0
        r = page.request.get(f"/api/v1/cases/{name}/notification-list")
        assert r.status == 403
        assert viewer.errors == []
    finally:
        viewer.close()
