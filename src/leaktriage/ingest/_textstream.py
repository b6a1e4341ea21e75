"""A streaming clean-up of delimited text in front of the CSV parser.

pyarrow's CSV reader is fast but wants clean UTF-8 with a one-character delimiter: one line of
binary junk aborts it (its invalid-row handler cannot even decode the line), a stray quote in
junk swallows the lines after it, and ``||``, ``", "``, runs of spaces or MySQL's backslash
escapes are beyond it. :class:`CleanText` sits between the file and the parser and, per
physical line, keeping line numbers (one line in, one line out):

* blanks junk lines (NULs, control characters, bytes the encoding cannot decode) and records
  their numbers: they are counted as malformed rows;
* decodes each line on its own, so UTF-8 text with junk lines stays UTF-8, and a line of
  CP1252 text in a UTF-8 file (files concatenated from two exports) is read, not lost;
* refuses a physical line over ``max_line_bytes`` as soon as it has read that much;
* blanks ``#`` comment lines, translates multi-character and whitespace delimiters to
  :data:`SENTINEL`, and turns backslash escapes into private-use characters that
  :func:`restore` turns back after parsing (``\\N`` becomes null).

Clean chunks (the common case) are handled whole at C speed; only chunks holding a bad line go
line by line. Nothing read is logged.
"""

from __future__ import annotations

import bisect
import codecs
import io
import re
import time
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from leaktriage.errors import InputError, InputRejected

from ._dialect import SENTINEL, is_junk_line, space_run
from ._rows import decode_error

__all__ = ["CleanText", "StoppableStream", "TextPlan", "line_too_long", "restore"]

_CHUNK = 4 * 2**20
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_COMMENT = re.compile(
    r"(?:^|(?<=[\r\n]))(?:#[^\r\n]*|[-=+|_*~ ]*[-=_*~]{3}[-=+|_*~ ]*(?=[\r\n]|$))"
)
"""A ``#`` comment or a rule line (``----+----`` under a psql header)."""
_PAD = re.compile(r"(?:^|(?<=[\r\n])) +| +(?=[\r\n]|$)")
_ESCAPE = re.compile(r"\\(\r\n|[\s\S])")

# Private-use characters standing for what an escape meant until the parser has split fields.
_LF = "\ue001"
_CR = "\ue002"
_TAB = "\ue003"
_NUL = "\ue004"
_QUOTE = "\ue005"
_DELIM = "\ue006"
_LITERAL_SENTINEL = "\ue007"
_BACKSLASH = "\ue008"
_MARKS = (_LF, _CR, _TAB, _NUL, _QUOTE, _DELIM, _LITERAL_SENTINEL)


@dataclass(frozen=True)
class TextPlan:
    """How :class:`CleanText` treats a stream."""

    codec: str
    fallback: str | None = None
    """Codec for a line the primary one cannot decode when it looks like text (else junk)."""
    junk: bool = True
    """Blank lines with NULs or control characters too (not only undecodable ones)."""
    delimiter: str = ","
    spaces: int = 0
    quote: str | None = '"'
    escape: bool = False
    comments: bool = False
    """Blank ``#`` comment lines and rule lines (:func:`~._dialect.is_decoration`)."""
    split_once: bool = False
    """Only the first delimiter of a line splits (``email:pass:word``)."""
    strict: bool = False
    """A forced encoding: a line it cannot decode is an error, not junk."""

    @property
    def translated(self) -> bool:
        return bool(self.spaces) or len(self.delimiter) != 1 or self.split_once

    @property
    def separator(self) -> str:
        return SENTINEL if self.translated else self.delimiter


def line_too_long(path: str, limit: int, line: int | None) -> InputRejected:
    return InputRejected(
        f"a line is longer than {limit} bytes (max_line_bytes)", path=path, line=line
    )


