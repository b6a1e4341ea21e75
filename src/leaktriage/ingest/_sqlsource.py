"""Physical lines of a dump as UTF-8 bytes, with byte offsets, line numbers and the line limit.

Every dump is read as UTF-8 bytes: UTF-8 input as is (its validity is checked where values are
decoded), anything else transcoded block by block. Reading by blocks lets a line longer than
``max_line_bytes`` be refused as soon as that many bytes are buffered, never after reading it
whole, and lets PostgreSQL ``COPY`` data go out in multi-megabyte chunks of whole lines.
Offsets count bytes of that UTF-8 stream, so a later pass can skip straight to a table.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from leaktriage.errors import InputRejected

from ._rows import decode_error

__all__ = ["LineSource"]

_BLOCK = 1 << 20
_PASSTHROUGH = frozenset({"utf-8", "utf_8", "utf8"})


class _Transcoder:
    """Blocks of ``raw`` decoded with ``codec`` (strict) and encoded as UTF-8."""

    def __init__(self, raw: BinaryIO, codec: str, path: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        self._codec = codec
        self._path = path
        self._lines = 1

    def read(self, size: int) -> bytes:
        block = self._raw.read(size)
        try:
            text = self._decoder.decode(block, final=not block)
        except UnicodeDecodeError as error:
            line = self._lines + block[: error.start].count(b"\n")
            raise decode_error(self._path, self._codec, line) from None
        out = text.encode("utf-8", "surrogatepass")
        self._lines += out.count(b"\n")
        if not out and block:
            return self.read(size)  # a block holding only part of a character
        return out


class LineSource:
    """Lines (``bytes``, newline kept) of a dump; ``offset``/``line`` locate the next one."""

    def __init__(self, raw: BinaryIO, codec: str, path: str, max_line_bytes: int) -> None:
        name = codecs.lookup(codec).name
        self._reader: BinaryIO | _Transcoder
        self._reader = (
            raw if name in _PASSTHROUGH or name == "utf-8-sig" else _Transcoder(raw, codec, path)
        )
        self._strip_bom = name == "utf-8-sig"
        self._path = path
        self._max = max_line_bytes
        self._buf = b""
        self._pos = 0
        self._eof = False
        self.offset = 0
        self.line = 1

    def _fill(self) -> bool:
        if self._eof:
            return False
        block = self._reader.read(_BLOCK)
        if not block:
            self._eof = True
            return False
        if self._strip_bom:
            self._strip_bom = False
            if block.startswith(codecs.BOM_UTF8):
                block = block[3:]
        self._buf = self._buf[self._pos :] + block
        self._pos = 0
        return True

    def _too_long(self) -> InputRejected:
        return InputRejected(
            f"a line is longer than {self._max} bytes (max_line_bytes)",
            path=self._path,
            line=self.line,
        )

    def _newline(self) -> int:
        """Index of the newline ending the line at ``self._pos`` (reading more as needed);
        ``-1`` at the end of the input without one."""
        search = self._pos
        while True:
            end = self._buf.find(b"\n", search)
            if end >= 0:
                if end - self._pos >= self._max:
                    raise self._too_long()
                return end
            scanned = len(self._buf) - self._pos
            if scanned > self._max:
                raise self._too_long()
            if not self._fill():
                return -1
            search = self._pos + scanned

    def readline(self) -> bytes | None:
        """The next physical line (a missing final newline is added), ``None`` at the end."""
        if self._pos >= len(self._buf) and not self._fill():
            return None
        end = self._newline()
        if end < 0:
            line = self._buf[self._pos :] + b"\n"
            self.offset += len(self._buf) - self._pos
            self._buf, self._pos = b"", 0
        else:
            line = self._buf[self._pos : end + 1]
            self._pos = end + 1
            self.offset += len(line)
        self.line += 1
        return line

    def copy_chunk(self, target: int) -> tuple[bytes, bool]:
        """Whole data lines of a ``COPY ... FROM stdin`` block, about ``target`` bytes, and
        whether the block ended (its ``\\.`` line is consumed; so is a missing one at EOF)."""
        while True:
            if self._pos >= len(self._buf) and not self._fill():
                return b"", True
            buf, pos = self._buf, self._pos
            if buf.startswith(b"\\.", pos):
                self.readline()
                return b"", True
            stop = buf.find(b"\n\\.", pos, pos + target)
            if stop >= 0:
                return self._take(stop + 1), False
            if len(buf) - pos >= target:
                cut = buf.rfind(b"\n", pos, pos + target)
                if cut < 0:
                    cut = self._newline()
                    if cut < 0:
                        return self._take(len(self._buf)) + b"\n", True
                return self._take(cut + 1), False
            if not self._fill():
                rest = self._take(len(self._buf))
                return (rest if rest.endswith(b"\n") or not rest else rest + b"\n"), True

    def _take(self, end: int) -> bytes:
        chunk = self._buf[self._pos : end]
        if len(chunk) > self._max and max(map(len, chunk.split(b"\n"))) >= self._max:
            raise self._too_long()
        self._pos = end
        self.offset += len(chunk)
        self.line += chunk.count(b"\n")
        return chunk

    def skip_to(self, offset: int, line: int) -> None:
        """Discard input up to ``offset`` (a line start seen by an earlier pass)."""
        while self.offset < offset:
            if self._pos >= len(self._buf) and not self._fill():
                break
            step = min(len(self._buf) - self._pos, offset - self.offset)
            self._pos += step
            self.offset += step
        self.line = line
