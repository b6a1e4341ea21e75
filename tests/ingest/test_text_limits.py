"""Limits of delimited text: column count and physical line length refused early, by name."""

from __future__ import annotations

import time

import pytest
from ingest_corpus import PLANTED, Maker

from leaktriage.errors import InputRejected
from leaktriage.ingest import IngestOptions, open_input


def read_all(path, options: IngestOptions | None = None):  # noqa: ANN001, ANN201
    with open_input(path, options) as reader:
        table = reader.batches().read_all()
        return table, reader.report


@pytest.mark.parametrize(
    "width", [pytest.param(5_000, id="5k-columns"), pytest.param(100_000, id="100k-columns")]
)
def test_too_many_columns_are_refused_naming_max_columns(make: Maker, width: int) -> None:
    header = ",".join(f"c{i}" for i in range(width))
    rows = "".join(",".join(str(r) for _ in range(width)) + "\n" for r in range(3))
    path = make("wide.csv", header + "\n" + rows)
    started = time.monotonic()
    with pytest.raises(InputRejected, match="max_columns") as caught:
        read_all(path)
    assert time.monotonic() - started < 30
    assert f"{width} columns" in str(caught.value)


def test_columns_up_to_the_limit_are_read_one_more_is_not(make: Maker) -> None:
    header = ",".join(f"c{i}" for i in range(1024))
    table, _ = read_all(make("w.csv", header + "\n" + ",".join("v" * 1024) + "\n"))
    assert table.num_columns == 1024
    with pytest.raises(InputRejected, match="max_columns"):
        read_all(make("w.csv", header + ",x\n" + ",".join("v" * 1025) + "\n"))


@pytest.mark.parametrize(
    ("lines", "bad_line"),
    [
        pytest.param(["id,nota", "1,corta", f"2,{PLANTED}{'x' * 5000}", "3,fin"], 3, id="in-head"),
        pytest.param(
            ["id,nota"] + [f"{i},fila" for i in range(60_000)] + [f"x,{'y' * 5000}"],
            60_002,
            id="after-the-head",
        ),
        pytest.param(["id,nota", "1,corta", "2," + "z" * 5000], 3, id="last-line-no-newline"),
    ],
)
def test_a_line_over_max_line_bytes_is_refused(
    make: Maker, lines: list[str], bad_line: int
) -> None:
    path = make("long.csv", "\n".join(lines))
    with pytest.raises(InputRejected, match="max_line_bytes") as caught:
        read_all(path, IngestOptions(max_line_bytes=1000))
    assert caught.value.line == bad_line
    assert PLANTED not in str(caught.value)


def test_lines_up_to_max_line_bytes_are_read_one_byte_more_is_not(make: Maker) -> None:
    value = "v" * 998  # "1," + 998 = 1000 bytes
    limit = IngestOptions(max_line_bytes=1000)
    table, report = read_all(make("ok.csv", f"id,nota\r\n1,{value}\r\n2,b\r\n"), limit)
    assert report.rows == 2 and table.column("nota")[0].as_py() == value
    with pytest.raises(InputRejected, match="max_line_bytes"):
        read_all(make("no.csv", f"id,nota\r\n1,{value}v\r\n2,b\r\n"), limit)


@pytest.mark.parametrize(
    "prefix",
    [pytest.param("", id="single-line"), pytest.param("id,nota\n1,a\n2,b\n", id="after-rows")],
)
def test_a_huge_line_is_refused_quickly(make: Maker, prefix: str) -> None:
    """The 1 GB single line of the issue, scaled: 40 MiB against a 2 MiB limit."""
    path = make("huge.csv", prefix.encode() + b"abcdefgh" * (5 * 2**20) + b"\n")
    started = time.monotonic()
    with pytest.raises(InputRejected, match="max_line_bytes"):
        read_all(path, IngestOptions(max_line_bytes=2 * 2**20))
    assert time.monotonic() - started < 30


def test_a_huge_line_on_the_default_limits_path(make: Maker) -> None:
    """With a limit above pyarrow's first block the limit is still exact to the line."""
    limit = 9 * 2**20
    ok = "1," + "a" * (limit - 2)
    path = make("big.csv", "id,nota\n" + ok + "\n2," + "b" * limit + "\n3,c\n")
    with pytest.raises(InputRejected, match="max_line_bytes") as caught:
        read_all(path, IngestOptions(max_line_bytes=limit))
    assert caught.value.line == 3
