"""The HTML draft opens in real headless Chromium (Debian's, through Playwright): it renders in
its language, makes no network request and logs no console error."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from playwright import sync_api

from leaktriage.notify.draft import build_draft
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.render import write_draft
from notify_world import DISCOVERED, NotifyWorld

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_korean_draft_renders_offline_in_chromium(
    notify_world: NotifyWorld, tmp_path: Path
) -> None:
    assert Path(CHROMIUM).exists(), "Chromium missing: run `make browser`"
    facts = CaseFacts.from_result(notify_world.results["two-samples"], "two-samples")
    path = tmp_path / "kr.html"
    write_draft(build_draft(facts, "KR-PIPC", now=DISCOVERED + timedelta(hours=1)), path, "html")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(path.as_uri())
            assert page.locator("html").get_attribute("lang") == "ko"
            assert page.locator("h1").inner_text() == "개인정보 유출 등 신고서"
            assert page.locator("main section").count() == 11
            assert page.locator("h1").bounding_box()["height"] > 0  # type: ignore[index]
        finally:
            browser.close()
    assert requests == [path.as_uri()] and errors == []
