"""API throughput and latency of punchclock against a bare ASGI app on the same uvicorn stack.

    .venv/bin/python bench/api.py [--duration 10] [--connections 1,32] [--db sqlite|postgres]
                                  [--proxy-delay-ms MS] [--tool wrk|httpx] [--stack auto|h11] [--no-append]

Starts three servers on free 127.0.0.1 ports, each one uvicorn worker with the same defaults
(uvloop and httptools when installed, no access log):

* punchclock (``python -m punchclock serve``), rate limit off, on a SQLite file in a temporary
  directory (``--db sqlite``, the default) or on a PostgreSQL database ``punchclock_bench_api``
  (``--db postgres``), created next to the admin database PUNCHCLOCK_BENCH_PG_URL (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) and dropped at the end. With
  ``--proxy-delay-ms MS`` (postgres only) the server reaches PostgreSQL through bench/proxy.py,
  which adds MS each way to every database round trip;
* ``bare``: a raw ASGI app answering every request with a small JSON body, the ceiling any
  framework on this stack can reach;
* a reference FastAPI app with one ``async def`` route returning the same body: the framework's own
  ceiling, shown as the last row of each concurrency level.

Seeds one user per connection (straight into the database, with the app's own sign-up code and one
shared password hash); the first one owns 25 projects and 500 entries in October 2023, created
through the API, a few requests at a time. Then measures requests per second and p50/p99 latency,
at 1 and 32 concurrent connections, of these requests, with their targets (issue: at 32 connections,
one worker, SQLite; ratio = our requests/s over the bare app's in the same run):

    GET /api/v8/me                                  >= 35% of bare
    GET /api/v8/time_entries (range of 500 entries) >= 400 req/s and p99 < 150 ms
    start + stop (POST /time_entries/start, then    >= 15% of bare (a pair is two requests;
      PUT /time_entries/{id}/stop, own user each)      each connection has its own user)
    GET /api/v8/workspaces/{wid}/projects (25)      >= 25% of bare

On PostgreSQL the figures are recorded, with no target. Prints a table with the ratio ours/bare and
each row's verdict, and appends the figures, the database, the date and the git commit to
bench/results/api.md. Uses wrk (with a generated Lua script) when it is installed, else an asyncio
httpx load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _results  # bench/_results.py (scripts run with bench/ on sys.path)
from _database import drop_database, fresh_database, host_port, server_version, via_proxy
from proxy import running_proxy

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.md"
LIST_RANGE = ("2023-10-01T00:00:00+00:00", "2023-11-01T00:00:00+00:00")
LIST_ENTRIES = 500
PROJECTS = 25
PG_DB_NAME = "punchclock_bench_api"
TARGET_CONNECTIONS = 32  # the targets hold at this concurrency; other levels are recorded only
SEED_THREADS = 8  # SQLite gains little from it; behind the proxy the delays overlap


# -- the bare ASGI app ------------------------------------------------------------------------------

BARE_BODY = b'{"since":1696230000,"data":{"id":1,"fullname":"Bench"}}'
BARE_HEADERS = [(b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(BARE_BODY)).encode())]


async def bare_app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
                   send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:  # drain any request body
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": BARE_HEADERS})
    await send({"type": "http.response.body", "body": BARE_BODY})


def serve_bare(port: int, http: str, loop: str) -> None:
    import uvicorn

    uvicorn.run(bare_app, host="127.0.0.1", port=port, access_log=False, log_level="warning",
                http=http, loop=loop)  # type: ignore[arg-type]


def serve_fastapi(port: int, http: str, loop: str) -> None:
    """Reference: the framework's own ceiling, one ``async def`` route returning the same bytes."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import Response

    app = FastAPI()

    @app.get("/")
    async def hello() -> Response:
        return Response(BARE_BODY, media_type="application/json; charset=utf-8")

    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning",
                http=http, loop=loop)  # type: ignore[arg-type]


# -- servers ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not answer within {timeout:.0f} s:\n{log.read_text()}")


