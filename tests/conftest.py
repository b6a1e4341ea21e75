"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from leaktriage.engines import Engine, create_engine
from leaktriage.workspace import Workspace

TEST_KEY = "leaktriage-test-key-0123456789abcdef"


@pytest.fixture
def engine() -> Iterator[Engine]:
    """A fresh in-memory DuckDB engine."""
    eng = create_engine("duckdb")
    yield eng
    eng.close()


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A new workspace with a key file."""
    ws, _ = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()


# -- markers by where a test lives: the quick loop leaves out the heavy ones ---------------------
#: Marker of each test file or folder (relative to tests/) that needs a heavy component.
_MARKED: dict[str, str] = {
    "spark/": "spark",
    "service/test_browser.py": "browser",
    "report/test_browser.py": "browser",
    "notify/test_browser.py": "browser",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        where = Path(str(item.path)).resolve().relative_to(root).as_posix()
        for prefix, marker in _MARKED.items():
            if where.startswith(prefix):
                item.add_marker(getattr(pytest.mark, marker))


# -- no identifier in any log line of the run ------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    import log_watch

    for name, what in (
        ("spark", "needs pyspark and a JVM (local Spark session)"),
        ("browser", "runs headless Chromium through Playwright"),
    ):
        config.addinivalue_line("markers", f"{name}: {what}")
    log_watch.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import log_watch

    lines, planted, hits = log_watch.findings()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"log watch: {lines:,} log lines, {planted:,} planted identifiers, "
            f"{len(hits)} lines with an identifier"
        )
    if hits:
        if reporter is not None:
            for line in hits[:20]:
                reporter.write_line(f"  identifier in log: {line}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
