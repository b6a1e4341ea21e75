"""JSON Lines read a block at a time: one C decoder call per block, line by line only on damage.

A block (about :data:`BLOCK_BYTES`, completed to a whole line) is checked with numpy first: no
line longer than ``max_line_bytes`` and none holding more opening brackets than
``max_json_depth`` (so none can nest deeper). Its non-blank lines are then joined into one
JSON array and decoded in a single call. When a check or the decoding fails, the block is read
again line by line, which finds and counts (or raises on) the malformed lines with their
numbers, checks a suspect line's depth exactly with :class:`._jsonscan.Scanner`, and refuses a
line too long.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import numpy as np

from leaktriage.errors import InputError, InputRejected

from ._jsonflat import decode
from ._jsonscan import Scanner
from ._limits import Tally

__all__ = ["BLOCK_BYTES", "read_lines", "reason"]

BLOCK_BYTES = 2**20
"""Bytes of JSON Lines decoded per call (then completed to the end of a line)."""

_BLANK_LINES = re.compile(rb"\n(?:[ \t\r]*\n)+")
_BOM = b"\xef\xbb\xbf"


def read_lines(
    stream: BinaryIO, tally: Tally, path: str, max_depth: int, max_line_bytes: int
) -> Iterator[tuple[int, Any]]:
    """(line, record) of every good line of a UTF-8 JSON Lines stream.

    The line of a record decoded with its block is the block's first line (only damage needs
    exact numbers, and the line-by-line pass gives them).
    """
    done = 0  # lines before the block
    first = True
    while True:
        block = stream.read(BLOCK_BYTES)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += stream.readline(max_line_bytes + 1)
        if first:
            first = False
            if block.startswith(_BOM):
                block = block[3:]
        records = _whole_block(block, max_depth, max_line_bytes)
        if records is not None:
            line = done + 1
            for record in records:
                yield line, record
        else:
            yield from _line_by_line(block, done, tally, path, max_depth, max_line_bytes)
        done += block.count(b"\n")


def _whole_block(block: bytes, max_depth: int, max_line_bytes: int) -> list[Any] | None:
    """Every record of the block, or ``None`` when a check or the decoding fails."""
    data = np.frombuffer(block, dtype=np.uint8)
    breaks = np.flatnonzero(data == 10)
    ends = np.append(breaks, data.size)
    lengths = np.diff(ends, prepend=-1) - 1
    if int(lengths.max()) > max_line_bytes:
        return None
    opens = np.cumsum((data == 91) | (data == 123))  # "[" and "{"
    per_line = np.diff(np.append(opens[ends[:-1]], opens[-1]), prepend=0)
    if int(per_line.max()) > max_depth:
        return None
    body = block.strip(b" \t\r\n")
    if not body:
        return []
    joined = b"[" + _BLANK_LINES.sub(b"\n", body).replace(b"\n", b",") + b"]"
    try:
        records = decode(joined)
    except (ValueError, RecursionError):
        return None
    return records if isinstance(records, list) else None


def _line_by_line(
    block: bytes, done: int, tally: Tally, path: str, max_depth: int, max_line_bytes: int
) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(block.split(b"\n"), start=done + 1):
        if len(line) > max_line_bytes:
            raise InputRejected(
                f"a line longer than {max_line_bytes} bytes (max_line_bytes)",
                path=path,
                line=number,
            )
        if not line.strip():
            continue
        if line.count(b"[") + line.count(b"{") > max_depth:
            scanner = Scanner(max_depth, path)
            scanner.line = number
            scanner.feed(line)  # exact: raises when too deep
        try:
            record = decode(line)
        except (ValueError, RecursionError) as error:
            if tally.fail:
                raise InputError(
                    f"malformed JSON line ({reason(error)})",
                    path=path,
                    line=number,
                    column=getattr(error, "colno", None),
                ) from None
            tally.bad(number)
            continue
        yield number, record


def reason(error: BaseException) -> str:
    """The decoder's own words (fixed phrases such as "Expecting ',' delimiter"), no value."""
    if isinstance(error, RecursionError):
        return "nested too deeply"
    if isinstance(error, UnicodeDecodeError):
        return "text is not valid UTF-8"
    message = getattr(error, "msg", None)
    return message if isinstance(message, str) else "invalid"
