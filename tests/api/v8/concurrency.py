"""Helpers for the concurrency tests: real servers with two workers, and requests released at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine

from tests.live_server import LiveServer, live_server

ACCESS_LOG = {"PUNCHCLOCK_ACCESS_LOG": "true"}


@contextmanager
def two_workers(db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A `punchclock serve --workers 2` on the test database, once both workers answer."""
    with live_server(db_url, tmp_path / "server.log", workers=2, env=ACCESS_LOG) as server:
        server.wait_for_workers(2)
        yield server


@contextmanager
def direct(db_url: str) -> Iterator[Engine]:
    """The test database, independent of any server process."""
    engine = create_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


def at_once(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """``call(0..count-1)``, each in its own thread, released together by a barrier; answers in call order."""
    barrier = threading.Barrier(count)

    def run(i: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return call(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count), timeout=120))
