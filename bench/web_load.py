"""Web load test: concurrent requests on loopback against the map page and the list endpoints of
`armtrace serve`, over synthetic incidents in SQLite or a throw-away PostgreSQL server.

    python bench/web_load.py                               # 100,000 incidents in SQLite
    python bench/web_load.py --postgres --incidents 1000000
    python bench/web_load.py --clients 50 --requests 500 --seconds 60

The incidents are bench/analysis.py's (written straight into the tables). An analyst is added, the
server (`armtrace serve`, one process) is started on a free 127.0.0.1 port, and for each endpoint
`--clients` concurrent clients share one cookie session and send at most `--requests` requests or until
`--seconds` have passed, whichever is first (a request still running then is waited for, at most
`--timeout` s). Only 127.0.0.1 is ever contacted. Prints p50/p95/max latency, throughput and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import psutil

from analysis import populate, postgres_server  # bench/analysis.py: same data, same server
from armtrace.store import open_store
from armtrace.web import accounts

HOST = "127.0.0.1"
PASSWORD = "load-test-password"
ENDPOINTS = [
    ("list, first page", "/api/incidents?limit=50"),
    ("list, LY, page 3", "/api/incidents?country=LY&limit=50&offset=100"),
    ("list, trafficking ≥2012", "/api/incidents?type=trafficking&since=2012&limit=50"),
    ("flows, countries, no ids", "/api/flows?kind=countries&limit=100&ids=false"),
    ("map, LY manpads ≥2011", "/map?country=LY&category=manpads&since=2011"),
    ("map, all", "/map"),
    # 100 different pages: each is computed once per worker, so this row shows the uncached list
    ("list, 100 pages (misses)", "/api/incidents?limit=50&offset={page}"),
]
PAGES = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def prepare(url: str, incidents: int, seed: int) -> None:
    store = open_store(url)
    start = time.perf_counter()
    populate(store, incidents, seed)
    with store.transaction() as s:
        accounts.add_user(s, "loadtest", "analyst", PASSWORD)
    store.dispose()
    print(f"  loaded {incidents:,} incidents in {time.perf_counter() - start:.1f} s", flush=True)


@contextmanager
def serving(url: str, log: Path, workers: int):
    port = _free_port()
    armtrace = Path(sys.executable).parent / "armtrace"
    with log.open("w") as out:
        cmd = [str(armtrace), "serve", "--db", url, "--host", HOST, "--port", str(port)]
        cmd += ["--workers", str(workers)]
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://{HOST}:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"armtrace serve did not start; see {log}")
                time.sleep(0.2)
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            _server_errors(log)


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live descendants (the uvicorn workers)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue  # a worker that just exited
        total += times.user + times.system
    return total


def _server_errors(log: Path) -> None:
    """The server's distinct exception lines, so a 500 in the table says what it was."""
    seen: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if "Error" in line and not line.startswith((" ", "INFO")) and "Traceback" not in line:
            seen[line.strip()[:200]] = seen.get(line.strip()[:200], 0) + 1
    for line, n in sorted(seen.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  server: {n} × {line}", flush=True)


async def fetch(client: aiohttp.ClientSession, path: str) -> tuple[str, bytes]:
    """The status (or the error's name) and the whole body: a request is timed until read."""
    try:
        async with client.get(path) as r:
            return str(r.status), await r.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        return type(exc).__name__, b""


async def hammer(
    client: aiohttp.ClientSession, path: str, clients: int, requests: int, seconds: float
) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sent = 0
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal sent
        while sent < requests and time.monotonic() < deadline:
            sent += 1
            t0 = time.perf_counter()
            code, _ = await fetch(client, path.format(page=50 * (sent % PAGES)))
            if code == "200":
                latencies.append(time.perf_counter() - t0)
            else:
                errors[code] = errors.get(code, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - start
    latencies.sort()
    q = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) >= 2
        else latencies * 99
    )
    return {
        "ok": len(latencies),
        "errors": errors,
        "p50": q[49] * 1000 if q else float("nan"),
        "p95": q[94] * 1000 if q else float("nan"),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "rps": len(latencies) / wall if wall else 0.0,
    }


async def load(base: str, server: int, args: argparse.Namespace) -> list[tuple[str, str, dict]]:
    # aiohttp, not httpx: 0.2-0.3 ms of CPU per request here against httpx's 4-6 ms (make bench-web
    # rows, 100k SQLite and 1M PostgreSQL), CPU that on a 2-core box the server gets back
    connector = aiohttp.TCPConnector(limit=args.clients)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    jar = aiohttp.CookieJar(unsafe=True)  # keep the session cookie of a bare IP (127.0.0.1)
    async with aiohttp.ClientSession(
        base, connector=connector, timeout=timeout, cookie_jar=jar
    ) as client:
        login = {"name": "loadtest", "password": PASSWORD}
        async with client.post("/api/login", json=login) as r:
            r.raise_for_status()
        rows = []
        for label, path in ENDPOINTS:
            stats = {"first": await warm(client, path.format(page=0), args.clients)}
            cpu, own = _cpu_seconds(server), time.process_time()
            stats |= await hammer(client, path, args.clients, args.requests, args.seconds)
            done = max(stats["ok"], 1)
            stats["server_cpu"] = (_cpu_seconds(server) - cpu) * 1000 / done
            stats["client_cpu"] = (time.process_time() - own) * 1000 / done
            rows.append((label, path, stats))
            print(
                f"  {label:<26} first={stats['first']:8.1f} ms  n={stats['ok']:<5} "
                f"p50={stats['p50']:8.1f} ms  p95={stats['p95']:8.1f} ms  "
                f"max={stats['max']:8.1f} ms  {stats['rps']:7.1f} req/s  "
                f"errors={stats['errors'] or 0}  cpu/req: server {stats['server_cpu']:.1f} ms, "
                f"load generator {stats['client_cpu']:.1f} ms",
                flush=True,
            )
        return rows


async def warm(client: aiohttp.ClientSession, path: str, clients: int) -> float:
    """One request alone (its time: the uncached cost on one worker), then one round of `clients`
    at once so that every server process has met the path; neither round is in the figures."""
    t0 = time.perf_counter()
    code, body = await fetch(client, path)
    elapsed = (time.perf_counter() - t0) * 1000
    if code != "200":
        raise SystemExit(f"{path}: {code} {body[:200]!r}")
    await asyncio.gather(*(fetch(client, path) for _ in range(clients)))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL server")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000, help="at most this many per endpoint")
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="at most this long per endpoint"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="per request")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="armtrace serve --workers")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{backend}, {args.incidents:,} incidents, {args.clients} clients, "
        f"≤{args.requests} requests or ≤{args.seconds:g} s per endpoint, "
        f"{args.workers} server worker(s), cpus={os.cpu_count()}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            with postgres_server() as url:
                prepare(url, args.incidents, args.seed)
                with serving(url, Path(tmp) / "serve.log", args.workers) as (base, pid):
                    asyncio.run(load(base, pid, args))
        else:
            url = f"sqlite:///{tmp}/web-load.db"
            prepare(url, args.incidents, args.seed)
            with serving(url, Path(tmp) / "serve.log", args.workers) as (base, pid):
                asyncio.run(load(base, pid, args))


if __name__ == "__main__":
    main()
