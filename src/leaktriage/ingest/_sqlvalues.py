"""Values and names as SQL dumps write them, for the token-at-a-time parser.

A value is a literal, possibly prefixed (``_utf8mb4'x'``, ``DATE '..'``), cast (``::text``,
``CAST(.. AS ..)``), wrapped (``TO_DATE('..', fmt)``, ``CONVERT(date, '..', 120)``) or built
(SQLite's ``replace('..','\\n',char(10))``, ``||``): function-call values yield their string
literal, so a date keeps the text it was written with.
"""

from __future__ import annotations

import re

from ._sqllex import Token, hex_value, unescape_escape_string, unescape_mysql, unescape_standard

__all__ = ["column_names", "table_name", "value"]

_NAME_PART = re.compile(r"`((?:[^`]|``)*)`|\"((?:[^\"]|\"\")*)\"|\[([^\]]*)\]|([^\s.,`\"\[\]]+)")
_STRINGS = frozenset({"s", "e", "n", "d", "o", "x"})


def table_name(text: str) -> str:
    """An identifier without its quotes; a qualified name keeps its dots."""
    return ".".join(a or b or c or d for a, b, c, d in _NAME_PART.findall(text))


def column_names(text: str) -> list[str]:
    """The names of a column list's text (``a, `b`, [c]``), unquoted."""
    return [a or b or c or d for a, b, c, d in _NAME_PART.findall(text)]


def _literal(token: Token, mysql: bool) -> tuple[str | None, bool]:
    """The value of one token and whether it was a string literal."""
    kind, text = token[0], token[1]
    if kind == "s":
        return unescape_standard(text[1:-1]), True
    if kind == "e":
        body = text[text.index("'") + 1 : -1]
        return (unescape_mysql(body) if mysql else unescape_escape_string(body)), True
    if kind == "n":
        return unescape_standard(text[2:-1]), True
    if kind == "d":
        return text[text.index("$", 1) + 1 : text.rindex("$", 0, len(text) - 1)], True
    if kind == "o":
        start = text.index("'") + 2
        return text[start:-2], True
    if kind == "x":
        return hex_value(text), True
    if kind == "i":
        return text[1:-1], True  # a double-quoted string (MySQL outside ANSI mode)
    if text.upper() == "NULL":
        return None, False
    if text[:2] in ("0x", "0X"):
        return hex_value(text), False
    return text, False


def _split_args(tokens: list[Token]) -> list[list[Token]]:
    args: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token[1] == "(":
            depth += 1
        elif token[1] == ")":
            depth -= 1
        if token[1] == "," and depth == 0:
            args.append([])
        else:
            args[-1].append(token)
    return args


def _evaluate(tokens: list[Token], mysql: bool) -> tuple[str | None, bool]:
    """A value expression as dumps write them: a literal, possibly prefixed (``_utf8mb4``,
    ``DATE``), cast (``::text``, ``CAST(.. AS ..)``), wrapped (``TO_DATE('..', fmt)``,
    ``CONVERT(date, '..')``) or built (SQLite ``replace('..','\\n',char(10))``, ``||``)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        depth += token[1] == "("
        depth -= token[1] == ")"
        if depth == 0 and token[0] == "w" and token[1] == "||":
            parts.append([])
        else:
            parts[-1].append(token)
    if len(parts) > 1:
        pieces = [_evaluate(part, mysql) for part in parts]
        if all(p[0] is not None for p in pieces):
            return "".join(p[0] or "" for p in pieces), True
        return None, False
    if not tokens:
        return None, False
    head = tokens[0]
    if len(tokens) == 1:
        return _literal(head, mysql)
    if head[0] == "w" and tokens[1][1] == "(" and tokens[-1][1] == ")":
        name = head[1].upper()
        args = _split_args(tokens[2:-1])
        if name == "CAST":
            inner = args[0]
            for i, token in enumerate(inner):
                if token[0] == "w" and token[1].upper() == "AS":
                    return _evaluate(inner[:i], mysql)
        values = [_evaluate(arg, mysql) for arg in args if arg]
        if name in ("CHAR", "CHR", "NCHAR") and values:
            try:
                return "".join(chr(int(v or "")) for v, _ in values), True
            except (ValueError, OverflowError):
                pass
        if name == "REPLACE" and len(values) == 3 and all(v is not None for v, _ in values):
            return (values[0][0] or "").replace(values[1][0] or "", values[2][0] or ""), True
        for value, is_string in values:
            if is_string:
                return value, True
        return values[0] if values else (None, False)
    if head[0] == "w" and head[1].upper() == "NULL":
        return None, False
    for token in tokens:
        if token[0] in _STRINGS:
            return _literal(token, mysql)
    return "".join(t[1] for t in tokens), False


def value(tokens: list[Token], mysql: bool) -> tuple[str | None, bool]:
    """(value, ok): an empty value (``(1,,2)``) is not ok."""
    if not tokens:
        return None, False
    if len(tokens) == 1:
        return _literal(tokens[0], mysql)[0], True
    return _evaluate(tokens, mysql)[0], True
