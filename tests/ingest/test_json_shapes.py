"""JSON as exporters and APIs write it: wrappers, scalars, odd keys, huge numbers, damage."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import pytest
from ingest_corpus import PLANTED, Maker
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.errors import InputError, InputRejected
from leaktriage.ingest import IngestOptions, IngestReport, open_input

PEOPLE = [
    {"msisdn": "51987000001", "email": "a@b.pe"},
    {"msisdn": "51987000002", "email": "c@d.pe"},
]


def read(path: Path, **options: object) -> tuple[list[dict], IngestReport]:
    with open_input(path, IngestOptions(**options)) as reader:  # type: ignore[arg-type]
        return reader.batches().read_all().to_pylist(), reader.report


def lines(records: list[dict], end: str = "\n") -> str:
    return end.join(json.dumps(r) for r in records) + end


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("a.json", json.dumps(PEOPLE), id="minified"),
        pytest.param("a.json", json.dumps(PEOPLE, indent=4), id="pretty"),
        pytest.param("w.json", json.dumps({"data": PEOPLE, "meta": {"n": 2}}), id="data-meta"),
        pytest.param(
            "w.json",
            json.dumps({"meta": {"page": 1, "tags": ["x"]}, "data": PEOPLE}),
            id="meta-first",
        ),
        pytest.param("w.json", json.dumps({"count": 2, "results": PEOPLE}), id="results"),
        pytest.param(
            "w.json", json.dumps({"customers": {"items": PEOPLE}}, indent=2), id="two-levels"
        ),
        pytest.param(
            "w.json", json.dumps({"ok": True, "tags": [], "rows": PEOPLE}), id="empty-first"
        ),
        pytest.param("n.jsonl", lines(PEOPLE), id="ndjson"),
        pytest.param("n.jsonl", "\n" + lines(PEOPLE, "\r\n\r\n") + "\n\n", id="ndjson-blank-crlf"),
        pytest.param("n.jsonl", "\ufeff" + lines(PEOPLE), id="ndjson-bom"),
        pytest.param("a.json", "\ufeff" + json.dumps(PEOPLE), id="bom"),
        pytest.param(
            "a.json", codecs.BOM_UTF16_LE + json.dumps(PEOPLE).encode("utf-16-le"), id="utf16-bom"
        ),
        pytest.param("a.json", json.dumps(PEOPLE).encode("utf-16-le"), id="utf16-no-bom"),
        pytest.param("a.jsonl", lines(PEOPLE).encode("utf-16"), id="utf16-ndjson"),
        pytest.param(
            "c.json", "\n".join(json.dumps(p, indent=2) for p in PEOPLE), id="concatenated-pretty"
        ),
    ],
)
def test_api_shapes_read_as_records(make: Maker, name: str, content: str | bytes) -> None:
    rows, report = read(make(name, content))
    assert rows == PEOPLE
    assert report.rows == 2 and report.malformed_rows == 0 and report.complete


def test_nested_arrays_of_objects_flatten_by_position(make: Maker) -> None:
    lines_ = [{"msisdn": f"5198700{i:04d}", "plan": "pre"} for i in range(12)]
    record = {"id": 1, "lines": lines_, "tags": ["a", 2], "none": [], "grid": [[1, 2], [3]]}
    rows, report = read(make("n.json", json.dumps([record])))
    row = rows[0]
    assert row["lines.0.msisdn"] == "51987000000" and row["lines.9.plan"] == "pre"
    assert json.loads(row["lines.more"]) == lines_[10:]
    assert "lines.10.msisdn" not in report.columns
    assert json.loads(row["tags"]) == ["a", 2]
    assert row["none"] is None
    assert row["grid.0"] == "[1, 2]" and row["grid.1"] == "[3]"


def test_mongo_extended_json_is_its_value(make: Maker) -> None:
    record = {
        "_id": {"$oid": "5f1d7a3e9b1e8a3d4c2b1a09"},
        "created": {"$date": "2021-03-04T05:06:07Z"},
        "born": {"$date": {"$numberLong": "-315619200000"}},
        "dni": {"$numberLong": "40404040"},
        "score": {"$numberDecimal": "1.50"},
        "photo": {"$binary": {"base64": "AAEC", "subType": "00"}},
        "seen": {"$timestamp": {"t": 1600000000, "i": 1}},
        "plain": {"$custom": 1},
    }
    rows, _ = read(make("m.jsonl", json.dumps(record) + "\n"))
    assert rows == [
        {
            "_id": "5f1d7a3e9b1e8a3d4c2b1a09",
            "created": "2021-03-04T05:06:07Z",
            "born": "-315619200000",
            "dni": "40404040",
            "score": "1.50",
            "photo": "AAEC",
            "seen": "1600000000",
            "plain.$custom": "1",
        }
    ]


def test_keys_differing_across_records_are_a_union(make: Maker) -> None:
    body = lines([{"a": 1}, {"b": 2, "a": 3}, {"c": {"d": 4}}])
    rows, report = read(make("u.jsonl", body))
    assert report.columns == ["a", "b", "c.d"]
    assert rows[2] == {"a": None, "b": None, "c.d": "4"}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("s.json", '["a@b.pe", "c@d.pe"]', id="array"),
        pytest.param("s.json", '{"data": ["a@b.pe", "c@d.pe"]}', id="wrapped"),
        pytest.param("s.jsonl", '"a@b.pe"\n"c@d.pe"\n', id="json-lines"),
        pytest.param("s.json", '[\n  "a@b.pe",\n  "c@d.pe"\n]\n', id="pretty"),
    ],
)
def test_array_of_scalars_is_a_one_column_table(make: Maker, name: str, content: str) -> None:
    rows, report = read(make(name, content))
    assert report.columns == ["value"]
    assert rows == [{"value": "a@b.pe"}, {"value": "c@d.pe"}]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("42", id="number"),
        pytest.param('"x"', id="string"),
        pytest.param("null", id="null"),
        pytest.param("{}", id="empty-object"),
        pytest.param("[{}, {}]", id="empty-objects"),
        pytest.param('{"data": []}', id="empty-data"),
        pytest.param("[]", id="empty-array"),
    ],
)
def test_json_without_records_is_refused(make: Maker, content: str) -> None:
    with pytest.raises(InputRejected, match="empty input"):
        read(make("e.json", content))


def test_odd_keys_become_safe_unique_names(make: Maker) -> None:
    long_key = "k" * 10_000
    body = (
        '[{"": 1, "\\u0000": 2, "a\\"b": 3, "a.b": 4, "a": {"b": 5}, "'
        + long_key
        + '": 6, "Email": 7, "email": 8, "x": 9, "x": 10, " \\u200b\\t": 11, "ok": 12}]'
    )
    rows, report = read(make("k.json", body))
    names = report.columns
    assert len(names) == 11  # a key repeated in one object keeps its last value
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= 128 and name == name.strip()
        assert not any(unicodedata.category(ch).startswith("C") for ch in name)
    assert names[0] == "col_1" and names[1] == "col_2"
    assert names[2:6] == ['a"b', "a.b", "a.b_2", "k" * 128]
    assert names[6:8] == ["Email", "email_2"]
    assert names[8:] == ["x", "col_10", "ok"]
    assert [rows[0][n] for n in names] == [str(i) for i in [*range(1, 9), 10, 11, 12]]


def test_odd_keys_through_the_cli(tmp_path: Path) -> None:
    """These keys broke the generated SQL (exit 1); now the triage runs."""
    ws = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(app, ["--workspace", str(ws), "init"]).exit_code == 0
    leak = tmp_path / "leak.json"
    keys = ["", "\u0000", 'a"b', "a.b", "k" * 10_000, "Email", "email"]
    leak.write_text(json.dumps([{k: f"v{i}@b.pe" for i, k in enumerate(keys)}] * 3))
    result = runner.invoke(app, ["--workspace", str(ws), "triage", str(leak)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "number",
    [
        "1E400",
        "-0",
        "1e-400",
        "1234567890123456789012345678901234567890",
        "1e999999999999999999999",
        "0.0000001",
        "10.50",
        "-1.5E+07",
        "9" * 5000,
        "NaN",
        "-Infinity",
    ],
)
@pytest.mark.parametrize("name", ["n.json", "n.jsonl"])
def test_numbers_stay_text_as_written(make: Maker, name: str, number: str) -> None:
    record = '{"n": ' + number + ', "l": [' + number + ', "s"]}'
    body = f"[{record}]" if name.endswith(".json") else record + "\n"
    rows, _ = read(make(name, body))
    assert rows == [{"n": number, "l": f'[{number}, "s"]'}]


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        pytest.param('{"a": 1, b}', 1, 10, id="bad-key"),
        pytest.param('[{"a" 1}]', 1, 7, id="missing-colon"),
        pytest.param('{\n"a": "x",\n"b": y\n}\n', 3, 6, id="bad-value-line-3"),
        pytest.param("[a,b\n1,2\n", 1, 2, id="csv-like-after-bracket"),
        pytest.param("{a,b\n1,2\n", 1, 2, id="csv-like-after-brace"),
        pytest.param('{"a": [1, 2}\n', 1, 12, id="mismatched"),
        pytest.param('[\n  {"a": "\\x"}\n]', 2, 10, id="bad-escape"),
        pytest.param("[" + PLANTED, 1, 2, id="garbage"),
    ],
)
@pytest.mark.parametrize("on_error", ["skip", "fail"])
def test_json_broken_before_any_record_is_refused(
    make: Maker, content: str, line: int, column: int, on_error: str
) -> None:
    """Never re-read as CSV, never zero rows with exit 0: an error with line and column."""
    with pytest.raises(InputError) as caught:
        read(make("bad.json", content), on_error=on_error)
    assert not isinstance(caught.value, InputRejected)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert PLANTED not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "good"),
    [
        pytest.param(
            f'[{{"a": "x"}}, {{"a": "y"}}, {{"a" "{PLANTED}"}}, {{"a": "z"}}]', 2, id="bad"
        ),
        pytest.param('[{"a": "x"}, {"a": "y"}] ,', 2, id="extra-after"),
        pytest.param('{"data": [{"a": "x"}, {"a": "y"}], "meta": {', 2, id="wrapper-cut"),
        pytest.param('[{"a": "x"},\n{"a": "y"},,{"a": "z"}]', 2, id="empty-item"),
        pytest.param('{\n"a": "x"}\n{"a": "y"}\n7\n', 2, id="values-then-scalar"),
    ],
)
def test_json_damaged_later_is_read_up_to_the_damage(make: Maker, content: str, good: int) -> None:
    rows, report = read(make("late.json", content))
    assert [r["a"] for r in rows] == ["x", "y"][:good]
    assert report.malformed_rows == 1 and report.complete is False
    with pytest.raises(InputError) as caught:
        read(make("late.json", content), on_error="fail")
    assert caught.value.line is not None
    assert PLANTED not in str(caught.value)


def test_binary_after_a_json_start_is_judged_as_json(make: Maker) -> None:
    with pytest.raises(InputError) as caught:
        read(make("j.json", b'{"a": "' + bytes(range(256)) * 4))
    assert caught.value.line is not None


def test_trailing_comma_tolerated(make: Maker) -> None:
    rows, report = read(make("t.json", '[{"a": "x"}, {"a": "y"},\n]'))
    assert [r["a"] for r in rows] == ["x", "y"] and report.complete


def test_lone_surrogates_replaced(make: Maker) -> None:
    rows, _ = read(make("s.json", '[{"a": "x\\ud800y", "b": "\\ud83d\\ude00"}]'))
    assert rows == [{"a": "x\ufffdy", "b": "😀"}]
