"""Throughput and latency of a realistic request mix at several client counts, on 1 and 2 workers on PostgreSQL.

    .venv/bin/python bench/load.py [--workers 1,2] [--clients 1,8,32] [--duration 20] [--db-url URL]
                                   [--procs 2] [--proxy-delay-ms MS] [--keep-db] [--no-append]

Without --db-url it (re)creates the PostgreSQL database ``punchclock_load`` next to the admin database
PUNCHCLOCK_BENCH_PG_URL (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``), migrates
it, and drops it afterwards unless --keep-db. Then, for each worker count, it starts
``python -m punchclock serve --workers N`` (rate limit and access log off) and, for each client count,
drives the mix below for --duration seconds after a warm-up: one user and one keep-alive connection
per client, clients spread over --procs load-generator processes (asyncio + httpx each).

With --proxy-delay-ms MS, each worker count is measured twice in the same run: direct to PostgreSQL,
then with the server's PUNCHCLOCK_DATABASE_URL pointed at bench/proxy.py (same database), which adds MS
each way (2 x MS per database round trip, as a database on another host would). The proxy runs in
its own process on the same CPUs, so the proxied figure also pays for its (small) CPU time.

Every client has the same seeded data: 2 projects, 3 tags, 40 entries in October 2023 (read by the
list and the reports), and 5 entries in January 2024 that its updates edit; created entries land in
2024 and timers at the current time, so the data read stays the same size across runs. The mix
(weights, one request each; the sequence per client is seeded, so every run replays it):

    GET /me 25, GET /time_entries (Oct 2023) 20, GET /workspaces/{wid}/projects 10,
    timer 20 (start, then the next timer op stops it), POST /time_entries 10, PUT /time_entries/{id} 10,
    reports 5 (summary and details for Oct 2023, alternating)

Prints requests/s, p50/p99 latency, errors (status >= 400, timeouts, connection errors) and how the
client connections were split over the workers (``ss``, mid-run) per (workers, clients), the
2-worker/1-worker throughput ratio per client count (target >= 1.7, 0 errors) and, with
--proxy-delay-ms, a table clients | direct req/s | proxied req/s | proxied/direct | errors (target: one
worker proxied >= 70% of its direct throughput, 0 errors at 1, 8 and 32 clients). Appends them with
the date and git commit to bench/results/load.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

import _results  # bench/_results.py (scripts run with bench/ on sys.path)
from _database import drop_database, fresh_database, host_port, server_version, via_proxy
from proxy import running_proxy

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "load.md"
DB_NAME = "punchclock_load"
TARGET = 1.7
PROXY_TARGET = 0.7  # one worker, proxied over direct
WARMUP = 2.0
SEED_ENTRIES = 40
EDITABLE_ENTRIES = 5
READ_RANGE = ("2023-10-01T00:00:00+00:00", "2023-11-01T00:00:00+00:00")
MIX = {"me": 25, "list": 20, "projects": 10, "timer": 20, "create": 10, "update": 10, "report": 5}
TAGS = ("billable", "meeting", "review")


# -- server ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(db_url: str, workers: int, log: Path) -> Iterator[str]:
    """`punchclock serve --workers N` in its own process group; yields the base URL once /health answers."""
    port = free_port()
    # PUNCHCLOCK_DB_WORK passes through, to compare where the database work runs (thread / inline).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_") or k == "PUNCHCLOCK_DB_WORK"}
    env.update(PUNCHCLOCK_DATABASE_URL=db_url, PUNCHCLOCK_RATE_LIMIT="false", PUNCHCLOCK_ACCESS_LOG="false")
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "punchclock", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers), "--no-migrate"],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"server did not answer within 60 s:\n{log.read_text()}") from None
                time.sleep(0.2)
        # /health answers once one worker is up; clients connecting before the others are would all
        # stay with that one. Each worker logs this line when its application has started.
        while log.read_text(errors="replace").count("Application startup complete") < workers:
            if time.monotonic() > deadline:
                raise SystemExit(f"not all {workers} workers started within 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


# -- set-up -----------------------------------------------------------------------------------------

def auth(token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{token}:api_token".encode()).decode()}


@dataclass
class Account:
    token: str
    wid: int
    editable: list[int]


async def arrange_one(base: str, n: int, run: str) -> Account:
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        r = await c.post("/api/v8/signups", json={"user": {
            "email": f"load{n}-{run}@example.org", "password": "load-password", "created_with": "bench"}})
        r.raise_for_status()
        token = r.json()["data"]["api_token"]
        c.headers.update(auth(token))
        wid = (await c.get("/api/v8/me")).json()["data"]["default_wid"]
        pids = []
        for name in ("Alpha", "Beta"):
            r = await c.post("/api/v8/projects", json={"project": {"name": name, "wid": wid}})
            r.raise_for_status()
            pids.append(r.json()["data"]["id"])

        async def entry(day: str, hour: int, i: int) -> int:
            r = await c.post("/api/v8/time_entries", json={"time_entry": {
                "description": f"Seed {i}", "pid": pids[i % 2], "start": f"{day}T{hour:02d}:00:00+00:00",
                "duration": 3000, "tags": [TAGS[i % 3]], "created_with": "bench"}})
            r.raise_for_status()
            return int(r.json()["data"]["id"])

        for i in range(SEED_ENTRIES):
            day, slot = divmod(i, 4)
            await entry(f"2023-10-{day + 2:02d}", 8 + 2 * slot, i)
        editable = [await entry(f"2024-01-0{i + 1}", 9, i) for i in range(EDITABLE_ENTRIES)]
        return Account(token, wid, editable)


async def arrange(base: str, users: int) -> list[Account]:
    run = datetime.now(UTC).strftime("%H%M%S")  # --db-url may point at a database used before
    sem = asyncio.Semaphore(8)

    async def one(n: int) -> Account:
        async with sem:
            return await arrange_one(base, n, run)

    return list(await asyncio.gather(*(one(n) for n in range(users))))


# -- load generation (runs in --procs processes) ------------------------------------------------------

@dataclass
class Sample:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # operation -> seconds per request
    errors: Counter[str] = field(default_factory=Counter)


async def client_loop(c: httpx.AsyncClient, account: Account, n: int, start_at: float, stop_at: float,
                      sample: Sample) -> None:
    rng = random.Random(n)
    ops, weights = list(MIX), list(MIX.values())
    running: int | None = None
    created = 0
    reports = 0
    report_query = {"workspace_id": account.wid, "since": "2023-10-01", "until": "2023-10-31", "user_agent": "bench"}
    while True:
        began = time.time()
        if began >= stop_at:
            return
        op = rng.choices(ops, weights)[0]
        try:
            if op == "me":
                r = await c.get("/api/v8/me")
            elif op == "list":
                r = await c.get("/api/v8/time_entries", params={"start_date": READ_RANGE[0], "end_date": READ_RANGE[1]})
            elif op == "projects":
                r = await c.get(f"/api/v8/workspaces/{account.wid}/projects")
            elif op == "timer" and running is not None:
                r = await c.put(f"/api/v8/time_entries/{running}/stop")
                running = None
            elif op == "timer":
                r = await c.post("/api/v8/time_entries/start", json={"time_entry": {
                    "description": "Working", "created_with": "bench"}})
                if r.status_code == 200:
                    running = int(r.json()["data"]["id"])
            elif op == "create":
                created += 1
                r = await c.post("/api/v8/time_entries", json={"time_entry": {
                    "description": f"Load {n}-{created}", "start": f"2024-02-{created % 28 + 1:02d}T10:00:00Z",
                    "duration": 1800, "tags": [TAGS[created % 3], TAGS[(created + 1) % 3]], "created_with": "bench"}})
            elif op == "update":
                r = await c.put(f"/api/v8/time_entries/{rng.choice(account.editable)}", json={
                    "time_entry": {"description": f"Edited {rng.randrange(1000)}"}})
            else:
                reports += 1
                kind = "summary" if reports % 2 else "details"
                r = await c.get(f"/reports/api/v2/{kind}", params=report_query)
            status = str(r.status_code) if r.status_code >= 400 else None
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        ended = time.time()
        if began < start_at or ended > stop_at:
            continue  # warm-up, or finished after the window closed
        sample.latencies.setdefault(op, []).append(ended - began)
        if status:
            sample.errors[f"{op}: {status}"] += 1


async def drive(base: str, accounts: list[tuple[int, Account]], ready: Any, duration: float) -> Sample:
    sample = Sample()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, headers=auth(a.token), limits=limits, timeout=30) for _, a in accounts]
    try:
        # Connect every client before any load: a busy worker accepts new connections slowly, and
        # clients still waiting in the listen backlog would silently lower the concurrency.
        await asyncio.gather(*(c.get("/health") for c in clients))
        await asyncio.to_thread(ready.wait)  # all generator processes connected: the warm-up starts now
        start_at = time.time() + WARMUP
        await asyncio.gather(*(client_loop(c, a, n, start_at, start_at + duration, sample)
                               for c, (n, a) in zip(clients, accounts, strict=True)))
    finally:
        for c in clients:
            await c.aclose()
    return sample


def generator(base: str, accounts: list[tuple[int, Account]], ready: Any, duration: float, out: Any) -> None:
    """One load-generator process: its share of the clients on one asyncio loop; the Sample goes to ``out``."""
    out.put(asyncio.run(drive(base, accounts, ready, duration)))


@dataclass
class Result:
    workers: int
    clients: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    error_kinds: Counter[str]
    op_ms: dict[str, tuple[int, float]]  # operation -> (requests, median ms)
    split: str  # client connections per worker process, mid-run
    proxied: bool = False  # the server reached the database through bench/proxy.py


def measure(base: str, accounts: list[Account], workers: int, clients: int, duration: float, procs: int,
            proxied: bool = False) -> Result:
    procs = max(1, min(procs, clients))
    shares: list[list[tuple[int, Account]]] = [[] for _ in range(procs)]
    for n in range(clients):
        shares[n % procs].append((n, accounts[n]))
    ctx = multiprocessing.get_context("spawn")
    ready, out = ctx.Barrier(procs + 1), ctx.Queue()
    children = [ctx.Process(target=generator, args=(base, share, ready, duration, out)) for share in shares]
    for child in children:
        child.start()
    try:
        ready.wait(timeout=120)
        time.sleep(WARMUP + duration / 2)
        split = connections_per_worker(base)
        samples: list[Sample] = [out.get(timeout=duration + 120) for _ in children]
    finally:
        for child in children:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
    by_op: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    for s in samples:
        errors.update(s.errors)
        for op, values in s.latencies.items():
            by_op.setdefault(op, []).extend(values)
    latencies = [x for values in by_op.values() for x in values]
    qs = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99 or [0.0] * 99
    op_ms = {op: (len(v), statistics.median(v) * 1000) for op, v in sorted(by_op.items())}
    return Result(workers, clients, len(latencies) / duration, qs[49] * 1000, qs[98] * 1000, sum(errors.values()),
                  errors, op_ms, split, proxied)


def connections_per_worker(base: str) -> str:
    """Established client connections per server process, e.g. ``20/12``, read with ``ss``; ``?`` without it.

    uvicorn's workers share one listening socket and each keep-alive connection stays with the worker
    that accepted it, so an uneven split caps what the second worker can add. Connections still in
    the listen backlog (no owning process yet) are shown as ``+N queued``.
    """
    port = base.rsplit(":", 1)[1]
    try:
        out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True,
                             text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    owners = [re.search(r"pid=(\d+)", line) for line in out.splitlines() if line.strip()]
    counts = Counter(m.group(1) for m in owners if m)
    split = "/".join(str(n) for n in sorted(counts.values(), reverse=True)) or "0"
    queued = sum(m is None for m in owners)
    return split + (f" +{queued} queued" if queued else "")


# -- report -----------------------------------------------------------------------------------------

git_commit = _results.git_commit


def tables(results: list[Result], delay_ms: float | None) -> str:
    proxied = delay_ms is not None  # a DB path column
    lines = [f"| Workers | Clients | {'DB path | ' * proxied}Conns per worker | req/s | p50 ms | p99 ms | Errors |",
             "| ---: | ---: | " + "--- | " * proxied + "---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        path = f"{'proxy' if r.proxied else 'direct'} | " if proxied else ""
        lines.append(f"| {r.workers} | {r.clients} | {path}{r.split} | {r.rps:,.0f} | {r.p50_ms:.1f} "
                     f"| {r.p99_ms:.1f} | {r.errors} |")
    by = {(r.workers, r.clients): r for r in results if not r.proxied}
    pairs = sorted({c for w, c in by if (1, c) in by and (2, c) in by})
    if pairs:
        lines += ["", "| Clients | 1 worker req/s | 2 workers req/s | 2 / 1 |", "| ---: | ---: | ---: | ---: |"]
        for c in pairs:
            ratio = by[(2, c)].rps / by[(1, c)].rps
            flag = "" if ratio >= TARGET or c == 1 else f" (below {TARGET}x)"
            lines.append(f"| {c} | {by[(1, c)].rps:,.0f} | {by[(2, c)].rps:,.0f} | {ratio:.2f}x{flag} |")
    if delay_ms is not None:
        lines += ["", proxy_table(results, delay_ms)]
    return "\n".join(lines)


def proxy_table(results: list[Result], delay_ms: float) -> str:
    """Direct against proxied per (workers, clients); the target applies to one worker."""
    direct = {(r.workers, r.clients): r for r in results if not r.proxied}
    lines = [f"| Workers | Clients | Direct req/s | Proxied (+{delay_ms:g} ms each way) req/s | Proxied / direct "
             "| Errors (direct / proxied) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for p in (r for r in results if r.proxied):
        d = direct[(p.workers, p.clients)]
        ratio = p.rps / d.rps
        flag = f" (below {PROXY_TARGET:.0%})" if p.workers == 1 and ratio < PROXY_TARGET else ""
        errors = f"{d.errors} / {p.errors}" + (" (target: 0)" if d.errors or p.errors else "")
        lines.append(f"| {p.workers} | {p.clients} | {d.rps:,.0f} | {p.rps:,.0f} | {ratio:.0%}{flag} | {errors} |")
    return "\n".join(lines)


def series(db_url: str, workers: int, accounts: list[Account], args: argparse.Namespace, proxied: bool,
           log: Path) -> list[Result]:
    """One server of ``workers`` on ``db_url``, measured at every client count; seeds ``accounts`` if empty."""
    results = []
    with server(db_url, workers, log) as base:
        if not accounts:
            print(f"arranging {max(args.clients)} users ...", flush=True)
            accounts.extend(asyncio.run(arrange(base, max(args.clients))))
        for clients in args.clients:
            result = measure(base, accounts, workers, clients, args.duration, args.procs, proxied)
            results.append(result)
            print(f"{workers} worker(s), {'proxied' if proxied else 'direct'}, {clients:>2} clients "
                  f"({result.split} per worker): {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                  f"p99 {result.p99_ms:.1f} ms, {result.errors} errors", flush=True)
            print("    median ms per operation: " + ", ".join(
                f"{op} {ms:.1f} ({count})" for op, (count, ms) in result.op_ms.items()), flush=True)
            for what, count in result.error_kinds.most_common(5):
                print(f"    {count} x {what}", flush=True)
    return results


def int_list(text: str) -> list[int]:
    values = [int(x) for x in text.split(",") if x.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive integers")
    return values


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int_list, default=[1, 2], help="worker counts (default 1,2)")
    parser.add_argument("--clients", type=int_list, default=[1, 8, 32], help="client counts (default 1,8,32)")
    parser.add_argument("--duration", type=float, default=20, help="measured seconds per figure (default 20)")
    parser.add_argument("--db-url", help=f"database to use (default: a fresh PostgreSQL database {DB_NAME})")
    parser.add_argument("--procs", type=int, default=2, help="load-generator processes (default 2)")
    parser.add_argument("--keep-db", action="store_true", help=f"do not drop {DB_NAME} at the end")
    parser.add_argument("--proxy-delay-ms", type=float, metavar="MS",
                        help="also measure each worker count with the database behind bench/proxy.py, "
                             "MS added each way")
    parser.add_argument("--no-append", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    from punchclock.db.engine import is_sqlite

    if args.proxy_delay_ms is not None and args.db_url and is_sqlite(args.db_url):
        parser.error("--proxy-delay-ms needs a PostgreSQL database")
    return args


def main() -> None:
    args = parse_args()
    from punchclock.db.migrate import upgrade

    db_url = args.db_url or fresh_database(DB_NAME)
    try:
        upgrade(db_url)
        backend = server_version(db_url)
        print(f"database: {backend}", flush=True)
        results: list[Result] = []
        accounts: list[Account] = []
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"punchclock-load-{os.getpid()}.log"
        for workers in args.workers:
            results += series(db_url, workers, accounts, args, False, log)
            if args.proxy_delay_ms is not None:
                with running_proxy(*host_port(db_url), args.proxy_delay_ms) as port:
                    results += series(via_proxy(db_url, port), workers, accounts, args, True, log)
        log.unlink(missing_ok=True)
    finally:
        if not args.db_url and not args.keep_db:
            drop_database(DB_NAME)

    import uvicorn

    weights = ", ".join(f"{k} {v}" for k, v in MIX.items())
    header = (
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}\n\n"
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, uvicorn {uvicorn.__version__}, {backend}, "
        f"rate limit and access log off; {args.procs} httpx (asyncio) generator process(es), one user and one "
        f"keep-alive connection per client; {args.duration:g} s per figure after a {WARMUP:g} s warm-up. "
        f"Mix (weights): {weights}. Target: 2 workers >= {TARGET}x one worker, 0 errors."
    )
    if args.proxy_delay_ms is not None:
        header += (
            f" Each worker count also ran with the server reaching the same database through bench/proxy.py "
            f"(+{args.proxy_delay_ms:g} ms each way, so +{2 * args.proxy_delay_ms:g} ms per round trip); target: "
            f"one worker proxied >= {PROXY_TARGET:.0%} of direct, 0 errors at 1, 8 and 32 clients."
        )
    header += "\n"
    report = tables(results, args.proxy_delay_ms)
    print()
    print(header)
    print(report)
    if not args.no_append:
        _results.append(RESULTS, "load.py", "Load benchmark results", header + "\n" + report)


if __name__ == "__main__":
    main()
