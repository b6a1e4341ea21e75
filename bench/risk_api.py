"""Risk API throughput and latency: ``POST /api/v1/risk/sim-change`` vs a bare endpoint.

A server process builds a watchlist of N synthetic lines (tokens of ``+519xxxxxxxx`` computed
in DuckDB with :func:`leaktriage.tokens.token_sql`) and serves the risk API with uvicorn (one
worker, 127.0.0.1). The same app also serves ``POST /bench/bare``, a FastAPI endpoint returning
a constant, and ``POST /bench/bare-body``, the same constant after parsing the risk request body
(FastAPI + pydantic cost alone), so all are measured by the same server and the same load
generator in one run. A separate load process (keep-alive, C concurrent connections; a minimal
asyncio HTTP/1.1 client by default, ``--client httpx`` for httpx, which costs the load process
~1 ms of CPU per request and then measures itself) drives each endpoint for S seconds; half the
numbers asked for are on the watchlist, half are not.

Targets: >= 2,000 decisions/s on 2 cores, p99 < 20 ms, within 2x of the bare endpoint.
Prints a table; never fails on time.
Run: ``.venv/bin/python bench/risk_api.py [--lines 5000000] [--seconds 10] [--connections 4]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table  # noqa: E402
from leaktriage.api.app import RiskRequest  # noqa: E402

BENCH_KEY = b"leaktriage-bench-key-0123456789abcdef"
RISK_PATH = "/api/v1/risk/sim-change"
BARE_PATH = "/bench/bare"
BARE_BODY_PATH = "/bench/bare-body"


def _number(i: int) -> str:
    return f"+519{i:08d}"


# -- server process -----------------------------------------------------------------------------
def serve(port: int, lines: int) -> None:
    import uvicorn

    from leaktriage.api import create_app
    from leaktriage.api.auth import create_api_key
    from leaktriage.api.risk import Watchlist
    from leaktriage.api.service import Service, ServiceConfig
    from leaktriage.tokens import token_sql
    from leaktriage.workspace import Workspace

    started = time.perf_counter()
    ws, _ = Workspace.init(
        Path(tempfile.mkdtemp(prefix="lt-bench-risk-")) / "ws", env_key=BENCH_KEY.decode()
    )
    api_key = create_api_key(ws, "bench", ["risk:decide"])
    # even-numbered lines are watched; odd ones are not (asked for by the load generator)
    number_sql = "'+519' || lpad((2 * i)::varchar, 8, '0')"
    table = ws.engine.fetch_arrow(
        f"select {token_sql(number_sql, 'msisdn')} as t from range(?) r(i)", [lines]
    )
    tokens = table.column("t").to_pylist()
    token_s = time.perf_counter() - started
    watchlist = Watchlist.from_columns(tokens, "sim_swap", date(2099, 1, 1), "bench")
    del tokens, table
    assert len(watchlist) == lines
    build_s = time.perf_counter() - started
    # The whole service: API-key check, decision, audit entry per decision (flushed each second).
    service = Service(ws, ServiceConfig(), watchlist=watchlist)
    service.start()
    app = create_app(service)

    @app.post(BARE_PATH)
    async def bare() -> dict[str, Any]:
        return {"decision": "allow", "risk": 0.05, "reasons": ["constant"]}

    @app.post(BARE_BODY_PATH)
    async def bare_body(body: RiskRequest) -> dict[str, Any]:
        return {"decision": "allow", "risk": 0.05, "reasons": ["constant"]}

    sys.stderr.write(
        json.dumps(
            {"lines": lines, "token_seconds": token_s, "build_seconds": build_s, "key": api_key}
        )
        + "\n"
    )
    sys.stderr.flush()
    try:
        uvicorn.run(
            app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False
        )
    finally:
        service.stop()
        ws.close()


# -- load process -------------------------------------------------------------------------------
async def _drive(
    base: str,
    path: str,
    seconds: float,
    connections: int,
    lines: int,
    client_kind: str,
    api_key: str,
) -> Any:
    import random

    import httpx

    rng = random.Random(7)
    bodies = [
        json.dumps(
            {
                "msisdn": _number(rng.randrange(0, 2 * lines)),
                "request": rng.choice(["sim_swap", "port_out", "esim_download"]),
                "channel": rng.choice(["store", "call_center", "online", "app"]),
            }
        ).encode()
        for _ in range(5000)
    ]
    if client_kind == "raw":
        return await _drive_raw(base, path, seconds, connections, bodies, api_key)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:

        async def worker(offset: int, deadline: float, record: bool) -> None:
            nonlocal errors
            i = offset
            headers = {"content-type": "application/json", "authorization": f"Bearer {api_key}"}
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                r = await client.post(path, content=bodies[i % len(bodies)], headers=headers)
                if record:
                    latencies.append(time.perf_counter() - t0)
                    if r.status_code != 200:
                        errors += 1
                i += connections

        warm = time.perf_counter() + 1.0
        await asyncio.gather(*(worker(k, warm, False) for k in range(connections)))
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(worker(k, deadline, True) for k in range(connections)))
        elapsed = time.perf_counter() - started
    return _summary(latencies, elapsed, errors)


async def _drive_raw(
    base: str, path: str, seconds: float, connections: int, bodies: list[bytes], api_key: str
) -> Any:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: cheap enough per request that
    the load process is not the bottleneck on a 2-core machine (httpx costs ~1 ms of CPU)."""
    host, port = base.removeprefix("http://").split(":")
    requests = [
        (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {api_key}\r\nContent-Length: {len(b)}\r\n\r\n"
        ).encode()
        + b
        for b in bodies
    ]
    latencies: list[float] = []
    errors = 0

    async def worker(offset: int, deadline: float, record: bool) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        i = offset
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            writer.write(requests[i % len(requests)])
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if record:
                latencies.append(time.perf_counter() - t0)
                if not head.startswith(b"HTTP/1.1 200"):
                    errors += 1
            i += connections
        writer.close()
        await writer.wait_closed()

    warm = time.perf_counter() + 1.0
    await asyncio.gather(*(worker(k, warm, False) for k in range(connections)))
    started = time.perf_counter()
    await asyncio.gather(*(worker(k, started + seconds, True) for k in range(connections)))
    return _summary(latencies, time.perf_counter() - started, errors)


