"""Authentication of API v8 (00-conventions §5): Basic with password or token, session cookie, failures."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import AuthSession, User, Workspace
from punchclock.models._common import utcnow
from tests.factories import PASSWORD, basic, make_user, token_auth

COOKIE = "__Host-timer-session"
FAIL = (403, ["Incorrect username and/or password"])


def login(client: TestClient, user: User, password: str = PASSWORD) -> str:
    """Open a session through ``POST /sessions``; returns the cookie value (the jar is left empty)."""
    r = client.post("/api/v8/sessions", headers=basic(user.email, password))
    assert r.status_code == 200
    value = r.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    client.cookies.clear()
    return value


def me(client: TestClient, headers: dict[str, str]) -> tuple[int, object]:
    r = client.get("/api/v8/me", headers=headers)
    assert "www-authenticate" not in r.headers
    return r.status_code, r.json()


class TestBasicPassword:
    def test_email_and_password_authenticate(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="mara.quint@example.org")
        status, body = me(client, basic("mara.quint@example.org", PASSWORD))
        assert status == 200
        assert body["data"]["id"] == user.id  # type: ignore[index]

    def test_email_is_matched_case_insensitively(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="Mara.Quint@Example.org")
        status, body = me(client, basic("mara.quint@EXAMPLE.ORG", PASSWORD))
        assert (status, body["data"]["email"]) == (200, "Mara.Quint@Example.org")  # type: ignore[index]
        assert body["data"]["id"] == user.id  # type: ignore[index]

    def test_wrong_password_is_403_without_www_authenticate(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert me(client, basic(user.email, PASSWORD + "x")) == FAIL

    def test_unknown_email_is_403(self, client: TestClient, db: Session) -> None:
        make_user(db)
        assert me(client, basic("nobody@example.org", PASSWORD)) == FAIL

    def test_placeholder_account_without_password_cannot_log_in(self, client: TestClient, db: Session) -> None:
        user = make_user(db, password_hash=None)
        assert me(client, basic(user.email, PASSWORD)) == FAIL
        assert me(client, basic(user.email, "")) == FAIL


class TestBasicToken:
    def test_token_authenticates(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        status, body = me(client, token_auth(user))
        assert (status, body["data"]["id"]) == (200, user.id)  # type: ignore[index]

    def test_token_with_surrounding_whitespace_is_trimmed(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        status, body = me(client, basic(f" {user.api_token}\n", "api_token"))
        assert (status, body["data"]["id"]) == (200, user.id)  # type: ignore[index]

    def test_unknown_token_is_403(self, client: TestClient, db: Session) -> None:
        make_user(db)
        assert me(client, basic("0" * 32, "api_token")) == FAIL

    def test_password_api_token_falls_back_to_email_and_password(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="literal@example.org", password="api_token")
        status, body = me(client, basic("LITERAL@example.org", "api_token"))
        assert (status, body["data"]["id"]) == (200, user.id)  # type: ignore[index]
        assert me(client, basic("literal@example.org", "api_tokens")) == FAIL

    def test_token_is_not_a_password(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert me(client, basic(user.email, user.api_token)) == FAIL

    def test_workspace_api_token_does_not_authenticate(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws_token = db.get_one(Workspace, user.default_workspace_id).api_token
        assert me(client, basic(ws_token, "api_token")) == FAIL

    @pytest.mark.parametrize("header", [
        "Bearer abc",
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon-here").decode(),
        "Basic",
        "",
    ])
    def test_malformed_authorization_header_is_403(self, client: TestClient, db: Session, header: str) -> None:
        make_user(db)
        assert me(client, {"Authorization": header}) == FAIL

    def test_no_credentials_is_403(self, client: TestClient, db: Session) -> None:
        make_user(db)
        assert me(client, {}) == FAIL


class TestSessionCookie:
    def test_session_cookie_authenticates(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        value = login(client, user)
        status, body = me(client, {"Cookie": f"{COOKIE}={value}"})
        assert (status, body["data"]["id"]) == (200, user.id)  # type: ignore[index]

    @pytest.mark.parametrize("name", ["toggl_api_session_new", "toggl_api_session"])
    def test_legacy_cookie_names_are_accepted(self, client: TestClient, db: Session, name: str) -> None:
        user = make_user(db)
        value = login(client, user)
        r = client.get("/api/v8/me", headers={"Cookie": f"{name}={value}"})
        assert (r.status_code, r.json()["data"]["id"]) == (200, user.id)
        assert "set-cookie" not in r.headers  # never emitted under a legacy name

    def test_unknown_cookie_is_403(self, client: TestClient, db: Session) -> None:
        make_user(db)
        assert me(client, {"Cookie": f"{COOKIE}=forged-value"}) == FAIL

    def test_invalid_authorization_header_wins_over_valid_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        value = login(client, user)
        headers = {"Cookie": f"{COOKIE}={value}", **basic(user.email, "wrong-password")}
        assert me(client, headers) == FAIL

    def test_valid_header_of_another_user_wins_over_cookie(self, client: TestClient, db: Session) -> None:
        alice, bob = make_user(db), make_user(db)
        value = login(client, alice)
        status, body = me(client, {"Cookie": f"{COOKIE}={value}", **token_auth(bob)})
        assert (status, body["data"]["id"]) == (200, bob.id)  # type: ignore[index]

    def test_expired_session_is_403(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        value = login(client, user)
        row = db.scalars(select(AuthSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
        assert me(client, {"Cookie": f"{COOKIE}={value}"}) == FAIL

    def test_session_of_deleted_user_vanishes(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        value = login(client, user)
        db.delete(db.get_one(User, user.id))
        db.commit()
        assert me(client, {"Cookie": f"{COOKIE}={value}"}) == FAIL
