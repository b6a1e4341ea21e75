"""Spark Connect: ``SPARK_REMOTE`` reaches a Connect server and triage gives the same answers.

The server is Spark's own, started in-process by pyspark for ``SPARK_REMOTE=local[2]`` (the
Connect client then talks gRPC to it, as to ``sc://host:15002``). It runs in a child process:
this one already holds the suite's classic session. Its settings come from the usual Spark
configuration (``$SPARK_CONF_DIR/spark-defaults.conf``). The leak rests on linkage, so splink's
``SparkAPI`` is exercised through Connect as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from _names_only import write_names_only_leak
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.workspace import Workspace

runner = CliRunner()
DEFAULTS = """\
spark.sql.shuffle.partitions 2
spark.default.parallelism 2
spark.ui.enabled false
spark.driver.memory 1g
"""


def test_triage_through_spark_connect(
    parity_world: tuple[Path, dict[str, Any], Workspace], tmp_path: Path
) -> None:
    root, manifest, _ = parity_world
    ws = str(tmp_path / "ws")
    crm = next(s for s in manifest["sources"] if s["name"] == "crm")
    assert runner.invoke(app, ["--workspace", ws, "init"]).exit_code == 0
    added = runner.invoke(
        app,
        ["--workspace", ws, "source", "add", str(root / crm["file"]), "--name", "crm",
         "--as-of", crm["as_of"]],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    leak = tmp_path / "names_only.csv"
    write_names_only_leak(root / crm["file"], leak)
    on_duck = tmp_path / "duck.json"
    judged = runner.invoke(app, ["--workspace", ws, "triage", str(leak), "--json", str(on_duck)])
    assert judged.exit_code == 0, judged.output

    conf = tmp_path / "spark-conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(DEFAULTS)
    on_connect = tmp_path / "connect.json"
    # splink's SparkAPI over Connect, though the reference is small
    env = {
        **os.environ,
        "SPARK_REMOTE": "local[2]",
        "SPARK_CONF_DIR": str(conf),
        "LEAKTRIAGE_SCALE_OUT_LINKAGE_MIN_ROWS": "0",
    }
    env.pop("SPARK_MASTER", None)
    # the CLI as users run it, reporting which kind of session its engine got
    code = """
import leaktriage.engines.spark as spark
started = spark.SparkEngine.__init__
def spy(self, *args, **kwargs):
    started(self, *args, **kwargs)
    print("SESSION", type(self.spark).__module__, flush=True)
spark.SparkEngine.__init__ = spy
from leaktriage.cli import app
app()
"""
    done = subprocess.run(
        [sys.executable, "-c", code, "--workspace", ws, "triage", str(leak), "--engine", "spark",
         "--json", str(on_connect)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "SESSION pyspark.sql.connect.session" in done.stdout

    duck, connect = json.loads(on_duck.read_text()), json.loads(on_connect.read_text())
    assert connect["verdict"] == duck["verdict"]
    assert connect["genuine_fraction"] == duck["genuine_fraction"]
    assert connect["matched_customers"] == duck["matched_customers"]
    assert connect["exposure"]["by_tier"] == duck["exposure"]["by_tier"]
    linkage = connect["evidence"]["linkage"]
    assert linkage == duck["evidence"]["linkage"]
    assert linkage["ran"] and linkage["linked_rows"] >= 250
