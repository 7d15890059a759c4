"""The JSON access log: one line per request, no query string, the authenticated user's id."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_user, token_auth


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "punchclock.access"]


def test_one_json_line_per_request(client: TestClient, db: Session, caplog: pytest.LogCaptureFixture) -> None:
    user = make_user(db)
    with caplog.at_level(logging.INFO, logger="punchclock.access"):
        me = client.get("/api/v8/me", headers=token_auth(user))
        gone = client.get("/api/v7/me")
        anonymous = client.get("/api/v8/me")
    first, second, third = _lines(caplog)
    assert {k: first[k] for k in ("method", "path", "status", "bytes", "user")} == {
        "method": "GET", "path": "/api/v8/me", "status": 200, "bytes": len(me.content), "user": user.id}
    assert (second["path"], second["status"], second["user"]) == ("/api/v7/me", 410, None)
    assert (third["status"], third["user"], third["bytes"]) == (403, None, len(anonymous.content))
    assert gone.status_code == 410
    assert isinstance(first["ms"], float) and first["ip"] == "testclient"
    assert set(first) == {"ts", "method", "path", "status", "ms", "bytes", "ip", "user", "worker"}


def test_query_strings_and_credentials_are_never_logged(client: TestClient, db: Session,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    user = make_user(db)
    with caplog.at_level(logging.INFO, logger="punchclock.access"):
        client.get("/user/accept_invitation", params={"code": "SECRET-INVITE-CODE"})
        client.get("/api/v8/me", headers=token_auth(user))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "SECRET-INVITE-CODE" not in text and user.api_token not in text
    assert [line["path"] for line in _lines(caplog)] == ["/user/accept_invitation", "/api/v8/me"]


def test_a_password_reset_links_secret_is_never_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="punchclock.access"):
        client.get("/password/reset/SECRET-RESET-LINK")
        client.post("/password/reset/SECRET-RESET-LINK", data={"password": "whatever"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "SECRET-RESET-LINK" not in text
    assert [(line["method"], line["path"], line["status"]) for line in _lines(caplog)] == [
        ("GET", "/password/reset/…", 404), ("POST", "/password/reset/…", 403)]
