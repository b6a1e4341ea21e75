"""The token-at-a-time half of the SQL dump parser: statements the line paths do not take.

DDL (``CREATE TABLE`` gives column names; routines and triggers are skipped whole, so the
``INSERT`` in their bodies never becomes rows), ``INSERT`` with expressions or literals
spanning lines, ``INSERT ALL``, ``COPY`` heads written oddly, statements without terminator
(SSMS, ``GO`` lines). It hands back to the line paths of :class:`._sqlparse.Parser` as soon as
a statement, or a line of tuples, is over.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from ._rows import dedupe_columns
from ._sqlbinary import BINARY_TYPES
from ._sqllex import Lexer, Token
from ._sqlvalues import table_name, value

if TYPE_CHECKING:
    from ._sqlparse import Listener, _Statement

__all__ = ["TokenStatements"]

_NOT_COLUMNS = frozenset(
    "PRIMARY KEY UNIQUE CONSTRAINT INDEX FOREIGN CHECK FULLTEXT SPATIAL EXCLUDE LIKE PERIOD"
    " SUPPLEMENTAL".split()
)
_MODIFIERS = frozenset(
    "IGNORE LOW_PRIORITY DELAYED HIGH_PRIORITY OR REPLACE ABORT FAIL ROLLBACK".split()
)
_STARTERS = frozenset({"INSERT", "REPLACE", "COPY", "CREATE"})
_ROUTINES = frozenset({"PROCEDURE", "FUNCTION", "TRIGGER", "PACKAGE", "TYPE", "PROC"})


class TokenStatements:
    """Mixin of :class:`._sqlparse.Parser`: the statements read a token at a time."""

    mysql: bool
    creates: dict[str, list[str]]
    binary: dict[str, frozenset[str]]
    _mode: str
    _stmt: _Statement | None
    _listener: Listener
    _pending: int
    _max_columns: int
    _max_field: int
    _routine_until_end: bool

    def _next_text(self) -> str | None:
        raise NotImplementedError

    def _begin(self, raw_name: str, column_list: str | None) -> None:
        raise NotImplementedError

    def _end(self) -> None:
        raise NotImplementedError

    def _check_width(self, width: int) -> None:
        raise NotImplementedError

    def _set_width(self, stmt: _Statement, width: int) -> None:
        raise NotImplementedError

    def _slow(self, text: str, number: int, values: bool) -> Iterator[None]:
        lexer = Lexer(self._next_text, self.mysql, number, text, self._pending)
        if values:
            yield from self._values(lexer)
        while self._mode == "normal" and not lexer.at_line_end():
            yield from self._statement(lexer)
            if lexer.exhausted and lexer.at_line_end():
                break

    def _statement(self, lexer: Lexer) -> Iterator[None]:
        token = lexer.next()
        if token is None:
            return
        kind, text = token[0], token[1]
        if kind == "p":
            if text not in (";", "GO"):
                self._skip(lexer)
            return
        word = text.upper() if kind == "w" else ""
        if word in ("INSERT", "REPLACE"):
            yield from self._insert(lexer)
        elif word == "CREATE":
            self._create(lexer)
        elif word == "COPY":
            self._copy_head(lexer)
        else:
            self._skip(lexer)

    @staticmethod
    def _is_end(token: Token) -> bool:
        return token[0] == "p" and token[1] in (";", "GO")

    def _skip(self, lexer: Lexer, routine: bool = False) -> None:
        """To the end of the statement; a statement keyword opening a line ends it too. A
        ``routine`` body ends only at ``END;`` or a ``GO`` line."""
        previous = ""
        while (token := lexer.next()) is not None:
            kind, text = token[0], token[1]
            if kind == "p" and (
                text == "GO" or (text == ";" and (not routine or previous == "END"))
            ):
                return
            if token[3] and not routine and kind == "w" and text.upper() in _STARTERS:
                lexer.push(token)
                return
            previous = text.upper() if kind == "w" else ""

    def _read_name(self, lexer: Lexer, first: Token | None = None) -> tuple[str, Token | None]:
        pieces: list[str] = []
        token = first if first is not None else lexer.next()
        while token is not None and (
            token[0] == "i"
            or (
                token[0] == "w"
                and token[1].upper() not in ("VALUES", "VALUE", "SELECT", "SET", "DEFAULT", "FROM")
            )
        ):
            pieces.append(token[1])
            token = lexer.next()
        return table_name("".join(pieces)), token

    def _column_list(self, lexer: Lexer) -> str:
        pieces: list[str] = []
        while (token := lexer.next()) is not None and token[1] != ")":
            if token[0] in ("i", "w"):
                pieces.append(token[1])
            elif token[1] == ",":
                pieces.append(",")
        return "".join(pieces)

    def _insert(self, lexer: Lexer) -> Iterator[None]:
        token = lexer.next()
        while token is not None and token[0] == "w" and token[1].upper() in _MODIFIERS:
            token = lexer.next()
        if token is not None and token[0] == "w" and token[1].upper() in ("ALL", "FIRST"):
            yield from self._insert_all(lexer)
            return
        if token is not None and token[0] == "w" and token[1].upper() == "INTO":
            token = lexer.next()
        yield from self._into(lexer, token, many=True)

    def _into(self, lexer: Lexer, token: Token | None, many: bool) -> Iterator[None]:
        """``name [(columns)] VALUES (...)[, (...)]``; one tuple only in ``INSERT ALL``."""
        if token is None or self._is_end(token) or token[0] not in ("i", "w"):
            if token is not None and not self._is_end(token):
                self._skip(lexer)
            return
        name, token = self._read_name(lexer, token)
        columns: str | None = None
        if token is not None and token[1] == "(":
            columns = self._column_list(lexer)
            token = lexer.next()
        if not name or token is None or token[1].upper() not in ("VALUES", "VALUE"):
            if token is not None and not self._is_end(token):
                self._skip(lexer)
            return
        self._begin(name, columns)
        if many:
            yield from self._values(lexer)
            return
        token = lexer.next()
        if token is not None and token[1] == "(":
            yield from self._tuple(lexer, token[2])
        elif token is not None:
            lexer.push(token)
        self._end()

    def _insert_all(self, lexer: Lexer) -> Iterator[None]:
        while (token := lexer.next()) is not None:
            if self._is_end(token):
                return
            if token[0] == "w" and token[1].upper() == "INTO":
                yield from self._into(lexer, lexer.next(), many=False)
            elif token[0] == "w" and token[1].upper() == "SELECT":
                self._skip(lexer)
                return

    def _values(self, lexer: Lexer) -> Iterator[None]:
        """Tuples of the open statement; back to lines as soon as a line of them is over."""
        while True:
            token = lexer.next()
            if token is None:
                self._end()
                return
            text = token[1]
            if text == "(":
                if not (yield from self._tuple(lexer, token[2])):
                    self._end()
                    return
                if lexer.at_line_end():
                    self._mode = "after"
                    return
            elif text == ",":
                if lexer.at_line_end():
                    self._mode = "values"
                    return
            elif self._is_end(token):
                self._end()
                return
            elif token[0] == "w" and (token[3] or token[1].upper() in _STARTERS):
                lexer.push(token)  # a statement without terminator (SSMS, SQLite)
                self._end()
                return
            else:
                self._end()
                self._skip(lexer)  # ON DUPLICATE KEY UPDATE, RETURNING ...
                return

    def _tuple(self, lexer: Lexer, line: int) -> Generator[None, None, bool]:
        """One tuple after its ``(``; returns False when the statement cannot go on."""
        stmt = self._stmt
        assert stmt is not None
        values: list[str | None] = []
        current: list[Token] = []
        depth, broken, good = 1, False, True
        while (token := lexer.next()) is not None:
            kind, text = token[0], token[1]
            if kind == "bad" or self._is_end(token):
                broken = True
                break
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
                if depth == 0:
                    break
            if text == "," and depth == 1:
                value_, ok = value(current, self.mysql)
                values.append(value_)
                good = good and ok
                current = []
                if len(values) > self._max_columns:
                    self._check_width(len(values))
            else:
                current.append(token)
        else:
            broken = True
        if not broken and (current or values):
            value_, ok = value(current, self.mysql)
            values.append(value_)
            good = good and ok
        if stmt.width is None and not broken and values:
            self._set_width(stmt, len(values))
        if broken or not good or len(values) != stmt.width:
            column = min(len(values), stmt.width or len(values)) + 1
            self._listener.bad(stmt.key, line, column)
        elif any(
            v is not None and len(v) * 4 > self._max_field and len(v.encode()) > self._max_field
            for v in values
        ):
            self._listener.bad(stmt.key, line, None)
        elif self._listener.wants(stmt.key):
            self._listener.row(stmt.key, stmt.names, values, line)
        else:
            self._listener.count(stmt.key, 1)
        yield None
        return not broken

    def _create(self, lexer: Lexer) -> None:
        token = lexer.next()
        while (
            token is not None
            and token[0] == "w"
            and (
                token[1].upper()
                in ("TEMPORARY", "TEMP", "UNLOGGED", "OR", "REPLACE", "ALTER", "GLOBAL", "LOCAL")
                or token[1].upper().startswith("DEFINER")
            )
        ):
            token = lexer.next()
        if token is None:
            return
        if token[0] == "w" and token[1].upper() in _ROUTINES:
            self._skip(lexer, routine=self._routine_until_end)
            return
        if token[1].upper() != "TABLE":
            lexer.push(token)
            self._skip(lexer)
            return
        token = lexer.next()
        if token is not None and token[1].upper() == "IF":
            lexer.next()  # NOT
            token = lexer.next()  # EXISTS
            token = lexer.next()
        name, token = self._read_name(lexer, token)
        if token is None or token[1] != "(":
            if token is not None and not self._is_end(token):
                self._skip(lexer)
            return
        columns: list[str] = []
        binary: set[str] = set()
        depth, at_start, typed = 1, True, False
        while depth and (token := lexer.next()) is not None:
            kind, text = token[0], token[1]
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
            elif text == "," and depth == 1:
                at_start = True
                continue
            elif self._is_end(token):
                break
            elif at_start and depth == 1 and kind in ("i", "w"):
                if kind == "i" or text.upper() not in _NOT_COLUMNS:
                    columns.append(table_name(text))
                    self._check_width(len(columns))
                    typed = True
                    at_start = False
                    continue
            elif typed and depth == 1 and kind == "w" and text.lower() in BINARY_TYPES:
                # The type right after the name: binary columns' plain literals become hex.
                binary.add(columns[-1].lower())
            typed = False
            at_start = False
        self.creates[name.lower()] = dedupe_columns(columns)
        if binary:
            self.binary[name.lower()] = frozenset(binary)
        if token is not None and not self._is_end(token):
            self._skip(lexer)

    def _copy_head(self, lexer: Lexer) -> None:
        name, token = self._read_name(lexer)
        columns: str | None = None
        if token is not None and token[1] == "(":
            columns = self._column_list(lexer)
            token = lexer.next()
        if token is None or token[1].upper() != "FROM":
            if token is not None and not self._is_end(token):
                self._skip(lexer)
            return
        token = lexer.next()
        if token is None or token[1].lower() != "stdin":
            self._skip(lexer)
            return
        self._skip(lexer)
        lexer.rest_of_line()
        self._begin(name, columns)
        self._mode = "copy"
