"""Delimited text through pyarrow's streaming CSV reader: the fast path, no per-row Python.

Text in an ASCII-compatible encoding reaches pyarrow through
:class:`~._textstream.CleanText`, whose clean path (a chunk that decodes and holds no NUL)
costs a C-speed check and passes the bytes on untouched. Otherwise it blanks junk lines
(counted as malformed with their line numbers), decodes line by line (a CP1252 line in a UTF-8
file is read, not lost), translates multi-character and whitespace delimiters to one character
and backslash escapes to marks that :func:`~._textstream.restore` puts back per column after
parsing. UTF-16/32 files go straight to pyarrow unless they need that cleaning; one that turns
out undecodable after the sniffed head is read again through it (rows already handed out are
not handed out twice). The encoding is decided on the good lines of the head: binary junk
lines are no reason to read UTF-8 text as CP1252.

Malformed rows (wrong field count) are skipped by pyarrow's ``invalid_row_handler``, which only
counts them (it must never raise: an exception there aborts the process). Rows with an oversized
field are dropped per batch with vectorized lengths. pyarrow does not know physical line
numbers once quoted fields may hold newlines, so when a pass found malformed rows a second,
Python ``csv`` pass locates them (only the first ``max_malformed_lines_kept``, stopping early).
Lines before the data that are not records (a banner, a header with the wrong number of
fields) are skipped and counted as malformed with their line numbers.

Limits: more columns than ``max_columns`` is refused up front; a physical line over
``max_line_bytes`` is refused as soon as that much of it is read (CleanText counts it; on the
direct path pyarrow's block size is capped just above the limit, so a longer line cannot fit a
block and is then located by a linear scan).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Generator, Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from leaktriage.errors import InputError, InputRejected

from ._dialect import is_junk_line
from ._limits import Tally
from ._model import IngestOptions
from ._rows import TextFormatReader, decode_error, dedupe_columns, numbered_columns, text_stream
from ._sniff import HEAD_BYTES, Encoding, TextDialect, allow_big_fields, sniff_table
from ._textstream import CleanText, StoppableStream, TextPlan, line_too_long, restore

__all__ = ["CsvReader"]

log = logging.getLogger(__name__)

_FIRST_BLOCK = 4 * 2**20
_MAX_HEAD = 64 * 2**20
_SINGLE_BYTE = ("cp1252", "latin-1", "iso8859-1", "iso8859-15")
_TRAILING = "\x00trailing"


class _Invalid:
    """Counts rows pyarrow rejected; returns "skip" so pyarrow never raises on its own."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, row: object) -> str:
        self.count += 1
        return "skip"


