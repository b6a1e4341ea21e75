"""Delimited-text dialect sniffing: delimiter, quoting, escapes, preamble, header, padding.

Leaks come as whatever the thief exported: comma or semicolon CSV, colon-separated combolists
without a header, ``||`` or `` | `` separated dumps, psql-aligned or space-separated columns,
single-quoted values, MySQL ``SELECT ... INTO OUTFILE`` with backslash escapes, files with a
banner line on top or binary junk lines in between. Every candidate dialect is scored the way
CleverCSV does (van den Burg, Nazábal and Sutton, "Wrangling messy CSV files by detecting row
and type patterns", 2019): how consistent the number of fields is over the sampled records
(pattern score) times the share of fields that look like a known kind of value (type score).
A wrong delimiter leaves the true one inside the fields (``a@b.pe:987`` under ``,``) or splits
values apart (times and URLs under ``:``), and both lower the type score.

Everything here works on a bounded, decoded head; it never logs what it sees.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "SENTINEL",
    "TextDialect",
    "allow_big_fields",
    "has_header",
    "is_decoration",
    "is_junk_line",
    "sniff_dialect",
    "space_run",
]

SENTINEL = "\x1f"
"""The one-character separator multi-character and whitespace delimiters are translated to."""

_SNIFF_CHARS = 2 * 2**20
_MAX_SNIFF_CHARS = 16 * 2**20
_SCORE_LINES = 120
_MAX_SNIFF_RECORDS = 200
_TYPED_FIELDS = 48
"""Fields per record the type score looks at (bounds the cost on very wide files)."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Candidates in order of preference when scores tie (simple and common first).
_SINGLE = (",", "\t", ";", "|", ":", "~", "^")
_MULTI = ("||", ";;", "::", ":::", "|||", "~~", " | ", " ; ", " : ", ", ", "; ", "\t|\t")
_SPACE_RUNS = (2, 1)
"""Whitespace delimiters: runs of at least this many spaces or tabs."""


def space_run(length: int) -> re.Pattern[str]:
    """Runs of at least ``length`` spaces (a whitespace delimiter; tabs are one of their own)."""
    return re.compile(" {" + str(length) + ",}")


def allow_big_fields() -> None:
    """Lift the ``csv`` module's 128 KiB field limit (fields are bounded by max_field_bytes)."""
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)


def is_junk_line(line: str) -> bool:
    """Binary data rather than text: a NUL, a replacement character, or many control chars."""
    if "\x00" in line or "\ufffd" in line:
        return True
    controls = len(_CONTROL.findall(line)) if _CONTROL.search(line) else 0
    return controls >= 3 or (controls > 0 and controls * 10 >= len(line))


_RULE = re.compile(r"[-=+|_*~ ]*[-=_*~]{3}[-=+|_*~ ]*")


def is_decoration(line: str) -> bool:
    """A ``#`` comment or a rule line drawn under a header (``----+-----``)."""
    return line.startswith("#") or _RULE.fullmatch(line) is not None


@dataclass
class TextDialect:
    """A sniffed delimited-text layout.

    Physical line numbers are 1-based in the decoded text; ``skip_lines`` lines (preamble,
    directives, leading comments, the header) come before the first data record.
    """

    delimiter: str
    """As written (``,``, ``||``, ``", "``); a single space when ``spaces`` is set."""
    header: bool
    width: int
    """Number of fields of the typical record (a trailing empty field included)."""
    records: list[list[str]]
    """The first records from the header (or first data record) on, as parsed."""
    header_lines: int
    """Physical lines the header record spans (0 without header)."""
    quote: str | None = '"'
    escape: str | None = None
    """``\\`` for MySQL-style backslash escapes (``\\N`` null, ``\\t``, ``\\,``)."""
    spaces: int = 0
    """When positive, the delimiter is any run of at least this many spaces or tabs."""
    skip_lines: int = 0
    preamble: list[int] = field(default_factory=list)
    """Lines before the data that are not records of the table (a banner, a header with the
    wrong number of fields): skipped and counted as malformed."""
    junk: list[int] = field(default_factory=list)
    """Lines of the head that hold binary junk."""
    trailing: bool = False
    """Every record ends with a delimiter: the last, always empty field is dropped."""
    trim: bool = False
    """Values are padded with spaces (``a, b``, psql tables): strip them."""
    comments: bool = False
    """``#`` comments or rule lines appear between the records: they are blanked."""
    split_once: bool = False
    """A two-field ``:`` combolist (``email:password``): only the first ``:`` of a line splits,
    so a password holding ``:`` stays whole."""
    longest_line: int = 0
    """Characters of the longest physical line of the head (an unfinished last one included)."""
    longest_line_number: int = 0

    @property
    def separator(self) -> str:
        """The single character a CSV parser splits on (after translation, see SENTINEL)."""
        return self.delimiter if self.simple_delimiter else SENTINEL

    @property
    def simple_delimiter(self) -> bool:
        return not self.spaces and len(self.delimiter) == 1 and not self.split_once