def _summary(latencies: list[float], elapsed: float, errors: int) -> dict[str, Any]:
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "per_second": n / elapsed,
        "p50_ms": 1000 * latencies[n // 2] if n else None,
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if n else None,
        "errors": errors,
    }


def load(
    base: str,
    path: str,
    seconds: float,
    connections: int,
    lines: int,
    client_kind: str,
    api_key: str,
) -> None:
    result = asyncio.run(_drive(base, path, seconds, connections, lines, client_kind, api_key))
    print(json.dumps(result))


# -- orchestration ------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not start in time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5_000_000)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="load client: raw asyncio HTTP/1.1 (default) or httpx (heavier per request)",
    )
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--load", nargs=2, metavar=("BASE", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--api-key", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.lines)
        return
    if args.load:
        load(
            args.load[0],
            args.load[1],
            args.seconds,
            args.connections,
            args.lines,
            args.client,
            args.api_key,
        )
        return

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    script = str(Path(__file__).resolve())
    cmd = [sys.executable, script, "--serve", str(port), "--lines", str(args.lines)]
    t0 = time.perf_counter()
    # the server's stderr goes to a file: a pipe nobody reads could fill and stall the server
    errlog = tempfile.TemporaryFile()
    server = subprocess.Popen(cmd, stderr=errlog)
    try:
        _wait_ready(base, server, timeout=600)
        ready_s = time.perf_counter() - t0
        rss = _rss_mib(server.pid)
        errlog.seek(0)
        api_key = json.loads(errlog.read().decode().strip().splitlines()[0])["key"]
        hits = _sanity(base, api_key)
        rows = []
        endpoints = (
            ("risk decision", RISK_PATH),
            ("bare constant", BARE_PATH),
            ("bare + body model", BARE_BODY_PATH),
        )
        for name, path in endpoints:
            out = subprocess.run(
                [
                    sys.executable,
                    script,
                    "--load",
                    base,
                    path,
                    "--seconds",
                    str(args.seconds),
                    "--connections",
                    str(args.connections),
                    "--lines",
                    str(args.lines),
                    "--client",
                    args.client,
                    "--api-key",
                    api_key,
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=args.seconds + 120,
            )
            rows.append({"endpoint": name, **json.loads(out.stdout.strip().splitlines()[-1])})
    finally:
        server.terminate()
        server.wait(timeout=30)
        errlog.seek(0)
        err = errlog.read()
    build = json.loads(err.decode().strip().splitlines()[0]) if err else {}
    print(
        f"watchlist: {args.lines:,} lines, tokens {build.get('token_seconds', 0):.1f} s, "
        f"built {build.get('build_seconds', 0):.1f} s, server ready {ready_s:.1f} s, "
        f"server RSS {rss:,.0f} MiB; {os.cpu_count()} cores, {args.connections} connections, "
        f"{args.seconds:.0f} s per endpoint, {args.client} client; check: {hits}"
    )
    print_table(rows, ["endpoint", "requests", "per_second", "p50_ms", "p99_ms", "errors"])
    risk, bare, _ = rows
    ratio = bare["per_second"] / risk["per_second"] if risk["per_second"] else float("inf")
    print(
        f"targets: >= 2,000 decisions/s: {risk['per_second']:,.0f}; "
        f"p99 < 20 ms: {risk['p99_ms']:.2f} ms; within 2x of bare: {ratio:.2f}x"
    )


def _sanity(base: str, api_key: str) -> str:
    """A watched (even) and an unwatched (odd) line must get different tiers' decisions."""
    import httpx

    got = []
    for i in (0, 1):
        body = {"msisdn": _number(i), "request": "port_out", "channel": "online"}
        r = httpx.post(
            base + RISK_PATH,
            json=body,
            timeout=10,
            headers={"authorization": f"Bearer {api_key}"},
        )
        got.append(r.json()["decision"])
    if got != ["deny", "allow"]:
        raise SystemExit(f"watchlist lookups are wrong: {got}")
    return "watched line denied, unwatched allowed"


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


if __name__ == "__main__":
    main()
