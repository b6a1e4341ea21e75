"""JSON limits: nesting depth (time and memory measured in a subprocess), columns, field and
record size; each refused with exit 3 naming its option, never a value."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ingest_corpus import PLANTED, Maker
from typer.testing import CliRunner

from leaktriage.cli import app
from leaktriage.errors import InputRejected
from leaktriage.ingest import IngestOptions, IngestReport, open_input

BOMB_BYTES = 200_000


def read(path: Path, **options: object) -> tuple[list[dict], IngestReport]:
    with open_input(path, IngestOptions(**options)) as reader:  # type: ignore[arg-type]
        return reader.batches().read_all().to_pylist(), reader.report


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("b.json", "[" * BOMB_BYTES, id="open-brackets"),
        pytest.param("o.json", '{"a":' * (BOMB_BYTES // 5), id="open-objects"),
        pytest.param("c.json", nested(5000), id="closed-brackets"),
        pytest.param("r.json", f'[{{"x": "{PLANTED}", "y": {nested(64)}}}]', id="in-a-record"),
        pytest.param(
            "w.json",
            json.dumps({"data": [{"a": 1}]})[:-1] + ', "meta": ' + nested(80) + "}",
            id="after-the-records",
        ),
        pytest.param("l.jsonl", '{"a": 1}\n' * 50 + '{"a":' * 40_000 + "\n", id="jsonl-line"),
        pytest.param("m.jsonl", '{"a": 1}\n{"b": ' + nested(70) + "}\n", id="jsonl-just-over"),
    ],
)
def test_nesting_over_the_limit_is_rejected(make: Maker, name: str, content: str) -> None:
    with pytest.raises(InputRejected, match=r"deeper than 64 levels \(max_json_depth\)") as caught:
        read(make(name, content))
    assert caught.value.line is not None
    assert PLANTED not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "rows"),
    [
        pytest.param(nested(64), 1, id="64-levels-array"),
        pytest.param("[" + json.dumps({"a": json.loads(nested(62))}) + "]", 1, id="64-in-record"),
        pytest.param(json.dumps(["[" * 1000, "{" * 1000]), 2, id="brackets-inside-strings"),
        pytest.param(json.dumps([{"a": '\\"[[[[' * 50}]), 1, id="escaped-quotes-and-brackets"),
    ],
)
def test_nesting_within_the_limit_is_read(make: Maker, content: str, rows: int) -> None:
    read_rows, _ = read(make("ok.json", content))
    assert len(read_rows) == rows


def test_depth_limit_is_an_option(make: Maker) -> None:
    path = make("d.json", json.dumps([{"a": {"b": {"c": 1}}}]))
    assert read(path)[0] == [{"a.b.c": "1"}]
    with pytest.raises(InputRejected, match=r"deeper than 3 levels"):
        read(path, max_json_depth=3)


@pytest.mark.parametrize("name", ["late.json", "late.jsonl"])
def test_depth_is_checked_in_a_late_record(make: Maker, monkeypatch, name: str) -> None:  # noqa: ANN001
    """Past the key scan the nesting is still checked, while the rows are streamed."""
    from leaktriage.ingest import _json

    monkeypatch.setattr(_json, "KEY_SCAN_RECORDS", 10)
    records = [json.dumps({"a": i}) for i in range(150_000)] + ['{"a": ' + nested(100) + "}"]
    body = "[" + ",\n".join(records) + "]" if name.endswith(".json") else "\n".join(records)
    with open_input(make(name, body), IngestOptions(batch_rows=1000)) as reader:
        with pytest.raises(InputRejected, match="max_json_depth") as caught:
            reader.batches().read_all()
    assert caught.value.line == 150_001


_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from leaktriage.errors import InputRejected
    from leaktriage.ingest import open_input

    with open_input(sys.argv[1]) as reader:  # warm up: imports, first allocations
        reader.batches().read_all()
    with open("/proc/self/status") as status:
        vm = next(int(l.split()[1]) for l in status if l.startswith("VmSize:")) * 1024
    # Guard the machine: the old reader grew by gigabytes on such a file.
    resource.setrlimit(resource.RLIMIT_AS, (vm + 2**31, vm + 2**31))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        with open_input(sys.argv[2]) as reader:
            reader.batches().read_all()
        outcome = "read"
    except InputRejected as error:
        outcome = error.reason
    except MemoryError:
        outcome = "MemoryError"
    seconds = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": grown, "outcome": outcome}))
    """
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("b.json", "[" * BOMB_BYTES, id="json-brackets"),
        pytest.param("o.json", '{"a":' * (BOMB_BYTES // 5), id="json-objects"),
        pytest.param("b.jsonl", '{"a": 1}\n' + "[" * BOMB_BYTES + "\n", id="jsonl-brackets"),
    ],
)
def test_depth_bomb_is_refused_fast_and_small(make: Maker, name: str, content: str) -> None:
    warm = make("warm.json", json.dumps([{"a": "1"}]))
    bomb = make(name, content)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(warm), str(bomb)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert "max_json_depth" in measured["outcome"], measured
    assert measured["seconds"] < 1.0, measured
    assert measured["rss_mb"] < 100, measured