# -- kinds of values --------------------------------------------------------------------------

_SPECIFIC = re.compile(
    r"""(?x)
    [+-]?\d+(?:[.,]\d+)*                                   # numbers, 1.234,56
  | [+(]?\d[\d ()./-]{4,}\d                                # phone numbers, document numbers
  | \d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?
        (?:Z|[+-]\d{2}:?\d{2})?)?                          # dates, date-times
  | \d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?                   # times
  | [^@\s,;:|"'<>()]+@[^@\s,;:|"'<>()]+\.[^\W\d_]{2,}      # e-mail
  | (?:https?|ftp)://[^\s"']+                              # URL
  | [\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?:/[^\s"',;|]*)?     # domain, t.me/x
  | (?:\d{1,3}\.){3}\d{1,3}                                # IPv4
  | [0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}             # IPv6
    """
)
_PLAIN = re.compile(r"[^\W_][\w .'\-&/()#°ºª+*=$!?%]*", re.UNICODE)
"""Words and codes: anything without delimiter characters, quotes or ``@``."""
_HASHLIKE = re.compile(r"[A-Za-z0-9+/=$._-]{8,}")


def _specific(value: str) -> bool:
    return _SPECIFIC.fullmatch(value) is not None


def _typed(value: str) -> bool:
    return (
        not value
        or _SPECIFIC.fullmatch(value) is not None
        or _PLAIN.fullmatch(value) is not None
        or _HASHLIKE.fullmatch(value) is not None
    )


# -- parsing candidates -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    delimiter: str
    spaces: int = 0
    quote: str | None = '"'
    escape: str | None = None

    @property
    def simple(self) -> bool:
        return not self.spaces and len(self.delimiter) == 1


def _translate(lines: list[str], cand: _Candidate) -> list[str]:
    """Lines with a multi-character or whitespace delimiter turned into SENTINEL."""
    if cand.simple:
        return lines
    if cand.spaces:
        run = space_run(cand.spaces)
        return [run.sub(SENTINEL, line.strip(" ")) for line in lines]
    return [line.replace(cand.delimiter, SENTINEL) for line in lines]


def _parse(lines: list[str], cand: _Candidate) -> Iterator[tuple[int, list[str]]]:
    """Records of ``lines`` (one physical line each, junk blanked) with their first line."""
    allow_big_fields()
    text = "\n".join(_translate(lines, cand))
    sep = cand.delimiter if cand.simple else SENTINEL
    if cand.quote is None:
        reader = csv.reader(
            io.StringIO(text, newline=""),
            delimiter=sep,
            quoting=csv.QUOTE_NONE,
            escapechar=cand.escape,
            strict=False,
        )
    else:
        reader = csv.reader(
            io.StringIO(text, newline=""),
            delimiter=sep,
            quotechar=cand.quote,
            escapechar=cand.escape,
            doublequote=True,
            strict=False,
        )
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if record:
                yield line, record
    except csv.Error:
        return


def _score(records: list[list[str]], cand: _Candidate, cache: dict[str, bool]) -> float:
    """CleverCSV's data consistency: pattern score times type score."""
    if not records:
        return 0.0
    widths = Counter(len(r) for r in records)
    pattern = sum(n * (w - 1) / w for w, n in widths.items()) / len(widths) / len(records)
    if pattern <= 0:
        return 0.0
    modal = widths.most_common(1)[0][0]
    # A position empty in every record is an artefact (``a||b`` split on ``|``).
    always_empty = {
        i
        for i in range(min(modal, _TYPED_FIELDS))
        if all(len(r) <= i or not r[i].strip() for r in records)
    }
    typed = total = 0
    for record in records:
        for i, value in enumerate(record[:_TYPED_FIELDS]):
            total += 1
            if i in always_empty:
                continue
            value = value.strip()
            if cand.escape:
                value = value.replace("\\", "")
            known = cache.get(value)
            if known is None:
                known = cache[value] = _typed(value)
            typed += known
    return pattern * (typed / total if total else 0.0)


