"""Sniffing: container and format by magic bytes, text encoding, delimiter and header.

Everything here works on a bounded head of the input (bytes or decoded text), never on the
whole file, and never logs what it sees.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass

from ._dialect import TextDialect, allow_big_fields, is_junk_line, sniff_dialect

__all__ = [
    "Encoding",
    "allow_big_fields",
    "TextDialect",
    "decode_head",
    "detect_binary",
    "detect_text_format",
    "starts_like_json",
    "looks_like_junk",
    "sniff_encoding",
    "sniff_table",
]

HEAD_BYTES = 256 * 1024
"""How much of a stream the sniffers look at."""


def detect_binary(head: bytes) -> str | None:
    """The binary container or format announced by the magic bytes, or ``None`` for text."""
    if head.startswith(b"\x1f\x8b"):
        return "gz"
    if head.startswith(b"BZh") and len(head) > 3 and head[3:4].isdigit():
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"  # compound file: legacy XLS (or a .doc, .msg, encrypted OOXML)
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return None


@dataclass(frozen=True)
class Encoding:
    """A sniffed encoding: ``codec`` decodes (and drops any BOM); ``label`` is reported."""

    codec: str
    label: str


def sniff_encoding(head: bytes, complete: bool, forced: str | None = None) -> Encoding:
    """BOM first (UTF-8/UTF-16), then strict UTF-8, then CP1252, then Latin-1.

    ``complete`` says ``head`` is the whole input (so a truncated last character is an error).
    """
    if forced:
        name = codecs.lookup(forced).name
        return Encoding(name, name)
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8-sig", "utf-8-sig")
    if head.startswith(codecs.BOM_UTF16_LE):
        return Encoding("utf-16", "utf-16-le")
    if head.startswith(codecs.BOM_UTF16_BE):
        return Encoding("utf-16", "utf-16-be")
    if len(head) >= 4 and b"\x00" in head[:4096]:
        # UTF-16 without BOM: ASCII text leaves every other byte zero.
        even = head[0:4096:2].count(0)
        odd = head[1:4096:2].count(0)
        half = min(len(head), 4096) // 2
        if odd > 0.4 * half and even < 0.05 * half:
            return Encoding("utf-16-le", "utf-16-le")
        if even > 0.4 * half and odd < 0.05 * half:
            return Encoding("utf-16-be", "utf-16-be")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return Encoding("utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return Encoding("cp1252", "cp1252")
    except UnicodeDecodeError:
        return Encoding("latin-1", "latin-1")


def decode_head(head: bytes, encoding: Encoding, complete: bool) -> str:
    """Decode a head, tolerating a character cut at its end."""
    decoder = codecs.getincrementaldecoder(encoding.codec)(errors="replace")
    return decoder.decode(head, final=complete)


def looks_like_junk(text: str) -> bool:
    """True for binary data decoded as text: most of the head is in lines of junk.

    Judged per line so that a text file with some binary junk lines (read as malformed rows)
    is not refused whole.
    """
    sample = text[:65536]
    if not sample:
        return False
    junk = sum(len(line) + 1 for line in _LINE_BREAK.split(sample) if is_junk_line(line))
    return junk > 0.25 * len(sample)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


_SQL_START = re.compile(
    r"(--|/\*|#|SET\s|CREATE\s|INSERT\s|REPLACE\s|COPY\s|DROP\s|LOCK\s|UNLOCK\s|BEGIN|START\s|"
    r"USE\s|SELECT\s|ALTER\s|COMMIT|\\connect|PRAGMA\s|REM\s|PROMPT\s|GO\s)",
    re.IGNORECASE,
)
# Data statements, or the DDL of a schema-only dump (refused later as "no data rows", never
# read as delimited text).
_SQL_DATA = re.compile(
    r"^\s*(INSERT\s|REPLACE\s|COPY\s|CREATE\s+(?:\w+\s+){0,3}?TABLE\s)",
    re.IGNORECASE | re.MULTILINE,
)


_JSON_SPACE = "\ufeff \t\r\n"
_JSON_SCALAR_START = tuple('"-0123456789') + ("true", "false", "null")


def starts_like_json(text: str) -> bool:
    """Whether a decoded head opens a JSON array or object (it is then judged as JSON)."""
    return text.lstrip(_JSON_SPACE)[:1] in ("[", "{")


def _json_scalars(stripped: str) -> bool:
    """A lone JSON scalar (``42``, ``"x"``: JSON holding no records, refused as such), or
    JSON Lines of strings (every line of the head a JSON string: one-column JSON Lines)."""
    if not stripped.startswith(_JSON_SCALAR_START):
        return False
    body = stripped.rstrip(_JSON_SPACE)
    if "\n" not in body:
        if len(body) > 1024:
            return False
        try:
            json.loads(body)
        except (ValueError, RecursionError):
            return False
        return True
    if not body.startswith('"'):
        return False
    lines = [line for line in body.split("\n", _MAX_SCALAR_LINES)[:-1] if line.strip()]
    for line in lines or [body]:
        try:
            if not isinstance(json.loads(line), str):
                return False
        except ValueError:
            return False
    return True


_MAX_SCALAR_LINES = 200


def detect_text_format(text: str) -> str:
    """``json``, ``jsonl``, ``sql`` or ``csv`` from the start of a decoded head."""
    stripped = text.lstrip(_JSON_SPACE)
    if stripped.startswith("["):
        return "json"  # judged as JSON even when broken: never re-read as CSV
    if stripped.startswith("{"):
        first_line = stripped.split("\n", 1)[0]

        try:
            value = json.loads(first_line)
        except (ValueError, RecursionError):
            return "json"  # one (pretty-printed or broken) top-level object
        if not isinstance(value, dict):
            return "json"
        # A single line holding one object: maybe a wrapper around an array of records.
        return "jsonl" if stripped[len(first_line) :].strip() else "json"
    if _json_scalars(stripped):
        return "jsonl" if "\n" in stripped.strip() else "json"
    if _SQL_START.match(stripped) and _SQL_DATA.search(text):
        return "sql"
    return "csv"


def sniff_table(
    text: str,
    complete: bool,
    delimiter: str | None = None,
    header: bool | None = None,
) -> TextDialect:
    """Delimiter, quoting, preamble and header of delimited text (see :mod:`._dialect`)."""
    return sniff_dialect(text, complete, delimiter, header)
