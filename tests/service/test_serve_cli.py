"""`leaktriage serve` starts the whole service from the command line over a workspace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from service_helpers import PASSWORD, free_port

from leaktriage.api.auth import add_user
from leaktriage.workspace import Workspace


def test_serve_starts_logs_in_and_stops(tmp_path: Path) -> None:
    ws, _ = Workspace.init(tmp_path / "ws")
    add_user(ws, "ana", "analyst", PASSWORD)
    ws.close()
    port = free_port()
    exe = str(Path(sys.executable).parent / "leaktriage")
    cmd = [exe, "--workspace", str(tmp_path / "ws"), "serve"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            assert client.get("/api/v1/cases").status_code == 401
            r = client.post("/login", data={"username": "ana", "password": PASSWORD})
            assert r.status_code == 303
            # plain HTTP on loopback: the cookie is not Secure, so the browser sends it back
            assert "secure" not in r.headers["set-cookie"].lower()
            assert client.get("/api/v1/me").json()["role"] == "analyst"
    finally:
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=30)[0].decode()
    assert f"serving {tmp_path / 'ws'} on http://127.0.0.1:{port}" in out
    assert proc.returncode == 0, out
    # stopped cleanly: the workspace opens again (the service released it)
    Workspace.open(tmp_path / "ws").close()
