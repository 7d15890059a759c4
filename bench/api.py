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

and the API v9 twins of the hot paths, each within 10% of its v8 twin's requests/s (>= 90%):

    GET /api/v9/me                                  GET /api/v8/me
    GET /api/v9/me/time_entries (the same 500)      GET /api/v8/time_entries
    v9 start + stop (POST /api/v9/workspaces/{wid}/ start + stop
      time_entries, then PATCH .../{id}/stop)

On PostgreSQL the figures are recorded, with no target. Prints a table with the ratio ours/bare and
each row's verdict, and appends the figures, the database, the date and the git commit to
bench/results/api.md. Uses wrk (with a generated Lua script) when it is installed, else an asyncio
httpx load generator.

``--cpu`` compares the v9 rows with their v8 twins without servers: one app in this process on a
temporary SQLite file, seeded the same way, every pair of twins called alternately through raw ASGI
calls and timed with ``time.process_time()`` (CPU per request). Other load on the machine moves
requests per second a lot but this ratio little, so it is the figure to judge "within 10%" by on a
shared machine.
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


def sign_up(db_url: str, users: int) -> list[tuple[str, int]]:
    """(api token, personal workspace id) of ``users`` users made as ``POST /signups`` makes them, sharing
    one password hash.

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
            made = [signup(db, Signup(email=f"bench{n}@example.org", password="bench-password", timezone="Etc/UTC",
                                      fullname=None), password_hash) for n in range(users)]
            db.flush()
            return [(u.api_token, u.default_workspace_id) for u in made]
    finally:
        engine.dispose()


def parallel(fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        return list(pool.map(fn, items))


def arrange(base: str, db_url: str, users: int) -> tuple[list[str], list[int]]:
    """(``users`` tokens, their workspace ids); the first user owns PROJECTS projects and LIST_ENTRIES
    entries, created through the API (a few requests at a time: the proxy's delay would add up otherwise)."""
    made = sign_up(db_url, users)
    tokens, wids = [t for t, _ in made], [w for _, w in made]
    owner = tokens[0]
    wid = call(base, "GET", "/api/v8/me", token=owner)["data"]["default_wid"]
    assert wid == wids[0]
    pids = parallel(lambda n: call(base, "POST", "/api/v8/projects", {
        "project": {"name": f"Project {n:02d}", "wid": wid}}, owner)["data"]["id"], range(PROJECTS))

    def entry(i: int) -> None:
        day, slot = divmod(i, 20)  # 20 half-hour entries a day from Oct 2
        start = f"2023-10-{day + 2:02d}T{8 + slot // 2:02d}:{30 * (slot % 2):02d}:00+00:00"
        call(base, "POST", "/api/v8/time_entries", {"time_entry": {
            "description": f"Entry {i}", "pid": pids[i % PROJECTS], "start": start, "duration": 1500,
            "created_with": "bench"}}, owner)

    parallel(entry, range(LIST_ENTRIES))
    for path in (list_path(), list_path("v9")):
        listed = call(base, "GET", path, token=owner)
        assert len(listed) == LIST_ENTRIES, f"{path}: expected {LIST_ENTRIES} entries in range, got {len(listed)}"
    projects = call(base, "GET", f"/api/v8/workspaces/{wid}/projects", token=owner)
    assert len(projects) == PROJECTS, f"expected {PROJECTS} projects, got {len(projects)}"
    return tokens, wids


def list_path(api: str = "v8") -> str:
    """The range of the seeded entries: v8 ``/time_entries``, or v9 ``/me/time_entries`` (same parameters)."""
    from urllib.parse import urlencode

    base = "/api/v8/time_entries?" if api == "v8" else "/api/v9/me/time_entries?"
    return base + urlencode({"start_date": LIST_RANGE[0], "end_date": LIST_RANGE[1]})


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
    """A request's target at TARGET_CONNECTIONS: a share of the bare app's req/s, req/s, p99 latency, or a
    share of its v8 twin's req/s (API v9 rows)."""

    of_bare: float = 0.0
    rps: float = 0.0
    p99_ms: float = math.inf
    of_twin: float = 0.0

    def __str__(self) -> str:
        parts = [f">= {self.of_bare:.0%} of bare" if self.of_bare else "", f">= {self.rps:g} req/s" if self.rps else "",
                 f"p99 < {self.p99_ms:g} ms" if self.p99_ms < math.inf else "",
                 f">= {self.of_twin:.0%} of v8" if self.of_twin else ""]
        return " and ".join(p for p in parts if p)

    def met(self, ours: Result, bare: Result, twin: Result | None = None) -> bool:
        of_twin = twin is None or ours.rps >= self.of_twin * twin.rps
        return ours.rps >= self.of_bare * bare.rps and ours.rps >= self.rps and ours.p99_ms < self.p99_ms and of_twin


@dataclass
class Scenario:
    name: str
    path: str
    kind: str  # "get", "pair" (v8 start + stop) or "pair9" (v9 create running + stop)
    goal: Goal | None = None  # None: a reference, not one of ours
    twin: str | None = None  # v9 rows: the name of the v8 scenario they are compared with


Row = tuple[Scenario, int, Result, Result, Result | None]  # scenario, connections, ours, bare, v8 twin


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

# The v9 pair: create a running entry in the user's workspace (``start`` is required: the current UTC
# time), then stop it with PATCH .../stop. A v9 entry always carries "stop", null while running.
LUA_PAIR_V9 = """
local tokens = {{{tokens}}}
local wids = {{{wids}}}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end
local running = nil
request = function()
  local n = ((index or 1) - 1) % #tokens + 1
  local token, base = tokens[n], "/api/v9/workspaces/" .. wids[n] .. "/time_entries"
  if running then
    local id = running
    running = nil
    return wrk.format("PATCH", base .. "/" .. id .. "/stop", {{["Authorization"] = token}})
  end
  local body = '{{"description":"bench","created_with":"bench","duration":-1,"start":"'
               .. os.date("!%Y-%m-%dT%H:%M:%SZ") .. '"}}'
  return wrk.format("POST", base, {{["Authorization"] = token, ["Content-Type"] = "application/json"}}, body)
end
response = function(status, headers, body)
  if status == 200 and body:find('"stop":null', 1, true) then
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
            workdir: Path, wids: list[int]) -> Result:
    quoted = ", ".join(f'"{auth(t)}"' for t in tokens[:connections])
    if scenario.kind == "pair":
        script = LUA_PAIR.format(tokens=quoted)
    elif scenario.kind == "pair9":
        script = LUA_PAIR_V9.format(tokens=quoted, wids=", ".join(str(w) for w in wids[:connections]))
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


async def _pair_step(client: Any, headers: dict[str, str], v9_base: str | None, running: str | None
                     ) -> tuple[Any, str | None]:
    """One request of a start + stop pair (v8, or v9 when ``v9_base`` is the user's entries path)."""
    if v9_base is not None and running is None:
        start = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = await client.post(v9_base, headers=headers, json={
            "description": "bench", "created_with": "bench", "duration": -1, "start": start})
        return r, str(r.json()["id"]) if r.status_code == 200 else None
    if v9_base is not None:
        return await client.patch(f"{v9_base}/{running}/stop", headers=headers), None
    if running is None:
        r = await client.post("/api/v8/time_entries/start", headers=headers,
                              json={"time_entry": {"description": "bench", "created_with": "bench"}})
        return r, str(r.json()["data"]["id"]) if r.status_code == 200 else None
    return await client.put(f"/api/v8/time_entries/{running}/stop", headers=headers), None


async def _httpx_load(base: str, scenario: Scenario, connections: int, duration: int, tokens: list[str],
                      wids: list[int]) -> Result:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    pair = scenario.kind in ("pair", "pair9")

    async def worker(client: httpx.AsyncClient, n: int) -> None:
        nonlocal errors
        user = n % len(tokens) if pair else 0
        headers = {"Authorization": auth(tokens[user])}
        v9_base = f"/api/v9/workspaces/{wids[user]}/time_entries" if scenario.kind == "pair9" else None
        running: str | None = None
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            if scenario.kind == "get":
                r = await client.get(scenario.path, headers=headers)
            else:
                r, running = await _pair_step(client, headers, v9_base, running)
            latencies.append(time.perf_counter() - t0)
            errors += r.status_code >= 400

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client, n) for n in range(connections)))
        seconds = time.perf_counter() - t0
    qs = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return Result(len(latencies), seconds, qs[49] * 1000, qs[98] * 1000, errors)


