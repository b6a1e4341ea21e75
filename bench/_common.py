"""Helpers shared by the benchmarks: run a measurement in a fresh process, print a table."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def peak_rss_mib() -> float:
    """This process' peak RSS since it started its program, in MiB.

    ``VmHWM`` belongs to the process' own address space; ``ru_maxrss`` would also count the
    memory of the parent it was forked from (a bench that generated data in memory).
    """
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def measure_here(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``fn`` in this process and add wall seconds and the peak RSS (MiB) of this process
    or, when ``fn`` ran commands, of the largest of them."""
    started = time.perf_counter()
    result = fn()
    result["seconds"] = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["peak_rss_mib"] = max(peak_rss_mib(), children)
    return result


def read_all(path: str) -> tuple[int, Any]:
    """Every row of ``path`` through ``leaktriage.ingest.open_input(...).batches()``: the row
    count and the ingest report. Import ``leaktriage.ingest`` before timing a call: the
    import is not part of the read."""
    from leaktriage.ingest import open_input

    rows = 0
    with open_input(path) as reader:
        for batch in reader.batches():
            rows += batch.num_rows
        return rows, reader.report


def in_child(script: str, *args: str) -> dict[str, Any]:
    """Run ``script --child ARGS`` in a fresh interpreter; it prints one JSON line last."""
    proc = subprocess.run(
        [sys.executable, script, "--child", *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"child {args} failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A plain aligned table on stdout."""
    widths = [max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in rows:
        print("  ".join(_fmt(r.get(c)).ljust(w) for c, w in zip(columns, widths, strict=True)))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if v < 1000 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return "" if v is None else str(v)
