"""Real changes end to end (70- §5.1, §5.2, §6, V-37, V-38): the outbox queues them in the changing
transaction and the delivery loop sends them signed, in commit order, whoever made them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.models import TimeEntry, Workspace
from punchclock.models.webhooks import WebhookEvent
from punchclock.webhooks.dispatcher import Dispatcher
from tests.factories import make_entry, make_user, token_auth
from tests.webhooks.receiver import Receiver
from tests.webhooks.seed import SECRET, make_subscription


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, rate_limit=False, public_url="http://testserver", webhooks_dispatcher=False,
                    webhooks_allow_private=True)


@pytest.fixture
def rx() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env["PUNCHCLOCK_DATABASE_URL"] = db_url
    return subprocess.run([sys.executable, "-m", "punchclock", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_v9_and_v8_changes_arrive_signed_and_in_order(app: Any, client: TestClient, db: Session,
                                                      rx: Receiver) -> None:
    owner = make_user(db)
    ws = owner.default_workspace_id
    make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url)
    r = client.post(f"/api/v9/workspaces/{ws}/time_entries", headers=token_auth(owner), json={
        "created_with": "pytest", "workspace_id": ws, "start": "2026-12-01T09:00:00Z", "duration": 3600,
        "description": "from v9"})
    assert r.status_code == 200, r.text
    entry_id = r.json()["id"]
    r = client.put(f"/api/v8/time_entries/{entry_id}", headers=token_auth(owner),
                   json={"time_entry": {"description": "from v8"}})
    assert r.status_code == 200, r.text

    anyio.run(Dispatcher(app.state).drain)
    got = rx.received
    assert all(Receiver.verify(SECRET, item) for item in got)
    bodies = [item.json() for item in got]
    assert [(b["metadata"]["model"], b["metadata"]["action"], b["metadata"]["path"], b["metadata"]["request_type"],
             b["metadata"]["event_user_id"], b["creator_id"]) for b in bodies] == [
        ("time_entry", "created", f"/api/v9/workspaces/{ws}/time_entries", "POST", str(owner.id), owner.id),
        ("time_entry", "updated", f"/api/v8/time_entries/{entry_id}", "PUT", str(owner.id), owner.id),
    ]
    assert [(b["payload"]["id"], b["payload"]["description"]) for b in bodies] == [
        (entry_id, "from v9"), (entry_id, "from v8")]
    ids = [b["event_id"] for b in bodies]
    assert ids[0] < ids[1]
    assert [item.headers["x-punchclock-event-id"] for item in got] == [str(i) for i in ids]


def test_a_cli_change_arrives_without_a_user(app: Any, db: Session, db_url: str, rx: Receiver) -> None:
    owner = make_user(db)
    ws = owner.default_workspace_id
    make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url)
    workspace = db.get(Workspace, ws)
    assert workspace is not None
    premium = not workspace.premium
    db.rollback()
    done = _cli(db_url, "workspace", "premium", str(ws), "on" if premium else "off")
    assert done.returncode == 0, done.stderr

    anyio.run(Dispatcher(app.state).drain)
    [got] = rx.received
    assert Receiver.verify(SECRET, got)
    body = got.json()
    assert (body["metadata"], body["creator_id"], body["payload"]["id"], body["payload"]["premium"]) == (
        {"action": "updated", "model": "workspace", "event_user_id": "", "workspace_id": str(ws),
         "path": "", "request_type": ""}, None, ws, premium)


def test_a_rolled_back_change_sends_nothing(app: Any, db: Session, rx: Receiver) -> None:
    owner = make_user(db)
    ws = owner.default_workspace_id
    make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url,
                      filters=[{"entity": "time_entry", "action": "*"}])
    entry = make_entry(db, user=owner, start="2026-12-01T09:00:00Z", description="kept")
    start = entry.start
    entry.description = "rolled back"
    db.add(TimeEntry(guid="f" * 32, user_id=owner.id, workspace_id=ws, start=start, duration=60, created_with="tests"))
    db.flush()  # both changes reach the database, and the session's change log...
    db.rollback()  # ...is forgotten with them

    anyio.run(Dispatcher(app.state).drain)
    assert [(b["metadata"]["action"], b["payload"]["id"], b["payload"]["description"]) for b in rx.events()] == [
        ("created", entry.id, "kept")]
    assert db.scalar(select(func.count()).select_from(WebhookEvent)) == 1
