"""Delimited text: delimiters, headers, quoting, encodings, malformed rows, big fields."""

from __future__ import annotations

import pyarrow as pa
import pytest
from ingest_corpus import PLANTED, Maker, people_csv

from leaktriage.errors import InputError
from leaktriage.ingest import IngestOptions, open_input


def read_all(path, **options) -> tuple[list[dict], object]:  # noqa: ANN001
    with open_input(path, IngestOptions(**options)) as reader:
        table = reader.batches().read_all()
        return table.to_pylist(), reader.report


@pytest.mark.parametrize(
    "delimiter",
    [
        pytest.param(",", id="comma"),
        pytest.param(";", id="semicolon"),
        pytest.param("\t", id="tab"),
        pytest.param("|", id="pipe"),
    ],
)
@pytest.mark.parametrize(
    "header", [pytest.param(True, id="header"), pytest.param(False, id="headerless")]
)
def test_delimiter_and_header_sniffed(make: Maker, delimiter: str, header: bool) -> None:
    path = make("people.txt", people_csv(30, delimiter, header))
    rows, report = read_all(path)
    assert report.delimiter == delimiter
    assert report.header is header
    assert report.rows == 30 and report.malformed_rows == 0 and report.complete
    if header:
        assert report.columns == ["customer_id", "msisdn", "full_name", "email", "birth_date"]
        assert rows[7]["customer_id"] == "000007"  # strings stay strings: no type inference
    else:
        assert report.columns == ["col_1", "col_2", "col_3", "col_4", "col_5"]
        assert rows[7]["col_1"] == "000007"


@pytest.mark.parametrize(
    ("text", "header"),
    [
        pytest.param(
            "nombre,apellido,ciudad\nAna,Quispe,Lima\nLuis,Rojas,Cusco\n", True, id="words-hint"
        ),
        pytest.param(
            "Ana,Quispe,Lima\nLuis,Rojas,Cusco\nEva,Mamani,Puno\n", False, id="names-only"
        ),
        pytest.param("dni,telefono\n40404040,987654321\n", True, id="numbers-below"),
        pytest.param("40404040,987654321\n12345678,912345678\n", False, id="numbers-only"),
        pytest.param("name,name,\nA,B,C\n", True, id="duplicate-and-blank-names"),
    ],
)
def test_header_sniffing(make: Maker, text: str, header: bool) -> None:
    _, report = read_all(make("h.csv", text))
    assert report.header is header


def test_header_names_deduplicated(make: Maker) -> None:
    _, report = read_all(make("h.csv", "name,name,\nA,B,C\n"))
    assert report.columns == ["name", "name_2", "col_3"]


def test_forced_options_override_sniffing(make: Maker) -> None:
    rows, report = read_all(make("f.csv", "a;b\n1;2\n"), delimiter=";", header=False)
    assert report.columns == ["col_1", "col_2"]
    assert rows == [{"col_1": "a", "col_2": "b"}, {"col_1": "1", "col_2": "2"}]


def test_quoting_embedded_newlines_doubled_quotes_and_nulls(make: Maker) -> None:
    text = 'id,note,code\n1,"line one\nline two","007"\n2,"say ""hi""",\n3,,x\n'
    rows, report = read_all(make("q.csv", text))
    assert rows == [
        {"id": "1", "note": "line one\nline two", "code": "007"},
        {"id": "2", "note": 'say "hi"', "code": None},
        {"id": "3", "note": None, "code": "x"},
    ]
    assert report.rows == 3


@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [
        pytest.param("utf-8", b"", "utf-8", id="utf8"),
        pytest.param("utf-8", b"\xef\xbb\xbf", "utf-8-sig", id="utf8-bom"),
        pytest.param("cp1252", b"", "cp1252", id="cp1252"),
        pytest.param("utf-16-le", b"\xff\xfe", "utf-16-le", id="utf16le-bom"),
        pytest.param("utf-16-be", b"\xfe\xff", "utf-16-be", id="utf16be-bom"),
    ],
)
def test_encodings(make: Maker, encoding: str, bom: bytes, label: str) -> None:
    text = "nombre,ciudad,monto\nJosé Ñúñez,Piñas,€10\nAna,Lima,5\n"
    path = make("enc.csv", bom + text.encode(encoding))
    rows, report = read_all(path)
    assert report.encoding == label
    assert report.columns == ["nombre", "ciudad", "monto"]
    assert rows[0] == {"nombre": "José Ñúñez", "ciudad": "Piñas", "monto": "€10"}


