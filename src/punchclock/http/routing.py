"""Route classes: one transaction per request, and errors rendered in the route's dialect.

Where the request runs: inline on the event loop, or (``app.state.db_in_thread``, PostgreSQL by
default) the whole unit of work in a worker thread, so that waiting on the database never stalls
the worker's other requests. bench/db_design.py and bench/load.py hold the figures behind the choice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, IntegrityError

from punchclock.db.session import finish
from punchclock.domain.errors import DomainError, Invalid, Malformed, RateLimited
from punchclock.http import wire
from punchclock.http.v8 import errors as v8_errors
from punchclock.http.v9 import errors as v9_errors

log = logging.getLogger("punchclock")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _validation_to_domain(exc: RequestValidationError) -> DomainError:
    """FastAPI's own parameter errors (query/path) are malformed requests: 400, named by parameter."""
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body", "header")]
    return Malformed("invalid_param", name=loc[-1] if loc else "parameter")


class TransactionRoute(APIRoute):
    """Commit after the handler returns; roll back on any exception; render domain errors."""

    def render_error(self, err: DomainError) -> Response:
        status, messages = v8_errors.render(err)
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimited) else None
        return wire.json_response(messages, status_code=status, headers=headers)

    def get_route_handler(self) -> Handler:
        unit = self._unit_of_work(super().get_route_handler())

        async def handler(request: Request) -> Response:
            # Database work is synchronous, so a transaction must never be open across an ``await``
            # that suspends on the event loop: read the body before anything touches the database.
            if request.method not in ("GET", "HEAD"):
                await request.body()
            if request.app.state.db_in_thread:
                return await anyio.to_thread.run_sync(on_thread_loop, unit, request, limiter=db_threads(request))
            return await unit(request)

        return handler

    def _unit_of_work(self, inner: Handler) -> Handler:
        """The handler, its commit (or rollback) and its error rendering: one transaction."""

        async def unit(request: Request) -> Response:
            try:
                response = await _with_one_reconnect(inner, request)
            except DomainError as err:
                finish(request, commit=False)
                return self.render_error(err)
            except RequestValidationError as exc:
                finish(request, commit=False)
                return self.render_error(_validation_to_domain(exc))
            except IntegrityError:
                # A unique index caught what the service's own check raced past (two requests
                # creating the same name at once): nothing was written, the client may retry.
                finish(request, commit=False)
                return self.render_error(Invalid("conflict"))
            except BaseException:
                finish(request, commit=False)
                raise
            try:
                finish(request, commit=True)
            except IntegrityError:
                return self.render_error(Invalid("conflict"))
            return response

        return unit


async def _with_one_reconnect(inner: Handler, request: Request) -> Response:
    """Run the handler; once more on a fresh connection if the database dropped the one it had.

    After a database restart every pooled connection is dead; SQLAlchemy then discards the whole
    pool, so only the first statement of each worker meets a dead one. Nothing was committed when
    the handler fails (the commit comes after it), so running it again is safe, and cheaper than a
    ``SELECT 1`` round trip before every request (``pool_pre_ping``).
    """
    try:
        return await inner(request)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        finish(request, commit=False)
        log.warning("database connection lost; running the request again on a new one")
    return await inner(request)


def db_threads(request: Request) -> anyio.CapacityLimiter:
    """At most as many requests in threads as the pool keeps connections (``PUNCHCLOCK_DB_POOL_SIZE``).

    One limiter per app, shared by every route class that runs database work in a thread (the JSON
    routes here, the upload routes of ``http/transfer``): the pool is one for all of them.

    More would draw on the pool's overflow, whose connections are closed when returned: measured under
    load, one request in six then opened a new PostgreSQL connection (several round trips and a
    server process each). The others wait here, on the event loop, at no cost.
    """
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "db_limiter", None)
    if limiter is None:  # created on first use: a limiter belongs to the running event loop
        limiter = state.db_limiter = anyio.CapacityLimiter(state.settings.db_pool_size)
    return limiter


class _ThreadLoop:
    """A worker thread's own event loop, closed with the thread (its thread-local goes away)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


_thread = threading.local()


def on_thread_loop(unit: Handler, request: Request) -> Response:
    """Run a whole request (handler and commit) on this worker thread's own event loop.

    With a networked database every statement waits on the network; done on the server's event loop
    that wait would stall every other request of the worker. One hop per request moves all of it
    here: the handlers stay plain ``async def`` code calling the synchronous SQLAlchemy API, and
    their rare awaits (argon2 in a further thread, the body already read) work on any loop.
    """
    own: _ThreadLoop | None = getattr(_thread, "own", None)
    if own is None:
        own = _thread.own = _ThreadLoop()
    return own.loop.run_until_complete(unit(request))


class V8Route(TransactionRoute):
    pass


class V9Route(TransactionRoute):
    """API v9: every error is one JSON string (V-3)."""

    def render_error(self, err: DomainError) -> Response:
        status, text = v9_errors.render(err)
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimited) else None
        return wire.json_response(text, status_code=status, headers=headers)
