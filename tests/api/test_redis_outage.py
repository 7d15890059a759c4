"""Redis down under a running app (issue item 4): requests go on with per-process buckets, /health says 503,
one log line each way, and the shared buckets are used again once Redis answers.

Outages are staged on a private redis-server (tests/redis_server.py), never on the shared one.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.http.ratelimit import RedisLimiter
from punchclock.models import User
from tests.factories import make_entry, make_user, token_auth
from tests.redis_server import RedisServer, redis_server

BURST = 12
LIMITED = ["Too many requests, slow down"]
DOWN = (503, {"status": "unavailable", "database": "ok", "redis": "error"})
UP = (200, {"status": "ok", "database": "ok", "redis": "ok"})
FALLBACK = "rate limits: Redis unreachable (ConnectionError), using per-process buckets until it answers again"
BACK = "rate limits: Redis answers again, using shared buckets"
SUMMARY = "/reports/api/v2/summary"


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as server:
        yield server


@pytest.fixture
def settings(db_url: str, redis: RedisServer) -> Settings:
    """Shared buckets on the private Redis; a unit drains in 100 s, so only the burst passes in a test."""
    return Settings(database_url=db_url, rate_limit=True, redis_url=redis.url, public_url="http://testserver",
                    v8_rate_per_second=0.01, v8_burst=BURST, reports_rate_per_second=0.01, reports_burst=BURST)


def health(c: TestClient) -> tuple[int, object]:
    r = c.get("/health")
    return r.status_code, r.json()


def bucket_key(user: User) -> str:
    return "punchclock:rl:" + hashlib.sha256(f"t:{user.api_token}:testclient".encode()).hexdigest()


def messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "punchclock" and r.getMessage() == text]


def test_requests_go_on_while_redis_is_down_and_shared_buckets_return(
    settings: Settings, client: TestClient, db: Session, redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    import redis as redis_client

    caplog.set_level(logging.INFO, logger="punchclock")
    user, burster, local = make_user(db), make_user(db), make_user(db)
    make_entry(db, user=user, start="2023-10-02T09:00:00Z", seconds=3600)
    summary = {"workspace_id": user.default_workspace_id, "user_agent": "tests@example.org",
               "since": "2023-10-02", "until": "2023-10-08"}
    store = redis_client.Redis.from_url(redis.url)
    assert client.get("/api/v8/me", headers=token_auth(user)).status_code == 200
    assert store.exists(bucket_key(user)) == 1
    assert health(client) == UP

    redis.kill()
    for _ in range(5):
        me = client.get("/api/v8/me", headers=token_auth(user))
        assert (me.status_code, me.json()["data"]["email"]) == (200, user.email)
        report = client.get(SUMMARY, params=summary, headers=token_auth(user))
        assert (report.status_code, report.json()["total_grand"]) == (200, 3_600_000)
    # Still limited meanwhile, by this process's own bucket.
    seen = [client.get("/api/v8/me", headers=token_auth(local)).status_code for _ in range(BURST + 1)]
    assert seen == [200] * BURST + [429]
    assert health(client) == DOWN
    assert messages(caplog, FALLBACK) == [FALLBACK]  # once, not once per request (24 of them)

    redis.start()  # same port, empty
    time.sleep(1.1)  # the limiter tries Redis again at most once a second
    assert client.get("/api/v8/me", headers=token_auth(user)).status_code == 200
    assert store.exists(bucket_key(user)) == 1
    assert health(client) == UP
    assert messages(caplog, BACK) == [BACK]
    assert messages(caplog, FALLBACK) == [FALLBACK]

    # The bucket is shared again: what one instance spent, another (a second worker) sees.
    second = create_app(settings)
    try:
        with TestClient(second) as other_worker:
            spent = [client.get("/api/v8/me", headers=token_auth(burster)).status_code for _ in range(BURST)]
            r = other_worker.get("/api/v8/me", headers=token_auth(burster))
    finally:
        second.state.engine.dispose()
    assert spent == [200] * BURST
    assert (r.status_code, r.json(), r.headers["retry-after"]) == (429, LIMITED, "100")


def test_a_hung_redis_holds_one_request_per_retry_not_each(
    app: object, client: TestClient, db: Session, redis: RedisServer
) -> None:
    app.state.limiter = RedisLimiter(app.state.settings.redis_url, retry_seconds=60)  # type: ignore[attr-defined]
    user = make_user(db)
    assert client.get("/api/v8/me", headers=token_auth(user)).status_code == 200
    redis.pause()  # accepts connections, answers nothing
    try:
        started = time.monotonic()
        assert client.get("/api/v8/me", headers=token_auth(user)).status_code == 200
        probe = time.monotonic() - started
        started = time.monotonic()
        assert [client.get("/api/v8/me", headers=token_auth(user)).status_code for _ in range(10)] == [200] * 10
        rest = time.monotonic() - started
        assert health(client) == DOWN
    finally:
        redis.resume()
    assert probe >= 1.9  # the socket timeout, once
    assert rest < 1.5  # ten requests that did not wait for Redis at all


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_real_two_worker_server_serves_through_a_redis_outage(
    db_url: str, db: Session, redis: RedisServer, tmp_path: Path
) -> None:
    """`punchclock serve --workers 2` with shared buckets: Redis stopped and started again underneath it."""
    from tests.live_server import fresh, live_server

    user = make_user(db)
    make_entry(db, user=user, start="2023-10-02T09:00:00Z", seconds=3600)
    summary = {"workspace_id": user.default_workspace_id, "user_agent": "tests@example.org",
               "since": "2023-10-02", "until": "2023-10-08"}
    env = {"PUNCHCLOCK_ACCESS_LOG": "true", "PUNCHCLOCK_REDIS_URL": redis.url, "PUNCHCLOCK_RATE_LIMIT": "true",
           "PUNCHCLOCK_LOGIN_THROTTLE": "true", "PUNCHCLOCK_REPORTS_RATE_PER_SECOND": "100",
           "PUNCHCLOCK_REPORTS_BURST": "100"}
    with live_server(db_url, tmp_path / "server.log", workers=2, env=env) as server:
        server.wait_for_workers(2)
        redis.kill()
        answers = []
        for _ in range(20):  # fresh connections: both workers answer some of them
            me = fresh("GET", server.url("/api/v8/me"), headers=token_auth(user))
            report = fresh("GET", server.url(SUMMARY), params=summary, headers=token_auth(user))
            answers.append((me.status_code, me.json()["data"]["email"], report.status_code,
                            report.json()["total_grand"]))
        down = fresh("GET", server.url("/health"))
        workers = {x["worker"] for x in server.access() if x["path"] == "/api/v8/me"}
        log = server.log.read_text(errors="replace")
        redis.start()
        time.sleep(1.1)  # each worker tries Redis again at most once a second
        up = [fresh("GET", server.url("/health")) for _ in range(6)]
        after = fresh("GET", server.url("/api/v8/me"), headers=token_auth(user))
    assert answers == [(200, user.email, 200, 3_600_000)] * 20
    assert (down.status_code, down.json()) == DOWN
    assert len(workers) == 2
    assert "Traceback" not in log and " 500" not in log
    assert 1 <= log.count(FALLBACK) <= 2  # one line per worker that noticed, not one per request
    assert {(r.status_code, r.json()["redis"]) for r in up} == {(200, "ok")}
    assert after.status_code == 200