def test_too_many_columns_rejected(make: Maker) -> None:
    record = {f"k{i}": i for i in range(40)}
    path = make("wide.json", json.dumps([record]))
    assert len(read(path)[1].columns) == 40
    with pytest.raises(InputRejected, match=r"more than 30 columns .*\(max_columns\)"):
        read(path, max_columns=30)
    # Keys spread over records count too (the union is the table).
    lines = "\n".join(json.dumps({f"k{i}": i}) for i in range(40))
    with pytest.raises(InputRejected, match="max_columns"):
        read(make("spread.jsonl", lines), max_columns=30)


def test_default_column_limit(make: Maker) -> None:
    path = make("w.json", json.dumps([{f"k{i}": 1 for i in range(1025)}]))
    with pytest.raises(InputRejected, match="more than 1024 columns"):
        read(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("x" * 250, "x" * 100, id="ascii"),
        pytest.param("ñ" * 80, "ñ" * 50, id="two-byte-chars"),
        pytest.param("a" + "😀" * 40, "a" + "😀" * 24, id="cut-at-a-character"),
    ],
)
def test_long_strings_cut_and_counted(make: Maker, value: str, expected: str) -> None:
    path = make("long.json", json.dumps([{"s": value, "t": "short", "l": [value]}]))
    with open_input(path, IngestOptions(max_field_bytes=100)) as reader:
        rows = reader.batches().read_all().to_pylist()
        json_reader = reader._readers[0][1]
    assert rows[0]["s"] == expected and rows[0]["t"] == "short"
    assert len(rows[0]["l"].encode()) <= 100
    assert json_reader.truncated_fields == 2  # type: ignore[attr-defined]


def test_truncated_fields_in_the_report_json() -> None:
    report = IngestReport("p", "json", None, [], "utf-8", None, True, ["a"])
    assert "truncated_fields" not in report.input_json()
    report.truncated_fields = 3
    assert report.input_json()["truncated_fields"] == 3


def test_record_longer_than_the_line_limit_rejected(make: Maker) -> None:
    path = make("big.json", json.dumps([{"a": "x" * 5000}, {"a": "y"}]))
    with pytest.raises(InputRejected, match="max_line_bytes"):
        read(path, max_line_bytes=1000)
    with pytest.raises(InputRejected, match="max_line_bytes"):
        read(make("big.jsonl", json.dumps({"a": "x" * 5000}) + "\n"), max_line_bytes=1000)


def test_cli_refuses_a_depth_bomb_with_exit_3(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(app, ["--workspace", str(ws), "init"]).exit_code == 0
    bomb = tmp_path / "leak.json"
    bomb.write_text(f'[{{"msisdn": "{PLANTED}", "x": ' + "[" * BOMB_BYTES)
    result = runner.invoke(app, ["--workspace", str(ws), "triage", str(bomb)])
    assert result.exit_code == 3, result.output
    assert "max_json_depth" in result.output
    assert PLANTED not in result.output
