"""Scale-out: the same triage on DuckDB and on Spark (local mode), and how each grows with size.

For each size (reference customers; the leak has ``--leak-share`` of that many rows, drawn
from it, a quarter re-paired with invented names: see ``bench/triage.py``), each engine runs,
in a fresh process so that peak memory is its own:

* ``add``: ``source add`` of the reference (on Spark: read, normalize, tokenize on Spark, the
  table brought into the workspace, the encrypted Parquet index exported);
* ``triage``: triage of the leak (on Spark: read, normalize, tokenize, token joins,
  best-candidate comparison and splink linkage on Spark; evidence and exposure in the
  workspace). Its stages' seconds are printed too (``stages``), and what linkage did.

Printed: seconds and rows/s of each phase, peak RSS of the Python process (VmHWM) and, for
Spark, of its JVM (the largest VmHWM seen among the process' children), and the verdicts (the
two engines must agree). Benchmarks never fail on time.

    .venv/bin/python bench/scale.py                                 # 0.5M, 1M, 2M, 5M customers
    .venv/bin/python bench/scale.py --sizes 200000 500000 --engines duckdb spark
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import in_child, peak_rss_mib, print_table  # noqa: E402
from triage import make_files  # noqa: E402

HERE = Path(__file__).resolve()
KEY = "bench-scale-key-0123456789abcdef"


def _children_peak_mib(stop: threading.Event, seen: dict[str, float]) -> None:
    """Poll the VmHWM of this process' children (the Spark JVM) until ``stop``."""
    me = str(os.getpid())
    while not stop.is_set():
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() != me:
                continue
            hwm = fields.get("VmHWM", "0 kB").split()[0]
            seen["jvm"] = max(seen.get("jvm", 0.0), int(hwm) / 1024)
        stop.wait(0.5)


def child(engine_name: str, ref: str, leak: str, work: str, driver_memory: str) -> None:
    from leaktriage.engines import create_engine
    from leaktriage.triage import run_triage
    from leaktriage.workspace import Workspace

    seen: dict[str, float] = {}
    stop = threading.Event()
    poller = threading.Thread(target=_children_peak_mib, args=(stop, seen), daemon=True)
    poller.start()
    ws, _ = Workspace.init(Path(work) / f"ws-{engine_name}", env_key=KEY)
    data = None
    started = time.perf_counter()
    if engine_name == "spark":
        data = create_engine(
            "spark",
            master="local[*]",
            conf={"spark.driver.memory": driver_memory, "spark.ui.enabled": "false"},
            local_dir=ws.path / "tmp" / "spark",
        )
    startup = time.perf_counter() - started
    t0 = time.perf_counter()
    info, _ = ws.add_file("source", "crm", Path(ref), engine=data)
    add_s = time.perf_counter() - t0
    stages: dict[str, float] = {}
    mark = [time.perf_counter(), ""]

    def on_stage(name: str) -> None:
        now = time.perf_counter()
        if mark[1]:
            stages[str(mark[1])] = now - float(mark[0])
        mark[:] = [now, name]

    t0 = time.perf_counter()
    result = run_triage(ws, Path(leak), engine=data, on_stage=on_stage)
    triage_s = time.perf_counter() - t0
    stages[str(mark[1])] = time.perf_counter() - float(mark[0])
    linkage = result["evidence"]["linkage"]
    if data is not None:
        data.close()
    ws.close()
    stop.set()
    poller.join()
    print(
        json.dumps(
            {
                "engine": engine_name,
                "ref_rows": info.rows,
                "leak_rows": result["input"]["rows"],
                "startup_s": startup,
                "add_s": add_s,
                "triage_s": triage_s,
                "verdict": result["verdict"]["label"],
                "genuine": result["genuine_fraction"],
                "customers": result["exposure"]["customers"],
                "linked": linkage.get("linked_rows", 0),
                "linked_in": linkage.get("linked_in", 0),
                "stages": " ".join(f"{k[:5]}={v:.0f}" for k, v in stages.items()),
                "py_peak_mib": peak_rss_mib(),
                "jvm_peak_mib": seen.get("jvm"),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=5, metavar=("ENGINE", "REF", "LEAK", "WORK", "MEM"))
    parser.add_argument(
        "--sizes", nargs="+", type=int, default=[500_000, 1_000_000, 2_000_000, 5_000_000]
    )
    parser.add_argument("--leak-share", type=float, default=0.4, help="leak rows per customer")
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--driver-memory", default="12g", help="Spark local mode JVM heap")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lt-scale-") as tmp:
        for size in args.sizes:
            work = Path(tmp) / str(size)
            work.mkdir()
            ref, leak = work / "ref.csv", work / "leak.csv"
            make_files(ref, leak, size, int(size * args.leak_share))
            for engine in args.engines:
                got = in_child(
                    str(HERE), engine, str(ref), str(leak), str(work), args.driver_memory
                )
                got["add_rows_s"] = got["ref_rows"] / got["add_s"]
                got["triage_rows_s"] = got["leak_rows"] / got["triage_s"]
                rows.append(got)
                print(json.dumps(got), file=sys.stderr, flush=True)
    print_table(
        rows,
        [
            "engine", "ref_rows", "leak_rows", "startup_s", "add_s", "add_rows_s", "triage_s",
            "triage_rows_s", "py_peak_mib", "jvm_peak_mib", "verdict", "genuine", "customers",
            "linked", "linked_in", "stages",
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
