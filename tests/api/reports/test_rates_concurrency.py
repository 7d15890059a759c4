"""A rate change and an entry written at the same time: the entry ends with the new rate.

Each transaction's refresh would miss the other's uncommitted rows; domain/rates.py makes them
take turns per workspace (advisory locks on PostgreSQL, the database lock on SQLite).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry
from tests.api.reports.conftest import get_report
from tests.factories import at, make_project, make_user, make_workspace, token_auth

#: Sessions of this database that wait for an advisory lock (the rate locks of domain/rates.py).
_ADVISORY_WAITERS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
)


@contextmanager
def lock_requests(engine: Engine) -> Iterator[threading.Event]:
    """Set once a connection of ``engine`` sends ``BEGIN IMMEDIATE`` (SQLite: asks for the write lock)."""
    requested = threading.Event()

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            requested.set()

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield requested
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def wait_until_blocked(engine: Engine, requested: threading.Event, timeout: float = 20.0) -> bool:
    """Whether, within ``timeout``, another session waits for a lock the writer holds.

    PostgreSQL shows the waiting session in ``pg_stat_activity``. SQLite shows nothing: there the
    proof is that the request sent ``BEGIN IMMEDIATE`` while the writer holds the write lock, which
    blocks it until the writer ends.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                if conn.scalar(_ADVISORY_WAITERS):
                    return True
        elif requested.is_set():
            return True
        time.sleep(0.02)
    return False


def test_rate_change_waits_for_an_entry_being_written(app: Any, client: TestClient, db: Session) -> None:
    admin = make_user(db)
    ws = make_workspace(db, admin=admin, default_currency="EUR")
    project = make_project(db, workspace_id=ws.id, name="Site", rate=Decimal("50"), billable=True)

    writer: Session = app.state.write_sessionmaker()
    start = at("2023-10-02T07:00:00Z")
    writer.add(TimeEntry(guid="g-1", workspace_id=ws.id, user_id=admin.id, project_id=project.id, billable=True,
                         start=start, stop=start + timedelta(hours=1), duration=3600, created_with="tests"))
    writer.flush()  # written (at 50/h) but not committed

    answers: list[int] = []
    change = threading.Thread(target=lambda: answers.append(client.put(
        f"/api/v8/projects/{project.id}", json={"project": {"rate": 80}}, headers=token_auth(admin)).status_code))
    with lock_requests(app.state.engine) as requested:
        change.start()
        # Proof that the change waits for the entry's transaction, not merely that it has not run yet.
        assert wait_until_blocked(app.state.engine, requested), "the rate change never waited for a lock"
    assert change.is_alive() and answers == []
    writer.commit()
    writer.close()
    change.join(timeout=30)
    assert answers == [200]

    body = get_report(client, "details", admin, workspace_id=ws.id, since="2023-10-02", until="2023-10-02").json()
    assert [(row["billable"], row["cur"]) for row in body["data"]] == [(80, "EUR")]
