"""Fixtures of the service tests: a small synthetic operator with its sources registered,
users of every role, API keys of every scope (``served``), and the app served by uvicorn on a
free loopback port (``live_server``). Helpers live in ``service_helpers.py``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from service_helpers import PASSWORD, ROLES, Served, free_port

import log_watch
from leaktriage.api.app import create_app
from leaktriage.api.auth import SCOPES, add_user, create_api_key
from leaktriage.api.service import Service, ServiceConfig
from leaktriage.synth import generate_world
from leaktriage.workspace import Workspace
from synthetic import register_world


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("served")
    world = root / "world"
    manifest = generate_world(world, customers=2000, seed=17)
    log_watch.plant_world(world, manifest)
    ws, _ = Workspace.init(root / "ws")
    register_world(ws, world, manifest)
    for role in ROLES:
        add_user(ws, role, role, PASSWORD)
    keys = {scope: create_api_key(ws, scope.replace(":", "-"), [scope]) for scope in SCOPES}
    keys["all"] = create_api_key(ws, "all-scopes", list(SCOPES))
    service = Service(ws, ServiceConfig(secure_cookies=False, flush_seconds=0.2))
    service.start()
    app = create_app(service)
    yield Served(root, world, manifest, ws, service, app, keys)
    service.stop()
    ws.close()


@pytest.fixture(scope="session")
def live_server(served: Served) -> Iterator[str]:
    """The app served by uvicorn on loopback, in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    # log_config=None: keep the test run's handlers (uvicorn's own config would replace them)
    config = uvicorn.Config(
        served.app, host="127.0.0.1", port=port, log_level="info", log_config=None
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    server.should_exit = True
    thread.join(10)
