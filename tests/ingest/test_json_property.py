"""Property tests: random JSON (weird keys, deep nesting, huge numbers) and random bytes that
start like JSON reach the reader; only the error tree may come out, in bounded time and memory."""

from __future__ import annotations

import json
import resource
import time
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaktriage.errors import InputError, InputRejected
from leaktriage.ingest import IngestOptions, open_input

LIMIT = 64


class Raw(str):
    """A number token written as is (``1E400``, ``-0``)."""


KEYS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "\x00", '"', "'", ".", "a.b", "a", "A", "$oid", "$date", "k" * 300]),
)
NUMBERS = st.one_of(
    st.integers().map(lambda i: Raw(i)),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: Raw(repr(f))),
    st.sampled_from(["1E400", "-0", "1e-400", "9" * 60, "1e999999999999999999999", "-0.0"]).map(
        Raw
    ),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.text(max_size=30), NUMBERS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.lists(st.tuples(KEYS, inner), max_size=4),
    max_leaves=25,
)


def write(value: Any, indent: bool) -> str:
    """JSON text of ``value``: lists of pairs are objects (duplicate keys kept), Raw is raw."""
    space = "\n  " if indent else ""
    if isinstance(value, Raw):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if value and all(isinstance(v, tuple) for v in value):
        return (
            "{" + ("," + space).join(f"{json.dumps(k)}: {write(v, indent)}" for k, v in value) + "}"
        )
    if value and isinstance(value, tuple):
        return write([value], indent)
    return "[" + ("," + space).join(write(v, indent) for v in value) + "]"


def depth(value: Any) -> int:
    if isinstance(value, Raw | str | bool) or value is None:
        return 0
    if value and all(isinstance(v, tuple) for v in value):
        return 1 + max((depth(v) for _, v in value), default=0)
    return 1 + max((depth(v) for v in value), default=0)


def deepen(value: Any, levels: int, kind: str) -> Any:
    for _ in range(levels):
        value = [value] if kind == "array" else [("a", value)]
    return value


DOCUMENTS = st.tuples(
    st.lists(VALUES, min_size=1, max_size=6),
    st.integers(min_value=0, max_value=90),
    st.sampled_from(["array", "object"]),
    st.sampled_from(["array", "wrapper", "lines", "single"]),
    st.booleans(),
)

_names = count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("json-property")


def _read(path: Path) -> int:
    start = time.perf_counter()
    try:
        with open_input(path, IngestOptions(max_field_bytes=4096)) as reader:
            rows = reader.batches().read_all().num_rows
    finally:
        assert time.perf_counter() - start < 10
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2**20  # KiB: under 1 GiB
    return rows


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(DOCUMENTS)
def test_random_json_reads_or_raises_the_error_tree(folder: Path, document: tuple) -> None:
    records, levels, kind, shape, indent = document
    records = [deepen(records[0], levels, kind), *records[1:]]
    if shape == "lines":
        text = "\n".join(write(r, False) for r in records) + "\n"
        name = "r.jsonl"
    elif shape == "wrapper":
        text = write([("meta", [("n", Raw(len(records)))]), ("data", records)], indent)
        name = "r.json"
    elif shape == "single":
        text = write(records[0], indent)
        name = "r.json"
    else:
        text = write(records, indent)
        name = "r.json"
    path = folder / f"{next(_names)}-{name}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    # What the limit sees: the records, plus one level for their array (or wrapper + array).
    extra = {"array": 1, "wrapper": 2, "lines": 0, "single": 0}[shape]
    deepest = max(depth(r) for r in records) + extra
    try:
        rows = _read(path)
    except InputRejected as error:
        if deepest > LIMIT:
            assert "max_json_depth" in error.reason
        return
    except InputError:
        assert deepest <= LIMIT  # deeper input must be refused as too deep, not as broken
        return
    assert deepest <= LIMIT
    if shape in ("array", "wrapper"):
        assert rows == len(records)  # every item is a row (objects by key, others as value)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([b"{", b"[", b'{"a": ', b"[{", b'[{"a": "', b"[" * 20_000, b'{"a":' * 20_000]),
    st.one_of(st.binary(max_size=3000), st.text(max_size=1000).map(lambda t: t.encode())),
)
def test_random_bytes_after_a_json_start(
    tmp_path_factory: pytest.TempPathFactory, start: bytes, tail: bytes
) -> None:
    path = tmp_path_factory.getbasetemp() / f"junk-{next(_names)}.json"
    path.write_bytes(start + tail)
    try:
        _read(path)
    except InputError:
        pass
    finally:
        path.unlink()


def _outcome(path: Path) -> tuple:
    try:
        with open_input(path) as reader:
            rows = reader.batches().read_all().to_pylist()
            report = reader.report
            return ("read", rows, report.malformed_rows, report.malformed_lines, report.complete)
    except InputError as error:
        return ("error", type(error).__name__, error.line, error.column, error.reason)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(VALUES, min_size=1, max_size=8),
    st.sampled_from(["array", "wrapper", "values", "lines"]),
    st.booleans(),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=1, max_value=97),
)
def test_chunk_size_changes_nothing(
    folder: Path, records: list, shape: str, indent: bool, cut: int, chunk: int
) -> None:
    """Records, damage and their lines do not depend on where the scanner's chunks (or the
    JSON Lines blocks) end."""
    from leaktriage.ingest import _jsonlines, _jsonscan

    if shape == "lines":
        text = "\n".join(write(r, False) for r in records) + "\n"
    elif shape == "values":
        text = "\n".join(write([("r", r)], indent) for r in records)
    elif shape == "wrapper":
        text = write([("meta", [("n", Raw(1))]), ("data", records)], indent)
    else:
        text = write(records, indent)
    if cut:  # damage: cut the text short, or splice a stray byte in
        text = text[: len(text) - cut] if cut % 2 else text[:cut] + "}" + text[cut:]
    path = folder / f"{next(_names)}-chunks.{'jsonl' if shape == 'lines' else 'json'}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    expected = _outcome(path)
    default = _jsonscan.CHUNK_BYTES, _jsonlines.BLOCK_BYTES
    try:
        _jsonscan.CHUNK_BYTES = _jsonlines.BLOCK_BYTES = chunk
        assert _outcome(path) == expected
    finally:
        _jsonscan.CHUNK_BYTES, _jsonlines.BLOCK_BYTES = default
