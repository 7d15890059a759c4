"""Rate limiting through HTTP (00-conventions §9): capacity 3, drained at one request per 4 s here.

The contract's rate is 1/s; the tests drain 4 times slower so that a loaded CI machine, where four
requests can take over a second, still sees the fourth rapid request refused, with Retry-After exactly 4.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.http.ratelimit import MemoryLimiter, RedisLimiter
from punchclock.models import Client, User
from tests.factories import basic, make_user, token_auth

LIMITED = ["Too many requests, slow down"]
#: A credential that fails at once. A wrong password fails too, but only after an argon2 check that can
#: take a third of a second on a small machine, long enough to drain a unit of a 1/s bucket.
BAD = {"Authorization": "Basic %%%"}
WRONG_PASSWORD = {"Authorization": "Basic Zm9vQGV4YW1wbGUub3JnOmJhcg=="}  # foo@example.org:bar


def limited_settings(db_url: str, redis_url: str | None = None) -> Settings:
    return Settings(database_url=db_url, rate_limit=True, v8_rate_per_second=0.25, v8_burst=3,
                    redis_url=redis_url, public_url="http://testserver")


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Overrides conftest's: the in-memory limiter, switched on."""
    return limited_settings(db_url)


def statuses(c: TestClient, n: int, path: str = "/api/v8/clients", **kw: object) -> list[int]:
    return [c.get(path, **kw).status_code for _ in range(n)]  # type: ignore[arg-type]


class Scenarios:
    """Run once with the in-memory limiter and once with the Redis one (subclasses)."""

    def test_fourth_rapid_request_is_429_with_retry_after(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert statuses(client, 3, headers=token_auth(user)) == [200, 200, 200]
        r = client.get("/api/v8/clients", headers=token_auth(user))
        assert (r.status_code, r.json()) == (429, LIMITED)
        assert r.headers["retry-after"] == "4"
        assert r.headers["content-type"] == "application/json; charset=utf-8"

    def test_waiting_retry_after_is_enough(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        statuses(client, 3, headers=token_auth(user))
        r = client.get("/api/v8/clients", headers=token_auth(user))
        assert r.status_code == 429
        time.sleep(int(r.headers["retry-after"]))
        assert client.get("/api/v8/clients", headers=token_auth(user)).status_code == 200

    def test_refused_write_changes_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        statuses(client, 3, headers=token_auth(user))
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": "Late", "wid": user.default_workspace_id}})
        assert (r.status_code, r.json()) == (429, LIMITED)
        assert db.scalar(select(func.count()).select_from(Client)) == 0

    def test_another_user_behind_the_same_ip_is_unaffected(self, client: TestClient, db: Session) -> None:
        busy, other = make_user(db), make_user(db)
        assert statuses(client, 4, headers=token_auth(busy)) == [200, 200, 200, 429]
        assert statuses(client, 3, headers=token_auth(other)) == [200, 200, 200]

    def test_password_login_has_its_own_bucket(self, client: TestClient, db: Session) -> None:
        user = make_user(db, password="secret-pass-1")
        assert statuses(client, 3, headers=token_auth(user)) == [200, 200, 200]
        assert statuses(client, 1, headers=basic(user.email, "secret-pass-1")) == [200]

    def test_failed_authentication_charges_the_ip_bucket(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert statuses(client, 3, headers=BAD) == [403, 403, 403]
        r = client.get("/api/v8/clients", headers=BAD)
        assert (r.status_code, r.json(), r.headers["retry-after"]) == (429, LIMITED, "4")
        r = client.get("/api/v8/clients")  # no credentials at all: the same IP bucket
        assert r.status_code == 429
        # a caller who does authenticate is keyed by credential, not by the exhausted IP bucket
        assert statuses(client, 3, headers=token_auth(user)) == [200, 200, 200]

    def test_wrong_passwords_charge_the_ip_bucket(self, settings: Settings, db: Session) -> None:
        slow = settings.model_copy(update={"v8_rate_per_second": 0.01})  # a unit drains in 100 s
        app = create_app(slow)
        try:
            with TestClient(app) as c:
                assert statuses(c, 4, headers=WRONG_PASSWORD) == [403, 403, 403, 429]
                r = c.get("/api/v8/clients", headers=WRONG_PASSWORD)
                assert 95 <= int(r.headers["retry-after"]) <= 100
        finally:
            app.state.engine.dispose()

    def test_anonymous_signups_charge_the_ip_bucket(self, settings: Settings, db: Session) -> None:
        slow = settings.model_copy(update={"v8_rate_per_second": 0.01})  # argon2 hashing takes time
        app = create_app(slow)
        try:
            with TestClient(app) as c:
                seen = [c.post("/api/v8/signups", json={"user": {"email": f"new{i}@example.org",
                                                                 "password": "secret-pass-1"}}).status_code
                        for i in range(4)]
        finally:
            app.state.engine.dispose()
        assert seen == [200, 200, 200, 429]
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(User)) == 3

    def test_ip_bucket_is_per_ip(self, client: TestClient, db: Session, app: object) -> None:
        assert statuses(client, 4, headers=BAD) == [403, 403, 403, 429]
        with TestClient(app, client=("203.0.113.9", 50000)) as elsewhere:  # type: ignore[arg-type]
            assert statuses(elsewhere, 1, headers=BAD) == [403]

    def test_token_bucket_is_per_ip(self, client: TestClient, db: Session, app: object) -> None:
        user = make_user(db)
        assert statuses(client, 4, headers=token_auth(user)) == [200, 200, 200, 429]
        with TestClient(app, client=("203.0.113.9", 50000)) as elsewhere:  # type: ignore[arg-type]
            assert statuses(elsewhere, 1, headers=token_auth(user)) == [200]


class TestMemoryLimiter(Scenarios):
    def test_app_uses_memory_limiter(self, app: object) -> None:
        assert isinstance(app.state.limiter, MemoryLimiter)  # type: ignore[attr-defined]


class TestRedisLimiter(Scenarios):
    @pytest.fixture
    def settings(self, db_url: str, redis_url: str) -> Settings:
        return limited_settings(db_url, redis_url)

    def test_app_uses_redis_limiter(self, app: object) -> None:
        assert isinstance(app.state.limiter, RedisLimiter)  # type: ignore[attr-defined]

    def test_two_app_instances_share_one_bucket(self, settings: Settings, client: TestClient, db: Session) -> None:
        """Two workers = two app instances; the limit holds for their sum."""
        user = make_user(db)
        second = create_app(settings)
        try:
            with TestClient(second) as other_worker:
                seen = [client.get("/api/v8/clients", headers=token_auth(user)).status_code,
                        other_worker.get("/api/v8/clients", headers=token_auth(user)).status_code,
                        client.get("/api/v8/clients", headers=token_auth(user)).status_code,
                        other_worker.get("/api/v8/clients", headers=token_auth(user)).status_code,
                        client.get("/api/v8/clients", headers=token_auth(user)).status_code]
        finally:
            second.state.engine.dispose()
        assert seen == [200, 200, 200, 429, 429]


class TestSwitchedOff:
    @pytest.fixture
    def settings(self, db_url: str) -> Settings:
        return Settings(database_url=db_url, rate_limit=False, v8_rate_per_second=1, v8_burst=3)

    def test_no_limit_when_disabled(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert statuses(client, 10, headers=token_auth(user)) == [200] * 10
        assert statuses(client, 10, headers=BAD) == [403] * 10
