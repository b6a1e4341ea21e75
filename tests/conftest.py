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


# -- no identifier in any log line of the run ------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    import log_watch

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
