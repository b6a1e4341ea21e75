"""A sample of a large text file must not leave pyarrow's read-ahead behind at exit.

pyarrow reads ahead on its own threads from the Python stream the cleaner provides; stopped
after the first batch and left running, that thread aborts ("PyGILState_Release") or hangs the
interpreter while it finalizes. Run in a child process: the failure is the process's exit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = """
import sys
from leaktriage.ingest import open_input
with open_input(sys.argv[1]) as reader:
    assert reader.sample(1).num_rows == 1
"""


def test_sampling_then_exiting_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as out:
        out.write("id,nombre,email\n")
        for i in range(400_000):
            out.write(f"{i},Ana Rojas {i},u{i}@correo.pe\n")
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], capture_output=True, timeout=60, text=True
        )
        assert done.returncode == 0, done.stderr[-500:]
        assert "Fatal Python error" not in done.stderr
