"""Every log line of the whole test run goes to one file; values tests *plant* (identifiers of
the synthetic leaks they upload or send) are searched for in it when the run ends, and the run
fails if any is found. Wired in ``tests/conftest.py``."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: py4j's DEBUG is the raw wire protocol between Python and the JVM (every command and answer,
#: hundreds of thousands of lines per run); it stays at INFO, as in any real configuration.
_WIRE = ("py4j",)
#: Loggers that do not propagate to the root logger (uvicorn's own).
_NON_PROPAGATING = ("uvicorn", "uvicorn.error", "uvicorn.access")
_planted: set[str] = set()
_handler: logging.FileHandler | None = None
LOG_FILE = Path(tempfile.mkdtemp(prefix="lt-test-logs-")) / "all.log"


def plant(values: Iterable[object]) -> None:
    """Values that must never appear in a log line (and their digits-only form)."""
    for value in values:
        text = str(value).strip()
        if len(text) < 6:
            continue  # too short to be told apart from other text
        _planted.add(text)
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 8 and not text.isalpha():
            _planted.add(digits)


def start() -> None:
    """Send every record, DEBUG and up, to :data:`LOG_FILE`."""
    global _handler
    _handler = logging.FileHandler(LOG_FILE, encoding="utf-8")
    _handler.setLevel(logging.DEBUG)
    _handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(_handler)
    root.setLevel(logging.DEBUG)
    for name in _NON_PROPAGATING:
        logging.getLogger(name).addHandler(_handler)
    for name in _WIRE:
        logging.getLogger(name).setLevel(logging.INFO)


def findings() -> tuple[int, int, list[str]]:
    """(lines logged, values planted, log lines holding a planted value)."""
    if _handler is not None:
        _handler.flush()
    if not LOG_FILE.exists():
        return 0, len(_planted), []
    lines = LOG_FILE.read_text(encoding="utf-8", errors="replace").splitlines()
    if not _planted:
        return len(lines), 0, []
    pattern = re.compile("|".join(re.escape(v) for v in sorted(_planted, key=len, reverse=True)))
    hits = [line[:200] for line in lines if pattern.search(line)]
    return len(lines), len(_planted), hits


_PLANT_TYPES = {"national_id", "msisdn", "phone", "email", "imsi", "iccid", "imei", "full_name"}


def plant_world(world: Path, manifest: dict[str, object], rows: int = 300) -> None:
    """Plant the identifiers of the first ``rows`` records of a synthetic world's CSV sources
    and leaks (the files tests register, triage and upload)."""
    import csv
    import itertools

    entries = [*manifest.get("sources", []), *manifest.get("scenarios", [])]  # type: ignore[misc]
    for entry in entries:
        if entry.get("format") != "csv" or entry.get("compression"):
            continue
        columns = entry.get("columns") or {}
        wanted = [c for c, t in columns.items() if t in _PLANT_TYPES]
        if not wanted or entry.get("headerless"):
            continue
        with (world / entry["file"]).open(
            encoding=entry.get("encoding") or "utf-8", newline="", errors="replace"
        ) as fh:
            reader = csv.DictReader(fh, delimiter=entry.get("delimiter") or ",")
            for record in itertools.islice(reader, rows):
                plant(record.get(c) or "" for c in wanted)
