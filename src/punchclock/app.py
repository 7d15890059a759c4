"""Application factory: engine, session factory, limiter, the v8 routers and edge behaviour."""

from __future__ import annotations

import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute, APIRouter
from sqlalchemy.orm import sessionmaker
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, compile_path
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from punchclock import __version__
from punchclock.config import Settings, get_settings
from punchclock.db.engine import for_reads, is_sqlite, make_engine
from punchclock.domain import mail
from punchclock.domain.errors import Malformed
from punchclock.domain.validation import has_control
from punchclock.http import avatar, docs, health, invitations, openapi, transfer, wire
from punchclock.http.accesslog import AccessLogMiddleware
from punchclock.http.loginthrottle import LoginThrottle
from punchclock.http.ratelimit import Rate, make_limiter
from punchclock.http.reports import errors as reports_errors
from punchclock.http.reports.routes import ROUTERS as REPORTS_ROUTERS
from punchclock.http.reports_v3.routes import ROUTERS as REPORTS_V3_ROUTERS
from punchclock.http.v8 import errors as v8_errors
from punchclock.http.v8.routes import ROUTERS as V8_ROUTERS
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.v9.routes import ROUTERS as V9_ROUTERS
from punchclock.http.web import common as web_common
from punchclock.http.web import pages as web_pages
from punchclock.http.web.routes import ROUTERS as WEB_ROUTERS
from punchclock.http.webhooks.routes import ROUTERS as WEBHOOKS_ROUTERS
from punchclock.webhooks import outbox
from punchclock.webhooks.dispatcher import Dispatcher

RETIRED = re.compile(r"^/(api/v[1-7]|reports/api/v1)(/|$)")
#: Paths whose errors are one JSON string (API v9 and, later, Reports v3 and Webhooks; V-3).
STRING_ERRORS = re.compile(r"^/(api/v9|reports/api/v3|webhooks/api/v1)(/|$)")
#: Paths of the web app (everything but the APIs and their documents): their errors are HTML pages.
WEB_PAGES = re.compile(r"^/(?!(api|reports/api|webhooks/api|docs|redoc|openapi[^/]*|user|avatars|static)(/|$))")
#: The import uploads (web form and API v9): their bodies may reach ``max_upload_bytes``, not ``max_body_bytes``.
UPLOADS = re.compile(r"^(/settings/import|/api/v9/workspaces/[^/]+/import)$")


class EdgeMiddleware:
    """Pure ASGI (no per-request task overhead): trailing slash, retired versions, body size, Warning header."""

    def __init__(self, app: ASGIApp, warning: str | None, max_body_bytes: int = 1024 * 1024,
                 max_upload_bytes: int = 256 * 1024 * 1024) -> None:
        self.app = app
        self.warning = warning.encode() if warning else None
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.warning is not None:
            send = _with_header(send, b"warning", self.warning)
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
            path = scope["path"]
        bad_param = _param_with_control(scope["query_string"])
        if bad_param is not None:
            await _raw(send, 400, _invalid_param(path, bad_param))
            return
        if RETIRED.match(path):
            body = (
                b'{"error":{"message":"This API version is no longer available","tip":"Use /reports/api/v2",'
                b'"code":410}}'
                if path.startswith("/reports")
                else b'["This API version is no longer available, use /api/v8"]'
            )
            await _raw(send, 410, body)
            return
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            limit = self.max_upload if UPLOADS.match(path) else self.max_body
            length = _content_length(scope)
            if length is not None and length > limit:
                await _refuse_too_large(scope, receive, send, limit)
                return
            receive = _bounded(receive, limit)
        await self.app(scope, receive, send)


def _with_header(send: Send, name: bytes, value: bytes) -> Send:
    async def send_with_header(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (name, value)]}
        await send(message)

    return send_with_header


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _bounded(receive: Receive, limit: int) -> Receive:
    """Stop reading a body (chunked, or with a lying length) once it passed ``limit``.

    The truncated body is still longer than the limit, so ``wire.read_json`` answers 400 for it;
    memory stays bounded by the limit plus one chunk. Whoever listens after that hears a disconnect.
    """
    received = 0

    async def bounded_receive() -> Message:
        nonlocal received
        if received > limit:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                message = {**message, "more_body": False}
        return message

    return bounded_receive


