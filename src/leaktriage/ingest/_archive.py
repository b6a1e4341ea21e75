"""Containers: single-stream compression (gz, bz2, xz) and archives (zip, tar, 7z).

:func:`resolve` turns an input path into :class:`Part` objects, each a member that a format
reader can open as a fresh decompressed byte stream, any number of times. Compression is
recognised by magic bytes, never by extension. Members that need random access, or that sit in a
sequential container (tar, 7z), are extracted into the private temporary directory of a
:class:`Workdir` (mode 0700, deleted on close) with every limit enforced while writing.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from leaktriage.errors import InputError, InputRejected

from ._limits import CORRUPT_DATA, CountingReader, LimitedStream, buffered, check_limits
from ._model import IngestOptions
from ._sniff import detect_binary

__all__ = ["Part", "Resolved", "Workdir", "resolve"]

OnBytes = Callable[[int], None] | None
_CHUNK = 2**20
_MAX_DEPTH = 3
_STREAM_CODECS: dict[str, Callable[[BinaryIO], BinaryIO]] = {
    "gz": lambda f: cast(BinaryIO, gzip.GzipFile(fileobj=f, mode="rb")),
    "bz2": lambda f: cast(BinaryIO, bz2.BZ2File(f, mode="rb")),
    "xz": lambda f: cast(BinaryIO, lzma.LZMAFile(f, mode="rb")),
}
Opener = Callable[[OnBytes], BinaryIO]
_ZIP_ERRORS: tuple[type[BaseException], ...] = (*CORRUPT_DATA, NotImplementedError, RuntimeError)


@dataclass
class Part:
    """One data member: ``open(on_bytes)`` gives a fresh decompressed binary stream."""

    name: str
    """Member name inside the archive ("" for the input itself)."""
    open: Callable[[OnBytes], BinaryIO]
    local_path: Path | None
    """An uncompressed copy on disk, for readers that need random access (XLSX, Parquet)."""
    weight: int
    """Compressed bytes this member stands for, for progress reports."""
    hint: str | None = None
    """A format already known from the container (``xlsx``)."""


@dataclass
class Resolved:
    compression: str | None
    parts: list[Part]
    skipped: list[str] = field(default_factory=list)
    archive: bool = False


class Workdir:
    """A private temporary directory (0700), created on first use and removed by :meth:`close`."""

    def __init__(self, options: IngestOptions, path: str) -> None:
        self._options = options
        self._path = path
        self._dir: Path | None = None
        self._count = 0
        self._open: list[zipfile.ZipFile] = []
        self.written = 0

    def keep_open(self, archive: zipfile.ZipFile) -> None:
        """Close ``archive`` with this directory."""
        self._open.append(archive)

    def new_file(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="leaktriage-ingest-"))
            os.chmod(self._dir, 0o700)
        self._count += 1
        return self._dir / f"member-{self._count:05d}"

    def copy(self, source: BinaryIO) -> Path:
        """Write ``source`` to a new private file, refusing to exceed the absolute limit."""
        target = self.new_file()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(_CHUNK):
                self.account(len(chunk))
                out.write(chunk)
        return target

    def account(self, n: int) -> None:
        self.written += n
        check_limits(self.written, None, self._path, self._options.max_input_bytes, 0)

    def close(self) -> None:
        while self._open:
            self._open.pop().close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


def _plain_opener(
    path: Path, display: str, options: IngestOptions, weight: int, size: int
) -> Opener:
    scale = weight / size if size else 1.0

    def open_plain(on_bytes: OnBytes = None) -> BinaryIO:
        counting = CountingReader(open(path, "rb"), on_bytes, scale)  # noqa: SIM115
        return buffered(
            LimitedStream(
                counting,  # type: ignore[arg-type]
                path=display,
                max_bytes=options.max_input_bytes,
                max_ratio=options.max_ratio,
                compressed=None,
            )
        )

    return open_plain


def _codec_opener(
    path: Path, kind: str, display: str, options: IngestOptions, weight: int, size: int
) -> Opener:
    scale = weight / size if size else 1.0

    def open_codec(on_bytes: OnBytes = None) -> BinaryIO:
        counting = CountingReader(open(path, "rb"), on_bytes, scale)  # noqa: SIM115
        decompressed = _STREAM_CODECS[kind](counting)  # type: ignore[arg-type]
        return buffered(
            LimitedStream(
                decompressed,
                path=display,
                max_bytes=options.max_input_bytes,
                max_ratio=options.max_ratio,
                compressed=lambda: counting.count,
                underlying=counting,
            )
        )

    return open_codec


def _read_head(open_stream: Callable[[OnBytes], BinaryIO], n: int, display: str) -> bytes:
    try:
        with open_stream(None) as stream:
            return stream.read(n)
    except InputError:
        raise
    except CORRUPT_DATA:
        raise InputError("damaged or truncated compressed data", path=display) from None


def _skip_name(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return name.endswith("/") or name.startswith("__MACOSX/") or base.startswith(".") or not base


def resolve(
    path: Path,
    options: IngestOptions,
    work: Workdir,
    display: str,
    weight: int | None = None,
    depth: int = 0,
) -> Resolved:
    """Peel compression and archives off ``path`` into data members."""
    size = path.stat().st_size
    weight = size if weight is None else weight
    if size == 0:
        return Resolved(None, [])
    if depth > _MAX_DEPTH:
        raise InputRejected("archives nested too deeply", path=display)
    with open(path, "rb") as f:
        head = f.read(512)
    kind = detect_binary(head)
    if kind in _STREAM_CODECS:
        opener = _codec_opener(path, kind, display, options, weight, size)
        # Reading a head now refuses a bomb at once and tells what is inside.
        inner_head = _read_head(opener, 2 * 2**20 + 1, display)
        if not inner_head:
            return Resolved(kind, [])
        inner = detect_binary(inner_head)
        if inner is None:
            return Resolved(kind, [Part("", opener, None, weight)])
        if inner == "tar":
            res = _resolve_tar(opener, options, work, display, weight, depth)
            res.compression = f"tar.{kind}"
            return res
        copy = _extract(opener, work, display)
        sub = resolve(copy, options, work, display, weight, depth + 1)
        sub.compression = f"{sub.compression}.{kind}" if sub.compression else kind
        return sub
    if kind == "zip":
        return _resolve_zip(path, options, work, display, weight, depth)
    if kind == "7z":
        return _resolve_7z(path, options, work, display, weight, depth)
    if kind == "tar":
        opener = _plain_opener(path, display, options, weight, size)
        return _resolve_tar(opener, options, work, display, weight, depth)
    if size > options.max_input_bytes:
        raise InputRejected(
            f"input exceeds the limit of {options.max_input_bytes} bytes (max_input_bytes)",
            path=display,
        )
    return Resolved(
        None, [Part("", _plain_opener(path, display, options, weight, size), path, weight)]
    )


def _extract(opener: Callable[[OnBytes], BinaryIO], work: Workdir, display: str) -> Path:
    try:
        with opener(None) as stream:
            return work.copy(stream)
    except InputError:
        raise
    except CORRUPT_DATA:
        raise InputError("damaged or truncated compressed data", path=display) from None


def _members_of(
    found: list[tuple[str, Path, int]],
    options: IngestOptions,
    work: Workdir,
    display: str,
    weight: int,
    depth: int,
) -> tuple[list[Part], list[str]]:
    """Parts of extracted members; a member that is itself compressed is resolved in turn."""
    parts: list[Part] = []
    skipped: list[str] = []
    total = sum(size for _, _, size in found) or 1
    for name, local, size in found:
        share = int(weight * size / total)
        sub = resolve(local, options, work, f"{display}!{name}", share, depth + 1)
        if not sub.parts:
            skipped.append(name)
        for part in sub.parts:
            part.name = f"{name}!{part.name}" if part.name else name
            parts.append(part)
        skipped.extend(f"{name}!{s}" for s in sub.skipped)
    return parts, skipped


def _resolve_tar(
    opener: Callable[[OnBytes], BinaryIO],
    options: IngestOptions,
    work: Workdir,
    display: str,
    weight: int,
    depth: int,
) -> Resolved:
    found: list[tuple[str, Path, int]] = []
    skipped: list[str] = []
    try:
        with opener(None) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for info in tar:
                if not info.isfile() or _skip_name(info.name):
                    if info.isfile():
                        skipped.append(info.name)
                    continue
                if info.size > options.max_input_bytes:
                    raise InputRejected(
                        "an archive member exceeds max_input_bytes", path=f"{display}!{info.name}"
                    )
                source = tar.extractfile(info)
                if source is None:
                    continue
                found.append((info.name, work.copy(source), info.size))  # type: ignore[arg-type]
    except InputError:
        raise
    except CORRUPT_DATA:
        raise InputError("damaged or truncated tar archive", path=display) from None
    parts, more = _members_of(found, options, work, display, weight, depth)
    return Resolved("tar", parts, skipped + more, archive=True)


def _check_declared(total: int, compressed: int, options: IngestOptions, display: str) -> None:
    """Refuse an archive from its declared sizes, before decompressing anything."""
    check_limits(total, lambda: compressed, display, options.max_input_bytes, options.max_ratio)


def _resolve_zip(
    path: Path, options: IngestOptions, work: Workdir, display: str, weight: int, depth: int
) -> Resolved:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError("damaged zip archive", path=display) from None
    # Members are streamed straight from the archive on every pass, so it stays open until
    # the reader is closed.
    work.keep_open(archive)
    names = archive.namelist()
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        size = path.stat().st_size
        opener = _plain_opener(path, display, options, weight, size)
        return Resolved(None, [Part("", opener, path, weight, hint="xlsx")])
    infos = [i for i in archive.infolist() if not i.is_dir()]
    data = [i for i in infos if not _skip_name(i.filename)]
    skipped = [i.filename for i in infos if _skip_name(i.filename)]
    _check_declared(
        sum(i.file_size for i in data),
        sum(i.compress_size for i in data),
        options,
        display,
    )
    total = sum(i.file_size for i in data) or 1
    parts: list[Part] = []
    for info in data:
        member = f"{display}!{info.filename}"
        if info.flag_bits & 0x1:
            raise InputError("encrypted archive member", path=member)
        if info.file_size == 0:
            skipped.append(info.filename)
            continue
        share = int(weight * info.file_size / total)
        opener = _zip_member_opener(archive, info, options, member, share)
        if detect_binary(_read_head(opener, 512, member)) is None:
            parts.append(Part(info.filename, opener, None, share))
            continue
        # A compressed, archived or random-access member: a private copy, resolved in turn.
        found = [(info.filename, _extract(opener, work, member), info.file_size)]
        more_parts, more_skipped = _members_of(found, options, work, display, share, depth)
        parts.extend(more_parts)
        skipped.extend(more_skipped)
    return Resolved("zip", parts, skipped, archive=True)


def _zip_member_opener(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    options: IngestOptions,
    member: str,
    weight: int,
) -> Opener:
    scale = weight / info.file_size if info.file_size else 1.0

    def open_member(on_bytes: OnBytes = None) -> BinaryIO:
        try:
            raw = archive.open(info)
        except _ZIP_ERRORS:
            raise InputError("damaged zip archive member", path=member) from None
        return buffered(
            LimitedStream(
                CountingReader(raw, on_bytes, scale),  # type: ignore[arg-type]
                path=member,
                max_bytes=options.max_input_bytes,
                max_ratio=options.max_ratio,
                compressed=lambda: info.compress_size,
            )
        )

    return open_member


def _resolve_7z(
    path: Path, options: IngestOptions, work: Workdir, display: str, weight: int, depth: int
) -> Resolved:
    import py7zr

    from ._sevenzip import extract_7z

    try:
        with py7zr.SevenZipFile(path, mode="r") as archive:
            if archive.needs_password():
                raise InputError("encrypted 7z archive", path=display)
            infos = [i for i in archive.list() if i.is_file]
    except InputError:
        raise
    except (py7zr.exceptions.ArchiveError, *CORRUPT_DATA):  # type: ignore[misc]
        raise InputError("damaged 7z archive", path=display) from None
    data = [i for i in infos if not _skip_name(i.filename)]
    skipped = [i.filename for i in infos if _skip_name(i.filename)]
    _check_declared(sum(i.uncompressed for i in data), path.stat().st_size, options, display)
    wanted = [i.filename for i in data]
    extracted = extract_7z(path, wanted, options, work, display)
    found = [
        (i.filename, extracted[i.filename], i.uncompressed) for i in data if i.filename in extracted
    ]
    parts, more = _members_of(found, options, work, display, weight, depth)
    return Resolved("7z", parts, skipped + more, archive=True)
