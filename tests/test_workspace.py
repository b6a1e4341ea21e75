from __future__ import annotations

import stat
from pathlib import Path

import pytest

from leaktriage.errors import WorkspaceError
from leaktriage.workspace import Workspace


def test_init_writes_key_file_0600(tmp_path: Path) -> None:
    ws, wrote = Workspace.init(tmp_path / "ws")
    ws.close()
    assert wrote
    mode = stat.S_IMODE((tmp_path / "ws" / "key").stat().st_mode)
    assert mode == 0o600


def test_init_with_env_key_writes_no_key_file(tmp_path: Path) -> None:
    ws, wrote = Workspace.init(tmp_path / "ws", env_key="a-long-enough-passphrase")
    ws.close()
    assert not wrote
    assert not (tmp_path / "ws" / "key").exists()
    Workspace.open(tmp_path / "ws", env_key="a-long-enough-passphrase").close()


def test_init_twice_is_refused(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "ws")[0].close()
    with pytest.raises(WorkspaceError, match="already exists"):
        Workspace.init(tmp_path / "ws")


@pytest.mark.parametrize(
    ("env_key", "match"),
    [
        pytest.param("another-long-passphrase!", "wrong workspace key", id="wrong-key"),
        pytest.param("short", "too short", id="short-key"),
    ],
)
def test_open_with_bad_key_fails(tmp_path: Path, env_key: str, match: str) -> None:
    Workspace.init(tmp_path / "ws", env_key="the-right-passphrase-123")[0].close()
    with pytest.raises(WorkspaceError, match=match):
        Workspace.open(tmp_path / "ws", env_key=env_key)


def test_open_without_any_key_fails(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "ws")[0].close()
    (tmp_path / "ws" / "key").unlink()
    with pytest.raises(WorkspaceError, match="no key"):
        Workspace.open(tmp_path / "ws")


def test_open_missing_workspace_fails(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace.open(tmp_path / "nothing")


def test_database_file_is_encrypted(tmp_path: Path) -> None:
    ws, _ = Workspace.init(tmp_path / "ws")
    ws.engine.execute("create table ws.probe as select 'PLAINTEXT-CANARY-VALUE' as s")
    ws.close()
    raw = (tmp_path / "ws" / "workspace.duckdb").read_bytes()
    assert b"PLAINTEXT-CANARY-VALUE" not in raw
    ws = Workspace.open(tmp_path / "ws")
    assert ws.engine.fetch_one("select s from ws.probe") == ("PLAINTEXT-CANARY-VALUE",)
    ws.close()


def test_register_replaces_atomically(workspace: Workspace) -> None:
    e = workspace.engine
    e.execute("create table staged as select range as _row from range(5)")
    workspace.register(
        kind="source",
        name="crm",
        as_of=None,
        staged="staged",
        file_name="crm.csv",
        input_json={"rows": 5},
        columns_json=[],
    )
    e.execute("create or replace table staged as select range as _row from range(3)")
    info = workspace.register(
        kind="source",
        name="crm",
        as_of=None,
        staged="staged",
        file_name="crm.csv",
        input_json={"rows": 3},
        columns_json=[],
    )
    assert info.rows == 3
    assert e.count(info.table) == 3
    assert [s.name for s in workspace.list("source")] == ["crm"]


def test_register_failure_keeps_previous(workspace: Workspace) -> None:
    e = workspace.engine
    e.execute("create table staged as select range as _row from range(5)")
    workspace.register(
        kind="source",
        name="crm",
        as_of=None,
        staged="staged",
        file_name="crm.csv",
        input_json={},
        columns_json=[],
    )
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        workspace.register(
            kind="source",
            name="crm",
            as_of=None,
            staged="does_not_exist",
            file_name="crm.csv",
            input_json={},
            columns_json=[],
        )
    assert workspace.get("source", "crm").rows == 5
    assert e.count(workspace.table_for("source", "crm")) == 5


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("", id="empty"),
        pytest.param("a b", id="space"),
        pytest.param("x" * 65, id="too-long"),
        pytest.param("../etc", id="path"),
    ],
)
def test_bad_names_are_refused(name: str) -> None:
    from leaktriage.errors import InputError

    with pytest.raises(InputError):
        Workspace.check_name(name)


def test_open_adds_columns_of_later_versions(tmp_path: Path) -> None:
    """A workspace whose case exposure predates the confidence column opens and gains it."""
    ws, _ = Workspace.init(tmp_path / "ws")
    ws.engine.execute(
        "create table ws.case_exposure (case_name varchar, sample varchar, customer_key varchar, "
        "customer_ref varchar, source varchar, tier varchar, remediation varchar, "
        "channel varchar, fields varchar[], line_tok varchar, records bigint, stored_at timestamp)"
    )
    ws.close()
    again = Workspace.open(tmp_path / "ws")
    try:
        columns = [
            r[0]
            for r in again.engine.fetch_rows(
                "select column_name from information_schema.columns "
                "where table_name = 'case_exposure'"
            )
        ]
        assert "confidence" in columns
    finally:
        again.close()
