"""Sessions: POST/DELETE /sessions and the cookie set by GET /me (10-users-and-auth §6, 00-conventions §5.3)."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.models import AuthSession, User
from tests.factories import PASSWORD, basic, make_user, token_auth

COOKIE = "__Host-timer-session"
SET_COOKIE = re.compile(
    r"^__Host-timer-session=([A-Za-z0-9_-]{43}); Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=86400$"
)
CLEAR = "__Host-timer-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
FAIL = (403, ["Incorrect username and/or password"])


def cookie_value(set_cookie: str) -> str:
    m = SET_COOKIE.match(set_cookie)
    assert m, set_cookie
    return m.group(1)


def login(client: TestClient, user: User) -> str:
    r = client.post("/api/v8/sessions", headers=basic(user.email, PASSWORD))
    assert r.status_code == 200
    client.cookies.clear()
    return cookie_value(r.headers["set-cookie"])


def sessions_of(db: Session, user: User) -> list[AuthSession]:
    db.expire_all()
    return list(db.scalars(select(AuthSession).where(AuthSession.user_id == user.id).order_by(AuthSession.id)))


class TestCreateSession:
    def test_basic_password_creates_hashed_session_and_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        before = int(time.time())
        r = client.post("/api/v8/sessions", headers=basic(user.email, PASSWORD))
        after = int(time.time())
        assert r.status_code == 200
        value = cookie_value(r.headers["set-cookie"])
        body = r.json()
        assert before <= body["since"] <= after
        assert body["data"]["id"] == user.id and body["data"]["api_token"] == user.api_token
        [stored] = sessions_of(db, user)
        assert stored.token_hash == hashlib.sha256(value.encode()).hexdigest() != value
        assert stored.expires_at - stored.created_at == timedelta(seconds=86400)
        assert before - 1 <= stored.created_at.timestamp() <= after

    def test_body_equals_get_me_body(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        posted = client.post("/api/v8/sessions", headers=token_auth(user)).json()
        got = client.get("/api/v8/me", headers=token_auth(user)).json()
        assert abs(posted.pop("since") - got.pop("since")) <= 1
        assert posted == got

    def test_token_auth_and_empty_body_create_session(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/sessions", headers={**token_auth(user), "Content-Type": "application/json"},
                        content=b"")
        assert r.status_code == 200
        value = cookie_value(r.headers["set-cookie"])
        client.cookies.clear()
        assert client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={value}"}).json()["data"]["id"] == user.id

    def test_each_login_gets_its_own_random_session(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        first, second = login(client, user), login(client, user)
        assert first != second
        assert len(sessions_of(db, user)) == 2

    def test_body_credentials_without_authorization_header(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="ines.rocha@example.org")
        r = client.post("/api/v8/sessions", json={"email": "Ines.Rocha@example.org", "password": PASSWORD})
        assert r.status_code == 200 and r.json()["data"]["id"] == user.id
        cookie_value(r.headers["set-cookie"])
        assert len(sessions_of(db, user)) == 1

    def test_body_credentials_wrong_password_is_403(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/sessions", json={"email": user.email, "password": "nope-nope"})
        assert (r.status_code, r.json()) == FAIL
        assert "set-cookie" not in r.headers
        assert sessions_of(db, user) == []

    def test_authorization_header_decides_over_body(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/sessions", headers=basic(user.email, "wrong-pass"),
                        json={"email": user.email, "password": PASSWORD})
        assert (r.status_code, r.json()) == FAIL
        assert sessions_of(db, user) == []

    @pytest.mark.parametrize("content", [b"", b"{not json", b'{"email": 5}', b"[1, 2]", b'"text"'])
    def test_no_credentials_at_all_is_403_whatever_the_body(self, client: TestClient, db: Session,
                                                            content: bytes) -> None:
        make_user(db)
        r = client.post("/api/v8/sessions", content=content, headers={"Content-Type": "application/json"})
        assert (r.status_code, r.json()) == FAIL

    def test_other_bodies_are_ignored_with_basic_auth(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/sessions", headers=token_auth(user), content=b"{not json")
        assert r.status_code == 200

    def test_related_data_and_since_parameters(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/sessions?with_related_data=true", headers=token_auth(user))
        assert [w["id"] for w in r.json()["data"]["workspaces"]] == [user.default_workspace_id]
        r = client.post("/api/v8/sessions?since=yesterday", headers=token_auth(user))
        assert (r.status_code, r.json()) == (400, ["Invalid since"])
        assert len(sessions_of(db, user)) == 1  # the 400 opened none


class TestCookieFromGetMe:
    def test_email_password_login_on_get_me_sets_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v8/me", headers=basic(user.email, PASSWORD))
        value = cookie_value(r.headers["set-cookie"])
        client.cookies.clear()
        r = client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={value}"})
        assert r.json()["data"]["id"] == user.id
        assert "set-cookie" not in r.headers  # a cookie request does not mint another session
        assert len(sessions_of(db, user)) == 1

    def test_token_auth_on_get_me_sets_no_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v8/me", headers=token_auth(user))
        assert r.status_code == 200 and "set-cookie" not in r.headers
        assert sessions_of(db, user) == []

    def test_failed_request_sets_no_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v8/me?since=x", headers=basic(user.email, PASSWORD))
        assert r.status_code == 400 and "set-cookie" not in r.headers
        assert sessions_of(db, user) == []


@pytest.fixture
def plain_http_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"session_cookie_secure": False, "session_cookie_name": "pc_session",
                                                 "session_max_age": 3600}))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


class TestCookieSettings:
    def test_plain_http_name_without_secure_and_own_max_age(self, plain_http_client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = plain_http_client.post("/api/v8/sessions", headers=token_auth(user))
        m = re.fullmatch(r"pc_session=([A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Lax; Max-Age=3600",
                         r.headers["set-cookie"])
        assert m
        plain_http_client.cookies.clear()
        r = plain_http_client.get("/api/v8/me", headers={"Cookie": f"pc_session={m.group(1)}"})
        assert r.json()["data"]["id"] == user.id
        r = plain_http_client.delete("/api/v8/sessions", headers={"Cookie": f"pc_session={m.group(1)}"})
        assert r.headers["set-cookie"] == "pc_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
        assert sessions_of(db, user) == []


class TestDeleteSession:
    def test_destroys_the_session_named_by_the_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        value, other = login(client, user), login(client, user)
        r = client.delete("/api/v8/sessions", headers={"Cookie": f"{COOKIE}={value}"})
        assert (r.status_code, r.content) == (200, b"null")
        assert r.headers["set-cookie"] == CLEAR
        client.cookies.clear()
        assert (
            client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={value}"}).status_code,
            client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={other}"}).status_code,
        ) == (403, 200)
        [left] = sessions_of(db, user)
        assert left.token_hash == hashlib.sha256(other.encode()).hexdigest()

    def test_legacy_cookie_session_is_destroyed(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        value = login(client, user)
        r = client.delete("/api/v8/sessions", headers={"Cookie": f"toggl_api_session={value}"})
        assert (r.status_code, r.json()) == (200, None)
        assert sessions_of(db, user) == []

    def test_basic_auth_only_answers_200_and_keeps_sessions(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        login(client, user)
        r = client.delete("/api/v8/sessions", headers=token_auth(user))
        assert (r.status_code, r.json(), r.headers["set-cookie"]) == (200, None, CLEAR)
        assert len(sessions_of(db, user)) == 1

    def test_cookie_of_another_user_is_not_destroyed_by_basic_caller(self, client: TestClient, db: Session) -> None:
        alice, bob = make_user(db), make_user(db)
        value = login(client, alice)
        r = client.delete("/api/v8/sessions", headers={**token_auth(bob), "Cookie": f"{COOKIE}={value}"})
        assert r.status_code == 200
        assert len(sessions_of(db, alice)) == 1

    def test_without_credentials_is_403(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        login(client, user)
        r = client.delete("/api/v8/sessions", headers={"Cookie": f"{COOKIE}=unknown"})
        assert (r.status_code, r.json()) == FAIL
        assert len(sessions_of(db, user)) == 1
