"""Byte counting and decompression limits, enforced while streaming.

A decompression bomb must be refused within seconds and before much is written, so every
decompressed stream goes through :class:`LimitedStream`, which reports its output to the one
:class:`Budget` of the ingest on each read. The budget judges the *total* over every layer and
member of nested archives against the input file's size on disk: a bomb made of nested layers
that each stay under the ratio (xz of gzip of gzip of text) is refused as soon as the sum
passes it, and a zip of many members is refused from its entry count before any is read.
:class:`CountingReader` counts the compressed bytes read, for progress reports.
"""

from __future__ import annotations

import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from typing import BinaryIO, cast

from leaktriage.errors import InputError, InputRejected

__all__ = [
    "CORRUPT_DATA",
    "RATIO_GRACE_BYTES",
    "Budget",
    "CountingReader",
    "LimitedStream",
    "Tally",
    "buffered",
]

#: The ratio is only judged once this many decompressed bytes are out (tiny files compress oddly).
RATIO_GRACE_BYTES = 2**20

_BUFFER = 2**20

#: What decompressors raise on damaged or truncated input.
CORRUPT_DATA: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,
    tarfile.TarError,
    ValueError,
)


class CountingReader(io.RawIOBase):
    """A raw reader over ``inner`` that counts the bytes it hands out.

    ``on_bytes`` (if given) receives each increment, scaled by ``scale``: used to turn the bytes of
    an extracted member into its share of the compressed input for progress reports.
    """

    def __init__(
        self,
        inner: BinaryIO,
        on_bytes: Callable[[int], None] | None = None,
        scale: float = 1.0,
    ) -> None:
        super().__init__()
        self._inner = inner
        self._on_bytes = on_bytes
        self._scale = scale
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self._on_bytes is not None and n:
            self._on_bytes(int(n * self._scale))
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


class Budget:
    """Running totals of one ingest, over every archive layer and member.

    ``total`` counts each decompressed byte once: every decompressing stream is a *source*
    (:meth:`new_source`) whose high-water mark is kept, so the passes a reader makes over the
    same member (sniffing, sampling, reading) do not add up, while every layer of a nested
    archive does (the xz layer's output, then the gzip layer's inside it, ...). The limits are
    judged against the total: :attr:`max_bytes` absolutely, and :attr:`max_ratio` times the
    input file's size on disk once :data:`RATIO_GRACE_BYTES` are out. ``members`` counts the
    entries of every archive met, nested ones included, against :attr:`max_members`.
    """

    def __init__(self, path: str, *, max_bytes: int, max_ratio: float, max_members: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.max_ratio = max_ratio
        self.max_members = max_members
        self.input_size = 0
        """Bytes of the input file on disk (the denominator of the ratio), set by resolve."""
        self.total = 0
        self.members = 0
        self._high: list[int] = []

    def new_source(self) -> int:
        """A new decompressing stream; returns its id for :meth:`advance`."""
        self._high.append(0)
        return len(self._high) - 1

    def advance(self, source: int, position: int, where: str) -> None:
        """Source ``source`` has produced ``position`` bytes; raise if a limit breaks."""
        high = self._high[source]
        if position > high:
            self._high[source] = position
            self.total += position - high
            self.check(where)

    def check(self, where: str, declared: int = 0) -> None:
        """Raise :class:`InputRejected` if the total (plus ``declared`` bytes to come) is over."""
        out = self.total + declared
        if out > self.max_bytes:
            raise InputRejected(
                f"decompressed data exceeds the limit of {self.max_bytes} bytes, counted over "
                "every archive layer and member (max_input_bytes)",
                path=where,
            )
        if out > RATIO_GRACE_BYTES and out > self.max_ratio * max(self.input_size, 1):
            raise InputRejected(
                f"decompressed data over {self.max_ratio:g} times the input's size, counted "
                "over every archive layer and member (max_ratio): refused as a possible "
                "decompression bomb",
                path=where,
            )

    def add_members(self, n: int, where: str) -> None:
        """Count ``n`` more archive entries; raise once over :attr:`max_members`."""
        self.members += n
        if self.members > self.max_members:
            raise InputRejected(
                f"more than {self.max_members} archive members, counted over every nested "
                "archive (max_members)",
                path=where,
            )


class LimitedStream(io.RawIOBase):
    """A raw reader over a decompressed stream that refuses to produce too much.

    Each read advances the ``source`` of ``budget`` to the bytes this stream has produced, so
    the whole ingest's totals are checked as the data flows. ``source=None`` (a plain file, or
    a spooled copy whose bytes were counted when it was written) checks only the absolute
    limit on this stream's own output. ``underlying`` is closed with the stream (the
    compressed file under a decompressor).
    """

    def __init__(
        self,
        inner: BinaryIO,
        *,
        path: str,
        budget: Budget,
        source: int | None,
        underlying: io.IOBase | None = None,
    ) -> None:
        super().__init__()
        self._inner = inner
        self._underlying = underlying
        self._path = path
        self._budget = budget
        self._source = source
        self.out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(buffer))
        except InputError:
            raise
        except CORRUPT_DATA:
            raise InputError("damaged or truncated compressed data", path=self._path) from None
        n = len(data)
        buffer[:n] = data
        self.out += n
        if self._source is not None:
            self._budget.advance(self._source, self.out, self._path)
        elif self.out > self._budget.max_bytes:
            self._budget.check(self._path, declared=self.out)
        return n

    def close(self) -> None:
        try:
            self._inner.close()
            if self._underlying is not None:
                # Decompressors given a file object leave it open on close.
                self._underlying.close()
        finally:
            super().close()


def buffered(raw: io.RawIOBase) -> BinaryIO:
    """A buffered binary reader over a raw one (large reads, few Python calls)."""
    return cast(BinaryIO, io.BufferedReader(raw, buffer_size=_BUFFER))


class Tally:
    """Malformed-row bookkeeping of one pass over one member.

    Counts every malformed row and keeps the first ``keep`` line numbers; when ``fail`` is set the
    reader raises instead (the tally never sees a value, only positions). Sniffing, probing and
    :meth:`LeakReader.sample` use a tally that never fails.
    """

    def __init__(self, keep: int, fail: bool = False) -> None:
        self.keep = keep
        self.fail = fail
        self.rows = 0
        self.malformed = 0
        self.lines: list[int] = []

    def bad(self, line: int | None) -> None:
        self.malformed += 1
        if line is not None and len(self.lines) < self.keep:
            self.lines.append(line)