def _candidates(lines: list[str]) -> list[_Candidate]:
    """Delimiters present in most sampled lines, with the quote and escape options seen."""
    if not lines:
        return []
    sample = "\n".join(lines)
    need = max(1, int(0.3 * len(lines)))
    quotes: list[str | None] = ['"']
    if "'" in sample:
        quotes.append("'")
    escapes: list[str | None] = [None]
    if "\\" in sample and _ESCAPE_EVIDENCE.search(sample):
        escapes.append("\\")
    found: list[_Candidate] = []
    for token in (*_SINGLE, *_MULTI):
        if token in sample and sum(1 for line in lines if token in line) >= need:
            found.extend(_Candidate(token, 0, q, e) for q in quotes for e in escapes)
    stripped = [line.strip(" ") for line in lines]
    for run in _SPACE_RUNS:
        pattern = space_run(run)
        if sum(1 for line in stripped if pattern.search(line)) >= need:
            found.extend(_Candidate(" ", run, q, e) for q in quotes for e in escapes)
    return found


_ESCAPE_EVIDENCE = re.compile(r"(?m)(?:^|[,;|\t])\\N(?:[,;|\t]|$)|\\[,;|\t\"']|\\$")
"""MySQL-style escapes: a ``\\N`` field, an escaped delimiter or quote, an escaped line break
(a Windows path alone is no reason to read backslashes as escapes)."""


def _space_split_plausible(records: list[list[str]], width: int) -> bool:
    """Whitespace splits only count when some column holds specific values (numbers, e-mails,
    dates), so that a list of names is not split into words."""
    rows = [r for r in records if len(r) == width]
    if not rows:
        return False
    for i in range(min(width, _TYPED_FIELDS)):
        if sum(1 for r in rows if r[i] and _specific(r[i].strip())) >= 0.8 * len(rows):
            return True
    return False


def _choose(lines: list[str]) -> _Candidate:
    """The best-scoring dialect for the sampled lines (``,`` when nothing splits them)."""
    sample = [line for line in lines if line.strip()][:_SCORE_LINES]
    default = _Candidate(",")
    if not sample:
        return default
    whole = sum(1 for line in sample if _specific(line.strip())) / len(sample)
    best, best_score = default, 0.0
    cache: dict[str, bool] = {}
    for cand in _candidates(sample):
        records = [r for _, r in _parse(sample, cand)]
        score = _score(records, cand, cache)
        if cand.spaces:
            widths = Counter(len(r) for r in records)
            modal = widths.most_common(1)[0][0] if widths else 0
            if whole >= 0.9 or not _space_split_plausible(records, modal):
                continue
        elif whole >= 0.9 and cand.delimiter in (":", "::", ".", "-", "/"):
            continue  # a list of times, phone numbers or URLs: one column
        if cand.spaces and best_score and (score < 1.1 * best_score or best.spaces):
            # Words split apart fit any layout a little: demand a clear win, and single
            # spaces never win over runs of spaces that split consistently.
            continue
        if score > best_score + 1e-9:
            best, best_score = cand, score
    return best


# -- layout around the records ----------------------------------------------------------------

_SEP_DIRECTIVE = re.compile(r"sep=(.{1,4})", re.IGNORECASE)

_HEADER_WORD = re.compile(r"^[^\W\d][\w .\-/#()°ºª]*$", re.UNICODE)
_HEADER_HINTS = re.compile(
    r"(^|[_ .\-])(id|name|nombre|nome|apellido|surname|email|e-mail|correo|mail|phone|tel|"
    r"telefono|teléfono|telefone|celular|movil|móvil|mobile|msisdn|imsi|iccid|imei|ki|opc|dni|"
    r"ruc|nif|nie|cpf|rut|curp|rrn|address|direccion|dirección|endereco|endereço|city|ciudad|"
    r"cidade|region|estado|state|zip|postal|cp|cep|date|fecha|data|birth|nacimiento|dob|plan|"
    r"status|estado|ip|password|hash|customer|cliente|account|cuenta|number|numero|número|"
    r"first|last|full|sex|gender|genero|age|edad|country|pais|país|pass|user|usuario|login)"
    r"($|[_ .\-\d])",
    re.IGNORECASE,
)


def _kind(value: str) -> str:
    value = value.strip()
    if not value:
        return "empty"
    if "@" in value and _specific(value):
        return "email"
    if _specific(value) and any(c.isdigit() for c in value):
        return "number"
    return "text"


def has_header(records: list[list[str]]) -> bool:
    """Whether the first of ``records`` (text cells) names the columns of the others."""
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
        non_text = sum(1 for k in column if k in ("number", "email"))
        if non_text >= 0.5 * len(column):
            return True
    if any(_HEADER_HINTS.search(v) for v in named):
        return True
    # All-text columns: a header word seldom reappears as a value below it.
    return all(first[i] not in {r[i] for r in data} and "_" in first[i] for i in range(len(first)))


