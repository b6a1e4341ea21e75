"""JSON Lines read a block at a time: one C decoder call per block, line by line only on damage.

A block (about :data:`BLOCK_BYTES`, completed to a whole line) is checked with numpy first: no
line longer than ``max_line_bytes`` and none holding more opening brackets than
``max_json_depth`` (so none can nest deeper). Its non-blank lines are then joined, a group of
:data:`GROUP_LINES` at a time, into one JSON array decoded in a single call. When a check or a
decoding fails, the rest of the block is read line by line, which finds and counts (or raises
on) the malformed lines with their numbers, checks a suspect line's depth exactly with
:class:`._jsonscan.Scanner`, and refuses a line too long.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import numpy as np

from leaktriage.errors import InputError, InputRejected

from ._jsonflat import decode
from ._jsonscan import Scanner
from ._limits import Tally

__all__ = ["BLOCK_BYTES", "read_lines", "reason"]

BLOCK_BYTES = 2**20
"""Bytes of JSON Lines checked per numpy pass (then completed to the end of a line)."""

GROUP_LINES = 64
"""Lines decoded per call: few enough that their objects never outlive a young-generation
garbage collection (a whole block of records alive at once made the collector promote and
rescan them, a third of the time)."""
_BOM = b"\xef\xbb\xbf"


def read_lines(
    stream: BinaryIO, tally: Tally, path: str, max_depth: int, max_line_bytes: int
) -> Iterator[tuple[int, Any]]:
    """(line, record) of every good line of a UTF-8 JSON Lines stream.

    The line of a record decoded in a group is the group's first line (only damage needs
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
        lines = block.split(b"\n")
        start = 0
        if _checked(block, max_depth, max_line_bytes):
            for start in range(0, len(lines), GROUP_LINES):
                group = [line for line in lines[start : start + GROUP_LINES] if line.strip()]
                if not group:
                    continue
                try:
                    records = decode(b"[" + b",".join(group) + b"]")
                except (ValueError, RecursionError):
                    break  # this group holds damage: line by line from here
                line = done + start + 1
                for record in records:
                    yield line, record
            else:
                done += len(lines) - 1
                continue
        yield from _line_by_line(
            lines[start:], done + start, tally, path, max_depth, max_line_bytes
        )
        done += len(lines) - 1


def _checked(block: bytes, max_depth: int, max_line_bytes: int) -> bool:
    """No line of the block is too long, and none has enough brackets to nest too deep."""
    data = np.frombuffer(block, dtype=np.uint8)
    breaks = np.flatnonzero(data == 10)
    ends = np.append(breaks, data.size)
    lengths = np.diff(ends, prepend=-1) - 1
    if int(lengths.max()) > max_line_bytes:
        return False
    opens = np.cumsum((data == 91) | (data == 123))  # "[" and "{"
    per_line = np.diff(np.append(opens[ends[:-1]], opens[-1]), prepend=0)
    return int(per_line.max()) <= max_depth


def _line_by_line(
    lines: list[bytes],
    done: int,
    tally: Tally,
    path: str,
    max_depth: int,
    max_line_bytes: int,
) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(lines, start=done + 1):
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
