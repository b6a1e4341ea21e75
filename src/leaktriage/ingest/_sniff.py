"""Sniffing: container and format by magic bytes, text encoding, delimiter and header.

Everything here works on a bounded head of the input (bytes or decoded text), never on the
whole file, and never logs what it sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass

__all__ = [
    "Encoding",
    "allow_big_fields",
    "TextDialect",
    "decode_head",
    "detect_binary",
    "detect_text_format",
    "looks_like_junk",
    "sniff_encoding",
    "sniff_table",
]

HEAD_BYTES = 256 * 1024
"""How much of a stream the sniffers look at."""

_DELIMITERS = (",", ";", "\t", "|")
_MAX_SNIFF_RECORDS = 200


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
    """True for binary data decoded as text: NULs or many control characters."""
    if not text:
        return False
    sample = text[:65536]
    if "\x00" in sample:
        return True
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch in "\x7f\ufffd")
    return bad > 0.02 * len(sample)


_SQL_START = re.compile(
    r"(--|/\*|#|SET\s|CREATE\s|INSERT\s|REPLACE\s|COPY\s|DROP\s|LOCK\s|UNLOCK\s|BEGIN|START\s|"
    r"USE\s|SELECT\s|ALTER\s|COMMIT|\\connect)",
    re.IGNORECASE,
)
_SQL_DATA = re.compile(r"^\s*(INSERT\s|REPLACE\s|COPY\s)", re.IGNORECASE | re.MULTILINE)


def detect_text_format(text: str) -> str:
    """``json``, ``jsonl``, ``sql`` or ``csv`` from the start of a decoded head."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first_line = stripped.split("\n", 1)[0]

        try:
            value = json.loads(first_line)
        except ValueError:
            return "json"  # one (pretty-printed) top-level object
        if not isinstance(value, dict):
            return "json"
        # A single line holding one object: maybe a wrapper around an array of records.
        return "jsonl" if stripped[len(first_line) :].strip() else "json"
    if _SQL_START.match(stripped) and _SQL_DATA.search(text):
        return "sql"
    return "csv"


@dataclass
class TextDialect:
    """A sniffed delimited-text layout."""

    delimiter: str
    header: bool
    width: int
    """Number of fields of the typical record."""
    records: list[list[str]]
    """The first records of the head (the last, maybe cut, record excluded unless complete)."""
    header_lines: int
    """Physical lines the header record spans (0 without header)."""


def allow_big_fields() -> None:
    """Lift the ``csv`` module's 128 KiB field limit (fields are bounded by max_field_bytes)."""
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)


def _parse_records(text: str, delimiter: str, complete: bool) -> tuple[list[list[str]], int]:
    """Records of ``text`` and the physical lines the first one spans."""
    allow_big_fields()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[list[str]] = []
    first_lines = 0
    try:
        for record in reader:
            if not record:
                continue
            records.append(record)
            if len(records) == 1:
                first_lines = reader.line_num
            if len(records) > _MAX_SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    if not complete and len(records) <= _MAX_SNIFF_RECORDS and len(records) > 1:
        records.pop()  # the head may cut the last record
    return records[:_MAX_SNIFF_RECORDS], first_lines


def _delimiter_score(records: list[list[str]]) -> tuple[float, int]:
    counts = Counter(len(r) for r in records)
    if not counts:
        return (0.0, 0)
    width, seen = counts.most_common(1)[0]
    if width < 2:
        return (0.0, width)
    return (seen / len(records), width)


_NUMBER = re.compile(r"^[+\-]?[\d][\d .,]*$|^[+\-]?[.,]\d+$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?")
_HEADER_WORD = re.compile(r"^[^\W\d][\w .\-/#()°ºª]*$", re.UNICODE)
_HEADER_HINTS = re.compile(
    r"(^|[_ .\-])(id|name|nombre|nome|apellido|surname|email|e-mail|correo|mail|phone|tel|"
    r"telefono|teléfono|telefone|celular|movil|móvil|mobile|msisdn|imsi|iccid|imei|ki|opc|dni|"
    r"ruc|nif|nie|cpf|rut|curp|rrn|address|direccion|dirección|endereco|endereço|city|ciudad|"
    r"cidade|region|estado|state|zip|postal|cp|cep|date|fecha|data|birth|nacimiento|dob|plan|"
    r"status|estado|ip|password|hash|customer|cliente|account|cuenta|number|numero|número|"
    r"first|last|full|sex|gender|genero|age|edad|country|pais|país)($|[_ .\-\d])",
    re.IGNORECASE,
)


def _kind(value: str) -> str:
    value = value.strip()
    if not value:
        return "empty"
    if _DATE.match(value):
        return "date"
    if _NUMBER.match(value):
        return "number"
    if "@" in value:
        return "email"
    return "text"


def _has_header(records: list[list[str]]) -> bool:
    first = records[0]
    kinds = [_kind(v) for v in first]
    named = [v for v, k in zip(first, kinds, strict=True) if k != "empty"]
    if any(k not in ("text", "empty") for k in kinds) or 2 * len(named) < len(first):
        return False
    if not all(_HEADER_WORD.match(v.strip()) and len(v) <= 64 for v in named):
        return False
    data = [r for r in records[1:] if len(r) == len(first)]
    if not data:
        return True
    for i in range(len(first)):
        column = [_kind(r[i]) for r in data]
        non_text = sum(1 for k in column if k in ("number", "date", "email"))
        if non_text >= 0.5 * len(column):
            return True
    if any(_HEADER_HINTS.search(v) for v in named):
        return True
    # All-text columns: a header word seldom reappears as a value below it.
    return all(first[i] not in {r[i] for r in data} and "_" in first[i] for i in range(len(first)))


def sniff_table(
    text: str,
    complete: bool,
    delimiter: str | None = None,
    header: bool | None = None,
) -> TextDialect:
    """Delimiter (most consistent field count over the first records) and header."""
    if delimiter is None:
        best: tuple[float, int] = (-1.0, 0)
        chosen = ","
        for candidate in _DELIMITERS:
            if candidate not in text:
                continue
            records, _ = _parse_records(text, candidate, complete)
            score = _delimiter_score(records)
            if score > best:
                best, chosen = score, candidate
        delimiter = chosen
    records, first_lines = _parse_records(text, delimiter, complete)
    if not records:
        return TextDialect(delimiter, bool(header), 0, [], 0)
    width = _delimiter_score(records)[1] or len(records[0])
    if header is None:
        header = _has_header(records)
    return TextDialect(delimiter, header, width, records, first_lines if header else 0)
