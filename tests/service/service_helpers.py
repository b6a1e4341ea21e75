"""Helpers of the service tests (the fixtures are in ``conftest.py``): the served world, an
in-process client logged in as a role, the login form, a free port."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from leaktriage.api.service import Service
from leaktriage.workspace import Workspace

PASSWORD = "correct horse battery staple"
ROLES = ("admin", "analyst", "viewer")


@dataclass
class Served:
    """Everything a service test needs."""

    root: Path
    world: Path
    manifest: dict[str, Any]
    ws: Workspace
    service: Service
    app: FastAPI
    #: API key secrets: one per scope (by scope name) and "all" with every scope.
    keys: dict[str, str]

    def scenario_file(self, name: str) -> Path:
        """The leak file of a synthetic scenario."""
        for s in self.manifest["scenarios"]:
            if s["name"] == name:
                return self.world / s["file"]
        raise KeyError(name)


def client_for(served: Served, role: str | None = None) -> TestClient:
    """An in-process client, logged in as ``role`` (a user of that name) when given."""
    client = TestClient(served.app, base_url="http://testserver", follow_redirects=False)
    if role is not None:
        login(client, role)
    return client


def login(client: TestClient | httpx.Client, user: str, password: str = PASSWORD) -> None:
    """Log in through the form (fetching its CSRF-free login page first)."""
    r = client.post("/login", data={"username": user, "password": password})
    assert r.status_code == 303, r.text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
