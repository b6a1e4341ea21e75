"""Spooled copies of archive members: in memory when small, sealed with AES-GCM on disk if not.

A member of a sequential container (tar, 7z), or one a reader needs with random access (XLSX,
Parquet, an archive inside an archive), has to be copied somewhere while it is read. A copy in
clear on disk would put the leak at rest outside the workspace's encrypted store, and a killed
run would leave it behind (names, national IDs and MSISDNs readable by anyone who finds the
temp directory). So a :class:`Spool` keeps

* small members (up to :data:`MEMORY_MEMBER_BYTES` each, :data:`MEMORY_TOTAL_BYTES` together
  per ingest) in memory, and
* larger ones in its directory, sealed under a key that exists only in this process's memory.

**Construction.** One random 256-bit key per spool (per ingest), from
``AESGCM.generate_key``; it is never written, logged or derived from anything on disk. A
member's bytes are cut into chunks of :data:`CHUNK_BYTES` (the last one shorter); chunk ``i``
of file ``f`` is sealed with AES-256-GCM (the ``cryptography`` package) under the nonce
``f (4 bytes) || i (8 bytes)``, big-endian, unique for the key because each (file, chunk) pair
is sealed exactly once, with the associated data ``"leaktriage-spool-v1" || f || i || final``
so that chunks cannot be reordered, moved between files, or cut off unnoticed. A file is the
concatenation of its sealed chunks (``CHUNK_BYTES + 16`` bytes each, the tag included), so
chunk ``i`` starts at ``i * (CHUNK_BYTES + 16)`` and a reader seeks by opening only the chunk
it needs (:class:`SealedReader`, what ``pyarrow.parquet`` and the spreadsheet reader get).
Nothing here is cryptography of our own beyond choosing these nonces and associated data.

**Leftovers.** The directory is ``<work_dir>/ingest-<pid>-<random>`` (mode 0700; with no
work dir, ``$TMPDIR/leaktriage-ingest-<pid>-<random>``) and is removed on close. A run that is
killed leaves ciphertext under a key that died with it; :func:`remove_stale_spools` deletes
such directories whose process is gone, at the next ingest and the next workspace open.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from leaktriage.errors import InputError

__all__ = [
    "CHUNK_BYTES",
    "MEMORY_MEMBER_BYTES",
    "MEMORY_TOTAL_BYTES",
    "SealedReader",
    "Spool",
    "Spooled",
    "SpoolWriter",
    "remove_stale_spools",
]

log = logging.getLogger(__name__)

#: Plaintext bytes per sealed chunk: large enough that the 16-byte tag and one AES-GCM call
#: per chunk cost nothing, small enough that a seek decrypts little it does not need.
CHUNK_BYTES = 2**20
#: A member up to this size stays in memory (most CSV members of a zip never reach the spool).
MEMORY_MEMBER_BYTES = 4 * 2**20
#: All in-memory members of one ingest together; past this, members go to disk sealed.
MEMORY_TOTAL_BYTES = 64 * 2**20

_TAG = 16
_AAD = b"leaktriage-spool-v1"
_PREFIX_SYSTEM = "leaktriage-"
#: Spool directories: ``ingest-<pid>-<hex>``, or with the system-temp prefix.
_NAME = re.compile(r"^(?:leaktriage-)?ingest-(\d+)-[0-9a-f]{16}$")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive
        return True
    except OSError:
        return True
    return True


def remove_stale_spools(base: str | Path | None) -> int:
    """Delete spool directories under ``base`` (system temp if ``None``) of dead processes.

    A directory whose process is alive (this one included) is left alone: it may be an ingest
    running now. A pid reused by an unrelated process keeps its leftover until that process
    ends, which errs on the safe side (the leftover is ciphertext under a lost key). Returns
    how many directories were removed.
    """
    root = Path(base) if base is not None else Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    removed = 0
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None or base is None and not entry.name.startswith(_PREFIX_SYSTEM):
            continue
        if not entry.is_dir(follow_symlinks=False) or _pid_alive(int(match.group(1))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed += 1
    if removed:
        log.info("removed %d spool directories left by killed runs", removed)
    return removed


class Spooled:
    """One spooled member: its size, and fresh seekable readers of its bytes."""

    def __init__(self, size: int, data: bytes | None, sealed: SealedFile | None) -> None:
        self.size = size
        self._data = data
        self._sealed = sealed

    @property
    def on_disk(self) -> bool:
        return self._sealed is not None

    def open(self) -> BinaryIO:
        """A new seekable binary reader positioned at the start (close it after use)."""
        if self._data is not None:
            return io.BytesIO(self._data)
        assert self._sealed is not None
        return cast(BinaryIO, io.BufferedReader(SealedReader(self._sealed), buffer_size=2**16))


class SealedFile:
    """Where a sealed member lives and what opens it (the key stays with the spool)."""

    def __init__(self, path: Path, aead: AESGCM, number: int, size: int) -> None:
        self.path = path
        self.aead = aead
        self.number = number
        self.size = size
        self.chunks = max(1, -(-size // CHUNK_BYTES))


def _nonce_aad(number: int, index: int, final: bool) -> tuple[bytes, bytes]:
    ids = number.to_bytes(4, "big") + index.to_bytes(8, "big")
    return ids, _AAD + ids + (b"\x01" if final else b"\x00")


class SealedReader(io.RawIOBase):
    """A seekable raw reader that opens the sealed chunks of one member as it reads them."""

    def __init__(self, sealed: SealedFile) -> None:
        super().__init__()
        self._sealed = sealed
        self._fd = os.open(sealed.path, os.O_RDONLY)
        self._pos = 0
        self._index = -1
        self._chunk = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._sealed.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def _load(self, index: int) -> bytes:
        if index != self._index:
            sealed = self._sealed
            sealed_size = CHUNK_BYTES + _TAG
            blob = os.pread(self._fd, sealed_size, index * sealed_size)
            nonce, aad = _nonce_aad(sealed.number, index, index == sealed.chunks - 1)
            try:
                self._chunk = sealed.aead.decrypt(nonce, blob, aad)
            except InvalidTag:
                raise InputError("a spooled archive member was altered on disk") from None
            self._index = index
        return self._chunk

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._sealed.size or not len(buffer):
            return 0
        index, offset = divmod(self._pos, CHUNK_BYTES)
        chunk = self._load(index)
        n = min(len(buffer), len(chunk) - offset)
        buffer[:n] = chunk[offset : offset + n]
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


class SpoolWriter:
    """Receives one member's bytes in order; :meth:`finish` gives the :class:`Spooled`."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool
        self._buffer = bytearray()
        self._fd: int | None = None
        self._path: Path | None = None
        self._number = 0
        self._index = 0
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        self.size += len(data)
        if self._fd is None and (
            len(self._buffer) > MEMORY_MEMBER_BYTES or not self._spool.may_hold(len(self._buffer))
        ):
            self._path, self._number = self._spool.new_file()
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        if self._fd is not None:
            # Keep at least one byte back: the last chunk is sealed as final by finish().
            while len(self._buffer) > CHUNK_BYTES:
                self._seal(bytes(self._buffer[:CHUNK_BYTES]), final=False)
                del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _seal(self, chunk: bytes, final: bool) -> None:
        assert self._fd is not None
        nonce, aad = _nonce_aad(self._number, self._index, final)
        blob = self._spool.aead.encrypt(nonce, chunk, aad)
        view = memoryview(blob)
        while view:
            view = view[os.write(self._fd, view) :]
        self._index += 1

    def finish(self) -> Spooled:
        if self._fd is None:
            data = bytes(self._buffer)
            self._buffer = bytearray()
            self._spool.hold(len(data))
            return Spooled(self.size, data, None)
        try:
            self._seal(bytes(self._buffer), final=True)
        finally:
            self.abort()
        assert self._path is not None
        return Spooled(
            self.size, None, SealedFile(self._path, self._spool.aead, self._number, self.size)
        )

    def abort(self) -> None:
        """Release the buffer and the file descriptor (the file goes with the spool)."""
        self._buffer = bytearray()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Spool:
    """The spool of one ingest: a key in memory and a private directory made on first need."""

    def __init__(self, base: str | Path | None) -> None:
        self._base = Path(base) if base is not None else None
        self.aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._dir: Path | None = None
        self._files = 0
        self._in_memory = 0
        remove_stale_spools(self._base)

    @property
    def directory(self) -> Path | None:
        """The directory, once a member had to go to disk."""
        return self._dir

    def may_hold(self, n: int) -> bool:
        return self._in_memory + n <= MEMORY_TOTAL_BYTES

    def hold(self, n: int) -> None:
        self._in_memory += n

    def new_file(self) -> tuple[Path, int]:
        if self._dir is None:
            root = self._base if self._base is not None else Path(tempfile.gettempdir())
            prefix = "" if self._base is not None else _PREFIX_SYSTEM
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = root / f"{prefix}ingest-{os.getpid()}-{secrets.token_hex(8)}"
            path.mkdir(mode=0o700)
            os.chmod(path, 0o700)
            self._dir = path
        self._files += 1
        return self._dir / f"member-{self._files:05d}.sealed", self._files

    def writer(self) -> SpoolWriter:
        return SpoolWriter(self)

    def copy(self, source: BinaryIO, chunk: int = CHUNK_BYTES) -> Spooled:
        """Spool everything ``source`` yields (its limits are enforced by ``source`` itself)."""
        writer = self.writer()
        try:
            while data := source.read(chunk):
                writer.write(data)
        except BaseException:
            writer.abort()
            raise
        return writer.finish()

    def close(self) -> None:
        """Remove the directory; memory copies go with the objects that hold them."""
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self._in_memory = 0
