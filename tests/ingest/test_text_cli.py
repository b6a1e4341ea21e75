"""A combolist as it circulates (banner, no header, junk lines) triaged through the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

from ingest_corpus import PLANTED
from typer.testing import CliRunner

from leaktriage.cli import app

runner = CliRunner()

GIVEN = ["Juan", "Maria", "Jose", "Rosa", "Luis", "Carmen", "Carlos", "Ana", "Jorge", "Luz"]
SURNAMES = ["Quispe", "Flores", "Mamani", "Rojas", "Garcia", "Huaman", "Sanchez", "Torres"]


def combolist(n: int) -> tuple[bytes, list[int]]:
    """``email:phone:dni:name`` lines under a banner, with a junk line every 50 records."""
    rng = random.Random(17)
    lines = [b"Leaked by GroupX - t.me/groupx_leaks - " + PLANTED.encode()]
    bad = [1]
    for i in range(n):
        given, first, second = rng.choice(GIVEN), rng.choice(SURNAMES), rng.choice(SURNAMES)
        lines.append(
            f"{given.lower()}.{first.lower()}{i}@correo.pe:9{rng.randrange(10**8):08d}:"
            f"{rng.randrange(10**7, 10**8)}:{given} {first} {second}".encode()
        )
        if i % 50 == 49:
            lines.append(
                PLANTED.encode()
                + b":\x00\xff\xfe"
                + bytes(rng.randrange(256) for _ in range(8))
                .replace(b"\n", b"")
                .replace(b"\r", b"")
            )
            bad.append(len(lines))
    return b"\n".join(lines) + b"\n", bad


def test_combolist_is_triaged_with_typed_columns(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["--workspace", str(ws), "init"], env={}).exit_code == 0
    data, bad = combolist(300)
    leak = tmp_path / "combo.txt"
    leak.write_bytes(data)
    out = tmp_path / "triage.json"
    result = runner.invoke(
        app, ["--workspace", str(ws), "triage", str(leak), "--json", str(out)], env={}
    )
    assert result.exit_code == 0, result.output
    assert PLANTED not in result.output
    report = json.loads(out.read_text())
    got = report["input"]
    assert got["delimiter"] == ":" and got["header"] is False
    assert got["rows"] == 300
    assert got["malformed_rows"] == len(bad) and got["malformed_lines"] == bad
    types = {c["name"]: c["type"] for c in report["columns"]}
    assert types == {
        "col_1": "email",
        "col_2": "msisdn",
        "col_3": "national_id",
        "col_4": "full_name",
    }
    assert PLANTED not in out.read_text()
