"""A request waiting on PostgreSQL never stalls the worker's other requests (``PUNCHCLOCK_DB_WORK``).

One real one-worker server. The test holds a row lock on a user, so that user's timer start waits
inside the database; meanwhile another user's ``GET /me`` must answer at once. With the database work
inline on the event loop (``inline``) the waiting start blocks the loop, and ``/me`` waits as long.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from tests.conftest import PG_ADMIN_URL
from tests.factories import make_user, token_auth
from tests.live_server import fresh, live_server

HOLD = 2.0  # seconds the row lock is held


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(("db_work", "stalled"), [("auto", False), ("inline", True)])
def test_a_request_waiting_on_the_database_does_not_stall_others(
    db_url: str, db: Session, tmp_path: Path, db_work: str, stalled: bool
) -> None:
    waiter, other = make_user(db), make_user(db)
    answers: dict[str, int] = {}
    engine = create_engine(db_url)
    with live_server(db_url, tmp_path / "server.log", env={"PUNCHCLOCK_DB_WORK": db_work}) as server:
        fresh("GET", server.url("/api/v8/me"), headers=token_auth(other))  # warm: pool, imports

        def start() -> None:
            r = fresh("POST", server.url("/api/v8/time_entries/start"), headers=token_auth(waiter),
                      json={"time_entry": {"description": "waits", "created_with": "tests"}})
            answers["start"] = r.status_code

        locked = threading.Event()

        def hold_lock() -> None:
            with engine.connect() as conn, conn.begin():
                conn.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": waiter.id})
                locked.set()
                time.sleep(HOLD)

        holder, starter = threading.Thread(target=hold_lock), threading.Thread(target=start)
        holder.start()
        assert locked.wait(10)
        held = time.monotonic()
        starter.start()
        time.sleep(0.3)  # the start is now waiting for the row lock
        me = fresh("GET", server.url("/api/v8/me"), headers=token_auth(other), timeout=HOLD + 10)
        waited = time.monotonic() - held
        holder.join(timeout=30)
        starter.join(timeout=30)
    engine.dispose()
    assert me.status_code == 200
    assert me.json()["data"]["id"] == other.id
    assert answers == {"start": 200}
    if stalled:
        assert waited >= HOLD - 0.1  # /me answered only once the lock was gone
    else:
        assert waited < 0.3 + 1.0  # /me answered while the start still waited


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_requests_survive_connections_dropped_by_the_database(client: TestClient, db: Session) -> None:
    """As after a PostgreSQL restart: every pooled connection is dead, and no request sees it."""
    user = make_user(db)
    headers = token_auth(user)
    assert client.get("/api/v8/me", headers=headers).status_code == 200  # the pool now holds a connection
    db.close()
    engine = client.app.state.engine  # type: ignore[attr-defined]
    held = [engine.connect() for _ in range(engine.pool.checkedin())]  # every pooled connection of the app
    pids = [conn.execute(text("SELECT pg_backend_pid()")).scalar_one() for conn in held]
    for conn in held:
        conn.close()
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text("SELECT count(*) FROM unnest(CAST(:pids AS int[])) AS p "
                                   "WHERE pg_terminate_backend(p)"), {"pids": pids}).scalar_one()
    admin.dispose()
    read = client.get("/api/v8/me", headers=headers)
    started = client.post("/api/v8/time_entries/start", headers=headers,
                          json={"time_entry": {"description": "after the restart", "created_with": "tests"}})
    current = client.get("/api/v8/time_entries/current", headers=headers)
    assert killed == len(pids) >= 1
    assert (read.status_code, read.json()["data"]["id"]) == (200, user.id)
    assert started.status_code == 200
    assert current.json()["data"]["description"] == "after the restart"
