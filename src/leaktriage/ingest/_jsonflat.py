"""One JSON record made a flat row of strings, and raw key paths made safe column names.

Records are decoded by :func:`decode` (the stdlib C decoder) with numbers kept as the text
written (:class:`Number`, or an ``int``, which reads back exactly; so ``1E400``, ``-0`` and
40-digit integers survive, and nothing is ever a float) and ``NaN``/``Infinity`` as text. A key
repeated in one object keeps its last value (as every JSON parser does). :class:`Flattener`
then applies the documented rules:

* an object's members become dotted columns (``address.city``); an empty object is a null;
* Mongo extended JSON wrappers are their value (``{"$oid": "…"}``, ``{"$date": {"$numberLong":
  "…"}}``, ``{"$numberDecimal": "…"}``, ``{"$binary": {"base64": "…"}}``…);
* an array of scalars stays JSON text (``["a", 2]``); an empty array is a null;
* an array holding objects or arrays flattens its first :data:`ARRAY_ITEMS` items by position
  (``lines.0.msisdn``, ``lines.1.msisdn``); further items go, as JSON text, to ``lines.more``;
* a record that is not an object is a row of one column, ``value`` (an array of scalars as
  JSON text), so ``["a@b.pe", "c@d.pe"]`` is a one-column table and a mixed array of objects
  and scalars keeps every item;
* a string longer than ``max_field_bytes`` (UTF-8) is cut to it at a character boundary and
  counted in :attr:`Flattener.truncated`.

Keys become column names through :func:`column_names`: control and format characters removed,
surrounding space stripped, at most :data:`MAX_NAME_CHARS` characters, an empty name
``col_<position>``, and names unique without regard to case (DuckDB's identifiers are
case-insensitive) by a ``_2``, ``_3`` suffix.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = [
    "ARRAY_ITEMS",
    "MAX_NAME_CHARS",
    "Flattener",
    "Number",
    "column_names",
    "decode",
]

ARRAY_ITEMS = 10
"""Items of an array of objects flattened into their own columns; the rest stay JSON text."""

MAX_NAME_CHARS = 128
"""Longest column name (characters). PostgreSQL cuts identifiers at 63 bytes, DuckDB has no
limit; 128 keeps reports readable and is SQL Server's identifier limit."""

VALUE = "value"
"""The column of records that are not objects."""

MORE = "more"
"""The column suffix holding the items of an array past :data:`ARRAY_ITEMS`."""


class Number(str):
    """A JSON number, as the text written (not quoted when an array is written back)."""

    __slots__ = ()


_fast = json.JSONDecoder(parse_float=Number, parse_constant=Number, strict=False).decode
_exact = json.JSONDecoder(
    parse_int=Number, parse_float=Number, parse_constant=Number, strict=False
).decode
_NEGATIVE_ZERO = re.compile(r"-0(?![.0-9eE])")


def decode(raw: str | bytes) -> Any:
    """``text`` → value: objects ``dict``, arrays ``list``, strings ``str``, integers ``int``
    (exact: read back as written) and other numbers :class:`Number` (the text written; never a
    float). Control characters inside strings are accepted (exports hold raw tabs). Integers
    ``int`` cannot hold as written (``-0``, over 4300 digits) are decoded as :class:`Number`.
    Bytes are UTF-8 (:class:`UnicodeDecodeError` otherwise).
    """
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if "-0" in text and _NEGATIVE_ZERO.search(text):
        return _exact(text)
    try:
        return _fast(text)
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise
        return _exact(text)  # int() refused an integer too long for it


_MONGO: dict[str, str | None] = {
    "$oid": None,
    "$date": None,
    "$numberLong": None,
    "$numberInt": None,
    "$numberDouble": None,
    "$numberDecimal": None,
    "$uuid": None,
    "$symbol": None,
    "$code": None,
    "$binary": "base64",
    "$timestamp": "t",
    "$regularExpression": "pattern",
    "$regex": None,
}
"""Mongo extended JSON type wrappers; the value is the member's value (or, for an object,
its named member)."""


def _mongo(value: dict[str, Any]) -> Any:
    """The value a Mongo extended JSON wrapper stands for, or ``value`` unchanged."""
    if len(value) > 2:
        return value
    key = next(iter(value))
    if key not in _MONGO or len(value) == 2 and key not in ("$binary", "$regex"):
        return value
    inner = value[key]
    if type(inner) is dict and inner:
        member = _MONGO[key]
        if member is not None and member in inner:
            return inner[member]
        if len(inner) == 1 and next(iter(inner)) in _MONGO:
            return _mongo(inner)
    return inner


def dump(value: Any) -> str:
    """``value`` (as :func:`decode` returns it) written back as compact JSON text."""
    kind = type(value)
    if kind is str:
        return json.dumps(value, ensure_ascii=False)
    if kind is Number:
        return str.__str__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is list:
        return "[" + ", ".join(dump(item) for item in value) + "]"
    return "{" + ", ".join(f"{dump(str(k))}: {dump(v)}" for k, v in value.items()) + "}"


