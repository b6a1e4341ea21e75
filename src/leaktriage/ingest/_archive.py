"""Containers: single-stream compression (gz, bz2, xz) and archives (zip, tar, 7z).

:func:`resolve` turns an input path into :class:`Part` objects, each a member that a format
reader can open as a fresh decompressed byte stream, any number of times. Compression is
recognised by magic bytes, never by extension. Members that need random access, or that sit in a
sequential container (tar, 7z), are copied into the :class:`~._spool.Spool` of a :class:`Workdir`
(in memory when small, else sealed with AES-GCM under a key held only in memory, in a 0700
directory under ``IngestOptions.work_dir``), never in clear on disk.

Every limit is judged over the whole input (:class:`~._limits.Budget`): the decompressed bytes of
every layer and member against ``max_input_bytes`` and ``max_ratio`` times the input file's size,
the entries of every archive against ``max_members`` (a zip's from its end-of-central-directory
record, before anything else is read), and nesting against :data:`_MAX_DEPTH`.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from leaktriage.errors import InputError, InputRejected

from ._limits import CORRUPT_DATA, Budget, CountingReader, LimitedStream, buffered
from ._model import IngestOptions
from ._office import zip_office_kind
from ._sniff import detect_binary
from ._spool import Spool, Spooled

__all__ = ["Part", "Resolved", "Workdir", "resolve"]

OnBytes = Callable[[int], None] | None
_CHUNK = 2**20
#: Containers inside containers deeper than this are refused (``archives nested too deeply``):
#: real leaks come as at most a compressed archive of compressed members (``zip`` of
#: ``csv.gz``: depth 1; ``tar.gz`` of ``zip`` of ``csv.gz``: 2); deeper nesting is the shape of
#: a bomb (42.zip) and only multiplies the work.
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
    """One data member: ``open(on_bytes)`` gives a fresh decompressed binary stream.

    Readers that need random access (XLSX, Parquet) call :meth:`open_seekable`; ``local_path``
    is set only when the member is the input file itself, plain on disk.
    """

    name: str
    """Member name inside the archive ("" for the input itself)."""
    open: Callable[[OnBytes], BinaryIO]
    local_path: Path | None
    """The input file itself when it is plain (not compressed, not archived); else ``None``:
    members of containers are never on disk in clear."""
    weight: int
    """Compressed bytes this member stands for, for progress reports."""
    hint: str | None = None
    """A format already known from the container (``xlsx``)."""
    seekable: Callable[[], BinaryIO] | None = None
    """Opens a spooled member as a seekable file (see :meth:`open_seekable`)."""

    def open_seekable(self) -> BinaryIO:
        """A fresh seekable binary file of the decompressed member (close it after use).

        The input file itself when plain; otherwise the member's spooled copy, decrypted as it
        is read. Members streamed from a zip (plain text) have no seekable form: ``InputError``.
        """
        if self.seekable is not None:
            return self.seekable()
        if self.local_path is not None:
            return open(self.local_path, "rb")  # noqa: SIM115 - the caller closes it
        raise InputError("this member cannot be read with random access", path=self.name)


@dataclass
class _Source:
    """Bytes that :func:`resolve` peels: the input file on disk, or a spooled member."""

    size: int
    open: Callable[[], BinaryIO]
    """A fresh seekable binary file of the bytes."""
    path: Path | None = None
    """The input file (only for the input itself)."""

    @classmethod
    def of_file(cls, path: Path) -> _Source:
        return cls(path.stat().st_size, lambda: cast(BinaryIO, open(path, "rb")), path)  # noqa: SIM115

    @classmethod
    def of_spooled(cls, spooled: Spooled) -> _Source:
        return cls(spooled.size, spooled.open)


@dataclass
class Resolved:
    compression: str | None
    parts: list[Part]
    skipped: list[str] = field(default_factory=list)
    archive: bool = False


class Workdir:
    """What one ingest holds while it reads: its spool, its limits budget, open archives.

    The spool (:class:`~._spool.Spool`) lives under ``options.work_dir`` (the workspace's
    ``tmp``; the system temp dir without one) and sweeps the leftovers of killed runs there
    when created. :meth:`close` closes open archives and removes the spool.
    """

    def __init__(self, options: IngestOptions, path: str) -> None:
        self._options = options
        self._path = path
        self.spool = Spool(options.work_dir)
        self.budget = Budget(
            path,
            max_bytes=options.max_input_bytes,
            max_ratio=options.max_ratio,
            max_members=options.max_members,
        )
        self._open: list[zipfile.ZipFile | BinaryIO] = []

    def keep_open(self, archive: zipfile.ZipFile | BinaryIO) -> None:
        """Close ``archive`` (or the file under it) with this work dir."""
        self._open.append(archive)

    def copy(self, source: BinaryIO) -> Spooled:
        """Spool ``source``; the limits are enforced by ``source``'s own :class:`LimitedStream`."""
        return self.spool.copy(source)

    def close(self) -> None:
        while self._open:
            self._open.pop().close()
        self.spool.close()


