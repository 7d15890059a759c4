"""API v9 authentication (10- §4) and its rate-limit bucket family (10- §8)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from tests.api.v9.documented import documented
from tests.factories import PASSWORD, basic, make_user, token_auth

FAIL = (403, "Incorrect username and/or password")
COOKIE = "__Host-timer-session"


def assert_refused(r: object) -> None:
    assert (r.status_code, r.json()) == FAIL  # type: ignore[attr-defined]
    assert "www-authenticate" not in r.headers  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/json; charset=utf-8"  # type: ignore[attr-defined]


class TestCredentials:
    def test_api_token(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v9/me", headers=token_auth(user))
        assert documented(client).check("GET", "/me", r)["id"] == user.id

    def test_token_with_surrounding_whitespace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v9/me", headers=basic(user.api_token + "\n", "api_token"))
        assert documented(client).check("GET", "/me", r)["id"] == user.id

    def test_email_and_password_sets_no_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v9/me", headers=basic(user.email.upper(), PASSWORD))
        assert documented(client).check("GET", "/me", r)["id"] == user.id
        assert "set-cookie" not in r.headers

    def test_session_cookie_of_v8_sessions(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        opened = client.post("/api/v8/sessions", headers=basic(user.email, PASSWORD))
        assert opened.status_code == 200
        client.cookies.clear()
        secret = opened.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
        r = client.get("/api/v9/me", headers={"Cookie": f"{COOKIE}={secret}"})
        assert documented(client).check("GET", "/me", r)["id"] == user.id
        r = client.get("/api/v9/me/logged", headers={"Cookie": f"{COOKIE}={secret}"})
        assert documented(client).check("GET", "/me/logged", r) is None
        client.delete("/api/v8/sessions", headers={"Cookie": f"{COOKIE}={secret}"})
        assert_refused(client.get("/api/v9/me", headers={"Cookie": f"{COOKIE}={secret}"}))

    def test_wrong_credentials(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert_refused(client.get("/api/v9/me", headers=basic("0" * 32, "api_token")))
        assert_refused(client.get("/api/v9/me", headers=basic(user.email, "wrong-password")))
        assert_refused(client.get("/api/v9/me", headers=basic("nobody@example.org", PASSWORD)))
        assert_refused(client.get("/api/v9/me", headers={"Cookie": f"{COOKIE}=forged"}))

    def test_malformed_headers(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for header in ("Basic %%%", f"Bearer {user.api_token}", "Basic " + base64.b64encode(b"no-colon").decode()):
            assert_refused(client.get("/api/v9/me", headers={"Authorization": header}))

    def test_no_credentials(self, client: TestClient) -> None:
        for method, path in (("GET", "/api/v9/me"), ("PUT", "/api/v9/me"), ("GET", "/api/v9/me/logged"),
                             ("POST", "/api/v9/me/reset_token"), ("GET", "/api/v9/me/features")):
            assert_refused(client.request(method, path))

    def test_disabled_user_is_refused(self, client: TestClient, db: Session) -> None:
        from punchclock.models._common import utcnow

        user = make_user(db)
        user.disabled_at = utcnow()
        db.commit()
        assert_refused(client.get("/api/v9/me", headers=token_auth(user)))


LIMITED = (429, "Too Many Requests")


def limited_client(settings: Settings, **rates: float) -> Iterator[TestClient]:
    """v9 allows 3 rapid requests, v8 keeps a larger burst: the families must not share buckets."""
    app = create_app(settings.model_copy(update={"rate_limit": True, "v9_rate_per_second": 1, "v9_burst": 3,
                                                 "v8_rate_per_second": 1, "v8_burst": 50, **rates}))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    yield from limited_client(settings)


@pytest.fixture
def slow_client(settings: Settings) -> Iterator[TestClient]:
    """A unit drains in 100 s: argon2 hashing between sign-ups cannot refill the bucket."""
    yield from limited_client(settings, v9_rate_per_second=0.01)


class TestRateLimit:
    # Requests come within milliseconds, far below the second a unit takes to drain: the fourth is refused.
    def test_fourth_rapid_v9_request_is_429_while_v8_answers(self, limited: TestClient, db: Session) -> None:
        user = make_user(db)
        assert [limited.get("/api/v9/me", headers=token_auth(user)).status_code for _ in range(3)] == [200] * 3
        r = limited.get("/api/v9/me", headers=token_auth(user))
        assert (r.status_code, r.json()) == LIMITED
        assert r.headers["retry-after"] == "1"
        assert r.headers["content-type"] == "application/json; charset=utf-8"
        assert limited.get("/api/v8/me", headers=token_auth(user)).status_code == 200

    def test_v8_traffic_does_not_drain_the_v9_bucket(self, limited: TestClient, db: Session) -> None:
        user = make_user(db)
        assert [limited.get("/api/v8/me", headers=token_auth(user)).status_code for _ in range(5)] == [200] * 5
        assert [limited.get("/api/v9/me", headers=token_auth(user)).status_code for _ in range(3)] == [200] * 3

    def test_failed_authentication_charges_the_v9_ip_bucket(self, limited: TestClient, db: Session) -> None:
        bad = {"Authorization": "Basic %%%"}
        assert [limited.get("/api/v9/me", headers=bad).status_code for _ in range(3)] == [403] * 3
        r = limited.get("/api/v9/me", headers=bad)
        assert (r.status_code, r.json(), r.headers["retry-after"]) == (*LIMITED, "1")
        assert limited.get("/api/v8/me", headers=bad).status_code == 403  # v8's own IP bucket

    def test_signups_charge_the_v9_ip_bucket(self, slow_client: TestClient) -> None:
        seen = [slow_client.post("/api/v9/signup", json={"user": {"email": f"n{i}@example.org",
                                                                  "password": "secret1"}})
                for i in range(4)]
        assert [r.status_code for r in seen] == [200, 200, 200, 429]
        assert seen[3].json() == "Too Many Requests"
        assert 1 <= int(seen[3].headers["retry-after"]) <= 100