def _param_with_control(query: bytes) -> str | None:
    """The first query parameter whose name or value holds a C0 control character (``%00``…``%1F``)."""
    if b"%0" not in query and b"%1" not in query:
        return None  # raw control bytes never reach us: the HTTP parser refuses them
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                 errors="replace"):
        if has_control(name):
            return "parameter"  # never echo a control character back in the error
        if has_control(value):
            return name
    return None


def _invalid_param(path: str, name: str) -> bytes:
    err = Malformed("invalid_param", name=name)
    if STRING_ERRORS.match(path):
        return orjson.dumps(v9_errors.render(err)[1])
    if path.startswith("/reports/api/"):
        return orjson.dumps(reports_errors.render(err)[1])
    return orjson.dumps(v8_errors.render(err)[1])


async def _refuse_too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """400 for a body over ``limit``: an error page for the web app (a browser shows it), JSON for the APIs."""
    path: str = scope["path"]
    if not WEB_PAGES.match(path):
        await _raw(send, 400, _too_large(path))
        return
    what = "The files are too large" if UPLOADS.match(path) else "The form is too large"
    message = f"{what}: this server accepts at most {transfer.size_text(limit)} at once."
    response = await web_common.error_page(Request(scope, receive), 400, message)
    await response(scope, receive, send)


def _too_large(path: str) -> bytes:
    message = "Request body too large"
    if STRING_ERRORS.match(path):
        return orjson.dumps(message)
    if path.startswith("/reports/api/"):
        return orjson.dumps({"error": {"message": message, "tip": "Send a smaller request.", "code": 400}})
    return orjson.dumps([message])


