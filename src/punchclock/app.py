"""Application factory: engine, session factory, limiter, the v8 routers and edge behaviour."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from punchclock import __version__
from punchclock.config import Settings, get_settings
from punchclock.db.engine import make_engine
from punchclock.http import wire
from punchclock.http.ratelimit import Rate, make_limiter
from punchclock.http.v8.routes import ROUTERS as V8_ROUTERS

RETIRED = re.compile(r"^/(api/v[1-7]|reports/api/v1)(/|$)")


class EdgeMiddleware:
    """Pure ASGI (no per-request task overhead): trailing slash, retired versions, Warning header."""

    def __init__(self, app: ASGIApp, warning: str | None) -> None:
        self.app = app
        self.warning = warning.encode() if warning else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
            path = scope["path"]
        if RETIRED.match(path):
            body = (
                b'{"error":{"message":"This API version is no longer available","tip":"Use /reports/api/v2",'
                b'"code":410}}'
                if path.startswith("/reports")
                else b'["This API version is no longer available, use /api/v8"]'
            )
            await _raw(send, 410, body)
            return
        if self.warning is None:
            await self.app(scope, receive, send)
            return
        warning = self.warning

        async def send_with_warning(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"warning", warning)]}
            await send(message)

        await self.app(scope, receive, send_with_warning)


async def _raw(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", wire.JSON_TYPE.encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _error_for_path(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/reports/"):
        return wire.json_response(
            {"error": {"message": message, "tip": "Check the request path and method.", "code": status}},
            status_code=status,
        )
    return wire.json_response([message], status_code=status)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="punchclock",
        version=__version__,
        description="Self-hosted time tracking, compatible with the Toggl API v8 and Reports API v2.",
        docs_url="/docs",
        redoc_url=None,
    )
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker(engine, expire_on_commit=False)
    app.state.write_sessionmaker = sessionmaker(
        engine.execution_options(sqlite_immediate=True), expire_on_commit=False
    )
    app.state.limiter = make_limiter(settings.rate_limit, settings.redis_url)
    app.state.v8_rate = Rate(settings.v8_rate_per_second, settings.v8_burst)
    app.state.reports_rate = Rate(settings.reports_rate_per_second, settings.reports_burst)

    for router in V8_ROUTERS:
        app.include_router(router, prefix="/api/v8")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return _error_for_path(request, 405, "Method not allowed")
        if exc.status_code == 404:
            return _error_for_path(request, 404, "Not found")
        return _error_for_path(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return _error_for_path(request, 500, "Internal error")

    @app.get("/health", include_in_schema=False)
    def health() -> Any:
        return {"status": "ok"}

    app.add_middleware(EdgeMiddleware, warning=settings.warning)
    return app
