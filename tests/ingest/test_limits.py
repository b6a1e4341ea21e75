"""Limits that bite early: total expansion over every layer, member count, nesting depth.

Each hostile input is generated here (synthetic lines only) and must be refused with
``InputRejected`` naming its limit, fast and in bounded memory.
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import random
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from ingest_corpus import Maker, archive, compress, people_csv

from leaktriage.errors import InputRejected
from leaktriage.ingest import IngestOptions, open_input

LINE = b"51987654321,40404040,Persona Sintetica Uno,persona@example.test,1980-01-01\n"


def nested_bomb() -> tuple[bytes, list[tuple[int, int]]]:
    """xz of gzip of gzip of a ~1 GB CSV of repeated synthetic lines (the shape in issue 11).

    Every layer stays under the default ratio of 200; together they expand ~10,000x. Returns
    the file and each layer's (decompressed, compressed) sizes, innermost first. ~1 s.
    """
    rng = random.Random(11)
    every, target = 14_000, 1_070_000_000
    reps = 2**20 // len(LINE)
    first = zlib.compressobj(1, zlib.DEFLATED, 31)
    layer1 = bytearray(first.compress(b"msisdn,dni,name,email,birth_date\n"))
    made = 0
    while made < target:
        parts = []
        for _ in range(0, reps, every):
            parts.append(LINE * every)
            # A rare line that differs keeps the gzip layers from compressing too well.
            ids = (rng.randrange(10**8), rng.randrange(10**8), rng.randrange(10**6))
            parts.append(b"519%08d,%08d,Persona %d,x@example.test,1990-01-01\n" % ids)
        block = b"".join(parts)
        made += len(block)
        layer1 += first.compress(block)
    layer1 += first.flush()
    second = zlib.compressobj(1, zlib.DEFLATED, 31)
    layer2 = second.compress(bytes(layer1)) + second.flush()
    outer = lzma.compress(layer2)
    return outer, [(made, len(layer1)), (len(layer1), len(layer2)), (len(layer2), len(outer))]


_MEASURE = textwrap.dedent(
    """
    import sys, time
    from leaktriage.errors import InputRejected
    from leaktriage.ingest import IngestOptions, open_input
    started = time.monotonic()
    try:
        with open_input(sys.argv[1], IngestOptions(work_dir=sys.argv[2])) as reader:
            for _ in reader.batches():
                pass
        print("READ")
    except InputRejected as error:
        print("REJECTED", error)
    print(time.monotonic() - started)
    """
)


def _ingest_in_child(path: Path, work: Path, out: Path) -> tuple[str, float, int]:
    """Ingest ``path`` in a fresh interpreter: (its output, seconds, its peak RSS in bytes)."""
    with open(out, "wb") as sink:
        child = subprocess.Popen(
            [sys.executable, "-c", _MEASURE, str(path), str(work)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    started = time.monotonic()
    timer = threading.Timer(120, child.kill)
    timer.start()
    try:
        # wait4 reaps the child and gives its own resource usage (not all children's).
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    text = out.read_text(errors="replace")
    assert child.returncode == 0, text
    return text, elapsed, usage.ru_maxrss * 1024


def test_nested_bomb_each_layer_under_the_ratio_is_refused_by_the_total(
    tmp_path: Path,
) -> None:
    data, layers = nested_bomb()
    assert all(out / packed < 200 for out, packed in layers), layers
    assert layers[0][0] / len(data) > 9_000  # ~1 GB out of ~100 KB in
    path = tmp_path / "bomb.csv.xz"
    path.write_bytes(data)
    out, elapsed, rss = _ingest_in_child(path, tmp_path / "work", tmp_path / "out.txt")
    assert out.startswith("REJECTED"), out
    assert "max_ratio" in out
    assert elapsed < 30
    assert rss < 2 * 2**30


def test_total_over_members_counts_for_max_input_bytes(make: Maker) -> None:
    # Three gzip members, each under the limit on its own, over it together.
    member = gzip.compress(people_csv(1200).encode())
    assert 60_000 < len(gzip.decompress(member)) < 100_000
    path = make("parts.zip", archive("zip", {f"p{i}.csv.gz": member for i in range(3)}))
    options = IngestOptions(max_input_bytes=150_000, max_ratio=1e9)
    with pytest.raises(InputRejected, match="max_input_bytes"):
        with open_input(path, options) as reader:
            reader.batches().read_all()


def test_total_ratio_over_members_of_a_tar(make: Maker) -> None:
    # Each gzip member expands 150x (under the limit of 200); the tar around them adds none,
    # but the tar.xz as a whole is much smaller than its members: the total is judged.
    members = {}
    for i in range(4):
        block = gzip.compress(LINE * 40_000, compresslevel=1)
        members[f"m{i}.csv.gz"] = block
    assert len(LINE) * 40_000 / len(members["m0.csv.gz"]) < 200
    path = make("t.tar.xz", archive("tar.xz", members))
    with pytest.raises(InputRejected, match="max_ratio"):
        with open_input(path) as reader:
            reader.batches().read_all()


def test_passes_over_a_member_are_not_counted_twice(make: Maker) -> None:
    # A 120x gzip: sniffing, sampling and reading it three times stay under 200x.
    rng = random.Random(3)
    line = LINE * 30
    text = b"a,b,c,d,e\n" + b"".join(
        line if rng.random() < 0.995 else b"%d,x,y,z,w\n" % rng.randrange(10**9)
        for _ in range(4000)
    )
    packed = gzip.compress(text, compresslevel=1)
    assert 60 < len(text) / len(packed) < 200
    path = make("ok.csv.gz", packed)
    with open_input(path) as reader:
        reader.sample(10)
        for _ in range(3):
            assert reader.batches().read_all().num_rows > 100_000
    # The same bytes with a 20x limit: refused, so the passes above were really judged.
    with pytest.raises(InputRejected, match="max_ratio"):
        with open_input(path, IngestOptions(max_ratio=20)) as reader:
            reader.batches().read_all()


def _many_members_zip(n: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(f"part/{i:06d}.csv", b"msisdn,name\n519%08d,Persona %d\n" % (i, i))
    return out.getvalue()


def test_zip_of_100000_members_refused_from_its_directory(make: Maker, monkeypatch) -> None:  # noqa: ANN001
    path = make("many.zip", _many_members_zip(100_000))
    parsed: list[int] = []
    original = zipfile.ZipFile._RealGetContents  # type: ignore[attr-defined]

    def spy(self):  # noqa: ANN001, ANN202
        parsed.append(1)
        return original(self)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", spy)
    started = time.monotonic()
    with pytest.raises(InputRejected, match="max_members") as caught:
        open_input(path)
    assert time.monotonic() - started < 30
    assert "10000" in str(caught.value)
    assert parsed == []  # refused from the end record, before the central directory is read


def test_members_counted_over_nested_archives(make: Maker) -> None:
    inner = _many_members_zip(40)
    outer = archive("zip", {f"batch{i}.zip": inner for i in range(3)})
    with pytest.raises(InputRejected, match="max_members"):
        with open_input(make("nested.zip", outer), IngestOptions(max_members=100)) as reader:
            reader.batches().read_all()
    # One inner archive alone is under the limit.
    with open_input(make("one.zip", inner), IngestOptions(max_members=100)) as reader:
        assert reader.batches().read_all().num_rows == 40


@pytest.mark.parametrize("kind", ["tar", "tar.gz", "7z"])
def test_member_limit_on_sequential_archives(make: Maker, kind: str) -> None:
    members = {f"m{i}.csv": b"a,b\n%d,x\n" % i for i in range(30)}
    path = make(f"many.{kind}", archive(kind, members))
    with pytest.raises(InputRejected, match="max_members"):
        open_input(path, IngestOptions(max_members=20))


def test_nesting_deeper_than_the_limit_is_refused(make: Maker) -> None:
    data = people_csv(5).encode()
    for _ in range(6):
        data = compress("zip", data, member="inner.zip")
    with pytest.raises(InputRejected, match="nested more than 3 deep"):
        open_input(make("deep.zip", data))