async def _raw(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", wire.JSON_TYPE.encode()),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def _error_for_path(request: Request, status: int, message: str) -> Response:
    if STRING_ERRORS.match(request.url.path):
        return wire.json_response("Internal Server Error" if status >= 500 else message, status_code=status)
    if request.url.path.startswith("/reports/api/"):
        tip = ("A server error: try again later, and tell the server's operator if it persists."
               if status >= 500 else "Check the request path and method.")
        return wire.json_response({"error": {"message": message, "tip": tip, "code": status}}, status_code=status)
    return wire.json_response([message], status_code=status)


def _allowed_methods(request: Request) -> str:
    methods = {"OPTIONS"}
    for regex, route_methods in request.app.state.allow_table:
        if regex.match(request.url.path):
            methods |= route_methods
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if WEB_PAGES.match(request.url.path):
        text = "There is no such page." if exc.status_code == 404 else str(exc.detail)
        return await web_common.error_page(request, exc.status_code, text)
    if exc.status_code == 405 and request.method == "OPTIONS":
        # 00-conventions §13: OPTIONS on any existing path answers 200 with the allowed methods.
        return Response(status_code=200, headers={"Allow": _allowed_methods(request)})
    if exc.status_code == 405:
        response = _error_for_path(request, 405, "Method not allowed")
        if STRING_ERRORS.match(request.url.path):  # RFC 9110 §15.5.6; v8 answers stay as they always were
            response.headers["Allow"] = _allowed_methods(request)
        return response
    if exc.status_code == 404:
        return _error_for_path(request, 404, "Not found")
    return _error_for_path(request, exc.status_code, str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> Response:
    if WEB_PAGES.match(request.url.path):
        return web_pages.render(request, "error.html", 500, status=500,
                                message="The server could not answer. Try again; tell its operator if this persists.")
    return _error_for_path(request, 500, "Internal error")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The webhook delivery loop runs for as long as the worker serves (70- §8.1, V-43)."""
    dispatcher: Dispatcher | None = None
    if app.state.settings.webhooks_dispatcher:
        dispatcher = app.state.dispatcher = Dispatcher(app.state)
        dispatcher.start()
    try:
        yield
    finally:
        if dispatcher is not None:
            await dispatcher.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    outbox.install()
    app = FastAPI(
        title="punchclock",
        version=__version__,
        description="Self-hosted time tracking, compatible with the Toggl API v8 and v9, Reports API v2 and v3 "
                    "and the Webhooks API v1.",
        docs_url=None,  # /docs and /redoc come from http/docs.py, without a CDN
        redoc_url=None,
        lifespan=_lifespan,
    )
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    app.state.settings = settings
    app.state.engine = engine
    app.state.db_in_thread = settings.db_work == "thread" or (
        settings.db_work == "auto" and not is_sqlite(settings.database_url))
    app.state.sessionmaker = sessionmaker(engine, expire_on_commit=False)
    app.state.read_sessionmaker = sessionmaker(for_reads(engine), expire_on_commit=False)
    app.state.write_sessionmaker = sessionmaker(
        engine.execution_options(sqlite_immediate=True), expire_on_commit=False
    )
    app.state.limiter = make_limiter(settings.rate_limit, settings.redis_url)
    app.state.login_throttle = LoginThrottle.from_settings(settings, app.state.limiter)
    app.state.v8_rate = Rate(settings.v8_rate_per_second, settings.v8_burst)
    app.state.v9_rate = Rate(settings.v9_rate_per_second, settings.v9_burst)
    app.state.reports_rate = Rate(settings.reports_rate_per_second, settings.reports_burst)
    app.state.reports_v3_rate = Rate(settings.reports_v3_rate_per_second, settings.reports_v3_burst)
    app.state.mail_sender = mail.sender_for(settings)

    mounted = [("/api/v8", router) for router in V8_ROUTERS] + [("/api/v9", router) for router in V9_ROUTERS] + [
        ("/reports/api/v2", router) for router in REPORTS_ROUTERS] + [
        ("/reports/api/v3", router) for router in REPORTS_V3_ROUTERS] + [
        ("/webhooks/api/v1", router) for router in WEBHOOKS_ROUTERS] + [("", invitations.router), ("", avatar.router)]
    mounted += [("", router) for router in WEB_ROUTERS]  # last: the pages own every other path
    for prefix, router in mounted:
        if prefix:
            _only_under(router, prefix)
        app.include_router(router, prefix=prefix)
    # (path regex, methods) of every route, for OPTIONS answers (included routers are opaque).
    app.state.allow_table = [
        # APIRoute always sets ``methods``; it inherits Starlette Route's ``set[str] | None`` annotation.
        (compile_path(prefix + route.path)[0], set(route.methods))  # type: ignore[arg-type]
        for prefix, router in mounted
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
    app.include_router(health.router)
    app.mount("/static", StaticFiles(packages=[("punchclock.http.web", "static")]), name="static")
    docs.install(app)
    openapi.install(app, settings)

    app.add_middleware(EdgeMiddleware, warning=settings.warning, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    if settings.access_log:
        app.add_middleware(AccessLogMiddleware)  # outermost: sees every answer, 410s and 413s included
    _freeze_once()
    return app


def _only_under(router: APIRouter, prefix: str) -> None:
    """Let an included router say "no match" with one string test for a path outside its prefix.

    FastAPI tries every route of every included router in turn, so each ``/api/v9`` request tested all
    v8 paths first: about 0.1 ms, a tenth of a v9 start or stop (``bench/api.py --cpu``). Routers are
    module objects shared by every app built in a process: the wrapper goes on once.
    """
    if getattr(router, "mounted_under", None) == prefix:
        return
    inner, lead = router.matches, prefix + "/"

    def matches(scope: Scope) -> tuple[Match, Scope]:
        path = get_route_path(scope)
        if path != prefix and not path.startswith(lead):
            return Match.NONE, {}
        return inner(scope)

    router.matches = matches  # type: ignore[method-assign]
    router.mounted_under = prefix  # type: ignore[attr-defined]


_frozen: list[bool] = []


def _freeze_once() -> None:
    """``gc.freeze()`` once per process, after its first app is built (a server worker builds one).

    It moves everything that exists by then (modules, routes, compiled statements: hundreds of
    thousands of objects) out of the collector's sight, so the full collections that big report
    answers trigger stop walking them again and again (a year's summary: 277 -> 217 ms in-process).
    Only the first app: a test run builds thousands, which must stay collectable.
    """
    if not _frozen:
        gc.freeze()
        _frozen.append(True)

