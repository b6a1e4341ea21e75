"""Physical lines of a dump as UTF-8 bytes, with byte offsets, line numbers and the line limit.

Every dump is read as UTF-8 bytes: UTF-8 input as is (its validity is checked where values are
decoded); a single-byte encoding (CP1252, Latin-1, ...) line by line, after :attr:`rewrite`
(the binary literals of :mod:`._sqlbinary` must be found in the raw bytes, before decoding);
anything else (UTF-16) transcoded block by block. Reading by blocks lets a line longer than
``max_line_bytes`` be refused as soon as that many bytes are buffered, never after reading it
whole, and lets PostgreSQL ``COPY`` data go out in multi-megabyte chunks of whole lines.
Offsets count bytes of the input (of the UTF-8 stream for UTF-16), so a later pass can skip
straight to a table.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import BinaryIO

from leaktriage.errors import InputRejected

from ._rows import decode_error

__all__ = ["LineSource"]

_BLOCK = 1 << 20
_PASSTHROUGH = frozenset({"utf-8", "utf_8", "utf8"})


def _single_byte(codec: str) -> bool:
    """One character per byte, ASCII as ASCII: lines, quotes and backslashes are found in the
    raw bytes (not so in UTF-16 or Shift-JIS, whose bytes may be parts of characters)."""
    text = bytes(range(256)).decode(codec, "replace")
    return len(text) == 256 and text[:128] == bytes(range(128)).decode("ascii")


def _utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        codecs.utf_8_decode(data, "strict", True)
    except UnicodeDecodeError:
        return False
    return True


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
        self._reader: BinaryIO | _Transcoder = raw
        self._codec: str | None = None
        if name not in _PASSTHROUGH and name != "utf-8-sig":
            if _single_byte(name):
                self._codec = name
            else:
                self._reader = _Transcoder(raw, codec, path)
        self.rewrite: Callable[[bytes], bytes] | None = None
        """Applied to each line's raw bytes (not to ``COPY`` data) before it is decoded."""
        self._strip_bom = name == "utf-8-sig"
        self._path = path
        self._max = max_line_bytes
        self._buf = b""
        self._pos = 0
        self._eof = False
        self.offset = 0
        self.line = 1

    def decodable(self, data: bytes) -> bool:
        """Whether raw bytes of this input are valid in its encoding."""
        if self._codec is None:
            return _utf8(data)
        try:
            data.decode(self._codec)
        except UnicodeDecodeError:
            return False
        return True

    def _utf8_of(self, data: bytes, line: int) -> bytes:
        """Raw bytes of whole lines as UTF-8 (the input's first line being ``line``)."""
        if self._codec is None or data.isascii():
            return data
        try:
            return data.decode(self._codec).encode("utf-8", "surrogatepass")
        except UnicodeDecodeError as error:
            line += data[: error.start].count(b"\n")
            raise decode_error(self._path, self._codec, line) from None

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
        if self.rewrite is not None:
            line = self.rewrite(line)
        return self._utf8_of(line, self.line - 1)

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
        first = self.line
        self.line += chunk.count(b"\n")
        return self._utf8_of(chunk, first)

    def skip_to(self, offset: int, line: int) -> None:
        """Discard input up to ``offset`` (a line start seen by an earlier pass)."""
        while self.offset < offset:
            if self._pos >= len(self._buf) and not self._fill():
                break
            step = min(len(self._buf) - self._pos, offset - self.offset)
            self._pos += step
            self.offset += step
        self.line = line
