"""Compression and archives by magic bytes; unions of members; decompression limits."""

from __future__ import annotations

import gzip
import os
import random
import time
import zipfile
from pathlib import Path

import pytest
from ingest_corpus import Maker, archive, compress, people_csv

from leaktriage.errors import InputRejected
from leaktriage.ingest import IngestOptions, open_input

CSV = people_csv(25).encode()


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        pytest.param("gz", "gz", id="gz"),
        pytest.param("bz2", "bz2", id="bz2"),
        pytest.param("xz", "xz", id="xz"),
        pytest.param("zip", "zip", id="zip"),
        pytest.param("7z", "7z", id="7z"),
        pytest.param("tar", "tar", id="tar"),
        pytest.param("tar.gz", "tar.gz", id="tar-gz"),
        pytest.param("tar.bz2", "tar.bz2", id="tar-bz2"),
        pytest.param("tar.xz", "tar.xz", id="tar-xz"),
    ],
)
def test_containers_detected_by_magic_not_extension(make: Maker, kind: str, label: str) -> None:
    path = make("misleading-name.csv", compress(kind, CSV))  # extension says csv: ignored
    with open_input(path) as reader:
        table = reader.batches().read_all()
        report = reader.report
    assert report.compression == label
    assert report.format == "csv" and report.rows == 25
    assert table.column("customer_id")[0].as_py() == "000000"
    if kind in ("gz", "bz2", "xz"):
        assert report.members == []
    else:
        assert report.members == ["data.csv"]


@pytest.mark.parametrize("kind", ["zip", "tar.gz", "7z"])
def test_every_data_member_read_and_columns_unioned(make: Maker, kind: str) -> None:
    members = {
        "a/part1.csv": b"msisdn,name\n51987000001,Ana\n",
        "a/part2.csv": b"name,email\nBo,bo@example.test\n",
        "b/part3.jsonl": b'{"msisdn": "51987000003", "city": "Lima"}\n',
        "__MACOSX/._part1.csv": b"\x00\x05junk",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        "empty.csv": b"",
    }
    path = make(f"many.{kind}", archive(kind, members))
    with open_input(path) as reader:
        rows = reader.batches().read_all().to_pylist()
        report = reader.report
    assert report.members == ["a/part1.csv", "a/part2.csv", "b/part3.jsonl"]
    assert reader.columns == ["msisdn", "name", "email", "city"]
    assert rows == [
        {"msisdn": "51987000001", "name": "Ana", "email": None, "city": None},
        {"msisdn": None, "name": "Bo", "email": "bo@example.test", "city": None},
        {"msisdn": "51987000003", "name": None, "email": None, "city": "Lima"},
    ]
    assert report.rows == 3 and report.format == "mixed"
    assert "empty.csv" in report.skipped_members


def test_member_that_is_itself_compressed(make: Maker) -> None:
    path = make("nested.zip", archive("zip", {"inner.csv.gz": gzip.compress(CSV)}))
    with open_input(path) as reader:
        assert reader.batches().read_all().num_rows == 25
        assert reader.report.members == ["inner.csv.gz"]


BOMB = 24 * 2**20  # 24 MiB of zeros: ratio ~1000 once compressed


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zip", "7z", "tar.gz"])
def test_decompression_bomb_rejected_fast(make: Maker, kind: str) -> None:
    data = b"a,b\n" + b"0" * BOMB
    path = make(f"bomb.{kind}", compress(kind, data))
    started = time.monotonic()
    with pytest.raises(InputRejected, match="ratio"):
        with open_input(path) as reader:
            reader.batches().read_all()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("kind", ["gz", "zip", "7z", "tar"])
def test_absolute_limit(make: Maker, kind: str) -> None:
    path = make(f"big.{kind}", compress(kind, CSV * 200))
    with pytest.raises(InputRejected, match="max_input_bytes"):
        with open_input(path, IngestOptions(max_input_bytes=50_000, max_ratio=1e9)) as reader:
            reader.batches().read_all()


def test_plain_file_over_absolute_limit(make: Maker) -> None:
    with pytest.raises(InputRejected):
        open_input(make("p.csv", CSV), IngestOptions(max_input_bytes=100))


def test_zip_bomb_refused_from_declared_sizes_before_extraction(make: Maker, monkeypatch) -> None:  # noqa: ANN001
    path = make("bomb.zip", compress("zip", b"0" * BOMB))
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        opened.append(str(name))
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(InputRejected):
        open_input(path)
    assert opened == []


def test_7z_limit_enforced_while_streaming_when_declared_sizes_lie(
    make: Maker, monkeypatch
) -> None:  # noqa: ANN001
    from leaktriage.ingest import _archive

    monkeypatch.setattr(_archive, "_check_declared", lambda *args: None)
    path = make("bomb.7z", compress("7z", b"0" * BOMB))
    with pytest.raises(InputRejected, match="ratio"):
        open_input(path)


def test_private_temp_dir_is_0700_and_removed_on_close(make: Maker, monkeypatch) -> None:  # noqa: ANN001
    import tempfile

    created: list[str] = []
    original = tempfile.mkdtemp

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        created.append(original(*args, **kwargs))
        return created[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    path = make("t.tar.gz", compress("tar.gz", CSV))
    with open_input(path) as reader:
        assert len(created) == 1
        assert os.stat(created[0]).st_mode & 0o777 == 0o700
        assert any(Path(created[0]).iterdir())
        reader.batches().read_all()
    assert not Path(created[0]).exists()


def test_temp_dir_removed_when_open_fails(make: Maker, monkeypatch) -> None:  # noqa: ANN001
    import tempfile

    created: list[str] = []
    original = tempfile.mkdtemp
    monkeypatch.setattr(
        tempfile, "mkdtemp", lambda *a, **k: created.append(original(*a, **k)) or created[-1]
    )
    path = make("junk.tar", archive("tar", {"x.bin": os.urandom(4096)}))
    with pytest.raises(Exception):  # noqa: B017 - any InputError
        open_input(path)
    assert created and not Path(created[0]).exists()


def test_plain_zip_members_are_streamed_without_temp_files(make: Maker, monkeypatch) -> None:  # noqa: ANN001
    import tempfile

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("no temporary directory expected")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    path = make("p.zip", archive("zip", {"a.csv": CSV, "b.csv": CSV}))
    with open_input(path) as reader:
        assert reader.sample(3).num_rows == 3
        assert reader.batches().read_all().num_rows == 50


def test_bomb_after_a_normal_start_is_stopped_while_streaming(make: Maker) -> None:
    # The first megabytes compress normally (the open-time probe passes); zeros follow.
    rng = random.Random(5)
    start = "".join(f"{rng.randrange(10**9)},{rng.randrange(10**9)}\n" for _ in range(150_000))
    path = make("late-bomb.csv.gz", gzip.compress(("a,b\n" + start).encode() + b"0" * 30 * 2**20))
    with open_input(path, IngestOptions(max_ratio=10)) as reader:
        assert reader.sample(5).num_rows == 5
        with pytest.raises(InputRejected, match="ratio"):
            reader.batches().read_all()
