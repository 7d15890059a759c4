"""``GET /health``: 200 when the database (and Redis, when buckets are shared there) answer; else 503.

For load balancers and orchestrators. The checks run in a thread with short timeouts, so a hung
dependency neither blocks the event loop nor the probe for long. No authentication, no details
beyond ok/error: the body tells an operator which dependency failed, not why. Requests go on
without Redis (per-process buckets, http/ratelimit.py), but the instance is degraded: 503 says so.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from punchclock.http import wire
from punchclock.http.ratelimit import RedisLimiter

log = logging.getLogger("punchclock")
router = APIRouter()


def _check(request: Request) -> dict[str, str]:
    status = {"database": "ok", "redis": "not used"}
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("health: database check failed: %s", type(exc).__name__)
        status["database"] = "error"
    limiter = _redis_limiter(request.app.state)
    if limiter is not None:
        try:
            status["redis"] = "ok" if limiter.ping() else "error"
        except Exception as exc:
            log.warning("health: redis check failed: %s", type(exc).__name__)
            status["redis"] = "error"
    return status


def _redis_limiter(state: Any) -> RedisLimiter | None:
    """The request buckets' Redis, else the login throttle's (it has one even with rate limits off)."""
    for limiter in (state.limiter, state.login_throttle.limiter):
        if isinstance(limiter, RedisLimiter):
            return limiter
    return None


@router.get("/health", include_in_schema=False)
async def health(request: Request) -> Response:
    checks = await run_in_threadpool(_check, request)
    ok = "error" not in checks.values()
    body: dict[str, Any] = {"status": "ok" if ok else "unavailable", **checks}
    return wire.json_response(body, status_code=200 if ok else 503)
