"""``GET /health`` checks the database and, when rate limits live there, Redis (issue: run at scale)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from punchclock.app import create_app
from punchclock.config import Settings


def _get(settings: Settings) -> tuple[int, object]:
    app = create_app(settings)
    try:
        with TestClient(app) as c:
            r = c.get("/health")
            return r.status_code, r.json()
    finally:
        app.state.engine.dispose()


def test_ok_on_each_database(client: TestClient) -> None:
    r = client.get("/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok", "database": "ok", "redis": "not used"})
    assert r.headers["cache-control"] == "no-store"


def test_checks_redis_when_rate_limits_are_shared(settings: Settings, redis_url: str) -> None:
    shared = settings.model_copy(update={"rate_limit": True, "redis_url": redis_url})
    assert _get(shared) == (200, {"status": "ok", "database": "ok", "redis": "ok"})


def test_redis_down_is_unavailable(settings: Settings) -> None:
    down = settings.model_copy(update={"rate_limit": True, "redis_url": "redis://127.0.0.1:1/0"})
    assert _get(down) == (503, {"status": "unavailable", "database": "ok", "redis": "error"})


def test_database_down_is_unavailable() -> None:
    broken = Settings(database_url="sqlite:////nonexistent-dir/punchclock.db", rate_limit=False)
    assert _get(broken) == (503, {"status": "unavailable", "database": "error", "redis": "not used"})


def test_postgresql_down_is_unavailable() -> None:
    broken = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/none", rate_limit=False)
    assert _get(broken) == (503, {"status": "unavailable", "database": "error", "redis": "not used"})
