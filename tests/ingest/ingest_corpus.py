"""Builders of the awkward-file corpus: synthetic data only, written into tmp dirs by tests."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

#: A distinctive value planted in bad input: it must never reach a message or a log record.
PLANTED = "ZQX-PLANTED-51987654321-DNI-40404040"

Maker = Callable[..., Path]


def compress(kind: str, data: bytes, member: str = "data.csv") -> bytes:
    """``data`` wrapped in one container kind (gz, bz2, xz, zip, tar, tar.gz, 7z)."""
    if kind == "gz":
        return gzip.compress(data)
    if kind == "bz2":
        return bz2.compress(data)
    if kind == "xz":
        return lzma.compress(data)
    return archive(kind, {member: data})


def archive(kind: str, members: dict[str, bytes]) -> bytes:
    """Several members in one archive (zip, tar, tar.gz, tar.bz2, tar.xz, 7z)."""
    out = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
    elif kind.startswith("tar"):
        mode = "w" if kind == "tar" else "w:" + kind.split(".", 1)[1]
        with tarfile.open(fileobj=out, mode=mode) as t:  # type: ignore[call-overload]
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    elif kind == "7z":
        import py7zr

        with py7zr.SevenZipFile(out, "w") as z:
            for name, data in members.items():
                z.writestr(data, name)
    else:  # pragma: no cover
        raise ValueError(kind)
    return out.getvalue()


def people_csv(rows: int = 20, delimiter: str = ",", header: bool = True) -> str:
    """A small synthetic customer table with numbers, names, e-mails and dates."""
    lines = []
    if header:
        lines.append(delimiter.join(["customer_id", "msisdn", "full_name", "email", "birth_date"]))
    for i in range(rows):
        lines.append(
            delimiter.join(
                [
                    f"{i:06d}",
                    f"519{i:08d}",
                    f"Persona Sintetica {i}",
                    f"p{i}@example.test",
                    f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}",
                ]
            )
        )
    return "\n".join(lines) + "\n"
