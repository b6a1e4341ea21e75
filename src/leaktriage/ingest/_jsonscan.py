"""The structure of a JSON text found with numpy, so records are cut out for the C decoder.

Streaming JSON parsers (ijson) keep per-level state, and a 200 KB file of ``[[[[…`` made
ijson's prefix stack grow to gigabytes. Here a byte stream is classified a chunk at a time with
vectorized numpy (a lookup table, a cumulative sum for the string state, another for the
nesting depth), so the depth of every byte is known before any parser sees it: nesting over the
limit is refused at the first byte too deep, in time linear in the input and memory bounded by
the chunk. Only the *shallow* structure (the separators of the records container; the members
of a wrapper object, for :mod:`._jsonlocate`) reaches Python; records are handed whole to
``json`` (C), which keeps numbers as written and reports line and column of damage.

A quote is escaped when an odd run of backslashes precedes it (simdjson's rule); the run parity
and the string and depth state carry from one chunk to the next.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

import numpy as np

from leaktriage.errors import InputRejected

if TYPE_CHECKING:
    from ._jsonlocate import Located

__all__ = [
    "CHUNK_BYTES",
    "CLOSE",
    "COLON",
    "COMMA",
    "OPEN",
    "Damage",
    "Piece",
    "Scanner",
    "Span",
    "pieces",
]

log = logging.getLogger(__name__)

CHUNK_BYTES = 2**20
"""Bytes classified per numpy pass (memory per pass is a small multiple of this)."""

SPAN_RECORDS = 64
"""Records decoded per call: few enough that their objects never outlive a young-generation
garbage collection (see :data:`._jsonlines.GROUP_LINES`)."""

OPEN, CLOSE, COMMA, COLON, QUOTE = 1, 2, 3, 4, 5
_CLASS = np.zeros(256, dtype=np.int8)
for _byte, _kind in ((b"[", OPEN), (b"{", OPEN), (b"]", CLOSE), (b"}", CLOSE)):
    _CLASS[_byte[0]] = _kind
_CLASS[ord(",")] = COMMA
_CLASS[ord(":")] = COLON
_CLASS[ord('"')] = QUOTE
_BACKSLASH = ord("\\")
_WHITESPACE = b" \t\r\n"


class Scanner:
    """Classifies a byte stream chunk by chunk, carrying string, escape and depth state.

    :meth:`feed` returns the structural characters outside strings (positions relative to
    the chunk, their class, the depth before each) and raises :class:`InputRejected` at the
    first byte nested deeper than ``max_depth``. ``line`` counts the newlines fed so far.
    """

    def __init__(self, max_depth: int, path: str | None, depth: int = 0) -> None:
        self.max_depth = max_depth
        self.path = path
        self.depth = depth
        self.in_string = False
        self.offset = 0
        """Bytes fed so far (the absolute position of the next chunk)."""
        self.line = 1
        self._odd_backslashes = False

    def feed(self, chunk: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        data = np.frombuffer(chunk, dtype=np.uint8)
        kinds = _CLASS[data]
        pos = np.flatnonzero(kinds)
        cls = kinds[pos]
        quotes = cls == QUOTE
        carry_odd = self._odd_backslashes
        if data.size:
            self._odd_backslashes = _trailing_odd(data, carry_odd)
        if quotes.any():
            live = _unescaped(data, pos[quotes], carry_odd)
            flips = np.zeros(pos.size, dtype=np.int64)
            flips[np.flatnonzero(quotes)[live]] = 1
            parity = (np.cumsum(flips) + int(self.in_string)) & 1
            keep = ~quotes & (parity == 0)
            self.in_string = bool(parity[-1])
        elif self.in_string:
            keep = np.zeros(pos.size, dtype=bool)
        else:
            keep = ~quotes
        pos = pos[keep]
        cls = cls[keep]
        step = (cls == OPEN).astype(np.int64) - (cls == CLOSE)
        after = np.cumsum(step) + self.depth
        before = after - step
        if after.size:
            deepest = int(after.max())
            if deepest > self.max_depth:
                at = int(pos[int(np.argmax(after > self.max_depth))])
                raise InputRejected(
                    f"JSON nested deeper than {self.max_depth} levels (max_json_depth)",
                    path=self.path,
                    line=self.line + chunk.count(b"\n", 0, at),
                )
            self.depth = int(after[-1])
        self.offset += len(chunk)
        self.line += chunk.count(b"\n")
        return pos, cls, before


def _trailing_odd(data: np.ndarray, carry_odd: bool) -> bool:
    """Whether the chunk ends inside an odd run of backslashes (counting the carried run)."""
    if data[-1] != _BACKSLASH:
        return False
    others = np.flatnonzero(data != _BACKSLASH)
    if others.size == 0:
        return carry_odd ^ bool(data.size & 1)
    return bool((data.size - 1 - int(others[-1])) & 1)


def _unescaped(data: np.ndarray, quotes: np.ndarray, carry_odd: bool) -> np.ndarray:
    """Which of the quote positions are not escaped by an odd run of backslashes."""
    live = np.ones(quotes.size, dtype=bool)
    previous = quotes - 1
    first = previous < 0
    suspects = np.zeros(quotes.size, dtype=bool)
    suspects[~first] = data[previous[~first]] == _BACKSLASH
    if first.any() and carry_odd:
        live[first] = False
    if not suspects.any():
        return live
    # Rare (escaped quotes): measure each backslash run before a suspect quote.
    others = np.flatnonzero(data != _BACKSLASH)
    at = quotes[suspects]
    index = np.searchsorted(others, at - 1, side="right") - 1
    start = np.where(index >= 0, others[np.maximum(index, 0)], -1)
    run = at - 1 - start
    odd = (run & 1).astype(bool)
    odd ^= (index < 0) & carry_odd  # a run reaching back into the previous chunk
    live[suspects] = ~odd
    return live


class Piece(NamedTuple):
    """The bytes of one record and where it starts (1-based line, byte column), counting the
    whitespace before it."""

    data: bytes
    line: int
    column: int


@dataclass(frozen=True)
class Damage:
    """Where the structure broke; what was before it is sound."""

    reason: str
    line: int
    column: int | None = None
    tail: Piece | None = None
    """The unfinished record at the end of the input, whose decoding pins the damage."""


class Span:
    """Several whole records of one chunk, written ``rec,rec,…`` (as in their array).

    ``text`` wrapped in brackets decodes all of them in one call of the C decoder; when that
    fails, :meth:`pieces` gives them one by one (with their lines) to find the damaged one.
    """

    __slots__ = ("_chunk", "_starts", "_ends", "_lines", "_columns", "count")

    def __init__(
        self,
        chunk: bytes,
        starts: list[int],
        ends: list[int],
        lines: list[int],
        columns: list[int],
    ) -> None:
        self._chunk = chunk
        self._starts = starts
        self._ends = ends
        self._lines = lines
        self._columns = columns
        self.count = len(starts)

    @property
    def first_line(self) -> int:
        return self._lines[0]

    @property
    def text(self) -> bytes:
        return self._chunk[self._starts[0] : self._ends[-1]]

    def pieces(self) -> Iterator[Piece]:
        chunk = self._chunk
        for a, b, line, column in zip(
            self._starts, self._ends, self._lines, self._columns, strict=True
        ):
            yield Piece(chunk[a:b], line, column)


def pieces(
    stream: BinaryIO,
    where: Located,
    max_depth: int,
    max_record_bytes: int,
    path: str | None,
) -> Iterator[Piece | Span | Damage]:
    """The records of a document as byte pieces (or spans of them), then at most one
    :class:`Damage`.

    Array mode cuts the records array at its commas (a trailing comma is tolerated); values
    mode cuts after each top-level value. Past the records array, the rest of the document is
    still depth-checked and must close (a top-level array must be all there is); anything
    broken ends the pieces with a :class:`Damage`. ``stream`` is read from its start.
    """
    scanner = Scanner(max_depth, path)
    array_mode = where.kind == "array"
    line_start = 0  # absolute offset of the current line's first byte
    if array_mode:
        prefix = stream.read(where.offset + 1)
        scanner.feed(prefix)
        line_start = prefix.rfind(b"\n") + 1
        depth = where.depth
    else:
        depth = 1
    top_array = array_mode and depth == 1
    pending: list[bytes] = []
    pending_size = 0
    start_line = scanner.line
    start_column = scanner.offset - line_start + 1
    records = 0
    closed = False
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            break
        base = scanner.offset
        line = scanner.line
        chunk_line_start = line_start
        pos, cls, before = scanner.feed(chunk)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            line_start = base + newline + 1
        if closed:
            if top_array and not chunk.isspace():
                yield _extra(chunk, line)
                return
            broken = _unbalanced(chunk, pos, cls, before, 0, line)
            if broken is not None:
                yield broken
                return
            continue
        if array_mode:
            cut = np.flatnonzero((before == depth) & ((cls == COMMA) | (cls == CLOSE)))
        else:
            cut = np.flatnonzero((cls == CLOSE) & (before <= 1))
        ats = pos[cut]
        kinds = cls[cut]
        stop: int | None = None  # where the records end in this chunk
        ending = np.flatnonzero(kinds == CLOSE) if array_mode else np.flatnonzero(before[cut] == 0)
        if ending.size:
            stop = int(ending[0])
            ats = ats[: stop + 1]
        if ats.size == 0:
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size > max_record_bytes:
                _too_long(max_record_bytes, path, start_line)
            continue
        ends = ats if array_mode else ats + 1
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ats[:-1] + 1
        if stop is not None and not array_mode:
            # A close below the top level: the pieces before it are sound, it is not.
            ends, starts = ends[:-1], starts[:-1]
        # Lines and byte columns of every piece start, vectorized.
        breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
        if breaks.size:
            index = np.searchsorted(breaks, starts, side="left")
            lines = (index + line).tolist()
            after_break = breaks[np.maximum(index - 1, 0)] + 1
            begins = np.where(index > 0, after_break, chunk_line_start - base)
        else:
            lines = [line] * starts.size
            begins = np.full(starts.size, chunk_line_start - base)
        columns = (starts - begins + 1).tolist()
        lengths = ends - starts
        if lengths.size and int(lengths.max()) > max_record_bytes:
            k = int(np.argmax(lengths > max_record_bytes))
            _too_long(max_record_bytes, path, start_line if k == 0 else lines[k])
        starts_l = starts.tolist()
        ends_l = ends.tolist()
        if starts_l:
            # The first piece may have begun in an earlier chunk.
            pending.append(chunk[: ends_l[0]])
            data = b"".join(pending)
            pending.clear()
            pending_size = 0
            if len(data) > max_record_bytes:
                _too_long(max_record_bytes, path, start_line)
            if data and not data.isspace():
                records += 1
                yield Piece(data, start_line, start_column)
            elif len(starts_l) > 1 or stop is None:
                yield Damage("empty item in the JSON array", start_line, start_column)
                return
            if array_mode and stop is not None and len(starts_l) > 1:
                trailing = chunk[starts_l[-1] : ends_l[-1]]
                if not trailing or trailing.isspace():  # ``[1, 2,]``: tolerated
                    del starts_l[-1], ends_l[-1], lines[-1], columns[-1]
            if len(starts_l) > 1:
                if array_mode:
                    for k in range(1, len(starts_l), SPAN_RECORDS):
                        j = k + SPAN_RECORDS
                        span = Span(chunk, starts_l[k:j], ends_l[k:j], lines[k:j], columns[k:j])
                        records += span.count
                        yield span
                else:
                    for k in range(1, len(starts_l)):
                        records += 1
                        yield Piece(chunk[starts_l[k] : ends_l[k]], lines[k], columns[k])
        last = int(ats[-1]) + 1
        start_line = line + chunk.count(b"\n", 0, last)
        found = chunk.rfind(b"\n", 0, last)
        start_column = last - (found + 1 if found >= 0 else chunk_line_start - base) + 1
        if stop is not None:
            if not array_mode:
                yield Damage("unbalanced brackets in the JSON", start_line)
                return
            at = int(ats[-1])
            if chunk[at] != ord("]"):
                yield Damage("mismatched bracket closing the JSON array", start_line)
                return
            closed = True
            rest = chunk[at + 1 :]
            if top_array and rest and not rest.isspace():
                yield _extra(rest, start_line)
                return
            broken = _unbalanced(chunk, pos, cls, before, int(cut[stop]) + 1, line)
            if broken is not None:
                yield broken
                return
            continue
        tail = chunk[last:]
        if tail:
            pending.append(tail)
            pending_size = len(tail)
    if scanner.in_string or scanner.depth != 0:
        tail_piece = Piece(b"".join(pending), start_line, start_column) if pending else None
        yield Damage("the JSON ends early (truncated)", scanner.line, None, tail_piece)
    elif array_mode and not closed:
        yield Damage("the JSON array does not close", scanner.line)
    elif not array_mode and pending and not b"".join(pending).isspace():
        yield Damage("a top-level JSON value that is not an object or array", start_line)


def _unbalanced(
    chunk: bytes, pos: np.ndarray, cls: np.ndarray, before: np.ndarray, first: int, line: int
) -> Damage | None:
    """A close with nothing open, from event ``first`` of the chunk on (past the records)."""
    extra = np.flatnonzero((cls[first:] == CLOSE) & (before[first:] == 0))
    if not extra.size:
        return None
    at = int(pos[first + int(extra[0])])
    return Damage("unbalanced brackets after the JSON records", line + chunk.count(b"\n", 0, at))


def _too_long(limit: int, path: str | None, line: int) -> None:
    raise InputRejected(
        f"a JSON record longer than {limit} bytes (max_line_bytes)", path=path, line=line
    )


def _extra(rest: bytes, line: int) -> Damage:
    """Content after a top-level array that closed, where the document should have ended."""
    skipped = len(rest) - len(rest.lstrip(_WHITESPACE))
    return Damage("extra data after the JSON array", line + rest.count(b"\n", 0, skipped))
