"""Property tests: random bytes and random (nested, damaged) archives through a full read.

Whatever the input, ``open_input`` followed by a sample, a full read and the report either
works or raises an error of the tree (:class:`LeakTriageError`), never anything else; it
stays within its limits (small ones here, so that breaking them is likely) and time; and no
message carries the planted value. 200 examples per property by default (the whole file in
well under a minute on 2 loaded cores); for a longer fuzzing run::

    LEAKTRIAGE_FUZZ_EXAMPLES=2000 pytest tests/ingest/test_properties.py
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_corpus import PLANTED, archive

from leaktriage.errors import LeakTriageError
from leaktriage.ingest import IngestOptions, open_input

EXAMPLES = int(os.environ.get("LEAKTRIAGE_FUZZ_EXAMPLES", "200"))
#: Per example: generous for a loaded 2-core machine; a hang or a bomb takes far longer.
MAX_SECONDS = 20.0
LIMITS = IngestOptions(
    max_input_bytes=8 * 2**20,
    max_members=40,
    max_field_bytes=64 * 2**10,
    batch_rows=512,
)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 200,  # the quick run is reproducible; a fuzzing run explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAGIC = [
    b"",
    b"\x1f\x8b\x08\x00",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"7z\xbc\xaf\x27\x1c",
    b"\xfd7zXZ\x00",
    b"BZh9",
    b"PAR1",
    b"ustar",
    b"[{",
    b"INSERT INTO t VALUES (",
    b"\xef\xbb\xbfa,b\n",
]
NAMES = st.sampled_from(
    [
        "data.csv",
        "a/b/people.csv",
        "x.jsonl",
        "dump.sql",
        "../escape.csv",
        "/abs/path.csv",
        ".hidden",
        "__MACOSX/._data.csv",
        "dir/",
        "nested.zip",
        "n\u00e9.tsv",
        "inner.gz",
    ]
)


def _text_tables() -> st.SearchStrategy[bytes]:
    cell = st.one_of(
        st.just(PLANTED),
        st.text(alphabet="abc,;|\t\"'\\ \n:{}[]0123456789", max_size=12),
        st.from_regex(r"519\d{8}", fullmatch=True),
    )
    row = st.lists(cell, min_size=1, max_size=6)
    sep = st.sampled_from([",", ";", "\t", "|", ":"])
    return st.builds(
        lambda rows, s: "\n".join(s.join(r) for r in rows).encode(),
        st.lists(row, min_size=0, max_size=30),
        sep,
    )


def _leaves() -> st.SearchStrategy[bytes]:
    junk = st.builds(lambda m, b: m + b, st.sampled_from(MAGIC), st.binary(max_size=600))
    # Up to 1.2 MB of one line: over the ratio once compressed (past the 1 MiB grace).
    repetitive = st.builds(
        lambda n: b"a,b\n" + b"0,1\n" * n, st.sampled_from([0, 1, 50, 5000, 300_000])
    )
    jsonish = st.sampled_from(
        [
            b'[{"a": 1}, {"a": "' + PLANTED.encode() + b'"}]',
            b"[" * 500,
            b'{"": 1, "\\u0000": 2}',
            b'["a@b.pe", "c@d.pe"]',
            b'{"a": 1E400}\n{"a": 2}\n',
        ]
    )
    return st.one_of(_text_tables(), junk, repetitive, jsonish)


def _wrap(kind: str, members: dict[str, bytes]) -> bytes:
    if kind in ("gz", "bz2", "xz"):
        data = next(iter(members.values()), b"")
        return {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](data)
    if kind == "7z":  # py7zr refuses to write unsafe names (other writers do not)
        members = {k: v for k, v in members.items() if ".." not in k and not k.startswith("/")}
    return archive(kind, members)


KINDS = st.sampled_from(["zip", "tar", "tar.gz", "tar.xz", "7z", "gz", "bz2", "xz"])


def _containers() -> st.SearchStrategy[bytes]:
    return st.recursive(
        _leaves(),
        lambda inner: st.builds(
            _wrap, KINDS, st.dictionaries(NAMES, inner, min_size=0, max_size=4)
        ),
        max_leaves=8,
    )


def _damage(data: bytes, how: str, where: float, byte: int) -> bytes:
    if not data or how == "none":
        return data
    at = int(where * (len(data) - 1))
    if how == "truncate":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ (byte or 1)]) + data[at + 1 :]
    return data[:at] + bytes([byte]) * 64 + data[at:]  # insert


DAMAGE = st.sampled_from(["none", "none", "truncate", "flip", "insert"])


def _read_fully(path: Path, options: IngestOptions = LIMITS) -> dict[str, Any] | None:
    """Open and read everything; returns the report, or ``None`` when refused as it should."""
    started = time.monotonic()
    try:
        with open_input(path, options) as reader:
            reader.sample(20)
            rows = sum(batch.num_rows for batch in reader.batches())
            report = reader.report.input_json()
            assert report["rows"] == rows
            return report
    except LeakTriageError as error:
        assert PLANTED not in str(error)
        return None
    finally:
        assert time.monotonic() - started < MAX_SECONDS


@FUZZ
@given(data=st.builds(lambda m, b: m + b, st.sampled_from(MAGIC), st.binary(max_size=4096)))
def test_random_bytes(tmp_path_factory: Any, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "input.bin"
    path.write_bytes(data)
    _read_fully(path)


@FUZZ
@given(
    data=_containers(),
    how=DAMAGE,
    where=st.floats(0, 1),
    byte=st.integers(0, 255),
)
def test_random_nested_damaged_archives(
    tmp_path_factory: Any, data: bytes, how: str, where: float, byte: int
) -> None:
    root = tmp_path_factory.mktemp("arch")
    path = root / "input.bin"
    path.write_bytes(_damage(data, how, where, byte))
    work = root / "work"
    report = _read_fully(path, replace(LIMITS, work_dir=str(work)))
    if report is not None:
        assert report["rows"] >= 0
    # Nothing spooled outlives the read.
    assert not work.exists() or list(work.iterdir()) == []
