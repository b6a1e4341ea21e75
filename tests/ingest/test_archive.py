"""Compression and archives by magic bytes; unions of members; decompression limits."""

from __future__ import annotations

import gzip
import io
import os
import random
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from ingest_corpus import PLANTED, Maker, archive, compress, people_csv

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


def big_people(rows: int = 6000) -> bytes:
    """Synthetic people with the planted value in every 1000th row (~400 kB)."""
    text = people_csv(rows)
    lines = text.splitlines()
    for i in range(1, len(lines), 1000):
        lines[i] = lines[i].replace("Persona Sintetica", PLANTED, 1)
    return ("\n".join(lines) + "\n").encode()


def _spool_dirs(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("ingest-*") if p.is_dir())


def _plaintext_under(root: Path, needles: list[bytes]) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(n in data for n in needles):
                found.append(path)
    return found


@pytest.mark.parametrize("kind", ["tar.gz", "7z", "zip-of-tar"])
def test_spooled_members_sealed_under_work_dir_and_removed_on_close(
    make: Maker, tmp_path: Path, kind: str, monkeypatch
) -> None:  # noqa: ANN001
    from leaktriage.ingest import _spool

    # Small limits stand for the real ones (4 MiB in memory, 1 MiB chunks) at a tenth the data.
    monkeypatch.setattr(_spool, "MEMORY_MEMBER_BYTES", 2**16)
    monkeypatch.setattr(_spool, "CHUNK_BYTES", 2**15)
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    work = tmp_path / "ws" / "tmp"
    data = big_people()
    if kind == "zip-of-tar":
        content = archive("zip", {"people.tar": archive("tar", {"people.csv": data})})
    else:
        content = compress(kind, data, member="people.csv")
    path = make(f"people.{kind}", content)
    needles = [PLANTED.encode(), b"p5999@example.test", b"51900005999"]
    with open_input(path, IngestOptions(work_dir=str(work))) as reader:
        dirs = _spool_dirs(work)
        assert [d.name.split("-")[1] for d in dirs] == [str(os.getpid())]
        assert os.stat(dirs[0]).st_mode & 0o777 == 0o700
        sealed = list(dirs[0].iterdir())
        assert sealed and all(os.stat(f).st_mode & 0o777 == 0o600 for f in sealed)
        table = reader.batches().read_all()
        assert table.num_rows == 6000
        assert table.column("full_name")[1000].as_py() == f"{PLANTED} 1000"
        assert _plaintext_under(work, needles) == []
        assert _plaintext_under(system_tmp, needles) == []
    assert not dirs[0].exists()
    assert list(system_tmp.iterdir()) == []


def test_small_members_stay_in_memory(make: Maker, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    work = tmp_path / "work"
    path = make("t.tar.gz", compress("tar.gz", CSV))
    with open_input(path, IngestOptions(work_dir=str(work))) as reader:
        assert reader.batches().read_all().num_rows == 25
        assert not work.exists() or _spool_dirs(work) == []
        assert list(system_tmp.iterdir()) == []


def test_spool_removed_when_open_fails(make: Maker, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from leaktriage.ingest import _spool

    monkeypatch.setattr(_spool, "MEMORY_MEMBER_BYTES", 2**16)
    made: list[Path] = []
    original = _spool.Spool.new_file

    def spy(self: _spool.Spool) -> tuple[Path, int]:
        made.append(original(self)[0])
        return made[-1], len(made)

    monkeypatch.setattr(_spool.Spool, "new_file", spy)
    work = tmp_path / "work"
    members = {"a.csv": big_people(), "b.csv": big_people()}
    path = make("two.tar", archive("tar", members))
    with pytest.raises(InputRejected, match="max_members"):
        # Refused at the second member, after the first was spooled to disk.
        open_input(path, IngestOptions(work_dir=str(work), max_members=1))
    assert made and made[0].parent.parent == work
    assert _spool_dirs(work) == []


def test_plain_zip_members_are_streamed_without_spooling(make: Maker, monkeypatch) -> None:  # noqa: ANN001
    from leaktriage.ingest import _spool

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("nothing to spool expected")

    monkeypatch.setattr(_spool.Spool, "writer", refuse)
    path = make("p.zip", archive("zip", {"a.csv": CSV, "b.csv": CSV}))
    with open_input(path) as reader:
        assert reader.sample(3).num_rows == 3
        assert reader.batches().read_all().num_rows == 50


def test_parquet_inside_tar_read_from_the_sealed_spool(
    make: Maker, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    import pyarrow as pa
    import pyarrow.parquet as pq

    from leaktriage.ingest import _spool

    monkeypatch.setattr(_spool, "MEMORY_MEMBER_BYTES", 0)  # force the sealed file
    monkeypatch.setattr(_spool, "CHUNK_BYTES", 4096)  # many chunks: seeks across them
    rows = 20_000
    table = pa.table({"msisdn": [f"519{i:08d}" for i in range(rows)], "n": list(range(rows))})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=3000)
    path = make("p.tar", archive("tar", {"x.parquet": sink.getvalue()}))
    work = tmp_path / "work"
    with open_input(path, IngestOptions(work_dir=str(work), batch_rows=5000)) as reader:
        assert [f.suffix for f in _spool_dirs(work)[0].iterdir()] == [".sealed"]
        got = reader.batches().read_all()
    assert got.num_rows == rows
    assert got.column("msisdn")[rows - 1].as_py() == f"519{rows - 1:08d}"


def test_stale_spool_of_a_dead_process_removed_at_next_ingest(make: Maker, tmp_path: Path) -> None:
    import subprocess
    import sys

    work = tmp_path / "work"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = work / f"ingest-{dead.stdout.strip()}-0123456789abcdef"
    stale.mkdir(parents=True)
    (stale / "member-00001.sealed").write_bytes(b"x" * 100)
    alive = work / f"ingest-{os.getpid()}-fedcba9876543210"
    alive.mkdir()
    with open_input(make("a.csv", CSV), IngestOptions(work_dir=str(work))) as reader:
        reader.batches().read_all()
    assert not stale.exists()
    assert alive.exists()  # a live process's spool (maybe an ingest running now) is kept


def test_bomb_after_a_normal_start_is_stopped_while_streaming(make: Maker) -> None:
    # The first megabytes compress normally (the open-time probe passes); zeros follow.
    rng = random.Random(5)
    # The start is larger than what opening and sampling read ahead (4 MiB chunks, readahead).
    start = "".join(f"{rng.randrange(10**9)},{rng.randrange(10**9)}\n" for _ in range(400_000))
    path = make("late-bomb.csv.gz", gzip.compress(("a,b\n" + start).encode() + b"0" * 60 * 2**20))
    with open_input(path, IngestOptions(max_ratio=10)) as reader:
        assert reader.sample(5).num_rows == 5
        with pytest.raises(InputRejected, match="ratio"):
            reader.batches().read_all()
