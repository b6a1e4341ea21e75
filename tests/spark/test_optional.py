"""pyspark is optional: without it ``import leaktriage`` and the DuckDB path work, and asking
for ``--engine spark`` says what to install in one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_BLOCK = """
import sys
class _NoSpark:
    def find_spec(self, name, path=None, target=None):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError("pyspark blocked by the test")
        return None
sys.meta_path.insert(0, _NoSpark())
"""


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCK + code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )


def test_duckdb_path_without_pyspark(tmp_path: Path) -> None:
    done = _run(
        """
import leaktriage
from leaktriage.engines import create_engine
from leaktriage.errors import EngineError
from leaktriage.workspace import Workspace
ws, _ = Workspace.init(__import__("pathlib").Path("ws"))
ws.close()
e = create_engine("duckdb")
assert e.fetch_one("select 41 + 1")[0] == 42
e.close()
try:
    create_engine("spark")
except EngineError as exc:
    print("ERR", exc)
assert "pyspark" not in sys.modules
""",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "ERR the spark engine needs pyspark: pip install 'leaktriage[spark]'" in done.stdout


def test_cli_engine_spark_without_pyspark(tmp_path: Path) -> None:
    done = _run(
        """
from typer.testing import CliRunner
from leaktriage.cli import app
r = CliRunner().invoke(app, ["--workspace", "ws", "triage", "x.csv", "--engine", "spark"])
print("EXIT", r.exit_code)
print(r.output, end="")
""",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "EXIT 2"
    assert lines[1:] == [
        "error: --engine spark needs pyspark: pip install 'leaktriage[spark]' "
        "(or use --engine duckdb)"
    ]
