"""Users (Argon2id passwords, roles) and API keys (scopes, revocation), kept in the workspace."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from leaktriage.api.auth import (
    add_user,
    create_api_key,
    list_api_keys,
    list_users,
    revoke_api_key,
    verify_api_key,
    verify_password,
)
from leaktriage.errors import InputError
from leaktriage.workspace import Workspace

PASSWORD = "correct horse battery staple"


def test_users_and_passwords(workspace: Workspace, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    add_user(workspace, "ana", "analyst", PASSWORD)
    add_user(workspace, "vic", "viewer", PASSWORD + "!")
    assert [(u.name, u.role) for u in list_users(workspace)] == [
        ("ana", "analyst"),
        ("vic", "viewer"),
    ]
    user = verify_password(workspace, "ana", PASSWORD)
    assert user is not None and user.role == "analyst"
    assert verify_password(workspace, "ana", PASSWORD + "x") is None
    assert verify_password(workspace, "nobody", PASSWORD) is None
    assert PASSWORD not in caplog.text
    stored = workspace.engine.fetch_one("select password_hash from ws.users where name = 'ana'")
    assert stored is not None and stored[0].startswith("$argon2id$")


def test_password_not_at_rest(tmp_path: Path) -> None:
    ws, _ = Workspace.init(tmp_path / "ws")
    add_user(ws, "ana", "admin", PASSWORD)
    ws.close()
    raw = (tmp_path / "ws" / "workspace.duckdb").read_bytes()
    assert PASSWORD.encode() not in raw


@pytest.mark.parametrize(
    ("name", "role", "password"),
    [
        pytest.param("ana", "root", PASSWORD, id="unknown-role"),
        pytest.param("ana", "admin", "short", id="short-password"),
        pytest.param("a b", "admin", PASSWORD, id="bad-name"),
    ],
)
def test_bad_users_are_refused(workspace: Workspace, name: str, role: str, password: str) -> None:
    with pytest.raises(InputError):
        add_user(workspace, name, role, password)


def test_api_keys(workspace: Workspace) -> None:
    secret = create_api_key(workspace, "bank-gw", ["risk:decide", "events:write"])
    assert secret.startswith("lt_") and len(secret) > 40
    key = verify_api_key(workspace, secret)
    assert key is not None and key.scopes == ("events:write", "risk:decide")
    assert verify_api_key(workspace, secret + "x") is None
    assert verify_api_key(workspace, "not-a-key") is None
    stored = workspace.engine.fetch_rows("select digest from ws.api_keys")
    assert secret not in str(stored)
    with pytest.raises(InputError):
        create_api_key(workspace, "bank-gw", ["risk:decide"])
    with pytest.raises(InputError):
        create_api_key(workspace, "other", ["everything"])
    revoke_api_key(workspace, "bank-gw")
    assert verify_api_key(workspace, secret) is None
    assert list_api_keys(workspace)[0].revoked
