"""Hostile and empty inputs: a clear InputError or InputRejected, never a traceback or a value."""

from __future__ import annotations

import gzip
import logging
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ingest_corpus import PLANTED, Maker, archive

from leaktriage.errors import InputError, InputRejected
from leaktriage.ingest import IngestOptions, open_input


def junk(n: int = 20000, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(junk(), id="random-bytes"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + junk(3000), id="png"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 500, id="elf"),
        pytest.param(gzip.compress(junk()), id="gzipped-junk"),
        pytest.param(archive("zip", {"a.bin": junk(), "b.bin": junk(seed=3)}), id="zip-of-junk"),
    ],
)
def test_binary_junk_is_not_a_recognised_format(make: Maker, content: bytes) -> None:
    with pytest.raises(InputError, match="not a recognised text or data format") as caught:
        open_input(make("junk.csv", content))
    assert not isinstance(caught.value, InputRejected)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(b"customer_id,msisdn,full_name\n", id="header-only"),
        pytest.param(b"customer_id;msisdn\r\n", id="header-only-crlf-semicolon"),
        pytest.param(b"\xef\xbb\xbfname,email\n", id="header-only-bom"),
        pytest.param(b"  \n\n\t\n", id="whitespace-only"),
        pytest.param(b"[]", id="empty-json-array"),
        pytest.param(b"[\n]\n", id="empty-json-array-lines"),
        pytest.param(gzip.compress(b""), id="empty-gzip"),
        pytest.param(archive("zip", {}), id="empty-zip"),
        pytest.param(archive("tar", {"empty.csv": b""}), id="tar-of-empty-member"),
        pytest.param(b"CREATE TABLE t (a int);\nINSERT INTO t VALUES\n", id="sql-without-rows"),
    ],
)
def test_empty_input_rejected(make: Maker, content: bytes) -> None:
    # A dump with tables but no rows says so ("no data rows in any table").
    with pytest.raises(InputRejected, match="empty input|no data rows"):
        open_input(make("empty.csv", content))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x1f\x8b\x08\x00" + junk(200), id="truncated-gzip"),
        pytest.param(gzip.compress(b"a,b\n1,2\n" * 1000)[:-40], id="gzip-cut-short"),
        pytest.param(b"PK\x03\x04" + junk(500), id="broken-zip"),
        pytest.param(b"7z\xbc\xaf\x27\x1c" + junk(500), id="broken-7z"),
        pytest.param(b"PAR1" + junk(500) + b"PAR1", id="broken-parquet"),
        pytest.param(
            archive("zip", {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"junk"}),
            id="broken-xlsx",
        ),
        pytest.param(b"BZh9" + junk(300), id="broken-bz2"),
        pytest.param(b"\xfd7zXZ\x00" + junk(300), id="broken-xz"),
    ],
)
def test_damaged_containers_raise_input_error(make: Maker, content: bytes) -> None:
    with pytest.raises(InputError):
        with open_input(make("bad.bin", content)) as reader:
            reader.batches().read_all()