def test_latin1_fallback_when_not_cp1252(make: Maker) -> None:
    # 0x81 is undefined in CP1252: Latin-1 is the fallback.
    path = make("l1.csv", b"name,code\nJos\xe9,\x81x\n")
    rows, report = read_all(path)
    assert report.encoding == "latin-1"
    assert rows[0]["name"] == "José"


def test_non_utf8_after_the_sniffed_head_switches_to_cp1252(make: Maker) -> None:
    good = "".join(f"{i},Nombre {i}\n" for i in range(60000))
    path = make("late.csv", ("id,name\n" + good).encode() + b"60000,Jos\xe9\n")
    rows, report = read_all(path)
    assert report.rows == 60001
    assert rows[-1]["name"] == "José"
    assert report.encoding == "cp1252"


def test_malformed_rows_counted_with_physical_lines(make: Maker) -> None:
    text = (
        "id,name,city\n"  # line 1
        '1,"multi\nline",Lima\n'  # lines 2-3
        "2,short\n"  # line 4: too few fields
        '3,"a\nb\nc",Cusco\n'  # lines 5-7
        "4,x,y,extra\n"  # line 8: too many fields
        "5,ok,Puno\n"  # line 9
    )
    rows, report = read_all(make("bad.csv", text))
    assert [r["id"] for r in rows] == ["1", "3", "5"]
    assert report.malformed_rows == 2
    assert report.malformed_lines == [4, 8]
    assert report.complete


def test_malformed_lines_kept_is_bounded(make: Maker) -> None:
    text = "a,b\n" + "1\n" * 50 + "1,2\n" * 60
    _, report = read_all(make("many.csv", text), max_malformed_lines_kept=5)
    assert report.malformed_rows == 50
    assert report.malformed_lines == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("bad_row", "line", "column"),
    [
        pytest.param(f"{PLANTED},only", 4, 3, id="too-few"),
        pytest.param(f"1,2,3,{PLANTED}", 4, 4, id="too-many"),
    ],
)
def test_fail_mode_names_line_and_column_never_value(
    make: Maker, bad_row: str, line: int, column: int
) -> None:
    text = 'id,name,city\n1,"a\nb",Lima\n' + bad_row + "\n4,ok,Puno\n"
    path = make("fail.csv", text)
    with open_input(path, IngestOptions(on_error="fail")) as reader:
        with pytest.raises(InputError) as caught:
            reader.batches().read_all()
    assert caught.value.line == line
    assert caught.value.column == column
    assert PLANTED not in str(caught.value)
    assert str(path) in str(caught.value)


def test_field_over_max_field_bytes_is_malformed(make: Maker) -> None:
    text = "id,blob\n1,short\n2," + "x" * 5000 + "\n3,fine\n"
    rows, report = read_all(make("big.csv", text), max_field_bytes=1000)
    assert [r["id"] for r in rows] == ["1", "3"]
    assert report.malformed_rows == 1
    assert report.malformed_lines == [3]


def test_two_megabyte_fields_do_not_crash(make: Maker) -> None:
    big = "y" * (2 * 2**20)
    lines = ["id,payload"] + [f"{i},{big if i % 3 == 0 else 'small'}" for i in range(8)]
    rows, report = read_all(make("huge.csv", "\n".join(lines) + "\n"))
    assert report.rows == 8 and report.malformed_rows == 0
    assert len(rows[3]["payload"]) == 2 * 2**20


