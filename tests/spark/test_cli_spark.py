"""``--engine spark`` through the CLI: source add and triage, JSON contract unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.engines.spark import SparkEngine
from leaktriage.workspace import Workspace

runner = CliRunner()


def test_source_add_and_triage_on_spark(
    parity_world: tuple[Path, dict[str, Any], Workspace], spark: SparkEngine, tmp_path: Path
) -> None:
    root, manifest, _ = parity_world
    ws = str(tmp_path / "ws")
    assert runner.invoke(app, ["--workspace", ws, "init"]).exit_code == 0
    crm = next(s for s in manifest["sources"] if s["name"] == "crm")
    added = runner.invoke(
        app,
        ["--workspace", ws, "source", "add", str(root / crm["file"]), "--name", "crm",
         "--as-of", crm["as_of"], "--engine", "spark", "--spark-master", "local[2]"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    out = tmp_path / "out.json"
    judged = runner.invoke(
        app,
        ["--workspace", ws, "triage", str(root / "leaks" / "genuine_crm.csv"), "--engine",
         "spark", "--json", str(out)],
    )  # fmt: skip
    assert judged.exit_code == 0, judged.output
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 1
    assert doc["verdict"]["label"] == "genuine"
    assert doc["attribution"]["source"] == "crm"
    # the CLI's engine used the running session and left it running
    assert spark.fetch_one("select 1")[0] == 1  # type: ignore[index]
    assert (tmp_path / "ws" / "spark" / "index" / "source__crm").is_dir()
