"""Delimited text the way it really comes: combolists, odd delimiters, quoting, escapes, preambles.

Every case is read through :func:`open_input` and checked row for row against the values that
were written, so a layout that is only partly understood (a third of the rows, values with
quotes or padding left on) fails.
"""

from __future__ import annotations

import random

import pytest
from ingest_corpus import Maker

from leaktriage.classify import classify_columns
from leaktriage.ingest import open_input

GIVEN = ["Juan", "Maria", "Jose", "Rosa", "Luis", "Carmen", "Carlos", "Ana", "Jorge", "Luz"]
SURNAMES = ["Quispe", "Flores", "Mamani", "Rojas", "Garcia", "Huaman", "Sanchez", "Torres"]


def people(n: int = 60, seed: int = 5) -> list[list[str]]:
    """Synthetic combolist records: e-mail, mobile number, DNI, full name."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        given, first, second = rng.choice(GIVEN), rng.choice(SURNAMES), rng.choice(SURNAMES)
        out.append(
            [
                f"{given.lower()}.{first.lower()}{i}@correo.pe",
                f"9{rng.randrange(10**8):08d}",
                f"{rng.randrange(10**7, 10**8)}",
                f"{given} {first} {second}",
            ]
        )
    return out


HEADER = ["email", "telefono", "dni", "nombre"]
BANNER = "Leaked by GroupX - t.me/groupx_leaks\n"


def joined(records: list[list[str]], sep: str, quote: str = "", end: str = "\n") -> str:
    return "".join(sep.join(f"{quote}{v}{quote}" for v in r) + end for r in records)


def read(path, **kw):  # noqa: ANN001, ANN201
    with open_input(path) as reader:
        table = reader.batches().read_all()
        return [list(r.values()) for r in table.to_pylist()], reader.report


ROWS = people()


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        pytest.param(joined(ROWS, ":"), ":", id="colon-combolist"),
        pytest.param(joined(ROWS, "||"), "||", id="double-pipe"),
        pytest.param(joined(ROWS, ";;"), ";;", id="double-semicolon"),
        pytest.param(joined(ROWS, ":::"), ":::", id="triple-colon"),
        pytest.param(joined(ROWS, ", "), ",", id="comma-space"),  # ", " would do as well
        pytest.param(joined(ROWS, ", ", '"'), ", ", id="comma-space-double-quoted"),
        pytest.param(joined(ROWS, ",", "'"), ",", id="single-quoted"),
        pytest.param(joined(ROWS, ", ", "'"), ", ", id="comma-space-single-quoted"),
        pytest.param(joined(ROWS, "   "), " ", id="space-runs"),
        pytest.param(joined(ROWS, ":", end="\r\n"), ":", id="colon-crlf"),
        pytest.param(joined(ROWS, ":", end="\r"), ":", id="colon-cr-only"),
        pytest.param(joined(ROWS, ":").rstrip("\n"), ":", id="no-final-newline"),
    ],
)
def test_headerless_layouts_are_read_whole(make: Maker, text: str, delimiter: str) -> None:
    rows, report = read(make("combo.txt", text))
    assert report.delimiter == delimiter
    assert report.header is False
    assert report.columns == ["col_1", "col_2", "col_3", "col_4"]
    assert rows == ROWS
    assert report.malformed_rows == 0


def test_combolist_columns_are_typed_from_values(make: Maker) -> None:
    with open_input(make("combo.txt", joined(people(300), ":"))) as reader:
        guesses = classify_columns(reader.sample(500))
    assert [g.type for g in guesses] == ["email", "msisdn", "national_id", "full_name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "".join(f"u{i}@correo.pe:clave{i}{'   ' if i % 3 == 0 else ''}\n" for i in range(40)),
            [[f"u{i}@correo.pe", f"clave{i}"] for i in range(40)],
            id="trailing-spaces-on-some-lines",
        ),
        pytest.param(
            "".join(f"u{i}@correo.pe:cl{':' if i % 7 == 0 else ''}ave{i}\n" for i in range(40)),
            [[f"u{i}@correo.pe", f"cl{':' if i % 7 == 0 else ''}ave{i}"] for i in range(40)],
            id="colon-inside-the-password",
        ),
    ],
)
def test_email_password_combolists(make: Maker, text: str, expected: list[list[str]]) -> None:
    rows, report = read(make("emailpass.txt", text))
    assert report.delimiter == ":"
    assert rows == expected
    assert report.malformed_rows == 0


def _mysql_outfile(n: int) -> tuple[str, list[list[str | None]]]:
    """``SELECT ... INTO OUTFILE`` defaults: tab-separated, backslash escapes, ``\\N`` null."""
    lines, expected = [], []
    for i in range(n):
        lines.append(f"{i}\tQuispe\\tRojas\t\\N\tline one\\\nline two\tO\\\\Brien\\'s\n")
        expected.append([str(i), "Quispe\tRojas", None, "line one\nline two", "O\\Brien's"])
    return "".join(lines), expected


def _mysql_enclosed(n: int) -> tuple[str, list[list[str | None]]]:
    """``FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"'``: ``\\,`` and ``\\"`` escapes."""
    lines, expected = [], []
    for i in range(n):
        lines.append(f'{i},"Rojas\\, Ana",\\N,"dijo \\"hola\\"",a\\,b\n')
        expected.append([str(i), "Rojas, Ana", None, 'dijo "hola"', "a,b"])
    return "".join(lines), expected


@pytest.mark.parametrize(
    "build",
    [pytest.param(_mysql_outfile, id="outfile-tab"), pytest.param(_mysql_enclosed, id="enclosed")],
)
def test_backslash_escapes(make: Maker, build) -> None:  # noqa: ANN001
    text, expected = build(50)
    rows, report = read(make("outfile.txt", text))
    assert rows == expected
    assert report.malformed_rows == 0


def test_line_numbers_stay_physical_after_escaped_newlines(make: Maker) -> None:
    text = "1\ta\\\nb\tx\n2\tshort\n3\tc\\\nd\\\ne\ty\n4\tonly\n5\tf\tz\n"
    rows, report = read(make("outfile.txt", text))
    assert [r[0] for r in rows] == ["1", "3", "5"]
    assert report.malformed_lines == [3, 7]


@pytest.mark.parametrize(
    ("text", "preamble"),
    [
        pytest.param(
            "Leaked by GroupX - t.me/groupx_leaks\n" + joined([HEADER], ",") + joined(ROWS, ","),
            [1],
            id="banner-then-header",
        ),
        pytest.param("email,telefono\n" + joined(ROWS, ","), [1], id="header-with-fewer-fields"),
        pytest.param(
            "email,telefono,dni,nombre,extra,otro\n" + joined(ROWS, ","),
            [1],
            id="header-with-more-fields",
        ),
        pytest.param(
            "em\x00ail,tele\x01fo\x02no,d\x03ni,nombre\n" + joined(ROWS, ","),
            [1],
            id="header-with-binary",
        ),
    ],
)
def test_polluted_first_lines_keep_the_data(make: Maker, text: str, preamble: list[int]) -> None:
    rows, report = read(make("polluted.csv", text))
    assert rows == ROWS
    assert report.malformed_rows == len(preamble)
    assert report.malformed_lines == preamble
    expected = HEADER if text.startswith("Leaked") else ["col_1", "col_2", "col_3", "col_4"]
    assert report.columns == expected


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        pytest.param("\ufeff" + BANNER + joined([HEADER, *ROWS], ","), HEADER, id="utf8-bom"),
        pytest.param(BANNER + joined([HEADER, *ROWS], ",", end="\r\n"), HEADER, id="crlf"),
        pytest.param(BANNER + joined([HEADER, *ROWS], ",", end="\r"), HEADER, id="cr-only"),
        pytest.param(joined([HEADER, *ROWS], ",", end=",\n"), HEADER, id="trailing-delimiter"),
        pytest.param(
            joined([HEADER], ",") + joined(ROWS, ",", end=",\n"),
            HEADER,
            id="trailing-delimiter-on-data-only",
        ),
        pytest.param("sep=;\n" + joined([HEADER, *ROWS], ";"), HEADER, id="excel-sep-line"),
        pytest.param(
            "# export of crm\n# 2024-01-01\n" + joined([HEADER, *ROWS], ","),
            HEADER,
            id="leading-comments",
        ),
        pytest.param(
            joined([HEADER, *ROWS[:30]], ",") + "# page 2\n" + joined(ROWS[30:], ","),
            HEADER,
            id="comment-between-records",
        ),
        pytest.param(
            " email | telefono | dni | nombre\n-------+----------+-----+-------\n"
            + joined(ROWS, " | "),
            HEADER,
            id="psql-aligned",
        ),
    ],
)
def test_line_ends_marks_and_directives(make: Maker, text: str, columns: list[str]) -> None:
    rows, report = read(make("t.csv", text))
    assert report.columns == columns
    assert rows == ROWS
    assert report.malformed_rows == (1 if "Leaked by" in text else 0)


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        pytest.param("utf-16-le", b"\xff\xfe", id="le"),
        pytest.param("utf-16-be", b"\xfe\xff", id="be"),
    ],
)
def test_utf16_with_bom_and_multi_character_delimiter(make: Maker, codec: str, bom: bytes) -> None:
    text = joined([HEADER, *ROWS], "||").replace("Juan", "Júan")
    rows, report = read(make("u16.txt", bom + text.encode(codec)))
    assert report.delimiter == "||" and report.columns == HEADER
    assert rows == [[v.replace("Juan", "Júan") for v in r] for r in ROWS]


def test_quoted_fields_with_embedded_newlines_and_single_quotes(make: Maker) -> None:
    text = "'id','nota'\n" + "".join(f"'{i}','linea uno\nlinea ''dos'''\n" for i in range(30))
    rows, report = read(make("q.csv", text))
    assert report.columns == ["id", "nota"]
    assert rows == [[str(i), "linea uno\nlinea 'dos'"] for i in range(30)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("".join(f"{r[3]}\n" for r in ROWS), id="names"),
        pytest.param("".join(f"+51 987 654 {i:03d}\n" for i in range(30)), id="phones"),
        pytest.param("".join(f"https://example.pe/a/{i}\n" for i in range(30)), id="urls"),
        pytest.param(
            "".join(f"2024-01-0{1 + i % 9} 12:{i:02d}:00\n" for i in range(30)), id="times"
        ),
    ],
)
def test_one_column_lists_are_not_split(make: Maker, text: str) -> None:
    values = text.splitlines()
    with_junk = "\n".join([*values[:10], "\x00\x01junk\x00", *values[10:]]) + "\n"
    rows, report = read(make("list.txt", with_junk))
    assert report.columns == ["col_1"]
    assert [r[0] for r in rows] == values
    assert report.malformed_lines == [11]


def test_colons_in_times_and_urls_do_not_win_over_commas(make: Maker) -> None:
    text = (
        BANNER
        + "id,visto,url\n"
        + "".join(f"{i},2024-01-01 12:{i:02d}:00,http://example.pe/{i}\n" for i in range(40))
    )
    rows, report = read(make("t.csv", text))
    assert report.delimiter == "," and report.columns == ["id", "visto", "url"]
    assert rows[5] == ["5", "2024-01-01 12:05:00", "http://example.pe/5"]


def test_windows_paths_are_not_read_as_escapes(make: Maker) -> None:
    paths = ["C:\\Users\\ana\\file.txt", "C:\\Temp\\new", "D:\\b\\c\\", "\\\\server\\share"]
    text = BANNER + "id,ruta\n" + "".join(f"{i},{p}\n" for i, p in enumerate(paths * 10))
    rows, report = read(make("paths.csv", text))
    assert [r[1] for r in rows] == paths * 10
    assert report.malformed_lines == [1]
