"""API throughput and latency of punchclock against a bare ASGI app on the same uvicorn stack.

    .venv/bin/python bench/api.py [--duration 10] [--connections 1,32] [--tool wrk|httpx] [--no-append]

Starts two servers on free 127.0.0.1 ports, each one uvicorn worker with the same defaults
(uvloop and httptools when installed, no access log):

* punchclock (``python -m punchclock serve``) on a SQLite file in a temporary directory, rate limit off;
* ``bare``: a raw ASGI app answering every request with a small JSON body, the ceiling any
  framework on this stack can reach;
* a reference FastAPI app with one ``async def`` route returning the same body: the framework's own
  ceiling, shown as the last row of each concurrency level.

Then measures requests per second and p50/p99 latency for

* ``GET /api/v8/me`` (token auth, one user row);
* start + stop: ``POST /api/v8/time_entries/start`` then ``PUT /api/v8/time_entries/{id}/stop``,
  counted as pairs (each connection has its own user, so pairs do not interfere);
* ``GET /api/v8/time_entries`` over a range holding 200 entries;

at 1 and 32 concurrent connections, prints a table with the ratio ours/bare (requests per second;
a pair is two requests) and appends the figures, the date and the git commit to bench/results/api.md.
Uses wrk (with a generated Lua script) when it is installed, else an asyncio httpx load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
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
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _results  # bench/_results.py (scripts run with bench/ on sys.path)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.md"
LIST_RANGE = ("2023-10-01T00:00:00+00:00", "2023-11-01T00:00:00+00:00")
LIST_ENTRIES = 200
TARGET = 0.35


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


def signup(base: str, n: int) -> str:
    user = call(base, "POST", "/api/v8/signups", {"user": {"email": f"bench{n}@example.org",
                                                           "password": "bench-password", "created_with": "bench"}})
    return str(user["data"]["api_token"])


def arrange(base: str, users: int) -> list[str]:
    """``users`` tokens; the first user owns a project and 200 entries in LIST_RANGE."""
    tokens = [signup(base, n) for n in range(users)]
    wid = call(base, "GET", "/api/v8/me", token=tokens[0])["data"]["default_wid"]
    pid = call(base, "POST", "/api/v8/projects", {"project": {"name": "Bench", "wid": wid}}, tokens[0])["data"]["id"]
    for i in range(LIST_ENTRIES):
        day, slot = divmod(i, 8)
        start = f"2023-10-{day + 2:02d}T{8 + slot:02d}:00:00+00:00"
        call(base, "POST", "/api/v8/time_entries", {"time_entry": {
            "description": f"Entry {i}", "pid": pid, "start": start, "duration": 3000, "created_with": "bench",
        }}, tokens[0])
    listed = call(base, "GET", list_path(), token=tokens[0])
    assert len(listed) == LIST_ENTRIES, f"expected {LIST_ENTRIES} entries in range, got {len(listed)}"
    return tokens


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


@dataclass
class Scenario:
    name: str
    path: str
    kind: str  # "get" or "pair"
    target: str  # "bare" or "ours"


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


def table(rows: list[tuple[str, int, Result, Result, bool]]) -> str:
    """Markdown table; ``rows`` = (name, connections, ours, bare, is_pair)."""
    lines = [
        "| Endpoint | Conn. | Ours req/s | Bare req/s | Ours/bare | Ours p50 ms | Ours p99 ms | Bare p50 ms "
        "| Bare p99 ms | Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, conns, ours, bare, pair in rows:
        label = f"{name} ({ours.rps / 2:,.0f} pairs/s)" if pair else name
        ratio = ours.rps / bare.rps
        flag = "" if ratio >= TARGET or name.startswith("reference") else " (below target)"
        lines.append(
            f"| {label} | {conns} | {ours.rps:,.0f} | {bare.rps:,.0f} | {ratio:.0%}{flag} | {ours.p50_ms:.2f} "
            f"| {ours.p99_ms:.2f} | {bare.p50_ms:.2f} | {bare.p99_ms:.2f} | {ours.errors} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--connections", default="1,32", help="comma-separated concurrency levels")
    parser.add_argument("--tool", choices=("wrk", "httpx"), default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--no-append", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--stack", choices=("auto", "h11"), default="auto",
                        help="uvicorn stack for all three servers: auto = httptools + uvloop (the default "
                             "install), h11 = pure-Python h11 + asyncio")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-fastapi", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    http, loop = ("h11", "asyncio") if args.stack == "h11" else ("auto", "auto")
    if args.serve_bare:
        serve_bare(args.serve_bare, http, loop)
        return
    if args.serve_fastapi:
        serve_fastapi(args.serve_fastapi, http, loop)
        return
    levels = [int(c) for c in args.connections.split(",")]

    scenarios = [
        Scenario("GET /api/v8/me", "/api/v8/me", "get", "ours"),
        Scenario("start + stop", "", "pair", "ours"),
        Scenario(f"GET /api/v8/time_entries ({LIST_ENTRIES} entries)", list_path(), "get", "ours"),
    ]
    bare_scenario = Scenario("bare ASGI JSON", "/", "get", "bare")
    reference = Scenario("reference: FastAPI, one async route", "/", "get", "fastapi")

    with tempfile.TemporaryDirectory(prefix="punchclock-bench-") as tmp:
        work = Path(tmp)
        ours_port, bare_port, fastapi_port = free_port(), free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
        env.update(PUNCHCLOCK_DATABASE_URL=f"sqlite:///{work / 'bench.db'}", PUNCHCLOCK_RATE_LIMIT="false")
        ours_cmd = [sys.executable, "-m", "punchclock", "serve", "--host", "127.0.0.1", "--port", str(ours_port),
                    "--workers", "1", "--no-access-log", "--http", http, "--loop", loop]
        stack = ["--stack", args.stack]
        bare_cmd = [sys.executable, str(Path(__file__).resolve()), "--serve-bare", str(bare_port), *stack]
        fastapi_cmd = [sys.executable, str(Path(__file__).resolve()), "--serve-fastapi", str(fastapi_port), *stack]
        ours_base, bare_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{bare_port}"
        fastapi_base = f"http://127.0.0.1:{fastapi_port}"

        results: dict[tuple[str, int], Result] = {}
        with process(ours_cmd, env, work / "ours.log", ours_base + "/health"), \
                process(bare_cmd, env, work / "bare.log", bare_base + "/"), \
                process(fastapi_cmd, env, work / "fastapi.log", fastapi_base + "/"):
            tokens = arrange(ours_base, max(levels))
            for conns in levels:
                results[("bare", conns)] = measure(args.tool, bare_base, bare_scenario, conns, args.duration, tokens,
                                                   work)
                print(f"bare ASGI JSON, {conns} conn.: {results[('bare', conns)].rps:,.0f} req/s", flush=True)
                results[(reference.name, conns)] = measure(args.tool, fastapi_base, reference, conns, args.duration,
                                                           tokens, work)
                print(f"{reference.name}, {conns} conn.: {results[(reference.name, conns)].rps:,.0f} req/s",
                      flush=True)
                for sc in scenarios:
                    results[(sc.name, conns)] = measure(args.tool, ours_base, sc, conns, args.duration, tokens, work)
                    print(f"{sc.name}, {conns} conn.: {results[(sc.name, conns)].rps:,.0f} req/s", flush=True)

    rows = [(sc.name, conns, results[(sc.name, conns)], results[("bare", conns)], sc.kind == "pair")
            for conns in levels for sc in [*scenarios, reference]]
    report = table(rows)
    tool = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[0] \
        if args.tool == "wrk" else "httpx (asyncio)"
    import uvicorn

    header = (
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}\n\n"
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, uvicorn {uvicorn.__version__} "
        f"({'h11 + asyncio' if args.stack == 'h11' else 'httptools + uvloop'}), 1 worker, "
        f"SQLite, rate limit off; {tool}, {args.duration} s per figure after a 1 s warm-up; "
        f"ratio = requests/s over the bare ASGI app's (a start + stop pair is 2 requests; target "
        f">= {TARGET:.0%}).\n"
    )
    print()
    print(header)
    print(report)
    if not args.no_append:
        _results.append(RESULTS, "api.py", "API benchmark results", header + "\n" + report)


if __name__ == "__main__":
    main()
