"""A streaming tokenizer for SQL dumps (MySQL and PostgreSQL flavours).

Pull-based: :meth:`Lexer.next` returns one significant token at a time with the physical line it
starts on; whitespace and comments are dropped. Input is fed a line at a time and only the
unconsumed tail is kept, so memory stays bounded by the longest string literal, not the dump.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = [
    "Lexer",
    "Token",
    "tuple_pattern",
    "unescape_copy",
    "unescape_mysql",
    "unescape_pg",
    "value_pattern",
]

Token = tuple[str, str, int]
"""(kind, text, line): kind is ``s`` (string), ``e`` (backslash string), ``q`` (quoted
identifier), ``p`` (punctuation), ``w`` (word: keyword, name, number, NULL) or ``bad``."""

_COMMON = r"""
 |(?P<ws>\s+)
 |(?P<c>--[^\n]*\n|/\*.*?\*/)
 |(?P<oc>--[^\n]*\Z|/\*)
 |(?P<q>`(?:[^`]|``)*`|"(?:[^"]|"")*")
 |(?P<p>[(),;])
 |(?P<w>[^\s'"`(),;]+)
"""
_MYSQL = re.compile(
    r"""(?P<e>'(?:[^'\\]|\\.|'')*')|(?P<oe>'(?:[^'\\]|\\.|'')*\Z)|(?P<c0>\#[^\n]*\n)""" + _COMMON,
    re.S | re.X,
)
_PG = re.compile(
    r"""(?P<e>[Ee]'(?:[^'\\]|\\.|'')*')|(?P<oe>[Ee]'(?:[^'\\]|\\.|'')*\Z)
 |(?P<s>'(?:[^']|'')*')|(?P<os>'(?:[^']|'')*\Z)
 |(?P<d>\$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$)|(?P<od>\$[A-Za-z_]*\$)"""
    + _COMMON,
    re.S | re.X,
)
_OPEN = frozenset({"oe", "os", "od", "oc"})
_SKIP = frozenset({"ws", "c", "c0"})
_MULTILINE = frozenset({"ws", "c", "c0", "e", "s", "d", "q"})


class Lexer:
    def __init__(self, lines: Iterator[str], dialect: str) -> None:
        self._lines = lines
        self._pattern = _PG if dialect == "postgresql" else _MYSQL
        self._buf = ""
        self._pos = 0
        self.line = 1
        self.lines_read = 0
        self._pushed: list[Token] = []

    def push(self, token: Token) -> None:
        """Give a token back; the next :meth:`next` returns it."""
        self._pushed.append(token)

    def _more(self) -> bool:
        line = next(self._lines, None)
        if line is None:
            return False
        self.lines_read += 1
        self._buf = self._buf[self._pos :] + line
        self._pos = 0
        return True

    def next(self) -> Token | None:
        if self._pushed:
            return self._pushed.pop()
        while True:
            if self._pos >= len(self._buf) and not self._more():
                return None
            match = self._pattern.match(self._buf, self._pos)
            if match is None:  # pragma: no cover - the word class matches anything else
                self._pos += 1
                continue
            kind = match.lastgroup or "w"
            if kind == "tag":
                kind = "d"
            if kind in _OPEN:
                if self._more():
                    continue
                self._pos = len(self._buf)
                return ("bad", "", self.line)
            text = match.group()
            line = self.line
            self._pos = match.end()
            if kind in _MULTILINE:
                self.line += text.count("\n")
            if kind in _SKIP:
                continue
            return (kind, text, line)

    def matches(self, pattern: re.Pattern[str]) -> Iterator[tuple[re.Match[str], int]]:
        """Successive matches of ``pattern`` from the current position (see :meth:`match`)."""
        if self._pushed or (self._pos >= len(self._buf) and not self._more()):
            return
        buf = self._buf
        while (found := pattern.match(buf, self._pos)) is not None:
            line = self.line
            self._pos = found.end()
            text = found.group()
            if "\n" in text:
                self.line += text.count("\n")
            yield found, line
            if self._buf is not buf:  # pragma: no cover - the consumer read further
                return

    def match(self, pattern: re.Pattern[str]) -> tuple[re.Match[str], int] | None:
        """Match ``pattern`` at the current position within the buffered line(s).

        The fast path for whole ``(...)`` tuples: one C-level regex instead of a token at a
        time. Returns the match and the line it starts on, or ``None`` (then use :meth:`next`).
        """
        if self._pushed:
            return None
        if self._pos >= len(self._buf) and not self._more():
            return None
        found = pattern.match(self._buf, self._pos)
        if found is None:
            return None
        line = self.line
        self._pos = found.end()
        self.line += found.group().count("\n")
        return found, line

    def raw_line(self) -> str | None:
        """The rest of the current line, then whole lines (for ``COPY ... FROM stdin`` data)."""
        if self._pos >= len(self._buf) and not self._more():
            return None
        end = self._buf.find("\n", self._pos)
        if end < 0:
            end = len(self._buf) - 1
        text = self._buf[self._pos : end + 1]
        self._pos = end + 1
        self.line += text.count("\n")
        return text


_SIMPLE_VALUE_MYSQL = r"(?:'(?:[^'\\]|\\.|'')*'|[^\s,'()`\"]+)"
_SIMPLE_VALUE_PG = r"(?:'(?:[^']|'')*'|[^\s,'()`\"$]+)"


def tuple_pattern(dialect: str) -> re.Pattern[str]:
    """A whole tuple of plain values (strings, numbers, NULL), optionally after a comma."""
    value = _SIMPLE_VALUE_PG if dialect == "postgresql" else _SIMPLE_VALUE_MYSQL
    return re.compile(rf"\s*,?\s*\(\s*({value}(?:\s*,\s*{value})*)\s*\)", re.S)


def value_pattern(dialect: str) -> re.Pattern[str]:
    """One value of a tuple matched by :func:`tuple_pattern`: (string body, bare word)."""
    body = r"(?:[^']|'')*" if dialect == "postgresql" else r"(?:[^'\\]|\\.|'')*"
    bare = r"[^\s,'()`\"$]+" if dialect == "postgresql" else r"[^\s,'()`\"]+"
    return re.compile(rf"\s*(?:'({body})'|({bare}))\s*(?:,|$)", re.S)


_MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_BACKSLASH = re.compile(r"\\(.)|''", re.S)


def unescape_mysql(body: str) -> str:
    """MySQL string body: backslash escapes and doubled quotes."""
    if "\\" not in body and "''" not in body:
        return body
    return _BACKSLASH.sub(
        lambda m: "'" if m.group(1) is None else _MYSQL_ESCAPES.get(m.group(1), m.group(1)), body
    )


def unescape_pg(body: str) -> str:
    """PostgreSQL standard string body: only doubled quotes."""
    return body.replace("''", "'")


_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.S)
_COPY_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_sub(match: re.Match[str]) -> str:
    octal, hexa, char = match.groups()
    if octal is not None:
        return chr(int(octal, 8))
    if hexa is not None:
        return chr(int(hexa, 16))
    return _COPY_SIMPLE.get(char, char)


def unescape_copy(field: str) -> str | None:
    """A field of PostgreSQL ``COPY`` text format: ``\\N`` is null, backslash escapes."""
    if field == "\\N":
        return None
    if "\\" not in field:
        return field
    return _COPY_ESCAPE.sub(_copy_sub, field)
