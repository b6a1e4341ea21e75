"""The notification tests' world: see ``tests/notify_world.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notify_world import NotifyWorld, build_notify_world


@pytest.fixture(scope="session")
def notify_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NotifyWorld]:
    w = build_notify_world(tmp_path_factory.mktemp("notify"))
    yield w
    w.ws.close()