_encode = json.JSONEncoder(ensure_ascii=False).encode
_PLAIN = "plain"


class Flattener:
    """Flattens records by the module's rules, counting the strings it cuts."""

    def __init__(self, max_field_bytes: int) -> None:
        self.max_field_bytes = max_field_bytes
        self._safe_chars = max_field_bytes // 4  # UTF-8 spends at most 4 bytes a character
        self.truncated = 0

    def record(self, value: Any) -> dict[str, str | None]:
        """The flat row of one decoded record (raw key paths → text)."""
        out: dict[str, str | None] = {}
        if type(value) is dict:
            if 0 < len(value) <= 2 and next(iter(value))[:1] == "$":
                value = _mongo(value)
            if type(value) is dict:
                self._object(value, "", out)
                return out
        if type(value) is list and value and _items(value) is _NESTED:
            self._array(value, VALUE, out)
        else:
            self._put(out, VALUE, value)
        return out

    def _cut(self, text: str) -> str:
        if len(text) <= self._safe_chars:
            return text
        raw = text.encode("utf-8", "surrogatepass")
        if len(raw) <= self.max_field_bytes:
            return text
        self.truncated += 1
        return raw[: self.max_field_bytes].decode("utf-8", "ignore")

    def _put(self, out: dict[str, str | None], name: str, value: Any) -> None:
        if name in out:
            name = _unused(out, name)
        kind = type(value)
        if kind is str or kind is Number:
            out[name] = value if len(value) <= self._safe_chars else self._cut(value)
        elif value is None:
            out[name] = None
        elif kind is bool:
            out[name] = "true" if value else "false"
        elif kind is int:
            out[name] = str(value)
        elif not value:
            out[name] = None
        elif kind is list and _items(value) is _PLAIN:
            out[name] = self._cut(_encode(value))  # C, no Number inside
        else:
            out[name] = self._cut(dump(value))

    def _object(self, members: dict[str, Any], prefix: str, out: dict[str, str | None]) -> None:
        safe = self._safe_chars
        for key, value in members.items():
            name = prefix + key
            kind = type(value)
            if name not in out:  # the common cases, inline
                if kind is str:
                    if len(value) <= safe:
                        out[name] = value
                        continue
                elif kind is int:
                    out[name] = str(value)
                    continue
                elif kind is bool:
                    out[name] = "true" if value else "false"
                    continue
                elif value is None:
                    out[name] = None
                    continue
                elif kind is list:
                    items = _items(value) if value else _PLAIN
                    if items is _NESTED:
                        self._array(value, name, out)
                    elif not value:
                        out[name] = None
                    elif items is _PLAIN:
                        out[name] = self._cut(_encode(value))  # C, no Number inside
                    else:
                        out[name] = self._cut(dump(value))
                    continue
            if kind is dict:
                if not value:
                    if name not in out:
                        out[name] = None
                    continue
                if len(value) <= 2 and next(iter(value))[:1] == "$":
                    value = _mongo(value)
                if type(value) is dict:
                    self._object(value, name + ".", out)
                    continue
            elif kind is list and value and _items(value) is _NESTED:
                self._array(value, name, out)
                continue
            self._put(out, name, value)

    def _array(self, items: list[Any], name: str, out: dict[str, str | None]) -> None:
        for index, item in enumerate(items[:ARRAY_ITEMS]):
            self._object({str(index): item}, name + ".", out)
        if len(items) > ARRAY_ITEMS:
            self._put(out, f"{name}.{MORE}", items[ARRAY_ITEMS:])


_NESTED = "nested"


def _items(items: list[Any]) -> str:
    """``_NESTED`` when an item is an object or array, ``_PLAIN`` when every item is a type
    ``json.dumps`` writes back as read, else ``"numbers"`` (a :class:`Number` among them)."""
    found = _PLAIN
    for item in items:
        kind = type(item)
        if kind is dict or kind is list:
            return _NESTED
        if kind is Number:
            found = "numbers"
    return found


def _unused(out: dict[str, str | None], name: str) -> str:
    """``name_2``, ``name_3``…: the first not yet in the row (a key repeated in a record)."""
    n = 2
    while f"{name}_{n}" in out:
        n += 1
    return f"{name}_{n}"


def _clean(raw: str) -> str:
    kept = "".join(
        ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return kept.strip()[:MAX_NAME_CHARS].strip()


def column_names(raw_names: Iterable[str]) -> list[str]:
    """Safe, unique, bounded column names for raw key paths (in order, one per path)."""
    out: list[str] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_names, start=1):
        name = _clean(raw) or f"col_{position}"
        candidate, n = name, 1
        while candidate.casefold() in seen:
            n += 1
            suffix = f"_{n}"
            candidate = name[: MAX_NAME_CHARS - len(suffix)] + suffix
        seen.add(candidate.casefold())
        out.append(candidate)
    return out
