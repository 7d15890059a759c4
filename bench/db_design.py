"""Where should a request's PostgreSQL work run? The three designs, measured on one event loop.

    .venv/bin/python bench/db_design.py [--delay-ms 1] [--concurrency 1,8,32] [--duration 5]

Each design runs the unit of work of an authenticated read (BEGIN, the authentication query of
``http/auth.py``, COMMIT) as many times as it can from ``--concurrency`` asyncio tasks of one event
loop, the way one uvicorn worker serves concurrent requests, first straight to PostgreSQL and then
through ``bench/proxy.py`` (+``--delay-ms`` each way, a database on another host):

* ``inline``: the synchronous SQLAlchemy Session on the event loop (what punchclock did before);
* ``thread``: the same synchronous unit of work, one worker-thread hop per request
  (``PUNCHCLOCK_DB_WORK=thread``, what punchclock does on PostgreSQL now);
* ``async``: SQLAlchemy's asyncio extension over psycopg's async API (``AsyncSession``), which would
  need every domain service rewritten as ``async`` (or run through ``AsyncSession.run_sync``).

Prints units of work per second per design, concurrency and path; nothing is appended anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import Engine, bindparam, create_engine, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

import _database
from proxy import running_proxy
from punchclock.db.base import table
from punchclock.db.migrate import upgrade
from punchclock.models import User

DB_NAME = "punchclock_bench_design"
USERS = table(User)
QUERY = select(USERS.c.id, USERS.c.email, USERS.c.timezone).where(USERS.c.api_token == bindparam("token"))
PARAMS = {"token": "0" * 32}


def sync_designs(url: str, pool: int) -> tuple[Engine, dict[str, Callable[[], Awaitable[object]]]]:
    engine = create_engine(url, pool_size=pool, max_overflow=0)

    def unit() -> object:
        with Session(engine) as db, db.begin():
            return db.connection().execute(QUERY, PARAMS).all()

    async def inline() -> object:
        return unit()

    async def thread() -> object:
        return await run_in_threadpool(unit)

    return engine, {"inline": inline, "thread": thread}


def async_design(url: str, pool: int) -> tuple[AsyncEngine, Callable[[], Awaitable[object]]]:
    engine = create_async_engine(url, pool_size=pool, max_overflow=0)

    async def in_async() -> object:
        async with engine.connect() as conn, conn.begin():
            return (await conn.execute(QUERY, PARAMS)).all()

    return engine, in_async


async def throughput(work: Callable[[], Awaitable[object]], concurrency: int, duration: float) -> float:
    done = 0
    stop = time.perf_counter() + duration

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            await work()
            done += 1

    for _ in range(3):
        await work()  # warm the pools and compiled-statement caches
    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (time.perf_counter() - start)


async def measure(url: str, label: str, concurrency: list[int], duration: float) -> None:
    async def row(name: str, work: Callable[[], Awaitable[object]]) -> None:
        figures = [await throughput(work, c, duration) for c in concurrency]
        print(f"| {name} | {label} | " + " | ".join(f"{f:,.0f}" for f in figures) + " |", flush=True)

    engine, works = sync_designs(url, max(concurrency))
    for name, work in works.items():
        await row(name, work)
    engine.dispose()
    async_engine, in_async = async_design(url, max(concurrency))
    await row("async", in_async)
    await async_engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=1.0)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--switch-interval-ms", type=float, help="sys.setswitchinterval (Python's default: 5 ms)")
    args = parser.parse_args()
    if args.switch_interval_ms:
        sys.setswitchinterval(args.switch_interval_ms / 1000)
    concurrency = [int(c) for c in args.concurrency.split(",")]
    url = _database.fresh_database(DB_NAME)
    try:
        upgrade(url)
        print("| design | path | " + " | ".join(f"c{c} units/s" for c in concurrency) + " |")
        print("| --- | --- | " + " | ".join("---:" for _ in concurrency) + " |")
        asyncio.run(measure(url, "direct", concurrency, args.duration))
        with running_proxy(*_database.host_port(url), args.delay_ms) as port:
            asyncio.run(measure(_database.via_proxy(url, port), f"+{args.delay_ms:g} ms each way",
                                concurrency, args.duration))
    finally:
        _database.drop_database(DB_NAME)


if __name__ == "__main__":
    main()
