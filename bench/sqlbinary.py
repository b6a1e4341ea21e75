"""Read throughput of an HSS dump written by ``mysqldump`` without ``--hex-blob``: Ki and OPc as
raw bytes in ``_binary '...'`` literals (MySQL 8.0) or plain ``'...'`` literals of VARBINARY
columns (older versions), beside the same rows with ``0x..`` hex literals (``--hex-blob``), each
read in a fresh process through ``leaktriage.ingest.open_input(...).batches()``.

    .venv/bin/python bench/sqlbinary.py             # 100 MB per dump
    .venv/bin/python bench/sqlbinary.py --mb 500
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import in_child, measure_here, print_table, read_all  # noqa: E402

HERE = Path(__file__).resolve()
BYTES_PER_ROW = 130
_ESCAPES = {0: b"\\0", 10: b"\\n", 13: b"\\r", 26: b"\\Z", 39: b"\\'", 34: b'\\"', 92: b"\\\\"}
_HOLDERS = ["JOSÉ QUISPE", "MARÍA HUAMÁN", "LUIS O\\'BRIEN", "ANA PEÑA"]


def _escape(data: bytes) -> bytes:
    return b"".join(_ESCAPES.get(b, bytes([b])) for b in data)


def write_hss_dump(path: Path, rows: int, style: str, line_bytes: int = 1 << 20) -> None:
    """``style``: ``binary`` (``_binary '..'``), ``plain`` (``'..'``) or ``hex`` (``0x..``)."""
    rng = random.Random(5)
    keys = [rng.randbytes(16) for _ in range(4096)]
    if style == "hex":
        literal = [b"0x" + k.hex().upper().encode() for k in keys]
    else:
        prefix = b"_binary " if style == "binary" else b""
        literal = [prefix + b"'" + _escape(k) + b"'" for k in keys]
    with open(path, "wb") as out:
        out.write(
            b"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n"
            b"/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `subscriber` (\n"
            b"  `imsi` varchar(15) NOT NULL,\n  `msisdn` varchar(15),\n  `ki` varbinary(16),\n"
            b"  `opc` varbinary(16),\n  `iccid` varchar(20),\n  `holder` varchar(80)\n"
            b") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
        )
        head = b"INSERT INTO `subscriber` VALUES "
        tuples: list[bytes] = []
        size = 0
        for i in range(rows):
            text = b"('%d','519%08d',%s,%s,'895110%013d','%s')" % (
                716060000000000 + i,
                i % 10**8,
                literal[i % 4096],
                literal[(i * 7) % 4096],
                i,
                _HOLDERS[i % 4].encode(),
            )
            tuples.append(text)
            size += len(text) + 1
            if size >= line_bytes:
                out.write(head + b",".join(tuples) + b";\n")
                tuples, size = [], 0
        if tuples:
            out.write(head + b",".join(tuples) + b";\n")


def child(path: str) -> dict[str, Any]:
    import leaktriage.ingest  # noqa: F401  (before the clock)

    def run() -> dict[str, Any]:
        cpu = time.process_time()
        rows, report = read_all(path)
        assert report.malformed_rows == 0 and report.encoding == "utf-8"
        return {"rows": rows, "cpu_seconds": time.process_time() - cpu}

    return measure_here(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=100.0, help="size of each dump in MB")
    parser.add_argument("--child", nargs=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    rows = int(args.mb * 1e6 / BYTES_PER_ROW)
    with tempfile.TemporaryDirectory(prefix="leaktriage-bench-") as tmp:
        table = []
        for style in ("binary", "plain", "hex"):
            path = Path(tmp, f"hss-{style}.sql")
            write_hss_dump(path, rows, style)
            result = in_child(str(HERE), str(path))
            size = path.stat().st_size / 1e6
            table.append(
                {
                    "input": {
                        "binary": "_binary '..' (8.0)",
                        "plain": "'..' VARBINARY (5.x)",
                        "hex": "0x.. (--hex-blob)",
                    }[style],
                    "MB": size,
                    "rows": result["rows"],
                    "seconds": result["seconds"],
                    "cpu s": result["cpu_seconds"],
                    "MB/s": size / result["seconds"],
                    "peak RSS MiB": result["peak_rss_mib"],
                }
            )
            path.unlink()
        print_table(table, list(table[0]))


if __name__ == "__main__":
    main()
