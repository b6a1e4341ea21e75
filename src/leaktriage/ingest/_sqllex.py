"""A streaming tokenizer for SQL dumps, and the unescaping of string literals.

Two families of string syntax exist in dumps: MySQL/MariaDB (backslash escapes inside
``'...'``) and standard SQL (PostgreSQL, SQLite, SQL Server, Oracle: only ``''``). One lexer
covers both; the family picks the string rules. It also reads what each tool writes around its
values: MySQL ``_charset'x'``, ``X'AB'`` and conditional comments ``/*!40101 ... */`` (their
content is SQL and is tokenized, not dropped), PostgreSQL ``E'...'`` and dollar quoting, SQL
Server ``[names]``, ``N'...'`` and ``GO`` lines, Oracle ``q'[...]'``.

Pull-based: :meth:`Lexer.next` returns one significant token at a time with the physical line
it starts on; whitespace and comments are dropped. Lines are pulled from a callable only when
needed and only the unconsumed tail is kept, so memory is bounded by the longest literal (an
open literal longer than ``max_pending`` characters is given up as a ``bad`` token).
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = [
    "Lexer",
    "Token",
    "hex_value",
    "unescape_copy",
    "unescape_escape_string",
    "unescape_mysql",
    "unescape_standard",
]

Token = tuple[str, str, int, bool]
"""(kind, text, line, first_on_line). Kinds: ``s`` standard string, ``e`` backslash string
(MySQL ``'..'``, ``_cs'..'``, PostgreSQL ``E'..'``), ``n`` national string ``N'..'``, ``d``
dollar-quoted, ``o`` Oracle ``q'[..]'``, ``x`` hex literal ``X'..'``, ``i`` quoted identifier,
``p`` punctuation ``( ) , ;`` (and ``GO`` for a ``GO`` or ``/`` line: a batch end), ``w`` word
(keyword, name, number, ``NULL``), ``bad`` (a literal or comment that never closes)."""

_TAIL = r"""
 |(?P<cco>/\*M?!\d*)
 |(?P<ccc>\*/)
 |(?P<c>--[^\n]*(?:\n|\Z)|/\*.*?\*/)
 |(?P<oc>/\*)
 |(?P<i>`(?:[^`]|``)*`|"(?:[^"]|"")*"{bracket})
 |(?P<oi>[`"{obr}])
 |(?P<go>(?im:^[ \t]*(?:GO[ \t]*\d*|/)[ \t]*\r?$))
 |(?P<p>[(),;])
 |(?P<w>(?:[^\s'"`(),;*{wbr}]|\*(?!/))+)
"""

_MYSQL = re.compile(
    r"""(?P<ws>\s+)
 |(?P<x>[Xx]'[0-9A-Fa-f]*'|[Bb]'[01]*')
 |(?P<e>(?:_\w+\s*)?'[^'\\]*(?:(?:\\.|'')[^'\\]*)*')
 |(?P<oe>(?:_\w+\s*)?')
 |(?P<c0>\#[^\n]*(?:\n|\Z))"""
    + _TAIL.format(bracket="", obr="", wbr=""),
    re.S | re.X,
)
_STANDARD = re.compile(
    r"""(?P<ws>\s+)
 |(?P<x>[Xx]'[0-9A-Fa-f]*')
 |(?P<e>[Ee]'[^'\\]*(?:(?:\\.|'')[^'\\]*)*')
 |(?P<n>[Nn]'[^']*(?:''[^']*)*')
 |(?P<o>[NnQq]?[Qq]'(?:\[.*?\]|\{.*?\}|\(.*?\)|<.*?>|(?P<qd>[^\s\[{(<]).*?(?P=qd))')
 |(?P<s>'[^']*(?:''[^']*)*')
 |(?P<d>\$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?\$(?P=tag)\$)
 |(?P<oe>[EeNn]?'|[NnQq]?[Qq]'|\$[A-Za-z_]\w*\$|\$\$)"""
    + _TAIL.format(bracket=r"|\[[^\]\n]*\]", obr=r"\[", wbr=r"\["),
    re.S | re.X,
)
_SKIP = frozenset({"ws", "c", "c0"})
_OPEN = frozenset({"oe", "oc", "oi"})


class Lexer:
    """Tokens of SQL text pulled a line at a time from ``more`` (``None`` at the end)."""

    def __init__(
        self,
        more: Callable[[], str | None],
        mysql: bool,
        line: int,
        text: str = "",
        max_pending: int = 64 * 2**20,
    ) -> None:
        self._more_line = more
        self._pattern = _MYSQL if mysql else _STANDARD
        self._buf = text
        self._pos = 0
        self.line = line
        self._pushed: list[Token] = []
        self._conditional = 0
        self._bol = True
        self._max_pending = max_pending
        self.exhausted = False

    def push(self, token: Token) -> None:
        """Give a token back; the next :meth:`next` returns it."""
        self._pushed.append(token)

    def _more(self) -> bool:
        line = self._more_line()
        if line is None:
            self.exhausted = True
            return False
        self._buf = self._buf[self._pos :] + line
        self._pos = 0
        return True

    def at_line_end(self) -> bool:
        """Nothing but blanks is left of the current line (the caller may go back to lines)."""
        return not self._pushed and not self._buf[self._pos :].strip()

    def rest_of_line(self) -> str:
        """Drop what is left of the buffered line(s) (after ``COPY ... FROM stdin;``)."""
        rest = self._buf[self._pos :]
        self._buf, self._pos = "", 0
        self._pushed.clear()
        return rest

    def next(self) -> Token | None:
        if self._pushed:
            return self._pushed.pop()
        while True:
            if self._pos >= len(self._buf) and not self._more():
                return None
            match = self._pattern.match(self._buf, self._pos)
            assert match is not None  # the word class matches anything else
            kind = match.lastgroup or "w"
            if kind in ("tag", "qd"):
                kind = "d" if kind == "tag" else "o"
            text = match.group()
            if kind in _OPEN:
                # An open literal or comment: it may close on a later line.
                if len(self._buf) - self._pos <= self._max_pending and self._more():
                    continue
                line = self.line
                self._buf, self._pos = "", 0
                return ("bad", "", line, False)
            line = self.line
            self._pos = match.end()
            newlines = text.count("\n")
            self.line += newlines
            if kind in _SKIP:
                if newlines:
                    self._bol = True
                continue
            if kind == "cco":
                self._conditional += 1
                continue
            if kind == "ccc":
                if self._conditional:
                    self._conditional -= 1
                    continue
                kind = "w"
            if kind == "go":
                self._bol = True
                return ("p", "GO", line, True)
            bol, self._bol = self._bol, False
            return (kind, text, line, bol)


def hex_value(text: str) -> str:
    """A hex literal (``X'AB'``, ``0xAB``) as its hex digits: binary columns (Ki, OPc, hashes)
    are most useful as hex text, and decoding them as characters would invent junk."""
    if text[:2] in ("0x", "0X"):
        return text[2:]
    return text[2:-1]


_MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_BACKSLASH = re.compile(r"\\(.)|''", re.S)


def _mysql_sub(match: re.Match[str]) -> str:
    char = match.group(1)
    if char is None:
        return "'"
    if char in "%_":
        return "\\" + char  # MySQL keeps the backslash of \% and \_
    return _MYSQL_ESCAPES.get(char, char)


def unescape_mysql(body: str) -> str:
    """A MySQL string body: backslash escapes and doubled quotes."""
    if "\\" not in body and "''" not in body:
        return body
    return _BACKSLASH.sub(_mysql_sub, body)


def unescape_standard(body: str) -> str:
    """A standard SQL string body: only doubled quotes."""
    return body.replace("''", "'") if "''" in body else body


_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.S)
_COPY_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_sub(match: re.Match[str]) -> str:
    octal, hexa, char = match.groups()
    if octal is not None:
        return chr(int(octal, 8) & 0xFF)
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


_E_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))|''", re.S)


def unescape_escape_string(body: str) -> str:
    """A PostgreSQL ``E'...'`` body: C-style backslash escapes and doubled quotes."""
    if "\\" not in body and "''" not in body:
        return body
    return _E_ESCAPE.sub(lambda m: "'" if m.group(0) == "''" else _copy_sub(m), body)
