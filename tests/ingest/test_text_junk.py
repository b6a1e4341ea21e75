"""Binary junk between the lines of a text file: counted where it is, the rest read as text."""

from __future__ import annotations

import logging
import random

import pytest
from ingest_corpus import PLANTED, Maker

from leaktriage.errors import InputError
from leaktriage.ingest import IngestOptions, open_input

HEADER = "dni,nombre,email,ciudad"


def good_line(i: int) -> str:
    return f"{40000000 + i},José Ñúñez {i},u{i}@correo.pe,Piñas"


def junk_line(rng: random.Random, kind: int) -> bytes:
    """Binary junk of three kinds, never a line break; each holds the planted value."""
    planted = PLANTED.encode()
    if kind == 0:  # random bytes
        body = bytes(rng.choice([b for b in range(256) if b not in (10, 13)]) for _ in range(60))
    elif kind == 1:  # NULs (UTF-16 or a blob dumped raw)
        body = b"\x00".join(planted[i : i + 2] for i in range(0, len(planted), 2))
    else:  # not UTF-8 and not text in any single-byte code page either
        body = b"\xff\xfe\xfa\xfb" * 10 + b'"' + planted
    return planted + b"," + body if kind != 1 else body


def junky_file(n: int, every: int, seed: int = 11) -> tuple[bytes, list[int], int]:
    """``n`` good rows with a junk line after every ``every``-th: bytes, junk lines, rows."""
    rng = random.Random(seed)
    lines = [HEADER.encode()]
    junk = []
    for i in range(n):
        lines.append(good_line(i).encode())
        if i % every == every - 1:
            lines.append(junk_line(rng, len(junk) % 3))
            junk.append(len(lines))
    return b"\n".join(lines) + b"\n", junk, n


def test_five_percent_junk_lines_are_malformed_rows_and_the_rest_is_utf8(
    make: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data, junk, n = junky_file(400, 20)
    with open_input(make("junky.csv", data)) as reader:
        rows = reader.batches().read_all().to_pylist()
        report = reader.report
    assert report.encoding == "utf-8"  # decided on the good lines, not flipped by the junk
    assert report.columns == ["dni", "nombre", "email", "ciudad"]
    assert len(rows) == n == report.rows
    assert rows[7] == {
        "dni": "40000007",
        "nombre": "José Ñúñez 7",
        "email": "u7@correo.pe",
        "ciudad": "Piñas",
    }
    assert report.malformed_rows == len(junk)
    assert report.malformed_lines == junk
    assert PLANTED not in caplog.text


def test_junk_after_the_sniffed_head_is_found_without_duplicating_rows(make: Maker) -> None:
    head = "\n".join([HEADER] + [good_line(i) for i in range(8000)]) + "\n"  # > 256 KiB
    rng = random.Random(3)
    tail = [
        junk_line(rng, 0),
        good_line(8000).encode(),
        junk_line(rng, 2),
        good_line(8001).encode(),
    ]
    data = head.encode() + b"\n".join(tail) + b"\n"
    with open_input(make("late.csv", data)) as reader:
        dnis = [v for b in reader.batches() for v in b.column("dni").to_pylist()]
        report = reader.report
    assert dnis == [str(40000000 + i) for i in range(8002)]
    assert report.malformed_rows == 2
    assert report.malformed_lines == [8002, 8004]
    assert report.encoding == "utf-8"


def test_a_cp1252_line_in_a_utf8_file_is_read_not_lost(make: Maker) -> None:
    lines = [HEADER.encode()] + [good_line(i).encode() for i in range(50)]
    lines.insert(20, "40009999,Muñoz Peña,m@correo.pe,Cañete".encode("cp1252"))
    with open_input(make("mixed.csv", b"\n".join(lines) + b"\n")) as reader:
        rows = reader.batches().read_all().to_pylist()
        report = reader.report
    assert len(rows) == 51 and report.malformed_rows == 0
    assert rows[19]["nombre"] == "Muñoz Peña" and rows[0]["nombre"] == "José Ñúñez 0"


def test_fail_mode_names_the_junk_line_never_its_bytes(
    make: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data, junk, _ = junky_file(100, 30)
    path = make("junky.csv", data)
    with pytest.raises(InputError) as caught:
        with open_input(path, IngestOptions(on_error="fail")) as reader:
            reader.batches().read_all()
    assert caught.value.line == junk[0]
    assert PLANTED not in str(caught.value) and PLANTED not in caplog.text


@pytest.mark.parametrize(
    "separator",
    [
        pytest.param(":", id="colon"),
        pytest.param(";", id="semicolon"),
        pytest.param("|", id="pipe"),
        pytest.param("\t", id="tab"),
        pytest.param("||", id="double-pipe"),
    ],
)
def test_junk_lines_in_a_combolist(make: Maker, separator: str) -> None:
    rng = random.Random(5)
    lines: list[bytes] = []
    junk = []
    for i in range(200):
        lines.append(f"u{i}@correo.pe{separator}9{i:08d}{separator}Ana Rojas".encode())
        if i % 25 == 24:
            lines.append(junk_line(rng, i % 3))
            junk.append(len(lines))
    with open_input(make("combo.txt", b"\n".join(lines) + b"\n")) as reader:
        rows = reader.batches().read_all().to_pylist()
        report = reader.report
    assert report.delimiter == separator and len(rows) == 200
    assert report.malformed_lines == junk
