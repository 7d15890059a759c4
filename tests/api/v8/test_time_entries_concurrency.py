"""At most one running entry per user, in the database and under concurrent requests (40- §3.4)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry
from tests.factories import at, make_entry, make_user, token_auth

STARTS = 20


class TestRunningEntryConstraint:
    def test_database_rejects_a_second_running_entry_of_one_user(self, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        with pytest.raises(IntegrityError):
            make_entry(db, user=user, start="2023-10-02T08:00:00Z", seconds=None)
        db.rollback()

    def test_deleted_or_stopped_entries_do_not_count(self, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        make_entry(db, user=user, start="2023-10-02T06:00:00Z", seconds=None, deleted_at=at("2023-10-02T06:30:00Z"))
        make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=60)
        make_entry(db, user=user, start="2023-10-02T08:00:00Z", seconds=None)
        make_entry(db, user=other, start="2023-10-02T08:00:00Z", seconds=None)
        assert len(db.scalars(select(TimeEntry).where(TimeEntry.stop.is_(None))).all()) == 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the server's own process group (it started it)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def server(db_url: str) -> Iterator[str]:
    """A real uvicorn on the test database: two workers if they come up, else one."""
    env = {**os.environ, "PUNCHCLOCK_DATABASE_URL": db_url, "PUNCHCLOCK_RATE_LIMIT": "false"}
    for workers in (2, 1):
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "punchclock.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            if _wait_until_up(base, proc):
                yield base
                return
        finally:
            _stop(proc)
    pytest.fail("uvicorn did not start")


class TestConcurrentStarts:
    def test_twenty_parallel_starts_leave_exactly_one_running_entry(self, server: str, db: Session) -> None:
        user = make_user(db)
        other = make_user(db)
        theirs = make_entry(db, user=other, start="2023-10-02T07:00:00Z", seconds=None)
        headers = token_auth(user)

        def start(i: int) -> httpx.Response:
            return httpx.post(f"{server}/api/v8/time_entries/start", headers=headers, timeout=60.0,
                              json={"time_entry": {"description": f"timer {i}", "created_with": "pytest"}})

        with ThreadPoolExecutor(max_workers=STARTS) as pool:
            responses = list(pool.map(start, range(STARTS), timeout=120))

        assert [r.status_code for r in responses] == [200] * STARTS, [r.text for r in responses if r.status_code != 200]
        ids = {r.json()["data"]["id"] for r in responses}
        assert len(ids) == STARTS
        db.expire_all()
        entries = db.scalars(select(TimeEntry).where(TimeEntry.user_id == user.id)).all()
        running = [e for e in entries if e.stop is None]
        stopped = [e for e in entries if e.stop is not None]
        assert (len(entries), len(running), len(stopped)) == (STARTS, 1, STARTS - 1)
        for e in stopped:
            assert e.stop >= e.start and e.duration == int((e.stop - e.start) / timedelta(seconds=1))
        r = httpx.get(f"{server}/api/v8/time_entries/current", headers=headers, timeout=10.0)
        assert r.json()["data"]["id"] == running[0].id
        assert db.get(TimeEntry, theirs.id).stop is None  # another user's timer is untouched
