"""Where the records of a JSON document are: its top-level array, the array a wrapper object
holds (``{"data": [...], "meta": {...}}``), or the top-level values themselves.

Found from the document's first :data:`LOCATE_BYTES` with the same numpy scanner that checks
the depth (:class:`._jsonscan.Scanner`), looking only at the members of wrapper objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from . import _jsonscan
from ._jsonscan import CLOSE, COLON, OPEN, Scanner

__all__ = ["LOCATE_BYTES", "RECORDS_KEYS", "WRAPPER_LEVELS", "Located", "locate"]

LOCATE_BYTES = 16 * 2**20
"""How far into a document the records container (the array of a wrapper object) is looked
for; past it, the document is read as a sequence of top-level values."""

WRAPPER_LEVELS = 4
"""How many wrapper objects deep a records array is looked for
(``{"customers": {"items": [...]}}`` is two)."""

_WHITESPACE = b" \t\r\n"
_BACKSLASH = ord("\\")


@dataclass(frozen=True)
class Located:
    """Where the records are: the ``[`` of the records array (``offset``, with ``depth`` the
    nesting inside it), or the top-level values themselves (``offset`` -1, ``depth`` 0)."""

    offset: int
    depth: int
    path: str
    """The keys leading to the records array, dotted (``customers.items``); ``""`` for a
    top-level array or top-level values."""
    kind: str
    """``array``, ``values`` (top-level values, each a record) or ``scalar`` (a lone number,
    string, boolean or null: no records)."""


def _next_byte(head: bytes, at: int) -> int:
    """The first non-whitespace byte at or after ``at`` (-1 when none is in ``head``)."""
    n = len(head)
    while at < n and head[at] in _WHITESPACE:
        at += 1
    return head[at] if at < n else -1


def _skip_bom(head: bytes) -> int:
    return 3 if head.startswith(b"\xef\xbb\xbf") else 0


RECORDS_KEYS = frozenset(
    "data results items records rows hits entries docs documents objects list values "
    "response result content payload".split()
)
"""Member names under which an empty array, or one of scalars, is taken for the records
(``{"data": []}`` holds no records; ``{"name": "x", "tags": ["a"]}`` is one record)."""


def locate(stream: BinaryIO, max_depth: int, path: str | None) -> Located:
    """Find the records of a JSON document from its first :data:`LOCATE_BYTES`.

    A top-level array holds the records. A top-level object is a wrapper when it (or an object
    in it, :data:`WRAPPER_LEVELS` deep) has a member array of objects (the first one wins:
    ``{"meta": {...}, "data": [{...}]}``), else of arrays (rows as arrays), else an empty or
    scalar array named like records (:data:`RECORDS_KEYS`). A top-level object without such an
    array is itself the one record, and several top-level values (``{...}\\n{...}``) are each
    a record. A lone scalar is ``kind="scalar"``: no records.
    """
    head = stream.read(LOCATE_BYTES)
    start = _skip_bom(head)
    first = _next_byte(head, start)
    if first == ord("["):
        return Located(head.index(b"[", start), 1, "", "array")
    if first != ord("{"):
        return Located(-1, 0, "", "scalar" if first >= 0 else "values")
    scanner = Scanner(max_depth, path)
    best: tuple[int, int, int, str] | None = None  # rank, offset, depth, path
    keys: list[str] = []
    stack: list[int] = []  # the open containers (their bracket bytes)
    step = _jsonscan.CHUNK_BYTES
    for lo in range(0, len(head), step):
        chunk = head[lo : lo + step]
        pos, cls, before = scanner.feed(chunk)
        for i in np.flatnonzero(before <= WRAPPER_LEVELS + 1).tolist():
            at = int(pos[i]) + lo
            kind = int(cls[i])
            depth = int(before[i])
            if kind == CLOSE:
                if not stack:
                    break  # unbalanced: the reading pass reports it
                stack.pop()
            elif depth > WRAPPER_LEVELS:
                continue
            elif kind == OPEN:
                stack.append(head[at])
            if kind == COLON and all(k == ord("{") for k in stack):  # a wrapper's member
                del keys[depth - 1 :]
                keys.append(_key_before(head, at))
                if _next_byte(head, at + 1) != ord("["):
                    continue
                bracket = head.index(b"[", at + 1)
                inner = _next_byte(head, bracket + 1)
                if inner == ord("{"):
                    return Located(bracket, depth + 1, ".".join(keys), "array")
                if inner == ord("["):
                    rank = 2
                elif keys[-1].casefold() in RECORDS_KEYS:
                    rank = 1
                else:
                    continue
                if best is None or rank > best[0]:
                    best = (rank, bracket, depth + 1, ".".join(keys))
            elif kind == CLOSE and depth == 1:
                break  # the top-level object ended inside the head
        else:
            continue
        break
    if best is not None:
        return Located(best[1], best[2], best[3], "array")
    return Located(-1, 0, "", "values")


def _key_before(head: bytes, colon: int) -> str:
    """The member name ending before a colon (for paths in logs; never a value)."""
    end = head.rfind(b'"', 0, colon)
    begin = end - 1
    while begin >= 0:
        begin = head.rfind(b'"', 0, begin + 1)
        if begin < 0:
            break
        run = 0
        while begin - 1 - run >= 0 and head[begin - 1 - run] == _BACKSLASH:
            run += 1
        if not run & 1:
            break
        begin -= 1
    raw = head[begin + 1 : end] if 0 <= begin < end else b""
    return raw.decode("utf-8", "replace")[:128]
