"""The public surface: exports, report JSON, sample vs batches, progress."""

from __future__ import annotations

import pyarrow as pa
import pytest
from ingest_corpus import Maker, compress, people_csv

import leaktriage.ingest as ingest
from leaktriage.errors import InputError
from leaktriage.ingest import IngestOptions, IngestReport, LeakReader, open_input


def test_public_surface() -> None:
    assert sorted(ingest.__all__) == ["IngestOptions", "IngestReport", "LeakReader", "open_input"]
    for name in ingest.__all__:
        assert getattr(ingest, name).__doc__


def test_every_option_is_documented() -> None:
    import inspect

    source = inspect.getsource(IngestOptions)
    for field in IngestOptions.__dataclass_fields__:
        after = source.split(f"    {field}:", 1)[1]
        assert '"""' in after.split("\n", 2)[1], field


def test_ingest_does_not_import_duckdb() -> None:
    import pathlib

    root = pathlib.Path(ingest.__file__).parent
    for module in root.glob("*.py"):
        assert "duckdb" not in module.read_text(), module.name


def test_report_input_json(make: Maker) -> None:
    path = make("p.csv.gz", compress("gz", people_csv(10).encode()))
    with open_input(path) as reader:
        assert isinstance(reader, LeakReader)
        assert reader.report.complete is False
        reader.batches().read_all()
        report = reader.report
    assert isinstance(report, IngestReport) and report.complete
    data = report.input_json()
    assert {k: data[k] for k in ("path", "format", "encoding", "rows", "malformed_rows")} == {
        "path": str(path),
        "format": "csv",
        "encoding": "utf-8",
        "rows": 10,
        "malformed_rows": 0,
    }
    assert data["compression"] == "gz" and data["members"] == [] and data["delimiter"] == ","
    assert data["header"] is True and data["malformed_lines"] == []


def test_sample_is_cheap_and_does_not_disturb_batches(make: Maker) -> None:
    # The malformed row sits ~10 MB in: sample() never reaches it, batches() does.
    good = people_csv(200_000)
    path = make("s.csv", good + "only,three,fields\n")
    with open_input(path, IngestOptions(on_error="fail")) as reader:
        sample = reader.sample(50)
        assert sample.num_rows == 50
        assert sample.schema == pa.schema([(c, pa.string()) for c in reader.columns])
        assert reader.sample(5).to_pylist() == sample.slice(0, 5).to_pylist()
        with pytest.raises(InputError) as caught:
            reader.batches().read_all()
        assert caught.value.line == 200_002
        assert reader.report.complete is False


def test_batches_schema_all_nullable_strings(make: Maker) -> None:
    with open_input(make("p.csv", people_csv(5))) as reader:
        batches = reader.batches()
        assert all(f.type == pa.string() and f.nullable for f in batches.schema)
        assert batches.schema.names == reader.columns


def test_progress_reports_compressed_bytes(make: Maker) -> None:
    path = make("p.csv.gz", compress("gz", people_csv(50_000).encode()))
    seen: list[tuple[int, int]] = []
    with open_input(
        path, IngestOptions(progress=lambda done, total: seen.append((done, total)))
    ) as reader:
        assert seen == []  # sniffing and opening do not report
        reader.batches().read_all()
    total = path.stat().st_size
    assert seen[-1] == (total, total)
    assert all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