def _plain_opener(src: _Source, display: str, work: Workdir, weight: int) -> Opener:
    """Streams of bytes already counted (the input itself, a spooled copy): absolute limit only."""
    scale = weight / src.size if src.size else 1.0

    def open_plain(on_bytes: OnBytes = None) -> BinaryIO:
        counting = CountingReader(src.open(), on_bytes, scale)
        return buffered(
            LimitedStream(
                counting,  # type: ignore[arg-type]
                path=display,
                budget=work.budget,
                source=None,
            )
        )

    return open_plain


def _codec_opener(src: _Source, kind: str, display: str, work: Workdir, weight: int) -> Opener:
    """Decompressed streams of one layer; every pass reports to the same budget source."""
    scale = weight / src.size if src.size else 1.0
    source = work.budget.new_source()

    def open_codec(on_bytes: OnBytes = None) -> BinaryIO:
        counting = CountingReader(src.open(), on_bytes, scale)
        decompressed = _STREAM_CODECS[kind](counting)  # type: ignore[arg-type]
        return buffered(
            LimitedStream(
                decompressed,
                path=display,
                budget=work.budget,
                source=source,
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


def resolve(path: Path, options: IngestOptions, work: Workdir, display: str) -> Resolved:
    """Peel compression and archives off the input file ``path`` into data members."""
    src = _Source.of_file(path)
    work.budget.input_size = src.size
    if src.size > options.max_input_bytes:
        raise InputRejected(
            f"input exceeds the limit of {options.max_input_bytes} bytes (max_input_bytes)",
            path=display,
        )
    return _resolve(src, options, work, display, src.size, 0)


def _resolve(
    src: _Source, options: IngestOptions, work: Workdir, display: str, weight: int, depth: int
) -> Resolved:
    if src.size == 0:
        return Resolved(None, [])
    if depth > _MAX_DEPTH:
        raise InputRejected(
            f"archives nested more than {_MAX_DEPTH} deep (the nesting limit)", path=display
        )
    with src.open() as f:
        head = f.read(512)
    kind = detect_binary(head)
    if kind in _STREAM_CODECS:
        opener = _codec_opener(src, kind, display, work, weight)
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
        sub = _resolve(_Source.of_spooled(copy), options, work, display, weight, depth + 1)
        sub.compression = f"{sub.compression}.{kind}" if sub.compression else kind
        return sub
    if kind == "zip":
        return _resolve_zip(src, options, work, display, weight, depth)
    if kind == "7z":
        return _resolve_7z(src, options, work, display, weight, depth)
    if kind == "tar":
        opener = _plain_opener(src, display, work, weight)
        return _resolve_tar(opener, options, work, display, weight, depth)
    opener = _plain_opener(src, display, work, weight)
    seekable = None if src.path is not None else src.open
    return Resolved(None, [Part("", opener, src.path, weight, seekable=seekable)])


def _extract(opener: Callable[[OnBytes], BinaryIO], work: Workdir, display: str) -> Spooled:
    try:
        with opener(None) as stream:
            return work.copy(stream)
    except InputError:
        raise
    except CORRUPT_DATA:
        raise InputError("damaged or truncated compressed data", path=display) from None


def _members_of(
    found: list[tuple[str, Spooled, int]],
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
        member = f"{display}!{name}"
        sub = _resolve(_Source.of_spooled(local), options, work, member, share, depth + 1)
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
    found: list[tuple[str, Spooled, int]] = []
    skipped: list[str] = []
    try:
        with opener(None) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for info in tar:
                work.budget.add_members(1, display)
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


def _check_declared(total: int, work: Workdir, display: str) -> None:
    """Refuse an archive from its declared sizes (added to what is already out), before
    decompressing anything."""
    work.budget.check(display, declared=total)


def _zip_entries(fp: BinaryIO) -> int | None:
    """Entries declared by a zip's end-of-central-directory record (zip64 included), read
    without parsing the central directory itself; ``None`` if there is no such record."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:  # pragma: no cover - every CPython since 2.6 has it
        return None
    try:
        record = end_record(fp)
    except CORRUPT_DATA:
        return None
    return None if record is None else int(record[4])


def _open_zip(src: _Source, work: Workdir, display: str) -> zipfile.ZipFile:
    """Open a zip after counting its entries, so a zip of 100,000 members is refused first."""
    fp = src.open()
    work.keep_open(fp)
    declared = _zip_entries(fp)
    if declared is not None:
        work.budget.add_members(declared, display)
    try:
        archive = zipfile.ZipFile(fp)
    except _ZIP_ERRORS:
        raise InputError("damaged zip archive", path=display) from None
    # Members are streamed straight from the archive on every pass, so it stays open until
    # the reader is closed.
    work.keep_open(archive)
    if declared is None or len(archive.filelist) != declared:
        work.budget.add_members(len(archive.filelist) - (declared or 0), display)
    return archive


def _resolve_zip(
    src: _Source, options: IngestOptions, work: Workdir, display: str, weight: int, depth: int
) -> Resolved:
    archive = _open_zip(src, work, display)
    office = zip_office_kind(archive, display)
    if office is not None:
        # A workbook (or another office document, refused by the reader) is one file, never an
        # archive of its XML parts; its declared sizes still count against the limits.
        _check_declared(sum(i.file_size for i in archive.infolist()), work, display)
        opener = _plain_opener(src, display, work, weight)
        seekable = None if src.path is not None else src.open
        return Resolved(None, [Part("", opener, src.path, weight, hint=office, seekable=seekable)])
    infos = [i for i in archive.infolist() if not i.is_dir()]
    data = [i for i in infos if not _skip_name(i.filename)]
    skipped = [i.filename for i in infos if _skip_name(i.filename)]
    _check_declared(sum(i.file_size for i in data), work, display)
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
        opener = _zip_member_opener(archive, info, work, member, share)
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
    work: Workdir,
    member: str,
    weight: int,
) -> Opener:
    scale = weight / info.file_size if info.file_size else 1.0
    source = work.budget.new_source()

    def open_member(on_bytes: OnBytes = None) -> BinaryIO:
        try:
            raw = archive.open(info)
        except _ZIP_ERRORS:
            raise InputError("damaged zip archive member", path=member) from None
        return buffered(
            LimitedStream(
                CountingReader(raw, on_bytes, scale),  # type: ignore[arg-type]
                path=member,
                budget=work.budget,
                source=source,
            )
        )

    return open_member


def _resolve_7z(
    src: _Source, options: IngestOptions, work: Workdir, display: str, weight: int, depth: int
) -> Resolved:
    import py7zr

    from ._sevenzip import extract_7z

    try:
        with src.open() as fp, py7zr.SevenZipFile(fp, mode="r") as archive:
            if archive.needs_password():
                raise InputError("encrypted 7z archive", path=display)
            entries = archive.list()
            work.budget.add_members(len(entries), display)
            infos = [i for i in entries if i.is_file]
    except InputError:
        raise
    except (py7zr.exceptions.ArchiveError, *CORRUPT_DATA):  # type: ignore[misc]
        raise InputError("damaged 7z archive", path=display) from None
    data = [i for i in infos if not _skip_name(i.filename)]
    skipped = [i.filename for i in infos if _skip_name(i.filename)]
    _check_declared(sum(i.uncompressed or 0 for i in data), work, display)
    wanted = [i.filename for i in data]
    extracted = extract_7z(src.open, wanted, work, display)
    found = [
        (i.filename, extracted[i.filename], i.uncompressed) for i in data if i.filename in extracted
    ]
    parts, more = _members_of(found, options, work, display, weight, depth)
    return Resolved("7z", parts, skipped + more, archive=True)