def _lines_in(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


class CleanText(io.RawIOBase):
    """UTF-8 bytes of ``raw`` cleaned line by line as described in the module docstring."""

    def __init__(
        self,
        raw: BinaryIO,
        plan: TextPlan,
        *,
        path: str,
        max_line_bytes: int,
        keep: int,
        fail: bool = False,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._plan = plan
        self._path = path
        self._max = max_line_bytes
        self._keep = keep
        self._fail = fail
        info = codecs.lookup(plan.codec)
        self._codec = "utf-8" if info.name == "utf-8-sig" else info.name
        self._bom = info.name == "utf-8-sig"
        self._ascii_safe = not info.name.startswith(("utf-16", "utf-32"))
        self._decoder = None if self._ascii_safe else info.incrementaldecoder(errors="replace")
        self._pending = b""
        self._pending_text = ""  # UTF-16/32 streams: split after decoding
        self._out = b""
        self._pos = 0
        self._eof = False
        self._line = 0
        self._partial = 0
        """Bytes of the current, unfinished line already passed on."""
        self._first = 1
        self.junk_count = 0
        self.junk_lines: list[int] = []
        self.fallback_lines = 0
        self.nonascii = False
        self.marks: frozenset[str] = frozenset()
        """Private-use marks written so far (what :func:`restore` must look for)."""
        self.absorbed: list[int] = []
        """Output lines into which an escaped line break joined the next input line."""
        self._escapes = self._escape_table() if plan.escape else {}
        self._run = space_run(plan.spaces) if plan.spaces else None
        self._identity = self._codec == "utf-8" and not (
            plan.comments or plan.translated or plan.escape
        )
        delim = re.escape(plan.delimiter)
        self._once = re.compile(r"(?:^|(?<=[\r\n]))([^\r\n" + delim + "]*)" + delim)

    # -- io.RawIOBase -----------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = len(buffer)
        filled = 0
        while filled < want:
            available = len(self._out) - self._pos
            if available <= 0:
                if self._eof:
                    break
                self._out, self._pos = self._fill(), 0
                continue
            take = min(want - filled, available)
            buffer[filled : filled + take] = memoryview(self._out)[self._pos : self._pos + take]
            self._pos += take
            filled += take
        return filled

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()

    def input_line(self, output_line: int) -> int:
        """The input line of an output line (they differ after escaped line breaks)."""
        return output_line + bisect.bisect_left(self.absorbed, output_line)

    # -- reading ----------------------------------------------------------------------------

    def _fill(self) -> bytes:
        """The next cleaned UTF-8 bytes (possibly none before the end)."""
        chunk = self._raw.read(_CHUNK)
        if not chunk:
            self._eof = True
        if self._ascii_safe:
            body, text = self._bytes_part(chunk)
            if text is None:
                return body  # clean UTF-8 that needs no transform: passed on as it is
        else:
            text = self._text_part(chunk)
        return self._transform(text).encode("utf-8") if text else b""

    def _split(self, data: bytes | str) -> int:
        """Where the complete lines of ``data`` end (a final CR may precede an LF to come)."""
        if self._eof:
            return len(data)
        if isinstance(data, bytes):
            region = data[:-1] if data.endswith(b"\r") else data
            return max(region.rfind(b"\n"), region.rfind(b"\r")) + 1
        text = data[:-1] if data.endswith("\r") else data
        return max(text.rfind("\n"), text.rfind("\r")) + 1

    def _check_pending(
        self, pending: bytes | str, body_lines: int, scale: int, emitted: int = 0
    ) -> None:
        size = len(pending) - (1 if pending[-1:] in (b"\r", "\r") else 0)
        if (size + emitted) * scale > self._max:
            raise line_too_long(self._path, self._max, self._line + body_lines + 1)

    def _bytes_part(self, chunk: bytes) -> tuple[bytes, str | None]:
        """Complete lines of the stream so far: as they are (``None`` text) or decoded."""
        data = self._pending + chunk
        if self._bom and self._line == 0 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
            self._bom = False
        cut = self._split(data)
        body, self._pending = data[:cut], data[cut:]
        lines = _lines_in(body) + (1 if self._eof and body and body[-1:] not in b"\r\n" else 0)
        if body:
            if self._partial and self._partial + _first_break(body) > self._max:
                raise line_too_long(self._path, self._max, self._line + 1)
            self._partial = 0
        else:
            self._check_pending(self._pending, 0, 1, self._partial)
        self._check_pending(self._pending, lines, 1)
        if not body:
            return self._stream_partial(), None
        self._first = self._line + 1
        if len(body) > self._max:
            for i, line in enumerate(body.splitlines(), start=1):
                if len(line) > self._max:
                    raise line_too_long(self._path, self._max, self._line + i)
        # The clean case at C speed: it decodes and holds no NUL (binary junk that happens to
        # be valid UTF-8 and NUL-free is vanishingly rare; pyarrow reads it as a value).
        if b"\x00" not in body:
            try:
                text = body.decode(self._codec)
            except UnicodeDecodeError:
                pass
            else:
                if not self.nonascii and not body.isascii():
                    self.nonascii = True
                self._line += lines
                return (body, None) if self._identity else (body, text)
        text = self._by_line(body)
        self._line += lines
        return body, text

    def _stream_partial(self) -> bytes:
        """Pass on the start of a long unfinished line when it is clean UTF-8 needing no
        transform, so that reading does not wait for its end (a decompression bomb of one
        endless line must meet the ratio check while the first rows are read)."""
        pending = self._pending
        if not self._identity or self._eof or len(pending) < _CHUNK:
            return b""
        cut = len(pending)
        while cut > len(pending) - 4 and cut > 0 and pending[cut - 1] & 0xC0 == 0x80:
            cut -= 1  # not inside a multi-byte character
        if cut and pending[cut - 1] >= 0xC0:
            cut -= 1
        if cut and pending[cut - 1 : cut] == b"\r":
            cut -= 1
        prefix = pending[:cut]
        if b"\x00" in prefix:
            return b""
        try:
            prefix.decode("utf-8")
        except UnicodeDecodeError:
            return b""
        if not self.nonascii and not prefix.isascii():
            self.nonascii = True
        self._pending = pending[cut:]
        self._partial += len(prefix)
        return prefix

    def _by_line(self, body: bytes) -> str:
        out: list[str] = []
        for i, raw in enumerate(body.splitlines(keepends=True), start=1):
            content = raw.rstrip(b"\r\n")
            ending = raw[len(content) :].decode("ascii")
            number = self._line + i
            if len(content) > self._max:
                raise line_too_long(self._path, self._max, number)
            text = self._decode_line(content, number)
            if text is None:
                self._junk(number)
                out.append(ending)
            else:
                out.append(text + ending)
        return "".join(out)

    def _decode_line(self, content: bytes, number: int) -> str | None:
        try:
            text = content.decode(self._codec)
        except UnicodeDecodeError:
            if self._plan.strict:
                raise decode_error(self._path, self._codec, number) from None
            if self._plan.fallback is None or not self.textual(content):
                return None
            self.fallback_lines += 1
            try:
                return content.decode(self._plan.fallback)
            except UnicodeDecodeError:
                return content.decode("latin-1")
        if self._plan.junk and is_junk_line(text):
            return None
        if not self.nonascii and not content.isascii():
            self.nonascii = True
        return text

    @staticmethod
    def textual(content: bytes) -> bool:
        """Text in a single-byte encoding: no control bytes, mostly ASCII."""
        if _CONTROL_BYTES.search(content):
            return False
        high = sum(1 for b in content if b >= 0x80)
        return high <= 0.3 * len(content)

    def _text_part(self, chunk: bytes) -> str:
        assert self._decoder is not None
        decoded = self._decoder.decode(chunk, final=self._eof)
        data = self._pending_text + decoded
        cut = self._split(data)
        body, self._pending_text = data[:cut], data[cut:]
        lines = len(_LINE.findall(body)) - 1 if body else 0
        if self._eof and body and body[-1] not in "\r\n":
            lines += 1
        self._check_pending(self._pending_text, lines, 2)
        self._first = self._line + 1
        out: list[str] = []
        for i, match in enumerate(_LINE.finditer(body), start=1):
            raw = match.group()
            if not raw:
                continue
            content = raw.rstrip("\r\n")
            if 2 * len(content) > self._max:
                raise line_too_long(self._path, self._max, self._line + i)
            if is_junk_line(content) if self._plan.junk else "\ufffd" in content:
                self._junk(self._line + i)
                out.append(raw[len(content) :])
            else:
                out.append(raw)
        self._line += lines
        return "".join(out)

    def _junk(self, line: int) -> None:
        if self._fail:
            raise InputError("binary or undecodable data", path=self._path, line=line)
        self.junk_count += 1
        if len(self.junk_lines) < self._keep:
            self.junk_lines.append(line)

    # -- transforms -------------------------------------------------------------------------

    def _escape_table(self) -> dict[str, str]:
        plan = self._plan
        table = {
            "N": "",  # MySQL's NULL, a whole field: empty, which the parser reads as null
            "0": _NUL,
            "t": _TAB,
            "n": _LF,
            "r": _CR,
            "\n": _LF,
            "\r": _CR,
            "\r\n": _LF,
            "Z": "\x1a",
            "b": "\b",
            "\t": _TAB,
        }
        if plan.quote:
            table[plan.quote] = _QUOTE
        if not plan.translated:
            table[plan.delimiter] = _DELIM
        return table

    def _unescape(self, text: str, first_line: int) -> str:
        table = self._escapes
        if "\\\n" not in text and "\\\r" not in text:
            # No escaped line break: str.replace chains at C speed. Escaped backslashes go
            # first, so every backslash left starts an escape.
            text = text.replace("\\\\", _BACKSLASH)
            for char, mark in table.items():
                if len(char) == 1 and char not in "\r\n":
                    text = text.replace("\\" + char, mark)
            if "\\" in text:
                text = _ESCAPE.sub(r"\1", text)  # \x is x
            return text.replace(_BACKSLASH, "\\")
        counted = [0, 0]  # position scanned, line breaks before it

        def replace(match: re.Match[str]) -> str:
            char = match.group(1)
            if char in ("\n", "\r", "\r\n"):
                start = match.start()
                counted[1] += _count_breaks(text, counted[0], start)
                counted[0] = start
                line = first_line + counted[1]
                self.absorbed.append(line - len(self.absorbed))
            return table.get(char, char)

        return _ESCAPE.sub(replace, text)

    def _transform(self, text: str) -> str:
        text = self._rewrite(text)
        if self._plan.escape or self._plan.translated:
            for mark in _MARKS:
                if mark not in self.marks and mark in text:
                    self.marks |= {mark}
        return text

    def _rewrite(self, text: str) -> str:
        plan = self._plan
        first_line = self._first
        if plan.comments:
            text = _COMMENT.sub("", text)
        if plan.translated and SENTINEL in text:
            text = text.replace(SENTINEL, _LITERAL_SENTINEL)
        if plan.escape and "\\" in text:
            text = self._unescape(text, first_line)
        if self._run is not None:
            text = self._run.sub(SENTINEL, _PAD.sub("", text))
        elif plan.split_once:
            text = self._once.sub("\\g<1>" + SENTINEL, text)
        elif plan.translated:
            text = text.replace(plan.delimiter, SENTINEL)
        return text


class StoppableStream(io.RawIOBase):
    """A stream pyarrow reads from that can be told to stop, and waited for.

    pyarrow's streaming CSV reader reads ahead on its own threads. Stopped early (a sample, a
    probe), a read still running in that thread calls into Python while the interpreter
    finalizes, which aborts or hangs the process at exit. After :meth:`stop` every read ends
    the stream at once; :meth:`wait` returns when no read is under way.
    """

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self._inner = inner
        self._stopped = False
        self._busy = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._stopped:
            return 0
        self._busy += 1
        try:
            return self._inner.readinto(buffer)  # type: ignore[attr-defined]
        finally:
            self._busy -= 1

    def stop(self) -> None:
        self._stopped = True

    def wait(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline:
            time.sleep(0.001)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def _first_break(data: bytes) -> int:
    """Where the first line of ``data`` ends (its length without the break)."""
    n, r = data.find(b"\n"), data.find(b"\r")
    if n < 0 and r < 0:
        return len(data)
    return min(x for x in (n, r) if x >= 0)


def _count_breaks(text: str, start: int, end: int) -> int:
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


def restore(
    array: pa.Array, plan: TextPlan | None, trim: bool, marks: frozenset[str] = frozenset()
) -> pa.Array:
    """A parsed column with what :class:`CleanText` stood in for put back, trimmed if asked.

    ``marks`` are the private-use marks the cleaner wrote (:attr:`CleanText.marks`); only
    those are looked for, one vectorized pass each, and replaced where present.
    """
    if plan is not None and plan.translated:
        marks = marks | {SENTINEL}  # the delimiter inside a quoted value
    if plan is not None and marks:
        token = " " if plan.spaces else plan.delimiter
        values = {
            SENTINEL: token,
            _LF: "\n",
            _CR: "\r",
            _TAB: "\t",
            _NUL: "\x00",
            _QUOTE: plan.quote or '"',
            _DELIM: plan.delimiter,
            _LITERAL_SENTINEL: SENTINEL,
        }
        for mark in sorted(marks):
            if mark in values and pc.any(pc.match_substring(array, mark)).as_py():
                array = pc.replace_substring(array, mark, values[mark])
    if trim:
        array = pc.utf8_trim_whitespace(array)
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    return array
