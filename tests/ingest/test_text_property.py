"""Property: any bytes given to the text reader end in rows or in the error tree, quickly.

Random bytes, and random lines built from the characters that steer the sniffer and the
cleaner (delimiters, quotes, backslashes, line breaks, NULs, invalid UTF-8, a BOM), with a
planted value that must never reach a message or a log record. A Python exception outside the
tree, a warning (pyarrow reporting an exception in its invalid-row handler), a run over a few
seconds or a leaked value fails.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_corpus import PLANTED

from leaktriage.errors import LeakTriageError
from leaktriage.ingest import IngestOptions, open_input

PIECES = [
    "a",
    "Ñú",
    "12",
    "u@x.pe",
    "2024-01-01 10:00",
    " ",
    "  ",
    ",",
    ";",
    ":",
    "|",
    "||",
    "\t",
    '"',
    "'",
    "\\",
    "\\N",
    "#",
    "sep=;",
    "----",
    PLANTED,
]
RAW_PIECES = [b"\n", b"\r\n", b"\r", b"\x00", b"\xff\xfe", b"\xe9", b"\xef\xbb\xbf", b"\x01\x02"]

lines = st.lists(
    st.one_of(
        st.sampled_from(PIECES).map(str.encode),
        st.sampled_from(RAW_PIECES),
        st.binary(max_size=12),
    ),
    max_size=40,
).map(b"".join)
documents = st.one_of(
    st.binary(max_size=3000),
    st.lists(lines, min_size=1, max_size=60).map(b"\n".join),
)


def _read(path: Path, options: IngestOptions) -> None:
    try:
        with open_input(path, options) as reader:
            reader.sample(50)
            reader.batches().read_all()
    except LeakTriageError as error:
        assert PLANTED not in str(error)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=documents,
    fail=st.booleans(),
    max_line=st.sampled_from([64 * 2**20, 40]),
)
def test_random_text_ends_in_rows_or_the_error_tree(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, data: bytes, fail: bool, max_line: int
) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "random.txt"
    path.write_bytes(data)
    options = IngestOptions(on_error="fail" if fail else "skip", max_line_bytes=max_line)
    started = time.monotonic()
    _read(path, options)
    assert time.monotonic() - started < 5
    assert PLANTED not in caplog.text
