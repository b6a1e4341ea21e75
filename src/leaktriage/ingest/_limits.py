"""Byte counting and decompression limits, enforced while streaming.

A decompression bomb must be refused within seconds and before much is written, so every
decompressed stream goes through :class:`LimitedStream`, which checks the absolute size and the
decompressed/compressed ratio on each read. Compressed bytes are counted by
:class:`CountingReader` on the file underneath the decompressor.
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


class LimitedStream(io.RawIOBase):
    """A raw reader over a decompressed stream that refuses to produce too much.

    ``compressed`` returns how many compressed bytes have been consumed so far (``None`` for an
    uncompressed stream: then only the absolute limit applies). ``underlying`` is closed with
    the stream (the compressed file under a decompressor).
    """

    def __init__(
        self,
        inner: BinaryIO,
        *,
        path: str,
        max_bytes: int,
        max_ratio: float,
        compressed: Callable[[], int] | None,
        underlying: io.IOBase | None = None,
    ) -> None:
        super().__init__()
        self._inner = inner
        self._underlying = underlying
        self._path = path
        self._max_bytes = max_bytes
        self._max_ratio = max_ratio
        self._compressed = compressed
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
        check_limits(self.out, self._compressed, self._path, self._max_bytes, self._max_ratio)
        return n

    def close(self) -> None:
        try:
            self._inner.close()
            if self._underlying is not None:
                # Decompressors given a file object leave it open on close.
                self._underlying.close()
        finally:
            super().close()


def check_limits(
    out: int,
    compressed: Callable[[], int] | None,
    path: str,
    max_bytes: int,
    max_ratio: float,
) -> None:
    """Raise :class:`InputRejected` if ``out`` decompressed bytes break a limit."""
    if out > max_bytes:
        raise InputRejected(
            f"decompressed data exceeds the limit of {max_bytes} bytes (max_input_bytes)",
            path=path,
        )
    if compressed is not None and out > RATIO_GRACE_BYTES:
        ratio = out / max(compressed(), 1)
        if ratio > max_ratio:
            raise InputRejected(
                f"compression ratio over {max_ratio:g} (max_ratio): refused as a possible "
                "decompression bomb",
                path=path,
            )


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