def test_missing_file(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(InputError, match="no such file"):
        open_input(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("name", "content", "options"),
    [
        pytest.param("c.csv", f"a,b,c\n1,2,3\n{PLANTED},x\n", {"on_error": "fail"}, id="csv-fail"),
        pytest.param("c.csv", f"a,b,c\n1,2,3\n{PLANTED},x\n", {}, id="csv-skip"),
        pytest.param(
            "j.jsonl", f'{{"a": 1}}\n{{"a": "{PLANTED}\n', {"on_error": "fail"}, id="jsonl-fail"
        ),
        pytest.param(
            "j.json", f'[{{"a": 1}}, {{"a": "{PLANTED}"', {"on_error": "fail"}, id="json-fail"
        ),
        pytest.param("j.json", f'[{{"a": 1}}, {{"a": "{PLANTED}"', {}, id="json-skip"),
        pytest.param(
            "s.sql",
            f"INSERT INTO t (a,b) VALUES ('{PLANTED}');\n",
            {"on_error": "fail"},
            id="sql-fail",
        ),
        pytest.param(
            "b.csv",
            "id,blob\n1," + PLANTED * 50 + "\n",
            {"on_error": "fail", "max_field_bytes": 100},
            id="oversized-field",
        ),
        pytest.param(
            "u.csv",
            b"a,b\n" + PLANTED.encode() + b",\xff\xfe\n",
            {"encoding": "utf-8"},
            id="bad-utf8-forced",
        ),
    ],
)
def test_planted_value_never_in_messages_or_logs(
    make: Maker, caplog: pytest.LogCaptureFixture, name: str, content: str | bytes, options: dict
) -> None:
    caplog.set_level(logging.DEBUG)
    path = make(name, content)
    messages: list[str] = []
    try:
        with open_input(path, IngestOptions(**options)) as reader:
            reader.sample(10)
            reader.batches().read_all()
            messages.append(repr(reader.report.input_json()))
    except InputError as error:
        messages.append(str(error))
        messages.append(repr(error))
        assert error.__cause__ is None or PLANTED not in str(error.__cause__)
    messages.extend(record.getMessage() for record in caplog.records)
    assert messages
    for message in messages:
        assert PLANTED not in message


def test_unknown_forced_encoding(make: Maker) -> None:
    with pytest.raises(InputError, match="unknown encoding"):
        open_input(make("a.csv", "a,b\n1,2\n"), IngestOptions(encoding="no-such-codec"))


# -- a run killed while it reads an archive leaves nothing readable behind ---------------------

KEY_ENV = {"LEAKTRIAGE_KEY": "hostile-test-key-0123456789abcdef"}


def _people_with_planted(rows: int, seed: int) -> bytes:
    """Synthetic people (names, DNIs, MSISDNs); every 500th name is the planted value."""
    rng = random.Random(seed)
    lines = ["dni,msisdn,nombre,email"]
    for i in range(rows):
        name = PLANTED if i % 500 == 0 else f"Persona Sintetica {rng.randrange(10**6)}"
        lines.append(f"{40000000 + i},519{i:08d},{name},p{i}@example.test")
    return ("\n".join(lines) + "\n").encode()


def _files_holding(root: Path, needles: list[bytes]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            hits.extend(f"{path}: {n!r}" for n in needles if n in data)
    return hits


def _wait_for_spool(roots: list[Path], child: subprocess.Popen[bytes], timeout: float) -> Path:
    """The first spool file over 1 MiB under ``roots`` (new or old layout), once it exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.poll() is None, "the run ended before it could be killed"
        for root in roots:
            for pattern in ("ingest-*/*", "leaktriage-ingest-*/*"):
                for path in root.glob(pattern):
                    try:
                        if path.stat().st_size > 2**20:
                            return path
                    except FileNotFoundError:
                        continue
        time.sleep(0.005)
    pytest.fail("no spooled member appeared")


def test_triage_killed_mid_archive_leaves_no_plaintext_and_next_open_cleans(
    tmp_path: Path,
) -> None:
    from leaktriage.workspace import Workspace

    ws_path = tmp_path / "ws"
    Workspace.init(ws_path, env_key=KEY_ENV["LEAKTRIAGE_KEY"])[0].close()
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    members = {f"export/part{i}.csv": _people_with_planted(100_000, i) for i in range(4)}
    leak = tmp_path / "leak.tar.gz"
    leak.write_bytes(archive("tar.gz", members))
    env = {**os.environ, **KEY_ENV, "TMPDIR": str(system_tmp)}
    command = "from leaktriage.cli import app; app()"
    args = ["--workspace", str(ws_path), "triage", str(leak), "--case", "killed"]
    child = subprocess.Popen(
        [sys.executable, "-c", command, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        spooled = _wait_for_spool([ws_path / "tmp", system_tmp], child, timeout=60)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    needles = [PLANTED.encode(), b"51900099999", b"40099999", b"p99999@example.test"]
    assert _files_holding(ws_path, needles) == []
    assert _files_holding(system_tmp, needles) == []
    leftover = spooled.parent
    assert leftover.parent == ws_path / "tmp"
    assert leftover.name.startswith(f"ingest-{child.pid}-")
    assert leftover.exists()  # what the killed run left: ciphertext under a lost key
    Workspace.open(ws_path, env_key=KEY_ENV["LEAKTRIAGE_KEY"]).close()
    assert not leftover.exists()
