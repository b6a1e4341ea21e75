"""The CLI contract of DESIGN.md: commands, exit codes, one-line errors without PII."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from leaktriage.cli import app

runner = CliRunner()


def invoke(ws: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["--workspace", str(ws), *args], env=env or {})


def test_init_then_list(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = invoke(ws, "init")
    assert result.exit_code == 0, result.output
    assert (ws / "key").exists()
    result = invoke(ws, "source", "list")
    assert result.exit_code == 0
    assert "no sources yet" in result.output


def test_workspace_env_var(tmp_path: Path) -> None:
    ws = tmp_path / "from-env"
    result = runner.invoke(app, ["init"], env={"LEAKTRIAGE_WORKSPACE": str(ws)})
    assert result.exit_code == 0, result.output
    assert (ws / "workspace.duckdb").exists()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({"LEAKTRIAGE_KEY": "a-wrong-but-long-key"}, "wrong workspace key", id="wrong"),
        pytest.param({}, "no key", id="missing"),
    ],
)
def test_bad_key_exits_4(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    ws = tmp_path / "ws"
    assert invoke(ws, "init", env={"LEAKTRIAGE_KEY": "the-right-key-123456"}).exit_code == 0
    result = invoke(ws, "source", "list", env=env)
    assert result.exit_code == 4
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_workspace_exits_4(tmp_path: Path) -> None:
    result = invoke(tmp_path / "none", "source", "list")
    assert result.exit_code == 4


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = invoke(tmp_path / "ws", "source", "add", "x.csv")  # --name missing
    assert result.exit_code == 2


def _all_commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            found += _all_commands(cmd, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", cmd))
    return found


def test_every_command_and_option_is_documented() -> None:
    root = typer.main.get_command(app)
    missing = []
    for name, cmd in _all_commands(root):
        if not (cmd.help or "").strip():
            missing.append(name)
        for param in cmd.params:
            if param.param_type_name == "option" and not (param.help or "").strip():
                missing.append(f"{name} {param.opts[0]}")
    assert missing == []


def test_design_commands_exist() -> None:
    root = typer.main.get_command(app)
    names = {n for n, _ in _all_commands(root)}
    assert {
        "init",
        "source add",
        "source list",
        "corpus add",
        "canary plant",
        "triage",
        "serve",
        "synth world",
        "demo",
    } <= names


def test_json_is_written_atomically_or_not_at_all(tmp_path: Path) -> None:
    from leaktriage._output import write_json

    target = tmp_path / "out" / "r.json"
    write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


def test_users_and_api_keys_through_the_cli(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    env = {"LEAKTRIAGE_PASSWORD": "a-long-enough-password"}
    assert invoke(ws, "init").exit_code == 0
    r = invoke(ws, "user", "add", "ana", "--role", "analyst", env=env)
    assert r.exit_code == 0, r.output
    assert "a-long-enough-password" not in r.output
    r = invoke(ws, "user", "add", "bob", "--role", "root", env=env)
    assert r.exit_code == 3
    assert "ana" in invoke(ws, "user", "list").output
    r = invoke(ws, "apikey", "create", "bank", "--scope", "risk:decide")
    assert r.exit_code == 0, r.output
    secret = r.stdout.strip().splitlines()[-1]
    assert secret.startswith("lt_")
    listing = invoke(ws, "apikey", "list").output
    assert "risk:decide" in listing and secret not in listing
    assert invoke(ws, "apikey", "revoke", "bank").exit_code == 0
    assert "yes" in invoke(ws, "apikey", "list").output
