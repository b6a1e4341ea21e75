"""The fast paths of SQL dumps: whole lines of tuples and COPY blocks, without per-value Python.

*Tuples.* ``mysqldump`` writes thousands of tuples per line, ``pg_dump --inserts`` one per
line. :func:`split_tuples` cuts a segment of ``(v, ...),(v, ...)`` with one C-level
``re.split`` into value tokens and the "gaps" between them; the segment is taken only when
every gap is exactly ``,`` inside a tuple or ``),(`` between tuples (checked with set and slice
operations, no loop), so any expression, prefix (``_binary``), cast or literal spanning lines
sends the line to the token-at-a-time parser instead. :func:`tuple_columns` then turns the
tokens of each column into one Arrow array and unquotes, nulls and unescapes it with
``pyarrow.compute`` (the rare values with backslashes or doubled quotes go through a chain of
vectorized replacements whose placeholders make it exact; see :func:`_unescape_mysql_array`).

*COPY.* PostgreSQL's text format is one row per physical line, tab-separated, ``\\N`` for null,
backslash escapes, no quoting: exactly what ``pyarrow.csv`` parses natively with quoting off;
only columns holding a backslash are unescaped afterwards, and ``bytea`` values in hex output
format (``\\\\x0a1b``) become their hex digits.

A third route takes long MySQL lines whole through ``pyarrow.csv`` (:func:`csv_tuples`) once
escaped quotes and backslashes are out of the way; :func:`split_tuples` remains the fallback.

Measured with ``bench/sqldump.py --mb 1000`` on 2 shared cores: an 840 MB mysqldump in 43 s
(20 MB/s wall, 34 MB per CPU-second, peak RSS 182 MiB) and a 758 MB ``pg_dump`` COPY dump in
7.4 s (103 MB/s, 213 MiB), beside DuckDB's ``read_csv`` of the same rows as CSV at 138 MB/s
(1.2 GiB); the token-at-a-time reader this replaces read the same mysqldump at 5 MB/s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ._sqllex import unescape_copy, unescape_mysql

__all__ = [
    "copy_columns",
    "count_tuples",
    "csv_tuples",
    "oversized_rows",
    "split_tuples",
    "tuple_columns",
]

# On UTF-8 bytes: a third faster than on str, and no decoding of the line (the arrays are
# validated as UTF-8 when cast to string).
# MySQL strings may carry a charset introducer (``_binary 'x'``: how mysqldump writes binary
# columns such as Ki/OPc without --hex-blob).
_MYSQL_TOKEN = re.compile(
    rb"((?:_[A-Za-z0-9]+ ?)?'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'|(?<![!\w.+-])[\w.+-]+)", re.S
)
# mysqldump writes some values inside version comments (``/*!50705 0x0101...,*/``: the
# geometry columns of Sakila's address table); their markers are blanks between tokens.
_CONDITIONAL = re.compile(rb"/\*!\d*|\*/|\s+")
_STANDARD_TOKEN = re.compile(rb"([Nn]?'[^']*+(?:''[^']*+)*+'|[\w.+-]+)")
_CANON = frozenset({b",", b"),("})
_FIRST = frozenset({b"(", b",("})
_LAST = {b")": ")", b"),": ",", b");": ";"}
_ESCAPED = (b"\\\\", b"\\'")
_PARENS = bytes(range(256)).translate(None, b"()")
_NULL = pa.scalar(None, pa.string())
# Private-use characters standing in for escaped backslashes and quotes during the vectorized
# unescaping; a column already holding one takes the per-value path instead.
_P1, _P2 = "\ue000", "\ue001"


def split_tuples(
    segment: bytes, mysql: bool, width: int | None, continued: bool
) -> tuple[list[bytes], int, str] | None:
    """The value tokens of a segment of whole tuples, the tuple width and how it ends.

    ``segment`` runs to the end of a physical line; it may start with ``,`` when ``continued``
    (tuples of a statement begun on an earlier line). The end is ``;`` (statement over), ``,``
    (more tuples on the next line) or ``)`` (no terminator: the next line decides). Returns
    ``None`` when the segment is anything but plain values in well-formed tuples of ``width``
    (``None``: inferred from the first tuple).
    """
    parts = (_MYSQL_TOKEN if mysql else _STANDARD_TOKEN).split(segment)
    tokens = parts[1::2]
    count = len(tokens)
    if not count:
        return None
    first = b"".join(parts[0].split())
    last = b"".join(parts[-1].split())
    if mysql and b"*" in parts[-1]:
        last = _CONDITIONAL.sub(b"", parts[-1])
    if first not in _FIRST or (first == b",(" and not continued) or last not in _LAST:
        return None
    inner = parts[2:-1:2]
    distinct = set(inner)
    if not distinct <= _CANON:
        strip = _CONDITIONAL.sub if mysql else lambda _, gap: b"".join(gap.split())
        norm = {gap: strip(b"", gap) for gap in distinct}
        if not set(norm.values()) <= _CANON:
            return None
        inner = [norm[gap] for gap in inner]
    if width is None:
        try:
            width = inner.index(b"),(") + 1
        except ValueError:
            width = count
    if count % width:
        return None
    rows = count // width
    if rows > 1 and (set(inner[width - 1 :: width]) != {b"),("} or inner.count(b"),(") != rows - 1):
        return None
    if rows == 1 and b"),(" in distinct:
        return None
    return tokens, width, _LAST[last]


def count_tuples(segment: bytes, mysql: bool) -> tuple[int, str] | None:
    """Tuples of a segment and how it ends, for a table that is only counted: C-level byte
    operations only (no tokens). Strings are cut out by splitting on quotes once escaped
    quotes are gone; the segment qualifies when its quotes balance and what is left outside
    them has exactly one ``(`` and ``)`` per tuple. A malformed tuple is counted as a row."""
    if mysql and b"\\" in segment:
        segment = segment.replace(_ESCAPED[0], b"").replace(_ESCAPED[1], b"")
    pieces = segment.split(b"'")
    if not len(pieces) % 2:
        return None
    outside = b"".join(pieces[0::2])
    ending = outside.rstrip()[-1:]
    if ending not in (b";", b",", b")"):
        return None
    parens = outside.translate(None, _PARENS)
    rows = len(parens) // 2
    if parens != b"()" * rows or rows == 0:
        return None
    return rows, ending.decode()


# The CSV route of MySQL lines: escaped backslashes and quotes become bytes no dump line holds,
# so the quotes left are exactly the string delimiters; the text outside strings (the
# "skeleton") is checked with byte translation and substring tests; tuples become CSV lines.
_B1, _B2, _MARK = b"\x1e", b"\x1f", b"\x1d"
_BARE = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-"
_SKELETON = bytes(
    ord("b") if i in _BARE else i if i in b",()\x1d" else ord("?") for i in range(256)
)
_NOT_PLAIN = (b"?", b"b\x1d", b"\x1db", b"\x1d(", b")\x1d", b",,", b"(,", b",)", b"()")
CSV_MIN_BYTES = 1 << 16
"""Lines shorter than this take :func:`split_tuples` (pyarrow's per-call cost dominates)."""


class _Count:
    """pyarrow's invalid-row handler: count and skip (it must never raise)."""

    def __init__(self) -> None:
        self.rows = 0

    def __call__(self, row: object) -> str:
        self.rows += 1
        return "skip"


def csv_tuples(segment: bytes, width: int, continued: bool) -> tuple[list[pa.Array], str] | None:
    """The columns of a MySQL segment of plain tuples through ``pyarrow.csv``, and its end.

    About 1.5x the speed of :func:`split_tuples` + :func:`tuple_columns` on ``mysqldump``
    lines; ``None`` for anything it does not take whole (introducers, hex literals, comments,
    blanks, malformed tuples, invalid UTF-8): the caller then uses the token split.
    """
    if any(b in segment for b in (_B1, _B2, _MARK, b"0x", b"\r")):
        return None
    text = segment.replace(b"\\\\", _B1).replace(b"\\'", _B2)
    pieces = text.split(b"'")
    if not len(pieces) % 2:
        return None
    skeleton = _MARK.join(pieces[0::2]).rstrip()
    ending = skeleton[-1:]
    if ending in (b";", b","):
        skeleton = skeleton[:-1]
    elif ending != b")":
        return None
    if skeleton[:2] == b",(" and continued:
        skeleton = skeleton[1:]
    if skeleton[:1] != b"(":
        return None
    shape = skeleton.translate(_SKELETON)
    if any(bad in shape for bad in _NOT_PLAIN):
        return None
    parens = skeleton.translate(None, _PARENS)
    rows = len(parens) // 2
    tuples = skeleton.count(b"),(")
    if parens != b"()" * rows or tuples != rows - 1 or text.count(b"),(") != tuples:
        return None
    body = text[text.index(b"(") + 1 : text.rindex(b")")].replace(b"),(", b"\n")
    names = [f"c{i}" for i in range(width)]
    invalid = _Count()
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(
                column_names=names, use_threads=True, block_size=1 << 20
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=",",
                quote_char="'",
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=["NULL", "null"],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if invalid.rows or table.num_rows != rows:
        return None
    columns = [_restore(table.column(i).combine_chunks()) for i in range(width)]
    return columns, ending.decode()


def _restore(column: pa.Array) -> pa.Array:
    """MySQL escapes of a CSV-route column (placeholders for escaped backslashes and quotes)."""
    need = pc.fill_null(pc.match_substring_regex(column, "[\\\\\x1e\x1f]"), False)
    if not pc.any(need).as_py():
        return column
    s = pc.filter(column, need)
    for char, value in (("0", "\0"), ("b", "\b"), ("n", "\n"), ("r", "\r"), ("t", "\t")):
        s = pc.replace_substring(s, "\\" + char, value)
    s = pc.replace_substring(s, "\\Z", "\x1a")
    s = pc.replace_substring_regex(s, r"\\([^%_])", r"\1")
    s = pc.replace_substring(s, "\x1e", "\\")
    s = pc.replace_substring(s, "\x1f", "'")
    return pc.replace_with_mask(column, need, s)


def tuple_columns(tokens: list[bytes], width: int, mysql: bool) -> list[pa.Array]:
    """One string array per column from the tokens of :func:`split_tuples`.

    Raises ``pyarrow.ArrowInvalid`` on bytes that are not UTF-8 (the caller names the line).
    """
    return [
        _column(pa.array(tokens[i::width], pa.binary()).cast(pa.string()), mysql)
        for i in range(width)
    ]


def _column(raw: pa.Array, mysql: bool) -> pa.Array:
    if mysql:
        introduced = pc.starts_with(raw, "_")
        if pc.any(introduced).as_py():
            raw = pc.if_else(
                introduced, pc.replace_substring_regex(raw, "^_[A-Za-z0-9]+ ?", ""), raw
            )
    quoted = pc.starts_with(raw, "'")
    if not mysql:
        national = pc.starts_with(raw, "N'")
        national = pc.or_(national, pc.starts_with(raw, "n'"))
        if pc.any(national).as_py():
            raw = pc.if_else(national, pc.utf8_slice_codeunits(raw, 1), raw)
            quoted = pc.or_(quoted, national)
    any_quoted = pc.any(quoted).as_py()
    all_quoted = any_quoted and pc.all(quoted).as_py()
    bare = None
    if not all_quoted:
        bare = pc.if_else(pc.or_(pc.equal(raw, "NULL"), pc.equal(raw, "null")), _NULL, raw)
        hexa = pc.starts_with(bare, "0x")
        if pc.any(hexa).as_py():
            bare = pc.if_else(hexa, pc.utf8_slice_codeunits(bare, 2), bare)
        if not any_quoted:
            return bare
    body = pc.utf8_slice_codeunits(raw, 1, -1)
    body = _unescape_mysql_array(body) if mysql else _unescape_standard_array(body)
    return body if bare is None else pc.if_else(quoted, body, bare)


def _unescape_standard_array(body: pa.Array) -> pa.Array:
    if not pc.any(pc.match_substring(body, "''")).as_py():
        return body
    return pc.replace_substring(body, "''", "'")


def _python_fix(values: pa.Array, need: pa.Array, fix: object) -> pa.Array:
    subset = pc.filter(values, need).to_pylist()
    fixed = pa.array([fix(v) for v in subset], pa.string())  # type: ignore[operator]
    return pc.replace_with_mask(values, need, fixed)


def _unescape_mysql_array(body: pa.Array) -> pa.Array:
    """MySQL escapes, vectorized and exact.

    Escaped backslashes become a placeholder first (left-to-right pairing is exactly MySQL's),
    escaped quotes a second one (so ``''`` pairs only doubled quotes), then the known escapes,
    then ``\\X`` → ``X`` except ``\\%`` and ``\\_`` (which MySQL keeps), then the placeholders.
    """
    need = pc.or_(pc.match_substring(body, "\\"), pc.match_substring(body, "''"))
    if not pc.any(need).as_py():
        return body
    subset = pc.filter(body, need)
    if pc.any(pc.match_substring_regex(subset, f"[{_P1}{_P2}]")).as_py():
        return _python_fix(body, need, unescape_mysql)
    s = pc.replace_substring(subset, "\\\\", _P1)
    s = pc.replace_substring(s, "\\'", _P2)
    s = pc.replace_substring(s, "''", "'")
    for char, value in (("0", "\0"), ("b", "\b"), ("n", "\n"), ("r", "\r"), ("t", "\t")):
        s = pc.replace_substring(s, "\\" + char, value)
    s = pc.replace_substring(s, "\\Z", "\x1a")
    s = pc.replace_substring_regex(s, r"\\([^%_])", r"\1")
    s = pc.replace_substring(s, _P1, "\\")
    s = pc.replace_substring(s, _P2, "'")
    return pc.replace_with_mask(body, need, s)


def _unescape_copy_array(column: pa.Array) -> pa.Array:
    need = pc.fill_null(pc.match_substring(column, "\\"), False)
    if not pc.any(need).as_py():
        return column
    subset = pc.filter(column, need)
    if pc.any(pc.match_substring_regex(subset, f"[{_P1}]|\\\\[0-7x]")).as_py():
        return _python_fix(column, need, unescape_copy)
    s = pc.replace_substring(subset, "\\\\", _P1)
    for char, value in (("b", "\b"), ("f", "\f"), ("n", "\n"), ("r", "\r"), ("t", "\t")):
        s = pc.replace_substring(s, "\\" + char, value)
    s = pc.replace_substring(s, "\\v", "\v")
    s = pc.replace_substring_regex(s, r"\\(.)", r"\1")
    s = pc.replace_substring(s, _P1, "\\")
    return pc.replace_with_mask(column, need, s)


def _bytea_hex(column: pa.Array) -> pa.Array:
    """PostgreSQL ``bytea`` as COPY writes it (``\\x0a1b``: hex output, its backslash
    escaped) as its lowercase hex digits, like every other binary value of a dump."""
    if not pc.any(pc.fill_null(pc.starts_with(column, "\\\\x"), False)).as_py():
        return column
    hexa = pc.fill_null(pc.match_substring_regex(column, r"^\\\\x(?:[0-9A-Fa-f]{2})*$"), False)
    if not pc.any(hexa).as_py():
        return column
    digits = pc.utf8_lower(pc.utf8_slice_codeunits(pc.filter(column, hexa), 3))
    return pc.replace_with_mask(column, hexa, digits)


def copy_columns(chunk: bytes, width: int, bytea: Sequence[bool] | None = None) -> list[pa.Array]:
    """The columns of whole COPY text lines (each with ``width - 1`` tabs, UTF-8).

    ``bytea`` flags the columns declared ``bytea`` (``None``: no ``CREATE TABLE`` known, so
    any column's ``\\x``-hex values are taken as bytea). Raises ``pyarrow.ArrowInvalid`` on
    text that is not UTF-8 (the caller finds the line).
    """
    names = [f"c{i}" for i in range(width)]
    table = pacsv.read_csv(
        pa.py_buffer(chunk),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(
            delimiter="\t",
            quote_char=False,
            double_quote=False,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            null_values=["\\N"],
            strings_can_be_null=True,
        ),
    )
    columns = [table.column(i).combine_chunks() for i in range(width)]
    return [
        _unescape_copy_array(_bytea_hex(c) if bytea is None or (i < len(bytea) and bytea[i]) else c)
        for i, c in enumerate(columns)
    ]


def oversized_rows(arrays: list[pa.Array], limit: int) -> pa.Array | None:
    """A mask of the rows holding a field over ``limit`` UTF-8 bytes, or ``None`` for none."""
    mask = None
    for column in arrays:
        if column.nbytes <= limit:
            continue  # no value can be longer than the whole column
        over = pc.fill_null(pc.greater(pc.binary_length(column), limit), False)
        mask = over if mask is None else pc.or_(mask, over)
    if mask is None or not pc.any(mask).as_py():
        return None
    return mask