def test_five_thousand_columns(make: Maker) -> None:
    width = 5000
    header = ",".join(f"c{i}" for i in range(width))
    body = "\n".join(",".join(str(r * width + i) for i in range(width)) for r in range(20))
    options = IngestOptions(max_columns=width)
    with open_input(make("wide.csv", header + "\n" + body + "\n"), options) as reader:
        table = reader.batches().read_all()
    assert table.num_columns == width and table.num_rows == 20
    assert table.column("c4999")[19].as_py() == str(19 * width + 4999)
    assert all(field.type == pa.string() for field in table.schema)


def test_single_column(make: Maker) -> None:
    rows, report = read_all(make("one.csv", "msisdn\n51987000001\n51987000002\n"))
    assert report.columns == ["msisdn"]
    assert [r["msisdn"] for r in rows] == ["51987000001", "51987000002"]


def test_row_larger_than_the_first_block_is_retried_without_duplicates(make: Maker) -> None:
    # The sniffed head sees only small rows; a 9 MiB row later straddles the first blocks.
    small = "".join(f"{i},small\n" for i in range(20000))
    later = "".join(f"{i},tail\n" for i in range(20001, 20100))
    text = "id,payload\n" + small + "20000," + "z" * (9 * 2**20) + "\n" + later
    with open_input(make("straddle.csv", text)) as reader:
        ids = [v for b in reader.batches() for v in b.column("id").to_pylist()]
        report = reader.report
    assert ids == [str(i) for i in range(20100)]
    assert report.rows == 20100 and report.malformed_rows == 0


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        pytest.param("a,b\r\n1,2\r\n3\r\n4,5\r\n", [3], id="crlf"),
        pytest.param('"first\nname",b\n1,2\n3\n', [4], id="header-with-newline"),
        pytest.param("a,b\n\n1,2\n\n3\n4,5\n", [5], id="blank-lines"),
        pytest.param("\n\na,b\n1,2\n3\n", [5], id="blank-lines-before-header"),
    ],
)
def test_line_numbers_with_awkward_line_structure(make: Maker, text: str, lines: list[int]) -> None:
    rows, report = read_all(make("l.csv", text), header=True)
    assert report.malformed_lines == lines
    assert list(rows[0].values()) == ["1", "2"]


def test_header_longer_than_the_default_head(make: Maker) -> None:
    width = 3000
    header = ",".join(f"a_rather_long_column_name_number_{i:05d}" for i in range(width))
    row = ",".join("v" for _ in range(width))
    options = IngestOptions(max_columns=width)
    with open_input(make("longhead.csv", f"{header}\n{row}\n{row}\n"), options) as reader:
        assert len(reader.columns) == width
        assert reader.columns[-1] == f"a_rather_long_column_name_number_{width - 1:05d}"
        assert reader.batches().read_all().num_rows == 2


def test_utf16_malformed_line_numbers(make: Maker) -> None:
    text = 'id,name\n1,"Ñu\nñu"\n2\n3,ok\n'
    rows, report = read_all(make("u16.csv", text.encode("utf-16")))
    assert [r["id"] for r in rows] == ["1", "3"]
    assert report.malformed_lines == [4]


def test_forced_encoding_that_does_not_fit_is_an_input_error(make: Maker) -> None:
    early = make("early.csv", b"a,b\n" + PLANTED.encode() + b",\xff\xfe\n")
    with pytest.raises(InputError, match="not valid utf-8") as caught:
        open_input(early, IngestOptions(encoding="utf-8"))
    assert PLANTED not in str(caught.value)
    rows = "".join(f"{i},x\n" for i in range(60000)).encode()
    late = make("late.csv", b"a,b\n" + rows + PLANTED.encode() + b",\xff\xfe\n")
    with pytest.raises(InputError, match="not valid utf-8") as caught:
        with open_input(late, IngestOptions(encoding="utf-8")) as reader:
            reader.batches().read_all()
    assert PLANTED not in str(caught.value)


def test_big_field_in_the_first_data_row(make: Maker) -> None:
    text = 'id,nota\n1,"' + "X" * (2 * 10**6) + '"\n2,corto\n'
    rows, report = read_all(make("first-big.csv", text))
    assert report.columns == ["id", "nota"] and report.header
    assert [r["id"] for r in rows] == ["1", "2"] and len(rows[0]["nota"]) == 2 * 10**6
