"""The CLI's output layer: consoles, progress bars, tables and files people read.

Only this module and :mod:`leaktriage.cli` print; everything here writes complete files or none.
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

__all__ = [
    "ByteProgress",
    "byte_progress",
    "err",
    "out",
    "print_ingest",
    "print_triage",
    "write_json",
    "write_report",
]

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write JSON atomically: a complete file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lt-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
    os.replace(tmp, path)


@contextmanager
def byte_progress(description: str) -> Iterator[ByteProgress]:
    """A Rich progress bar over bytes read; yields the callback ingest calls.

    The callback also has ``stage(name)``: later stages (matching, evidence...) show as a
    second line with their elapsed time, in the same live display.
    """
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        _OnlyForBytes(DownloadColumn()),
        _OnlyForBytes(TransferSpeedColumn()),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal and not os.environ.get("LEAKTRIAGE_PROGRESS"),
    )
    with progress:
        yield ByteProgress(progress, progress.add_task(description, total=None, bytes=True))


class _OnlyForBytes(ProgressColumn):
    """A column shown for the byte-counting task only (stages have no bytes)."""

    def __init__(self, inner: ProgressColumn) -> None:
        super().__init__()
        self._inner = inner

    def render(self, task: Task) -> RenderableType:
        return self._inner.render(task) if task.fields.get("bytes") else Text("")


class ByteProgress:
    """Callable ingest progress (bytes done, bytes total), plus named stages after reading."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task
        self._stage: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total or None)

    def stage(self, name: str) -> None:
        """Show the stage now running (the previous one is done)."""
        if self._stage is None:
            self._stage = self._progress.add_task(name, total=None)
        else:
            self._progress.update(self._stage, description=name)


# -- commands ---------------------------------------------------------------------------------
def print_ingest(
    kind: str, name: str, input_json: dict[str, Any], columns: list[dict[str, Any]], secs: float
) -> None:
    rows = input_json["rows"]
    out.print(
        f"[bold]{kind} {name}[/bold]: {rows:,} rows read from {Path(input_json['path']).name} "
        f"({input_json['format']}, {input_json['encoding']}), "
        f"{input_json['malformed_rows']:,} malformed, in {secs:.1f} s"
    )
    lines = input_json.get("malformed_lines") or []
    if lines:
        shown = ", ".join(str(n) for n in lines[:10])
        out.print(f"  malformed rows at lines {shown}{' …' if len(lines) > 10 else ''}")
    print_tables(input_json)
    table = Table("column", "type", "scheme", "confidence", box=None, pad_edge=False)
    for col in columns:
        conf = col["confidence"]
        style = "green" if conf >= 0.8 else "yellow" if conf >= 0.5 else "red"
        table.add_row(
            col["name"], col["type"], col.get("scheme") or "", f"[{style}]{conf:.2f}[/{style}]"
        )
    out.print(table)


def print_tables(input_json: dict[str, Any]) -> None:
    """Which table of a multi-table input was read, and the others that hold personal data."""
    tables = input_json.get("tables") or []
    if len(tables) < 2:
        return
    out.print(
        f"  read table {input_json.get('table')!s} of {len(tables)}", markup=False, soft_wrap=True
    )
    for other in input_json.get("other_personal_tables") or []:
        rows = f"{other['rows']:,} rows, " if other.get("rows") is not None else ""
        out.print(
            f"  also personal data: {other['name']} ({rows}{', '.join(other['personal_columns'])})"
            f" — read it with --table {shlex.quote(other['name'])}",
            markup=False,
            soft_wrap=True,
        )


def write_report(result: dict[str, Any], path: Path) -> None:
    from leaktriage.report.html import write_html

    write_html(result, path, examples=result.get("examples"), obligations=result.get("obligations"))


_LABEL_STYLE = {
    "genuine": "bold red",
    "mixed": "bold yellow",
    "recycled": "bold yellow",
    "fabricated": "bold green",
    "unrelated": "bold green",
    "inconclusive": "bold",
}


def print_triage(r: dict[str, Any], json_path: Path | None, html_path: Path | None) -> None:
    v = r["verdict"]
    style = _LABEL_STYLE.get(v["label"], "bold")
    out.print(
        f"[{style}]{v['label'].upper()}[/{style}]  confidence {v['confidence']:.2f}  "
        f"genuine fraction {r['genuine_fraction']:.1%}  "
        f"({r['input']['rows']:,} records, {r['matched_customers']:,} matched customers)"
    )
    attribution = r["attribution"]
    if attribution["source"]:
        snap = r["snapshot"]
        window = (
            f"{snap['earliest'] or '?'} … {snap['latest'] or '?'}"
            if snap["earliest"] or snap["latest"]
            else "undated"
        )
        out.print(f"source: [bold]{attribution['source']}[/bold]   snapshot: {window}")
    for reason in v["reasons"]:
        out.print(f"  • {reason}", markup=False)
    print_tables(r["input"])
    tiers = r["exposure"]["by_tier"]
    if tiers:
        out.print("exposed by tier: " + ", ".join(f"{k} {n:,}" for k, n in sorted(tiers.items())))
    owed = r.get("obligations") or []
    if owed:
        first = owed[0]
        out.print(
            f"nearest deadline: [bold]{first['jurisdiction']}[/bold] {first['authority']} by "
            f"{first['deadline']} ({first['clock']})"
            + (f"; {len(owed) - 1} more obligation(s) in the JSON" if len(owed) > 1 else "")
        )
    for path, what in ((json_path, "JSON"), (html_path, "HTML report")):
        if path:
            out.print(f"{what}: {path}")
