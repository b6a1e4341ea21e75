"""Canary customers: plant synthetic people in one copy of the data, find them in leaks.

``plant`` draws candidates, drops any whose DNI, phone or e-mail token already belongs to a
customer of any source or to another canary, writes the rest to a CSV for the operator to insert
into the copy (a vendor export, a test environment, an archive), and registers their tokens in the
workspace as ``canary`` records named after that copy. Triage then reports every leak that
contains one. The CSV holds synthetic people only.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from leaktriage.errors import InputError
from leaktriage.match import ProfileSpec
from leaktriage.synth.canary import canary_people
from leaktriage.workspace import Workspace

__all__ = ["plant"]

log = logging.getLogger(__name__)

_CHECKED = {"dni": "national_id", "celular": "phone", "email": "email"}


def _taken(ws: Workspace) -> dict[str, set[str]]:
    """Tokens already in use, per domain, over every source, corpus and canary set."""
    taken: dict[str, set[str]] = {d: set() for d in _CHECKED.values()}
    for info in ws.list():
        spec = ProfileSpec.of(info.table, info.columns)
        for domain in taken:
            if domain in spec.domains():
                rows = ws.engine.fetch_rows(
                    f"select distinct tok_{domain} from {ws.profile_for(info.kind, info.name)} "
                    f"where tok_{domain} is not null"
                )
                taken[domain].update(r[0] for r in rows)
    return taken


def _normal(column: str, value: str) -> str:
    # Canaries are generated in canonical form already, except the phone's country code.
    return "+51" + value if column == "celular" else value


def plant(ws: Workspace, copy: str, count: int, out: Path, *, seed: int | None = None) -> int:
    """Write ``count`` canaries for the copy ``copy`` to ``out`` and register them."""
    Workspace.check_name(copy)
    if count < 1:
        raise InputError("--count must be at least 1")
    rng = np.random.default_rng(seed)
    taken = _taken(ws)
    keep: list[int] = []
    candidates = canary_people(count * 2 + 10, rng)
    seen: dict[str, set[str]] = {d: set() for d in taken}
    for i in range(candidates.num_rows):
        ok = True
        for column, domain in _CHECKED.items():
            tok = ws.keyring.token(_normal(column, candidates.column(column)[i].as_py()), domain)
            if tok in taken[domain] or tok in seen[domain]:
                ok = False
        if ok:
            for column, domain in _CHECKED.items():
                seen[domain].add(
                    ws.keyring.token(_normal(column, candidates.column(column)[i].as_py()), domain)
                )
            keep.append(i)
        if len(keep) == count:
            break
    if len(keep) < count:
        raise InputError(f"could only draw {len(keep)} unique canaries; try a smaller --count")
    table = candidates.take(pa.array(keep))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lt-", suffix=".csv", dir=out.parent)
    os.close(fd)
    pacsv.write_csv(table, tmp)
    try:
        ws.add_file(
            "canary",
            copy,
            Path(tmp),
            overrides={"dni": "national_id:pe.dni", "celular": "msisdn"},
            file_name=out.name,
        )
    except BaseException:
        os.unlink(tmp)
        raise
    os.replace(tmp, out)
    log.info("planted %d canaries for %s", count, copy)
    return count
