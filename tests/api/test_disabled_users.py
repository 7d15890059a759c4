"""Disabled users cannot authenticate by any means, answered as wrong credentials are; ``last_login_at``
records e-mail + password logins and new sessions, never token or cookie calls."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.models import User
from punchclock.models._common import utcnow
from tests.factories import PASSWORD, at, basic, make_user, token_auth

BAD = (403, ["Incorrect username and/or password"])
REPORTS_BAD = (401, {"error": {
    "message": "Authentication failed: the Reports API accepts only an API token",
    "tip": "Send HTTP Basic auth with your API token as user name and api_token as password.", "code": 401}})


def disable(db: Session, user: User) -> None:
    """What ``punchclock user disable`` sets; its sessions are left in place here on purpose."""
    db.execute(update(User).where(User.id == user.id).values(disabled_at=utcnow()))
    db.commit()


def answer(r: Any) -> tuple[int, Any]:
    return r.status_code, r.json()


def session_cookie(client: TestClient, user: User) -> dict[str, str]:
    r = client.post("/api/v8/sessions", headers=token_auth(user))
    assert r.status_code == 200
    client.cookies.clear()
    return {"Cookie": r.headers["set-cookie"].split(";", 1)[0]}


def reports(client: TestClient, user: User, headers: dict[str, str]) -> Any:
    return client.get("/reports/api/v2/summary", headers=headers, params={
        "workspace_id": user.default_workspace_id, "user_agent": "tests@example.org"})


class TestDisabledUser:
    @pytest.mark.parametrize("means", ["token", "password"])
    def test_basic_auth_fails_as_wrong_credentials(self, client: TestClient, db: Session, means: str) -> None:
        user = make_user(db)
        headers = token_auth(user) if means == "token" else basic(user.email, PASSWORD)
        assert client.get("/api/v8/me", headers=headers).status_code == 200
        disable(db, user)
        assert answer(client.get("/api/v8/me", headers=headers)) == BAD

    def test_session_opened_before_is_dead(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        cookie = session_cookie(client, user)
        assert client.get("/api/v8/me", headers=cookie).status_code == 200
        disable(db, user)
        assert answer(client.get("/api/v8/me", headers=cookie)) == BAD

    def test_body_login_on_post_sessions_fails(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        disable(db, user)
        r = client.post("/api/v8/sessions", json={"email": user.email, "password": PASSWORD})
        assert answer(r) == BAD
        assert "set-cookie" not in r.headers

    def test_reports_token_fails_as_a_wrong_token(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert reports(client, user, token_auth(user)).status_code == 200
        disable(db, user)
        assert answer(reports(client, user, token_auth(user))) == REPORTS_BAD

    def test_other_users_are_unaffected(self, client: TestClient, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        disable(db, user)
        assert client.get("/api/v8/me", headers=token_auth(other)).status_code == 200
        assert client.get("/api/v8/me", headers=basic(other.email, PASSWORD)).status_code == 200


def last_login(db: Session, user: User) -> tuple[datetime | None, datetime]:
    db.rollback()  # a fresh snapshot: SQLite keeps the old one while a read transaction is open
    db.expire_all()
    u = db.get_one(User, user.id)
    return u.last_login_at, u.updated_at


def window() -> datetime:
    return datetime.fromtimestamp(int(time.time()), UTC)  # stored to the second: floor the start


class TestLastLogin:
    def test_password_login_sets_it_without_touching_at(self, client: TestClient, db: Session) -> None:
        user = make_user(db, updated_at=at("2023-09-30T18:02:11Z"))
        before = window()
        assert client.get("/api/v8/workspaces", headers=basic(user.email, PASSWORD)).status_code == 200
        after = datetime.now(UTC)
        stamp, updated = last_login(db, user)
        assert stamp is not None and before <= stamp <= after
        assert updated == at("2023-09-30T18:02:11Z")  # a login is not a change of the user object

    def test_body_login_sets_it(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        before = window()
        assert client.post("/api/v8/sessions", json={"email": user.email, "password": PASSWORD}).status_code == 200
        stamp, _ = last_login(db, user)
        assert stamp is not None and before <= stamp <= datetime.now(UTC)

    def test_token_and_cookie_calls_leave_it_null_but_a_new_session_sets_it(
        self, client: TestClient, db: Session
    ) -> None:
        user = make_user(db)
        for path in ("/api/v8/me", "/api/v8/workspaces", "/api/v8/time_entries"):
            assert client.get(path, headers=token_auth(user)).status_code == 200
        assert reports(client, user, token_auth(user)).status_code == 200
        assert last_login(db, user)[0] is None
        before = window()
        cookie = session_cookie(client, user)  # POST /sessions with the token: a session login
        stamp, _ = last_login(db, user)
        assert stamp is not None and before <= stamp <= datetime.now(UTC)
        db.execute(update(User).where(User.id == user.id).values(last_login_at=None))
        db.commit()
        assert client.get("/api/v8/me", headers=cookie).status_code == 200
        assert last_login(db, user)[0] is None  # using a session is no login

    def test_repeated_password_calls_write_it_at_most_once_a_minute(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        recent = datetime.fromtimestamp(int(time.time()) - 30, UTC)
        db.execute(update(User).where(User.id == user.id).values(last_login_at=recent))
        db.commit()
        assert client.get("/api/v8/workspaces", headers=basic(user.email, PASSWORD)).status_code == 200
        assert last_login(db, user)[0] == recent  # 30 s ago: no write for this call
        older = datetime.fromtimestamp(int(time.time()) - 61, UTC)
        db.execute(update(User).where(User.id == user.id).values(last_login_at=older))
        db.commit()
        before = window()
        assert client.get("/api/v8/workspaces", headers=basic(user.email, PASSWORD)).status_code == 200
        stamp, _ = last_login(db, user)
        assert stamp is not None and before <= stamp <= datetime.now(UTC)

    def test_failed_login_leaves_it_null(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert answer(client.get("/api/v8/me", headers=basic(user.email, "wrong-pass-0"))) == BAD
        assert last_login(db, user)[0] is None