def measure(tool: str, base: str, scenario: Scenario, connections: int, duration: int, tokens: list[str],
            workdir: Path, wids: list[int]) -> Result:
    if tool == "wrk":
        run_wrk(base, scenario, connections, 1, tokens, workdir, wids)  # warm-up
        return run_wrk(base, scenario, connections, duration, tokens, workdir, wids)
    asyncio.run(_httpx_load(base, scenario, connections, 1, tokens, wids))
    return asyncio.run(_httpx_load(base, scenario, connections, duration, tokens, wids))


# -- in-process CPU comparison of the v9 rows and their v8 twins (--cpu) ------------------------------

class Asgi:
    """Raw ASGI calls into one app, as one user (token auth); answers (status, body)."""

    def __init__(self, app: Any, token: str) -> None:
        self.app, self.auth = app, auth(token).encode()

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        path, _, query = path.partition("?")
        raw = b"" if body is None else json.dumps(body).encode()
        headers = [(b"host", b"bench"), (b"authorization", self.auth)]
        if body is not None:
            headers.append((b"content-type", b"application/json"))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": headers, "server": ("bench", 80), "client": ("127.0.0.1", 1)}
        messages = [{"type": "http.request", "body": raw, "more_body": False}]
        out: dict[str, Any] = {"body": b""}

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            else:
                out["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        return out["status"], out["body"]

    async def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, raw = await self.call(method, path, body)
        assert status == 200, (method, path, status, raw[:200])
        return json.loads(raw) if raw else None


async def _cpu_seed(client: Asgi) -> None:
    for i in range(LIST_ENTRIES):
        day, slot = divmod(i, 20)
        start = f"2023-10-{day + 2:02d}T{8 + slot // 2:02d}:{30 * (slot % 2):02d}:00+00:00"
        await client.ok("POST", "/api/v8/time_entries", {"time_entry": {
            "description": f"Entry {i}", "start": start, "duration": 1500, "created_with": "bench"}})
    for api in ("v8", "v9"):
        assert len(await client.ok("GET", list_path(api))) == LIST_ENTRIES


def _cpu_twins(client: Asgi, wid: int) -> list[tuple[str, Callable[[], Awaitable[Any]], Callable[[], Awaitable[Any]]]]:
    """(name, v8 request, v9 request); a pair is one start and one stop."""
    async def v8_pair() -> None:
        started = await client.ok("POST", "/api/v8/time_entries/start",
                                  {"time_entry": {"description": "bench", "created_with": "bench"}})
        await client.ok("PUT", f"/api/v8/time_entries/{started['data']['id']}/stop")

    async def v9_pair() -> None:
        base = f"/api/v9/workspaces/{wid}/time_entries"
        started = await client.ok("POST", base, {"description": "bench", "created_with": "bench", "duration": -1,
                                                 "start": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
        await client.ok("PATCH", f"{base}/{started['id']}/stop")

    return [
        ("GET /me", lambda: client.ok("GET", "/api/v8/me"), lambda: client.ok("GET", "/api/v9/me")),
        (f"GET time entries ({LIST_ENTRIES})", lambda: client.ok("GET", list_path()),
         lambda: client.ok("GET", list_path("v9"))),
        ("start + stop (per pair)", v8_pair, v9_pair),
    ]


async def _cpu_time(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        await fn()
    return time.process_time() - started


async def _cpu_rows(app: Any, db_url: str, duration: int) -> list[tuple[str, float, float]]:
    """(name, v8 CPU ms, v9 CPU ms) per request; rounds alternate which twin goes first, the first is a warm-up."""
    token, wid = sign_up(db_url, 1)[0]
    client = Asgi(app, token)
    await _cpu_seed(client)
    rows = []
    for name, v8, v9 in _cpu_twins(client, wid):
        calls = max(1, int(0.2 / max(await _cpu_time(v8, 1), 1e-4)))  # rounds of about 0.2 s each
        rounds = max(4, int(duration / 0.4))
        spent = {"v8": 0.0, "v9": 0.0}
        for n in range(rounds + 1):
            for label, fn in ((("v8", v8), ("v9", v9)) if n % 2 else (("v9", v9), ("v8", v8))):
                seconds = await _cpu_time(fn, calls)
                spent[label] += seconds if n else 0.0
        rows.append((name, spent["v8"] / (rounds * calls) * 1e3, spent["v9"] / (rounds * calls) * 1e3))
    return rows


async def _cpu_run(duration: int, work: Path) -> list[tuple[str, float, float]]:
    from punchclock.app import create_app
    from punchclock.config import Settings
    from punchclock.db.migrate import upgrade

    db_url = f"sqlite:///{work / 'cpu.db'}"
    upgrade(db_url)
    app = create_app(Settings(database_url=db_url, rate_limit=False, public_url="http://bench"))
    async with app.router.lifespan_context(app):
        return await _cpu_rows(app, db_url, duration)


def cpu_table(rows: list[tuple[str, float, float]]) -> str:
    lines = ["| Request | v8 CPU ms | v9 CPU ms | v9/v8 req/s (inverse CPU) | Target |",
             "| --- | ---: | ---: | ---: | --- |"]
    for name, v8, v9 in rows:
        verdict = "met" if v8 / v9 >= V9_GOAL.of_twin else "**missed**"
        lines.append(f"| {name} | {v8:.3f} | {v9:.3f} | {v8 / v9:.0%} | {V9_GOAL}: {verdict} |")
    return "\n".join(lines)


# -- report -----------------------------------------------------------------------------------------

git_commit = _results.git_commit


def verdict(sc: Scenario, conns: int, ours: Result, bare: Result, twin: Result | None, targets: bool) -> str:
    if sc.goal is None:
        return "reference"
    if not targets:
        return "recorded, no target"
    if conns != TARGET_CONNECTIONS:
        return f"(target at {TARGET_CONNECTIONS} conn.)"
    return f"{sc.goal}: {'met' if sc.goal.met(ours, bare, twin) else '**missed**'}"


def table(rows: list[Row], targets: bool) -> str:
    """Markdown table; ``targets``: judge each row against its goal (else: recorded, no target)."""
    lines = [
        "| Request | Conn. | Ours req/s | Bare req/s | Ours/bare | v9/v8 | Ours p50 ms | Ours p99 ms | Bare p50 ms "
        "| Bare p99 ms | Errors | Target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for sc, conns, ours, bare, twin in rows:
        label = f"{sc.name} ({ours.rps / 2:,.0f} pairs/s)" if sc.kind in ("pair", "pair9") else sc.name
        of_twin = f"{ours.rps / twin.rps:.0%}" if twin is not None else ""
        lines.append(
            f"| {label} | {conns} | {ours.rps:,.0f} | {bare.rps:,.0f} | {ours.rps / bare.rps:.0%} | {of_twin} "
            f"| {ours.p50_ms:.2f} | {ours.p99_ms:.2f} | {bare.p50_ms:.2f} | {bare.p99_ms:.2f} | {ours.errors} "
            f"| {verdict(sc, conns, ours, bare, twin, targets)} |"
        )
    return "\n".join(lines)


#: API v9 rows: within 10% of their v8 twin's requests/s.
V9_GOAL = Goal(of_twin=0.9)


def scenarios(wid: int) -> list[Scenario]:
    """Ours, in the order of the issue's table, with their targets; each v9 row follows its v8 twin."""
    me, listing, pair = "GET /api/v8/me", f"GET /api/v8/time_entries ({LIST_ENTRIES} entries)", "start + stop"
    return [
        Scenario(me, "/api/v8/me", "get", Goal(of_bare=0.35)),
        Scenario("GET /api/v9/me", "/api/v9/me", "get", V9_GOAL, twin=me),
        Scenario(listing, list_path(), "get", Goal(rps=400, p99_ms=150)),
        Scenario(f"GET /api/v9/me/time_entries ({LIST_ENTRIES} entries)", list_path("v9"), "get", V9_GOAL,
                 twin=listing),
        Scenario(pair, "", "pair", Goal(of_bare=0.15)),
        Scenario("v9 start + stop", "", "pair9", V9_GOAL, twin=pair),
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
        tokens, wids = arrange(ours, db_url, max(levels))
        print(f"{backend}: seeded {max(levels)} users, {PROJECTS} projects, {LIST_ENTRIES} entries "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        ours_scenarios = scenarios(wids[0])
        for conns in levels:
            for sc, base in [(BARE, bare), (REFERENCE, fastapi), *((sc, ours) for sc in ours_scenarios)]:
                results[(sc.name, conns)] = measure(args.tool, base, sc, conns, args.duration, tokens, work, wids)
                print(f"{sc.name}, {conns} conn.: {results[(sc.name, conns)].rps:,.0f} req/s", flush=True)
    rows = [(sc, conns, results[(sc.name, conns)], results[(BARE.name, conns)],
             results[(sc.twin, conns)] if sc.twin else None)
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
    parser.add_argument("--cpu", action="store_true",
                        help="no servers: CPU per request of each v9 row and its v8 twin, in this process")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-fastapi", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.proxy_delay_ms is not None and args.db != "postgres":
        parser.error("--proxy-delay-ms needs --db postgres")
    return args


def cpu_main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="punchclock-bench-") as tmp:
        rows = asyncio.run(_cpu_run(args.duration, Path(tmp)))
    header = (f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, v9 and v8 twins in process (--cpu), "
              f"commit {git_commit()}\n\n"
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite, raw ASGI calls, "
              f"time.process_time() per request, twins alternating, about {args.duration} s each.\n")
    print()
    print(header)
    print(cpu_table(rows))
    if not args.no_append:
        _results.append(RESULTS, "api.py", "API benchmark results", header + "\n" + cpu_table(rows))


def main() -> None:
    args = parse_args()
    http, loop = ("h11", "asyncio") if args.stack == "h11" else ("auto", "auto")
    if args.serve_bare:
        serve_bare(args.serve_bare, http, loop)
        return
    if args.serve_fastapi:
        serve_fastapi(args.serve_fastapi, http, loop)
        return
    if args.cpu:
        cpu_main(args)
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
