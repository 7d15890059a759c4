"""The import is long work: in a real one-worker server on SQLite (database work inline on the event loop) it
runs in a worker thread, so the worker answers other requests while it imports."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.api.v9.test_transfer import HEADER, ZONE
from tests.factories import make_team, make_user, token_auth
from tests.live_server import fresh, live_server

LINES = 8000


def _csv(email: str) -> bytes:
    """``LINES`` distinct entries (under the 1 MiB body limit)."""
    lines = [HEADER] + [f"Mara Quint,{email},Acme,Website,,Entry {i},Yes,2026-03-02,09:{i % 60:02d}:{i // 60 % 60:02d},"
                        "2026-03-02,10:30:00,,design" for i in range(LINES)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_other_requests_are_answered_during_an_import(db_url: str, db: Session, tmp_path: Path) -> None:
    team, other = make_team(db), make_user(db)
    data = _csv(team.admin.email)
    answered: list[float] = []
    span: dict[str, float] = {}
    with live_server(db_url, tmp_path / "server.log") as server:
        fresh("GET", server.url("/api/v9/me"), headers=token_auth(other))  # warm: pool, imports

        def run() -> None:
            span["start"] = time.monotonic()
            r = httpx.post(server.url(f"/api/v9/workspaces/{team.ws.id}/import"), headers=token_auth(team.admin),
                           data={"timezone": ZONE}, files=[("time_entries", ("y.csv", data, "text/csv"))],
                           timeout=120)
            span["end"] = time.monotonic()
            span["status"] = r.status_code
            span["created"] = r.json()["counts"]["time_entries"]["created"]

        importer = threading.Thread(target=run)
        importer.start()
        time.sleep(0.1)
        while importer.is_alive():
            me = fresh("GET", server.url("/api/v9/me"), headers=token_auth(other), timeout=120)
            assert me.status_code == 200 and me.json()["id"] == other.id
            answered.append(time.monotonic())
            time.sleep(0.05)
        importer.join()
    assert (span["status"], span["created"]) == (200, LINES)
    # Inline on the event loop, no request sent once the import is under way would be answered before the
    # import's own answer (one may race it): count those answered in the second half of the import.
    half = span["start"] + (span["end"] - span["start"]) / 2
    during = [t for t in answered if half < t < span["end"]]
    assert len(during) >= 2, (len(during), span["end"] - span["start"])
