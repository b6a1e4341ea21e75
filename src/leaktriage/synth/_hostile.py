"""Hostile inputs (``hostile/``): files a reader must refuse or survive, each under 2 MB on disk.

The bombs are built from one compressed block repeated (gzip allows several members in one
file), so they cost milliseconds to make while expanding to 1 GiB.
"""

from __future__ import annotations

import functools
import gzip
import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from leaktriage.synth._writers import FIXED_TIME

GIB = 2**30
_GZIP_MEMBER = 8 * 2**20


@functools.lru_cache(maxsize=1)
def _gzip_bomb() -> bytes:
    """1 GiB of zeros as 128 gzip members of 8 MiB each (ratio ~1000)."""
    member = gzip.compress(bytes(_GZIP_MEMBER), compresslevel=9, mtime=0)
    return member * (GIB // _GZIP_MEMBER)


@functools.lru_cache(maxsize=1)
def _zip_bomb() -> bytes:
    """A zip whose single CSV member inflates to 512 MiB of zeros."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        info = zipfile.ZipInfo("clientes.csv", date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = bytes(2**20)
        with zf.open(info, "w", force_zip64=True) as member:
            for _ in range(512):
                member.write(chunk)
    return sink.getvalue()


def _broken_csv(rng: np.random.Generator) -> tuple[bytes, list[int], list[int]]:
    """A CSV with stray quotes, an unterminated quote on the last line and ragged rows.

    Returns the bytes, the 1-based physical line numbers of the malformed rows (wrong field
    count, unterminated quote) and of the rows with text after a closing quote, which lenient
    readers accept as one field and strict ones refuse."""
    lines = ["id,nombre,dni,celular"]
    bad: list[int] = []
    lenient: list[int] = []
    for i in range(1, 61):
        line_no = i + 1
        ident = f"{i:04d}"
        dni = f"{int(rng.integers(10**7, 8 * 10**7)):08d}"
        phone = f"9{int(rng.integers(0, 10**8)):08d}"
        name = f"PERSONA SINTETICA {i}"
        if i % 13 == 0:
            lines.append(f'{ident},"{name}"X,{dni},{phone}')  # text after the closing quote
            lenient.append(line_no)
        elif i % 11 == 0:
            lines.append(f"{ident},{name},{dni}")  # one field short
            bad.append(line_no)
        elif i % 17 == 0:
            lines.append(f"{ident},{name},{dni},{phone},EXTRA,EXTRA")  # two fields long
            bad.append(line_no)
        else:
            lines.append(f'{ident},"{name}",{dni},{phone}')
    lines.append(f'0061,"PERSONA SINTETICA 61,{"1" * 8},900000000')  # quote never closed
    bad.append(len(lines))
    return ("\n".join(lines) + "\n").encode("ascii"), bad, lenient


def write_hostile(out: Path, seed: int) -> list[dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 666])
    entries: list[dict[str, Any]] = []

    def put(name: str, data: bytes, expect: str, note: str, **extra: Any) -> None:
        (out / name).write_bytes(data)
        entry = {"file": f"hostile/{name}", "expect": expect, "bytes": len(data), "notes": note}
        entry["malformed_lines"] = extra.pop("malformed_lines", [])
        entry.update(extra)
        entries.append(entry)

    put("junk.bin", rng.integers(0, 256, 65_536, dtype=np.uint8).tobytes(), "reject",
        "Random bytes: no text encoding, no structure.")  # fmt: skip
    put("bomb.csv.gz", _gzip_bomb(), "reject", "gzip (128 members) inflating to 1 GiB of zeros.",
        uncompressed_bytes=GIB)  # fmt: skip
    put("bomb.zip", _zip_bomb(), "reject", "zip member inflating to 512 MiB of zeros.",
        uncompressed_bytes=512 * 2**20)  # fmt: skip
    put("empty.csv", b"", "reject", "Zero bytes.")
    put("header_only.csv", b"nombre,dni,celular,email\n", "reject",
        "A header and no data rows: nothing to triage.", rows=0)  # fmt: skip
    big = "X" * 2_000_000
    put("huge_field.csv", f'id,nota\n1,"{big}"\n2,corto\n'.encode("ascii"), "ok",
        "One field of 2,000,000 bytes (under the 32 MiB field limit).", rows=2)  # fmt: skip
    header = ",".join(f"c{i}" for i in range(5000))
    body = "\n".join(
        ",".join(str(v) for v in rng.integers(0, 100, 5000)) for _ in range(20)
    )  # a few rows of 5,000 synthetic numbers
    put("wide.csv", (header + "\n" + body + "\n").encode("ascii"), "reject",
        "Header and 20 rows of 5,000 columns each: over the 1,024-column limit (max_columns).",
        rows=20, columns=5000)  # fmt: skip
    data, bad, lenient = _broken_csv(rng)
    put("broken_quoting.csv", data, "malformed",
        "Ragged rows and an unterminated quote on the last line (malformed_lines); stray text "
        "after closing quotes (lenient_lines: a lenient reader keeps them). Line numbers are "
        "1-based physical lines, header is line 1; rows counts the well-formed data rows.",
        malformed_lines=bad, lenient_lines=lenient, rows=61 - len(bad))  # fmt: skip
    return entries