def _head_lines(text: str, complete: bool) -> tuple[list[str], int, int]:
    """Physical lines of the head to sniff (the cut last one dropped), the longest line's
    length and number."""
    limit = _SNIFF_CHARS
    while limit < min(len(text), _MAX_SNIFF_CHARS) and text.count("\n", 0, limit) < 8:
        limit *= 2
    part = text[:limit]
    lines = _LINE_BREAK.split(part)
    lengths = [len(line) for line in _LINE_BREAK.split(text)]
    longest = max(lengths, default=0)
    number = lengths.index(longest) + 1 if lengths else 0
    if (not complete or limit < len(text)) and len(lines) > 1:
        lines.pop()  # cut by the head
    if lines and lines[-1] == "":
        lines.pop()  # the final line break
    return lines, longest, number


def sniff_dialect(
    text: str,
    complete: bool,
    delimiter: str | None = None,
    header: bool | None = None,
) -> TextDialect:
    """The layout of delimited ``text`` (a decoded head; ``complete`` if it is the whole input).

    ``delimiter`` and ``header`` force what they name. Junk lines are left out; lines before the
    first record of the typical width are preamble (comments and Excel's ``sep=`` line are
    skipped without being counted).
    """
    lines, longest, longest_number = _head_lines(text, complete)
    lines = lines[: 4 * _MAX_SNIFF_RECORDS]
    junk = [i for i, line in enumerate(lines, start=1) if is_junk_line(line)]
    clean = list(lines)
    for i in junk:
        clean[i - 1] = ""
    directive = 0
    for i, line in enumerate(clean, start=1):
        if line.strip():
            found = _SEP_DIRECTIVE.fullmatch(line.strip())
            if found:
                directive = i
                clean[i - 1] = ""
                if delimiter is None:
                    delimiter = found.group(1)
            break
    if delimiter is None:
        cand = _choose([line for line in clean if not is_decoration(line)])
    else:
        cand = _Candidate(delimiter, 0, '"', None)
        if delimiter == " ":
            cand = _Candidate(" ", 1, '"', None)
    parsed = list(_parse(clean, cand))[: 2 * _MAX_SNIFF_RECORDS]
    dialect = TextDialect(
        delimiter=cand.delimiter,
        header=bool(header),
        width=0,
        records=[],
        header_lines=0,
        quote=cand.quote,
        escape=cand.escape,
        spaces=cand.spaces,
        junk=junk,
        longest_line=longest,
        longest_line_number=longest_number,
        skip_lines=directive,
    )
    if not parsed:
        return dialect
    widths = Counter(len(r) for _, r in parsed)
    top = max(widths.values())
    width = max(w for w, n in widths.items() if n == top)
    split_once = width == 2 and cand.delimiter == ":" and bool(cand.quote) and header is not True
    if split_once:
        parsed = [(n, r if len(r) <= 2 else [r[0], ":".join(r[1:])]) for n, r in parsed]
    good = {width}
    body = [r for _, r in parsed if len(r) == width]
    if width >= 2 and all(not r[-1].strip() for r in body):
        dialect.trailing = True
        good.add(width - 1)
    # Leading records of another width: comments, a banner, a polluted header.
    start = 0
    while start < len(parsed) and len(parsed[start][1]) not in good:
        number = parsed[start][0]
        if not is_decoration(lines[number - 1]):
            dialect.preamble.append(number)
        start += 1
    if start == len(parsed):  # nothing but odd records: read them all
        start, dialect.preamble = 0, []
    first_line = parsed[start][0]
    records = [r for _, r in parsed[start:]][:_MAX_SNIFF_RECORDS]
    dialect.comments = any(
        is_decoration(lines[n - 1]) and len(r) not in good for n, r in parsed[start:]
    )
    dialect.width = width
    dialect.split_once = split_once
    dialect.records = records
    if header is None:
        header = has_header(records)
    dialect.header = header
    skip = first_line - 1
    if header:
        next_line = parsed[start + 1][0] if start + 1 < len(parsed) else len(lines) + 1
        dialect.header_lines = next_line - first_line
        # Lines after the header up to the next record are blank or junk: skipping them is safe.
        skip = first_line - 1 + _record_lines(clean, first_line, next_line)
    dialect.skip_lines = skip
    values = [v for r in records[1 if header else 0 :] for v in r[:_TYPED_FIELDS] if v]
    padded = sum(1 for v in values if v != v.strip())
    dialect.trim = bool(cand.spaces) or (bool(values) and padded >= 0.1 * len(values))
    return dialect


def _record_lines(clean: list[str], first: int, following: int) -> int:
    """Physical lines of the record starting on line ``first`` (up to its last non-blank)."""
    end = first
    for i in range(first, min(following, len(clean) + 1)):
        if clean[i - 1].strip():
            end = i
    return end - first + 1
