"""The README's receiver (examples/webhook_receiver.py) against real deliveries: it validates the
subscription by echoing the ping's code, accepts the signed event and refuses a forged one."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.webhooks.dispatcher import Dispatcher
from tests.factories import make_user, token_auth
from tests.live_server import free_port

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook_receiver.py"
SECRET = "s3cret-of-the-readme"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, rate_limit=False, public_url="http://testserver", webhooks_dispatcher=False,
                    webhooks_allow_private=True)


@pytest.fixture
def receiver() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {**os.environ, "PUNCHCLOCK_WEBHOOK_SECRET": SECRET}
    proc = subprocess.Popen([sys.executable, str(EXAMPLE), str(port)], env=env, stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/hook"
    deadline = time.monotonic() + 10
    while True:  # up once it answers (401 to an unsigned request)
        try:
            httpx.post(url, content=b"{}", timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the example receiver did not start"
            time.sleep(0.05)
    yield url, proc
    proc.kill()
    proc.wait()


def test_example_receiver_validates_and_verifies(app: Any, client: TestClient, db: Session,
                                                 receiver: tuple[str, subprocess.Popen[str]]) -> None:
    url, proc = receiver
    owner = make_user(db)
    ws = owner.default_workspace_id
    r = client.post(f"/webhooks/api/v1/subscriptions/{ws}", headers=token_auth(owner), json={
        "description": "readme receiver", "url_callback": url, "secret": SECRET,
        "event_filters": [{"entity": "time_entry", "action": "*"}]})
    assert r.status_code == 200, r.text
    subscription = r.json()
    assert subscription["validated_at"] is not None  # the example echoed the ping's validation code

    r = client.post(f"/api/v9/workspaces/{ws}/time_entries", headers=token_auth(owner), json={
        "created_with": "pytest", "workspace_id": ws, "start": "2026-12-01T09:00:00Z", "duration": 5400,
        "description": "Signed and delivered"})
    assert r.status_code == 200, r.text
    entry_id = r.json()["id"]
    anyio.run(Dispatcher(app.state).drain)

    assert proc.stdout is not None
    event_id, model, action, payload = proc.stdout.readline().split(" ", 3)
    assert (model, action) == ("time_entry", "created")
    assert {k: json.loads(payload)[k] for k in ("id", "duration", "description")} == {
        "id": entry_id, "duration": 5400, "description": "Signed and delivered"}
    log = client.get(f"/webhooks/api/v1/subscriptions/{ws}/{subscription['subscription_id']}/events",
                     headers=token_auth(owner)).json()
    assert [(e["event_id"], e["status"]) for e in log["events"]] == [(int(event_id), "delivered")]

    body = json.dumps({"event_id": int(event_id) + 1, "payload": {"id": 1},
                       "metadata": {"model": "time_entry", "action": "updated"}}).encode()
    forged = "sha256=" + hmac.new(b"wrong secret", body, hashlib.sha256).hexdigest()
    assert httpx.post(url, content=body, headers={"X-Webhook-Signature-256": forged}).status_code == 401
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert httpx.post(url, content=body, headers={"X-Webhook-Signature-256": good}).status_code == 200
