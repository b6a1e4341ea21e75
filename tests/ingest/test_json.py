"""JSON arrays (streamed) and JSON Lines: flattening, key union, malformed lines."""

from __future__ import annotations

import json

import pytest
from ingest_corpus import PLANTED, Maker

from leaktriage.errors import InputError
from leaktriage.ingest import IngestOptions, open_input

RECORDS = [
    {
        "id": 1,
        "msisdn": "51987000001",
        "address": {"city": "Lima", "geo": {"lat": -12.05}},
        "tags": ["a", 2],
        "active": True,
        "balance": 10.50,
        "dni": "00412345",
        "gone": None,
    },
    {"id": 2, "msisdn": "51987000002", "address": {"city": "Cusco"}, "late_key": "v"},
]


def read(path, **options):  # noqa: ANN001, ANN201
    with open_input(path, IngestOptions(**options)) as reader:
        return reader.batches().read_all().to_pylist(), reader.report


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        pytest.param("a.json", json.dumps(RECORDS, indent=2), "json", id="array-pretty"),
        pytest.param("a.json", json.dumps(RECORDS), "json", id="array-one-line"),
        pytest.param(
            "a.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n", "jsonl", id="lines"
        ),
        pytest.param(
            "w.json", json.dumps({"meta": {"n": 2}, "data": RECORDS}), "json", id="wrapper-object"
        ),
    ],
)
def test_records_flattened_to_string_columns(
    make: Maker, name: str, content: str, fmt: str
) -> None:
    rows, report = read(make(name, content.replace("10.5,", "10.50,")))
    assert report.format == fmt
    assert report.rows == 2 and report.malformed_rows == 0 and report.complete
    assert report.columns == [
        "id",
        "msisdn",
        "address.city",
        "address.geo.lat",
        "tags",
        "active",
        "balance",
        "dni",
        "gone",
        "late_key",
    ]
    first = rows[0]
    assert first["address.geo.lat"] == "-12.05"
    assert json.loads(first["tags"]) == ["a", 2]
    assert first["active"] == "true"
    assert first["balance"] == "10.50"  # number text kept as written
    assert first["dni"] == "00412345"
    assert first["gone"] is None and first["late_key"] is None
    assert rows[1]["late_key"] == "v" and rows[1]["address.geo.lat"] is None


def test_json_lines_malformed_lines_counted(make: Maker) -> None:
    lines = ['{"a": 1}', f'{{"a": "{PLANTED}"', "", "[1, 2]", "{'a': 3}", '{"a": 3}']
    rows, report = read(make("m.jsonl", "\n".join(lines) + "\n"))
    assert [(r["a"], r["value"]) for r in rows] == [("1", None), (None, "[1, 2]"), ("3", None)]
    assert report.malformed_rows == 2
    assert report.malformed_lines == [2, 5]


def test_json_lines_fail_mode(make: Maker) -> None:
    path = make("m.jsonl", f'{{"a": 1}}\n{{"a": "{PLANTED}"\n')
    with open_input(path, IngestOptions(on_error="fail")) as reader:
        with pytest.raises(InputError) as caught:
            reader.batches().read_all()
    assert caught.value.line == 2
    assert PLANTED not in str(caught.value)


def test_mixed_array_keeps_every_item(make: Maker) -> None:
    """Objects give their keys, any other item goes to the ``value`` column: nothing dropped."""
    rows, report = read(make("a.json", '[{"a": "x"}, 5, {"a": "y"}, ["p", 1]]'))
    assert report.columns == ["a", "value"]
    assert rows == [
        {"a": "x", "value": None},
        {"a": None, "value": "5"},
        {"a": "y", "value": None},
        {"a": None, "value": '["p", 1]'},
    ]
    assert report.malformed_rows == 0


def test_truncated_array_stops_and_is_incomplete(make: Maker) -> None:
    rows, report = read(make("t.json", f'[{{"a": "x"}}, {{"a": "{PLANTED}'))
    assert [r["a"] for r in rows] == ["x"]
    assert report.malformed_rows == 1
    assert report.complete is False


def test_utf16_json(make: Maker) -> None:
    rows, report = read(make("u.json", '[{"nombre": "Ñandú"}]'.encode("utf-16")))
    assert report.encoding == "utf-16-le"
    assert rows == [{"nombre": "Ñandú"}]


def test_array_is_streamed_in_batches(make: Maker) -> None:
    records = [{"i": i, "s": f"v{i}"} for i in range(2500)]
    with open_input(make("s.json", json.dumps(records)), IngestOptions(batch_rows=1000)) as reader:
        sizes = [b.num_rows for b in reader.batches()]
    assert sizes == [1000, 1000, 500]


def test_keys_first_seen_after_the_key_scan_are_reported(make: Maker, monkeypatch) -> None:  # noqa: ANN001
    from leaktriage.ingest import _json

    monkeypatch.setattr(_json, "KEY_SCAN_RECORDS", 2)
    lines = ['{"a": 1}', '{"a": 2}', '{"a": 3, "b": "late"}']
    rows, report = read(make("late.jsonl", "\n".join(lines) + "\n"))
    assert report.columns == ["a"] and len(rows) == 3
    assert report.late_key_rows == 1
    assert report.input_json()["late_key_rows"] == 1
