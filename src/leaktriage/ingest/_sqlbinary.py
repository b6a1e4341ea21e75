"""Binary string literals of SQL dumps as hex text, rewritten on the raw bytes before decoding.

``mysqldump`` without ``--hex-blob`` writes ``BINARY``/``VARBINARY``/``BLOB`` values (an HSS
table's Ki and OPc) as raw bytes inside string literals: ``_binary '...'`` (MySQL 8.0) or plain
``'...'`` (older versions), escaping only ``\\0 \\' \\" \\\\ \\n \\r \\Z`` and keeping every other
byte as is. Such a dump is not valid text in any encoding, so those literals are turned into
``'<lowercase hex of the raw bytes>'`` on the line's bytes, and the rest of the line then decodes
as the dump's real encoding (UTF-8 normally), names and all.

Which literals become hex:

* every ``_binary '...'`` literal, whatever its bytes (a Ki that happens to be valid UTF-8 must
  not come out as text: a column is hex throughout or not at all);
* every plain literal in a column declared ``binary``/``varbinary``/``*blob``/``bytea``/
  ``image``/``raw`` in the dump's ``CREATE TABLE`` (per column, for the same reason);
* any other literal whose bytes are not valid in the dump's encoding (per value: without a
  declaration nothing better is known, and hex is the only lossless reading of such bytes).

A line holding none of these is returned as it was: callers check :func:`needs_rewrite` first so
ordinary lines keep the fast paths. Nothing here logs or raises with a value in it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Sequence

from ._sqlfast import split_tuples

__all__ = ["BINARY_TYPES", "hex_literals", "hex_tuples", "needs_rewrite", "sniff_head"]

BINARY_TYPES = frozenset(
    "binary varbinary tinyblob blob mediumblob longblob bytea image raw".split()
)
"""Declared column types whose plain string literals hold bytes, not text."""

# A hex or bit literal (``X'AB'``, ``b'01'``) is a token of its own, already text: never hexed.
_MYSQL_TOKEN = re.compile(
    rb"""(?<![\w$])[xXbB]'[0-9A-Fa-f]*'"""
    rb"""|(?:(?<![\w$])_(?P<cs>[A-Za-z0-9]+)[ \t]*)?'(?P<m>[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+)'"""
    rb"""|"(?:[^"\\]*+(?:\\.[^"\\]*+)*+)"|`[^`]*+`|[(),]|['"`]""",
    re.S,
)
_STANDARD_TOKEN = re.compile(
    rb"""(?<![\w$])[xXbB]'[0-9A-Fa-f]*'"""
    rb"""|(?<![\w$])[Ee]'(?:[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+)'"""
    rb"""|[Nn]?'(?P<s>[^']*+(?:''[^']*+)*+)'|"[^"]*+"|\[[^\]]*+\]|[(),]|['"]""",
    re.S,
)
_MYSQL_ESCAPES = {
    b"0": b"\0",
    b"b": b"\b",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"Z": b"\x1a",
}
_BYTE_ESCAPE = re.compile(rb"\\(.)|''", re.S)


def _byte_sub(match: re.Match[bytes]) -> bytes:
    char = match.group(1)
    if char is None:
        return b"'"
    if char in (b"%", b"_"):
        return b"\\" + char  # MySQL keeps the backslash of \% and \_ (as unescape_mysql does)
    return _MYSQL_ESCAPES.get(char, char)


def unescape_mysql_bytes(body: bytes) -> bytes:
    """The bytes a MySQL string body stands for: backslash escapes and doubled quotes."""
    if b"\\" not in body and b"''" not in body:
        return body
    return _BYTE_ESCAPE.sub(_byte_sub, body)


def needs_rewrite(line: bytes, decodable: Callable[[bytes], bool]) -> bool:
    """Whether a line may hold a binary literal: ``_binary`` in it, or bytes the dump's
    encoding cannot decode. Two C-level scans; false for every line of an ordinary dump."""
    return b"_binary" in line or not decodable(line)


def _hex(token: bytes, mysql: bool) -> bytes:
    """A string token (``_cs'..'`` or ``'..'``) as ``'<hex of its bytes>'``."""
    body = token[token.index(b"'") + 1 : -1]
    raw = unescape_mysql_bytes(body) if mysql else body.replace(b"''", b"'")
    return b"'" + raw.hex().encode() + b"'"


# mysqldump's escapes in the hex of an escaped body: "5c 30" is ``\0``. In ``bytes.hex(" ")``
# text every byte is two hex digits between blanks, so a pattern with a blank after its first
# two digits only ever matches whole bytes; the placeholders hold no hex digit.
_HEX_ESCAPES = [("5c 30", "00"), ("5c 6e", "0a"), ("5c 72", "0d"), ("5c 5a", "1a")]
_HEX_ESCAPES += [("5c 62", "08"), ("5c 74", "09")]
_HEX_OTHER = re.compile(r"5c (?!25|5f)([0-9a-f]{2})")


def _hex_tokens(tokens: list[bytes], mysql: bool) -> list[bytes]:
    """:func:`_hex` of many tokens with a fixed number of C-level passes over all of them.

    The escaped bodies are joined by LF (never in an escaped MySQL body, nor in a standard
    one that is on one line) and hexed once; the escapes are undone in the hex text (escaped
    backslashes and quotes through placeholders first, so ``\\\\`` pairs left to right and
    ``''`` pairs only doubled quotes, as MySQL reads them); then split at the joins."""
    if len(tokens) < 8:
        return [_hex(token, mysql) for token in tokens]
    blob = b"\n".join([token[token.index(b"'") + 1 : -1] for token in tokens])
    text = blob.hex(" ").replace("0a", "|")
    if b"\\" in blob and mysql:
        text = text.replace("5c 5c", "B").replace("5c 27", "Q")
    if b"''" in blob:
        text = text.replace("27 27", "27")
    if b"\\" in blob and mysql:
        for escaped, value in _HEX_ESCAPES:
            text = text.replace(escaped, value)
        text = _HEX_OTHER.sub(r"\1", text).replace("B", "5c").replace("Q", "27")
    return [b"'" + h.encode() + b"'" for h in text.replace(" ", "").split("|")]


_ENDINGS = {";": b");", ",": b"),", ")": b")"}


def hex_tuples(
    segment: bytes,
    mysql: bool,
    continued: bool,
    decodable: Callable[[bytes], bool],
    binary: Sequence[bool] | None = None,
) -> bytes | None:
    """:func:`hex_literals` for a segment of plain tuples (what ``mysqldump`` writes), at
    C speed: one ``re.split`` (:func:`._sqlfast.split_tuples`), Python only for the values
    made hex; the segment comes back in canonical form (``(v,v),(v,v);``). ``None`` for any
    other segment (the caller then uses :func:`hex_literals`)."""
    found = split_tuples(segment, mysql, None, continued)
    if found is None:
        return None
    tokens, width, ending = found
    quote = b"'"[0]
    chosen: list[int] = []
    if mysql:
        chosen = [i for i, t in enumerate(tokens) if t[:7] == b"_binary" and t[7] in b" '"]
    if binary is not None:
        # Plain literals of declared columns (older mysqldump writes no introducer).
        for column in [c for c, flag in enumerate(binary[:width]) if flag]:
            chosen += [
                i
                for i in range(column, len(tokens), width)
                if tokens[i][:1] == b"'" and tokens[i][-1] == quote
            ]
        chosen = sorted(set(chosen))
    _replace(tokens, chosen, mysql)
    first = b",(" if segment.lstrip()[:1] == b"," else b"("
    out = first + _rows(tokens, width) + _ENDINGS[ending] + b"\n"
    if decodable(out):
        return out
    chosen = [i for i, t in enumerate(tokens) if t[-1] == quote and not decodable(t)]
    _replace(tokens, chosen, mysql)
    return first + _rows(tokens, width) + _ENDINGS[ending] + b"\n"


def _replace(tokens: list[bytes], chosen: list[int], mysql: bool) -> None:
    for i, token in zip(chosen, _hex_tokens([tokens[i] for i in chosen], mysql), strict=True):
        tokens[i] = token


def _rows(tokens: list[bytes], width: int) -> bytes:
    return b"),(".join(map(b",".join, zip(*[iter(tokens)] * width, strict=True)))


def hex_literals(
    line: bytes,
    start: int,
    mysql: bool,
    decodable: Callable[[bytes], bool],
    binary: Sequence[bool] | None = None,
    tail: bool = True,
) -> tuple[bytes, int]:
    """``line`` with its binary literals (see the module docstring) as ``'<hex>'``.

    Scanning starts at ``start`` (after an ``INSERT ... VALUES`` head, or 0) outside any
    literal. ``binary`` flags the columns declared binary, by position in the tuple, and is
    only used when the line holds tuples from its start. Returns the new line and how many
    bytes of the *new* line were scanned: an unclosed literal (one continued on the next
    line) stops the scan; its bytes are hexed too when they do not decode and ``tail`` is set
    (a dump cut in the middle of a key), else the rest is kept as it was.
    """
    pattern = _MYSQL_TOKEN if mysql else _STANDARD_TOKEN
    group = "m" if mysql else "s"
    pieces: list[bytes] = [line[:start]]
    kept = start
    depth = column = 0
    stop: int | None = None
    for match in pattern.finditer(line, start):
        text = match.group()
        if len(text) == 1:
            if text == b"(":
                if depth == 0:
                    column = 0
                depth += 1
            elif text == b")":
                depth = max(0, depth - 1)
            elif text == b",":
                column += depth == 1
            elif text in b"'\"`":
                stop = match.start() - kept + sum(map(len, pieces))
                rest = line[match.end() :].rstrip(b"\r\n")
                if tail and text == b"'" and not decodable(rest):
                    # An unclosed literal (a dump cut in the middle of a key): its bytes as
                    # hex too, so that it is one malformed row, not an undecodable line.
                    pieces.append(line[kept : match.end()])
                    pieces.append((unescape_mysql_bytes(rest) if mysql else rest).hex().encode())
                    kept = match.end() + len(rest)
                break
            continue
        body = match.group(group)
        if body is None:
            continue  # an identifier, a double-quoted string or a PostgreSQL E'..' literal
        charset = match.group("cs") if mysql else None
        declared = binary is not None and depth == 1 and column < len(binary) and binary[column]
        if not (charset == b"binary" or declared or not decodable(body)):
            continue
        raw = unescape_mysql_bytes(body) if mysql else body.replace(b"''", b"'")
        pieces.append(line[kept : match.start()])
        pieces.append(b"'" + raw.hex().encode() + b"'")
        kept = match.end()
    if kept == start:
        return line, len(line) if stop is None else stop
    pieces.append(line[kept:])
    out = b"".join(pieces)
    return out, len(out) if stop is None else stop


def _utf8(data: bytes, final: bool = True) -> bool:
    try:
        codecs.utf_8_decode(data, "strict", final)
    except UnicodeDecodeError:
        return False
    return True


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\\[0Z]")
_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _text_like(body: bytes) -> bool:
    """More ASCII letters than high bytes: a CP1252/Latin-1 word, not random key bytes."""
    high = len(body) - len(body.translate(None, bytes(range(128, 256))))
    letters = len(body) - len(body.translate(None, _LETTERS))
    return letters >= high


_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sniff_head(head: bytes, complete: bool) -> bytes:
    """The head to sniff an input's encoding on: for a SQL dump holding binary literals, the
    head with them in hex, so that the dump's own encoding shows; any other input unchanged.

    ``_binary`` literals and literals holding control bytes (raw, or mysqldump's ``\\0``/
    ``\\Z``; text does not hold them) are always hexed. Other literals that are not valid
    UTF-8 are hexed only when the head shows UTF-8 (valid multi-byte UTF-8 outside them) or
    most of them do not look like text in a single-byte encoding (a CP1252 name has more ASCII
    letters than high bytes; random key bytes have fewer), since a CP1252 dump's accented
    names are not valid UTF-8 either and must still be sniffed as CP1252. Each line is cut
    where a literal is left open (by the end of the head, or of a truncated dump).
    """
    from ._sniff import detect_text_format

    if not head or _utf8(head, complete) or detect_text_format(head.decode("latin-1")) != "sql":
        return head
    from ._sqlparse import detect_dialect

    mysql = detect_dialect(head.decode("latin-1")) == "mysql"
    lines = head.split(b"\n")
    failed: list[bytes] = []

    def no_controls(body: bytes) -> bool:
        return _CONTROL.search(body) is None

    def decodes(body: bytes) -> bool:
        if _CONTROL.search(body) is not None:
            return False
        if _utf8(body):
            return True
        failed.append(body)
        return False

    introduced: list[bytes] = []
    every: list[bytes] = []
    for line in lines:
        if b"'" not in line:
            introduced.append(line)
            every.append(line)
            continue
        # Up to a literal left open (one cut by the head, or by the end of a truncated dump).
        only, scanned = hex_literals(line, 0, mysql, no_controls, tail=False)
        introduced.append(only[:scanned])
        full, scanned = hex_literals(line, 0, mysql, decodes, tail=False)
        every.append(full[:scanned])
    binary_only = b"\n".join(introduced)
    if not failed:
        return binary_only
    hexed = b"\n".join(every)
    binary = sum(not _text_like(body) for body in failed)
    evidence = _MULTIBYTE.search(hexed) is not None or binary * 2 > len(failed)
    return hexed if evidence and _utf8(hexed, complete) else binary_only