class CsvReader(TextFormatReader):
    format = "csv"

    def __init__(
        self,
        opener: Callable[..., BinaryIO],
        display: str,
        options: IngestOptions,
        encoding: Encoding,
        dialect: TextDialect,
    ) -> None:
        super().__init__(opener, display, options, encoding)
        self._forced_encoding = options.encoding is not None
        self._fallback: str | None = None
        dialect, head_junk = self._refine(encoding, dialect)
        self._dialect = dialect
        self.delimiter = dialect.delimiter
        self.header = dialect.header
        scale = 2 if self._codec.startswith(("utf-16", "utf-32")) else 1
        if dialect.longest_line * scale > options.max_line_bytes:
            raise line_too_long(
                self._path, options.max_line_bytes, dialect.longest_line_number or None
            )
        width = dialect.width
        named = width - 1 if dialect.trailing else width
        if dialect.header and dialect.records:
            first = dialect.records[0]
            physical = dedupe_columns((first + [""] * width)[:named])
        else:
            physical = numbered_columns(named)
        if dialect.trailing:
            physical.append(_TRAILING)
        self._physical = physical
        self.columns = [c for c in physical if c != _TRAILING]
        if len(self.columns) > options.max_columns:
            raise InputRejected(
                f"{len(self.columns)} columns, over the limit of {options.max_columns} "
                "(max_columns)",
                path=self._path,
            )
        # Text in an ASCII-compatible encoding always goes through CleanText (its clean path
        # runs at C speed): an undecodable line after the sniffed head must never reach
        # pyarrow, whose invalid-row handler cannot even be called with it.
        needs_cleaning = (
            not self._codec.startswith(("utf-16", "utf-32"))
            or head_junk
            or not dialect.simple_delimiter
            or dialect.escape is not None
            or dialect.comments
        )
        self._plan = self._make_plan(junk=True) if needs_cleaning else None
        self._cap = max(options.max_line_bytes + 2, _FIRST_BLOCK)
        longest = max((sum(len(f) for f in r) for r in dialect.records), default=0)
        self._block = min(max(_FIRST_BLOCK, 4 * (longest + width)), self._cap)

    # -- encoding decided on the good lines -----------------------------------------------------

    def _refine(self, encoding: Encoding, dialect: TextDialect) -> tuple[TextDialect, bool]:
        """Re-decide the encoding on the lines that are text, and re-sniff the cleaned head.

        The head sniffer falls back to CP1252 when any byte is not UTF-8, which junk lines
        always cause; here the junk lines are left out of the vote.
        """
        if self._forced_encoding or not (dialect.junk or self._codec in _SINGLE_BYTE):
            return dialect, bool(dialect.junk)
        head, complete = self._read_head()
        utf8_text = 0
        single_byte: list[bytes] = []
        for line in head.splitlines():
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                if CleanText.textual(line):
                    single_byte.append(line)
                continue
            if not line.isascii() and not is_junk_line(text):
                utf8_text += 1
        if self._codec in _SINGLE_BYTE and single_byte and not utf8_text:
            if self._codec != "cp1252" and _decodes(single_byte, "cp1252"):
                self._codec = self.encoding = "cp1252"  # latin-1 was for bytes of junk lines
        else:
            if self._codec in _SINGLE_BYTE:
                log.info("%s: the text lines are UTF-8; undecodable lines are junk", self._path)
            self._codec, self.encoding = "utf-8", "utf-8"
            if single_byte:
                self._fallback = "cp1252"  # UTF-8 and CP1252 lines: two exports concatenated
        plan = self._make_plan(junk=True, sniffing=True)
        cleaner = CleanText(io.BytesIO(head), plan, path=self._path, max_line_bytes=2**62, keep=0)
        text = cleaner.read().decode("utf-8")
        options = self._options
        again = sniff_table(text, complete, options.delimiter, options.header)
        junk = bool(dialect.junk) or cleaner.junk_count > 0
        if self._codec in _SINGLE_BYTE and not junk and self._codec == encoding.codec:
            return dialect, False
        return again, junk

    def _read_head(self) -> tuple[bytes, bool]:
        size = HEAD_BYTES
        while True:
            with self._open(None) as stream:
                head = stream.read(size + 1)
            if len(head) <= size or head.count(b"\n") >= 8 or size >= _MAX_HEAD:
                break
            size *= 4
        complete = len(head) <= size
        head = head[:size]
        if not complete:
            cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
            head = head[: cut + 1] if cut >= 0 else head
        return head, complete

    def _make_plan(self, junk: bool, sniffing: bool = False) -> TextPlan:
        """How to clean the stream; ``sniffing``: only decode and blank junk (for the head)."""
        d = self._dialect if not sniffing else None
        fallback = self._fallback or ("latin-1" if self._codec in _SINGLE_BYTE else "cp1252")
        return TextPlan(
            codec=self._codec,
            fallback=None if self._forced_encoding else fallback,
            junk=junk,
            delimiter=d.delimiter if d else ",",
            spaces=d.spaces if d else 0,
            quote=d.quote if d else '"',
            escape=d is not None and d.escape is not None,
            comments=d is not None and d.comments,
            split_once=d is not None and d.split_once,
            strict=self._forced_encoding,
        )

    # -- pyarrow pass ---------------------------------------------------------------------------

    def _stream(self, on_bytes: object, keep: int, fail: bool) -> BinaryIO:
        raw = self._open(on_bytes)
        if self._plan is None:
            return raw
        return CleanText(  # type: ignore[return-value]
            raw,
            self._plan,
            path=self._path,
            max_line_bytes=self._options.max_line_bytes,
            keep=keep,
            fail=fail,
        )

    def _arrow_batches(
        self,
        block: int,
        invalid: _Invalid,
        on_bytes: object,
        cleaners: list[CleanText],
        tally: Tally,
    ) -> Generator[pa.RecordBatch, None, None]:
        plan = self._plan
        codec = self._codec
        arrow_codec = "utf8" if plan or codec in ("utf-8", "utf-8-sig") else codec
        quote = self._dialect.quote
        read = pacsv.ReadOptions(
            column_names=self._physical,
            # pyarrow skips physical lines here, not quoted records: a header with a newline
            # inside a quoted name spans several.
            skip_rows=self._dialect.skip_lines,
            block_size=block,
            encoding=arrow_codec,
            use_threads=True,
        )
        parse = pacsv.ParseOptions(
            delimiter=plan.separator if plan else self._dialect.separator,
            quote_char=quote if quote else False,
            double_quote=True,
            escape_char=False,
            newlines_in_values=quote is not None,
            ignore_empty_lines=True,
            invalid_row_handler=invalid,
        )
        convert = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self._physical},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        with self._stream(on_bytes, tally.keep, tally.fail) as raw:
            if isinstance(raw, CleanText):
                cleaners.append(raw)
            stream = StoppableStream(raw)
            reader = pacsv.open_csv(
                stream, read_options=read, parse_options=parse, convert_options=convert
            )
            try:
                while True:
                    try:
                        batch = reader.read_next_batch()
                    except StopIteration:
                        return
                    yield batch
            finally:
                # Stopped early (a sample, an error), pyarrow's read-ahead must be over before
                # the stream closes, or its thread aborts or hangs the interpreter at exit: the
                # stream ends at once, and the few blocks already read ahead are drained.
                stream.stop()
                try:
                    while True:
                        reader.read_next_batch()
                except Exception:  # StopIteration, or the error that stopped the read
                    pass
                reader.close()
                stream.wait()

    def _finish(self, batch: pa.RecordBatch, cleaners: list[CleanText]) -> pa.RecordBatch:
        """Drop the trailing column, put escapes and delimiters back, trim padding."""
        trim = self._dialect.trim
        plan = self._plan
        if not (self._dialect.trailing or trim or (plan and (plan.escape or plan.translated))):
            return batch
        marks = cleaners[0].marks if cleaners else frozenset()
        arrays = [
            restore(batch.column(i), plan, trim, marks)
            for i, name in enumerate(self._physical)
            if name != _TRAILING
        ]
        return pa.RecordBatch.from_arrays(arrays, names=self.columns)

    def _drop_oversized(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, int]:
        limit = self._options.max_field_bytes
        mask = None
        for column in batch.columns:
            if column.nbytes <= limit:
                continue  # no single value can be longer than the whole column
            over = pc.fill_null(pc.greater(pc.binary_length(column), limit), False)
            mask = over if mask is None else pc.or_(mask, over)
        if mask is None:
            return batch, 0
        dropped = pc.sum(mask).as_py() or 0
        if not dropped:
            return batch, 0
        return batch.filter(pc.invert(mask)), dropped

    def iter_batches(self, tally: Tally, on_bytes: object = None) -> Iterator[pa.RecordBatch]:
        fail = tally.fail
        preamble = self._dialect.preamble
        if fail and preamble:
            raise InputError(
                "malformed row (a line before the data that is not a record of the table)",
                path=self._path,
                line=preamble[0],
            )
        emitted = 0
        block = self._block
        grown_past_cap = False
        while True:
            invalid = _Invalid()
            oversized = 0
            produced = 0
            cleaners: list[CleanText] = []
            batches = self._arrow_batches(block, invalid, on_bytes, cleaners, tally)
            try:
                try:
                    for batch in batches:
                        batch, dropped = self._drop_oversized(batch)
                        oversized += dropped
                        if fail and (invalid.count or oversized):
                            raise self._first_error()
                        if produced + batch.num_rows <= emitted:
                            produced += batch.num_rows  # already handed out before a retry
                            continue
                        if produced < emitted:
                            batch = batch.slice(emitted - produced)
                            produced = emitted
                        produced += batch.num_rows
                        emitted = produced
                        tally.rows += batch.num_rows
                        yield self._finish(batch, cleaners)
                finally:
                    # Closed now, not when a traceback's frames are collected (maybe at exit,
                    # with pyarrow's read-ahead still running).
                    batches.close()
                break
            except (pa.ArrowException, UnicodeDecodeError) as error:
                message = str(error)  # may quote the file: inspected, never passed on
                undecodable = isinstance(error, UnicodeDecodeError) or "UTF8" in message
                if "straddl" in message:
                    if block < self._cap:
                        block = min(block * 4, self._cap)
                        log.debug("%s: a row exceeds the block size, retrying", self._path)
                        continue
                    if not grown_past_cap:
                        self._refuse_long_line()
                        grown_past_cap = True
                        block = 2 * self._cap  # a quoted record over several short lines
                        continue
                    raise InputRejected(
                        f"a quoted record spans more than {2 * self._cap} bytes (max_line_bytes)",
                        path=self._path,
                    ) from None
                if undecodable and self._plan is None and not self._forced_encoding:
                    # Not the sniffed encoding after the head: read again line by line.
                    if self._codec in ("utf-8", "utf-8-sig"):
                        self._fallback = "cp1252"
                    self._plan = self._make_plan(junk=False)
                    log.info("%s: undecodable lines after the sniffed head", self._path)
                    continue
                if undecodable:
                    raise decode_error(self._path, self._codec) from None
                raise InputError("cannot parse as delimited text", path=self._path) from None
        cleaner = cleaners[0] if cleaners else None
        plan = self._plan
        if cleaner and plan and plan.fallback and cleaner.fallback_lines and not cleaner.nonascii:
            if self._codec in ("utf-8", "utf-8-sig"):
                self.encoding = plan.fallback  # ASCII and CP1252 lines: a CP1252 file
        junk = cleaner.junk_count if cleaner else 0
        bad = invalid.count + oversized
        tally.malformed += len(preamble) + junk + bad
        lines = list(preamble) + (cleaner.junk_lines if cleaner else [])
        if bad:
            lines += [line for line, _ in self.find_bad_lines(min(bad, tally.keep))]
        tally.lines.extend(sorted(lines)[: max(tally.keep - len(tally.lines), 0)])

    def _refuse_long_line(self) -> None:
        """Raise naming the first physical line over max_line_bytes, if there is one."""
        limit = self._options.max_line_bytes
        scale = 2 if self._codec.startswith(("utf-16", "utf-32")) else 1
        run = 0
        line = 1
        with self._open(None) as raw:
            while True:
                chunk = raw.read(2**20)
                if not chunk:
                    return
                first = _first_break(chunk)
                if first < 0:
                    run += len(chunk)
                    if run > limit * scale:
                        raise line_too_long(self._path, limit, line)
                    continue
                if run + first > limit * scale:
                    raise line_too_long(self._path, limit, line)
                last = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
                line += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
                run = len(chunk) - last - 1

    # -- line numbers of malformed rows ---------------------------------------------------------

    def _first_error(self) -> InputError:
        found = self.find_bad_lines(1)
        if not found:
            return InputError("malformed row", path=self._path)
        line, column = found[0]
        return InputError(
            "malformed row (wrong number of fields or a field over max_field_bytes)",
            path=self._path,
            line=line,
            column=column,
        )

    def _text(self, raw: BinaryIO) -> tuple[io.TextIOWrapper, CleanText | None]:
        if self._plan is None:
            return text_stream(raw, self._codec), None
        cleaner = CleanText(
            raw, self._plan, path=self._path, max_line_bytes=self._options.max_line_bytes, keep=0
        )
        return io.TextIOWrapper(cleaner, encoding="utf-8", newline=""), cleaner  # type: ignore[arg-type]

    def find_bad_lines(self, want: int) -> list[tuple[int, int | None]]:
        """Physical line (and field) of the first ``want`` malformed records."""
        if want <= 0:
            return []
        limit = self._options.max_field_bytes
        allow_big_fields()
        width = len(self._physical)
        skip = self._dialect.skip_lines
        quote = self._dialect.quote
        sep = self._plan.separator if self._plan else self._dialect.separator
        found: list[tuple[int, int | None]] = []
        with self._open(None) as raw:
            text, cleaner = self._text(raw)
            with text:
                if quote is None:
                    reader = csv.reader(text, delimiter=sep, quoting=csv.QUOTE_NONE, strict=False)
                else:
                    reader = csv.reader(text, delimiter=sep, quotechar=quote, strict=False)
                next_line = 1
                try:
                    for record in reader:
                        start, next_line = next_line, reader.line_num + 1
                        if start <= skip or not record:
                            continue
                        column: int | None = None
                        if len(record) != width:
                            column = min(len(record), width) + 1
                        else:
                            for i, value in enumerate(record, start=1):
                                if len(value) * 4 > limit and len(value.encode("utf-8")) > limit:
                                    column = i
                                    break
                        if column is not None:
                            line = cleaner.input_line(start) if cleaner else start
                            found.append((line, column))
                            if len(found) >= want:
                                break
                except (csv.Error, UnicodeDecodeError):
                    pass
        return found


def _decodes(lines: list[bytes], codec: str) -> bool:
    try:
        for line in lines:
            line.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _first_break(chunk: bytes) -> int:
    n, r = chunk.find(b"\n"), chunk.find(b"\r")
    if n < 0:
        return r
    if r < 0:
        return n
    return min(n, r)
