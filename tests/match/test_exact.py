"""Exact token matching: hits, cross-field agreement, placeholder tokens."""

from __future__ import annotations

import csv
from pathlib import Path

from leaktriage.match import ProfileSpec, Target, match_exact
from leaktriage.match.exact import STOP_TOKEN_COUNT
from leaktriage.pipeline import prepare_input
from leaktriage.workspace import Workspace


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_agreement_and_placeholders(workspace: Workspace, tmp_path: Path) -> None:
    header = ["dni", "nombres", "apellidos", "celular", "fecha_nacimiento"]
    ref_rows = [
        [f"{41000000 + i}", "ANA", f"QUISPE {i}", f"98700{i:04d}", "01/01/1980"] for i in range(40)
    ]
    # A placeholder phone shared by many customers must not identify anyone.
    ref_rows += [
        [f"{42000000 + i}", "LUIS", "FLORES ROJAS", "999999999", "02/02/1970"]
        for i in range(STOP_TOKEN_COUNT + 5)
    ]
    ref = _csv(tmp_path / "ref.csv", header, ref_rows)
    staging = workspace.staging_table("source", "crm")
    p = prepare_input(workspace.engine, workspace.keyring, ref, table=staging)
    workspace.register(
        kind="source", name="crm", as_of=None, staged=staging, file_name="ref.csv",
        input_json=p.input_json(), columns_json=p.columns_json(),
    )  # fmt: skip
    leak = _csv(
        tmp_path / "leak.csv",
        header,
        [
            ["41000001", "ANA", "QUISPE 1", "987000001", "01/01/1980"],  # genuine
            ["41000002", "PEDRO", "TORRES DIAZ", "987000002", "09/09/1999"],  # re-paired
            ["40000000", "ROSA", "DIAZ TORRES", "999999999", "03/03/1990"],  # placeholder phone
        ],
    )
    lp = prepare_input(workspace.engine, workspace.keyring, leak, table="leak")
    target = Target(
        "crm", "source", ProfileSpec.of(workspace.table_for("source", "crm"), p.columns_json()),
        workspace.profile_for("source", "crm"),
    )  # fmt: skip
    match_exact(workspace.engine, ProfileSpec.of("leak", lp.columns_json()), [target])
    best = {
        r[0]: r[1:]
        for r in workspace.engine.fetch_rows(
            "select leak_row, hit_domains, agrees from match_best order by leak_row"
        )
    }
    assert best[0] == (2, True)
    assert best[1] == (2, False)
    assert 2 not in best  # only the placeholder phone matched: no hit at all