@contextmanager
def process(cmd: list[str], env: dict[str, str], log: Path, probe: str) -> Iterator[None]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
        try:
            wait_until_up(probe, proc, log)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


# -- HTTP helpers for the set-up --------------------------------------------------------------------

def auth(token: str) -> str:
    return "Basic " + base64.b64encode(f"{token}:api_token".encode()).decode()


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = auth(token)
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def sign_up(db_url: str, users: int) -> list[str]:
    """The api tokens of ``users`` users made as ``POST /signups`` makes them, sharing one password hash.

    Straight into the database (not through the proxy): through the API every sign-up computes its
    own argon2 hash, a third of a second each on a busy 2-CPU machine.
    """
    from sqlalchemy.orm import Session

    from punchclock.db.engine import make_engine
    from punchclock.domain import security
    from punchclock.domain.users import Signup, signup

    password_hash = security.hash_password("bench-password")
    engine = make_engine(db_url)
    try:
        with Session(engine) as db, db.begin():
            return [signup(db, Signup(email=f"bench{n}@example.org", password="bench-password", timezone="Etc/UTC",
                                      fullname=None), password_hash).api_token for n in range(users)]
    finally:
        engine.dispose()


def parallel(fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        return list(pool.map(fn, items))


def arrange(base: str, db_url: str, users: int) -> tuple[list[str], int]:
    """(``users`` tokens, workspace id); the first user owns PROJECTS projects and LIST_ENTRIES entries,
    created through the API (a few requests at a time: the proxy's delay would add up otherwise)."""
    tokens = sign_up(db_url, users)
    owner = tokens[0]
    wid = call(base, "GET", "/api/v8/me", token=owner)["data"]["default_wid"]
    pids = parallel(lambda n: call(base, "POST", "/api/v8/projects", {
        "project": {"name": f"Project {n:02d}", "wid": wid}}, owner)["data"]["id"], range(PROJECTS))

    def entry(i: int) -> None:
        day, slot = divmod(i, 20)  # 20 half-hour entries a day from Oct 2
        start = f"2023-10-{day + 2:02d}T{8 + slot // 2:02d}:{30 * (slot % 2):02d}:00+00:00"
        call(base, "POST", "/api/v8/time_entries", {"time_entry": {
            "description": f"Entry {i}", "pid": pids[i % PROJECTS], "start": start, "duration": 1500,
            "created_with": "bench"}}, owner)

    parallel(entry, range(LIST_ENTRIES))
    listed = call(base, "GET", list_path(), token=owner)
    assert len(listed) == LIST_ENTRIES, f"expected {LIST_ENTRIES} entries in range, got {len(listed)}"
    projects = call(base, "GET", f"/api/v8/workspaces/{wid}/projects", token=owner)
    assert len(projects) == PROJECTS, f"expected {PROJECTS} projects, got {len(projects)}"
    return tokens, wid


def list_path() -> str:
    from urllib.parse import urlencode

    return "/api/v8/time_entries?" + urlencode({"start_date": LIST_RANGE[0], "end_date": LIST_RANGE[1]})


# -- load generation --------------------------------------------------------------------------------

@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


@dataclass(frozen=True)
class Goal:
    """A request's target at TARGET_CONNECTIONS: a share of the bare app's req/s, req/s, p99 latency."""

    of_bare: float = 0.0
    rps: float = 0.0
    p99_ms: float = math.inf

    def __str__(self) -> str:
        parts = [f">= {self.of_bare:.0%} of bare" if self.of_bare else "", f">= {self.rps:g} req/s" if self.rps else "",
                 f"p99 < {self.p99_ms:g} ms" if self.p99_ms < math.inf else ""]
        return " and ".join(p for p in parts if p)

    def met(self, ours: Result, bare: Result) -> bool:
        return ours.rps >= self.of_bare * bare.rps and ours.rps >= self.rps and ours.p99_ms < self.p99_ms


@dataclass
class Scenario:
    name: str
    path: str
    kind: str  # "get" or "pair"
    goal: Goal | None = None  # None: a reference, not one of ours


Row = tuple[Scenario, int, Result, Result]  # scenario, connections, ours, bare


LUA_GET = """
local token = "{token}"
request = function()
  return wrk.format("GET", "{path}", {{["Authorization"] = token}})
end
"""

# One thread per connection, so every connection has its own Lua state and its own user: a start is
# followed by the stop of the entry it created, and two connections never stop each other's entries.
LUA_PAIR = """
local tokens = {{{tokens}}}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end
local running = nil
local start_body = '{{"time_entry":{{"description":"bench","created_with":"bench"}}}}'
request = function()
  local token = tokens[((index or 1) - 1) % #tokens + 1]
  if running then
    local id = running
    running = nil
    return wrk.format("PUT", "/api/v8/time_entries/" .. id .. "/stop", {{["Authorization"] = token}})
  end
  return wrk.format("POST", "/api/v8/time_entries/start",
                    {{["Authorization"] = token, ["Content-Type"] = "application/json"}}, start_body)
end
response = function(status, headers, body)
  if status == 200 and body:find('"stop"') == nil then
    running = body:match('"id":(%d+)')
  end
end
"""

LUA_DONE = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
               + summary.errors.write + summary.errors.timeout
  io.write(string.format('\\nRESULT {{"requests":%d,"us":%d,"p50":%f,"p99":%f,"errors":%d}}\\n',
           summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors))
end
"""


def run_wrk(base: str, scenario: Scenario, connections: int, duration: int, tokens: list[str],
            workdir: Path) -> Result:
    if scenario.kind == "pair":
        quoted = ", ".join(f'"{auth(t)}"' for t in tokens[:connections])
        script = LUA_PAIR.format(tokens=quoted)
    else:
        script = LUA_GET.format(token=auth(tokens[0]), path=scenario.path)
    lua = workdir / "bench.lua"
    lua.write_text(script + LUA_DONE.format())
    # Same thread count for every scenario at a given concurrency, so the generator's cost is equal.
    cmd = ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
           "-s", str(lua), base + (scenario.path if scenario.kind == "get" else "/")]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    return Result(data["requests"], data["us"] / 1e6, data["p50"] / 1000, data["p99"] / 1000, data["errors"])


async def _httpx_load(base: str, scenario: Scenario, connections: int, duration: int, tokens: list[str]) -> Result:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async def worker(client: httpx.AsyncClient, n: int) -> None:
        nonlocal errors
        headers = {"Authorization": auth(tokens[n % len(tokens)] if scenario.kind == "pair" else tokens[0])}
        running: str | None = None
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            if scenario.kind == "get":
                r = await client.get(scenario.path, headers=headers)
            elif running is None:
                r = await client.post("/api/v8/time_entries/start", headers=headers,
                                      json={"time_entry": {"description": "bench", "created_with": "bench"}})
                running = str(r.json()["data"]["id"]) if r.status_code == 200 else None
            else:
                r = await client.put(f"/api/v8/time_entries/{running}/stop", headers=headers)
                running = None
            latencies.append(time.perf_counter() - t0)
            errors += r.status_code >= 400

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client, n) for n in range(connections)))
        seconds = time.perf_counter() - t0
    qs = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return Result(len(latencies), seconds, qs[49] * 1000, qs[98] * 1000, errors)


def measure(tool: str, base: str, scenario: Scenario, connections: int, duration: int, tokens: list[str],
            workdir: Path) -> Result:
    if tool == "wrk":
        run_wrk(base, scenario, connections, 1, tokens, workdir)  # warm-up
        return run_wrk(base, scenario, connections, duration, tokens, workdir)
    asyncio.run(_httpx_load(base, scenario, connections, 1, tokens))
    return asyncio.run(_httpx_load(base, scenario, connections, duration, tokens))


# -- report -----------------------------------------------------------------------------------------

git_commit = _results.git_commit


def verdict(sc: Scenario, conns: int, ours: Result, bare: Result, targets: bool) -> str:
    if sc.goal is None:
        return "reference"
    if not targets:
        return "recorded, no target"
    if conns != TARGET_CONNECTIONS:
        return f"(target at {TARGET_CONNECTIONS} conn.)"
    return f"{sc.goal}: {'met' if sc.goal.met(ours, bare) else '**missed**'}"


def table(rows: list[Row], targets: bool) -> str:
    """Markdown table; ``targets``: judge each row against its goal (else: recorded, no target)."""
    lines = [
        "| Request | Conn. | Ours req/s | Bare req/s | Ours/bare | Ours p50 ms | Ours p99 ms | Bare p50 ms "
        "| Bare p99 ms | Errors | Target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for sc, conns, ours, bare in rows:
        label = f"{sc.name} ({ours.rps / 2:,.0f} pairs/s)" if sc.kind == "pair" else sc.name
        lines.append(
            f"| {label} | {conns} | {ours.rps:,.0f} | {bare.rps:,.0f} | {ours.rps / bare.rps:.0%} "
            f"| {ours.p50_ms:.2f} | {ours.p99_ms:.2f} | {bare.p50_ms:.2f} | {bare.p99_ms:.2f} | {ours.errors} "
            f"| {verdict(sc, conns, ours, bare, targets)} |"
        )
    return "\n".join(lines)


def scenarios(wid: int) -> list[Scenario]:
    """Ours, in the order of the issue's table, with their targets."""
    return [
        Scenario("GET /api/v8/me", "/api/v8/me", "get", Goal(of_bare=0.35)),
        Scenario(f"GET /api/v8/time_entries ({LIST_ENTRIES} entries)", list_path(), "get",
                 Goal(rps=400, p99_ms=150)),
        Scenario("start + stop", "", "pair", Goal(of_bare=0.15)),
        Scenario(f"GET /api/v8/workspaces/{{wid}}/projects ({PROJECTS} projects)",
                 f"/api/v8/workspaces/{wid}/projects", "get", Goal(of_bare=0.25)),
    ]


BARE = Scenario("bare ASGI JSON", "/", "get")
REFERENCE = Scenario("reference: FastAPI, one async route", "/", "get")


@contextmanager
def database(kind: str, delay_ms: float | None, work: Path) -> Iterator[tuple[str, str]]:
    """(URL the server uses, URL of the database): a SQLite file in ``work``, or a fresh PostgreSQL
    database, dropped afterwards, that the server reaches through bench/proxy.py when ``delay_ms``."""
    if kind == "sqlite":
        url = f"sqlite:///{work / 'bench.db'}"
        yield url, url
        return
    url = fresh_database(PG_DB_NAME)
    try:
        if delay_ms is None:
            yield url, url
        else:
            with running_proxy(*host_port(url), delay_ms) as port:
                yield via_proxy(url, port), url
    finally:
        drop_database(PG_DB_NAME)


def run(args: argparse.Namespace, levels: list[int], work: Path) -> tuple[list[Row], str]:
    """Starts the three servers, seeds, measures every level; (table rows, database version)."""
    http, loop = ("h11", "asyncio") if args.stack == "h11" else ("auto", "auto")
    ports = free_port(), free_port(), free_port()
    ours, bare, fastapi = (f"http://127.0.0.1:{port}" for port in ports)
    me, stack = str(Path(__file__).resolve()), ["--stack", args.stack]  # bare and reference on the same stack
    results: dict[tuple[str, int], Result] = {}
    with ExitStack() as resources:
        server_url, db_url = resources.enter_context(database(args.db, args.proxy_delay_ms, work))
        # PUNCHCLOCK_DB_WORK passes through, to compare where the database work runs (thread / inline).
        env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_") or k == "PUNCHCLOCK_DB_WORK"}
        env.update(PUNCHCLOCK_DATABASE_URL=server_url, PUNCHCLOCK_RATE_LIMIT="false")
        resources.enter_context(process(
            [sys.executable, "-m", "punchclock", "serve", "--host", "127.0.0.1", "--port", str(ports[0]),
             "--workers", "1", "--no-access-log", "--http", http, "--loop", loop], env, work / "ours.log",
            ours + "/health"))
        resources.enter_context(process([sys.executable, me, "--serve-bare", str(ports[1]), *stack], env,
                                       work / "bare.log", bare + "/"))
        resources.enter_context(process([sys.executable, me, "--serve-fastapi", str(ports[2]), *stack], env,
                                       work / "fastapi.log", fastapi + "/"))
        backend = server_version(db_url)
        started = time.perf_counter()
        tokens, wid = arrange(ours, db_url, max(levels))
        print(f"{backend}: seeded {max(levels)} users, {PROJECTS} projects, {LIST_ENTRIES} entries "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        ours_scenarios = scenarios(wid)
        for conns in levels:
            for sc, base in [(BARE, bare), (REFERENCE, fastapi), *((sc, ours) for sc in ours_scenarios)]:
                results[(sc.name, conns)] = measure(args.tool, base, sc, conns, args.duration, tokens, work)
                print(f"{sc.name}, {conns} conn.: {results[(sc.name, conns)].rps:,.0f} req/s", flush=True)
    rows = [(sc, conns, results[(sc.name, conns)], results[(BARE.name, conns)])
            for conns in levels for sc in [*ours_scenarios, REFERENCE]]
    return rows, backend


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--connections", default="1,32", help="comma-separated concurrency levels")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite",
                        help=f"punchclock's database: a temporary SQLite file, or a fresh PostgreSQL database "
                             f"{PG_DB_NAME} (dropped afterwards)")
    parser.add_argument("--proxy-delay-ms", type=float, metavar="MS",
                        help="postgres only: reach PostgreSQL through bench/proxy.py, MS added each way")
    parser.add_argument("--tool", choices=("wrk", "httpx"), default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--no-append", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--stack", choices=("auto", "h11"), default="auto",
                        help="uvicorn stack for all three servers: auto = httptools + uvloop (the default "
                             "install), h11 = pure-Python h11 + asyncio")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-fastapi", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.proxy_delay_ms is not None and args.db != "postgres":
        parser.error("--proxy-delay-ms needs --db postgres")
    return args


def main() -> None:
    args = parse_args()
    http, loop = ("h11", "asyncio") if args.stack == "h11" else ("auto", "auto")
    if args.serve_bare:
        serve_bare(args.serve_bare, http, loop)
        return
    if args.serve_fastapi:
        serve_fastapi(args.serve_fastapi, http, loop)
        return
    levels = [int(c) for c in args.connections.split(",")]
    with tempfile.TemporaryDirectory(prefix="punchclock-bench-") as tmp:
        rows, backend = run(args, levels, Path(tmp))
    targets = args.db == "sqlite"
    report = table(rows, targets)
    tool = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[0] \
        if args.tool == "wrk" else "httpx (asyncio)"
    proxied = f" through bench/proxy.py (+{args.proxy_delay_ms:g} ms each way)" if args.proxy_delay_ms else ""
    import uvicorn

    header = (
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {backend}{proxied}, commit {git_commit()}\n\n"
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, uvicorn {uvicorn.__version__} "
        f"({'h11 + asyncio' if args.stack == 'h11' else 'httptools + uvloop'}), 1 worker, "
        f"{backend}{proxied}, rate limit off; {tool}, {args.duration} s per figure after a 1 s warm-up; "
        f"ratio = requests/s over the bare ASGI app's (a start + stop pair is 2 requests). "
        + (f"Targets at {TARGET_CONNECTIONS} connections (issue)." if targets
           else "On PostgreSQL the figures are recorded, with no target.") + "\n"
    )
    print()
    print(header)
    print(report)
    if not args.no_append:
        _results.append(RESULTS, "api.py", "API benchmark results", header + "\n" + report)


if __name__ == "__main__":
    main()
