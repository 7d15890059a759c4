"""Route classes: one transaction per request, and errors rendered in the route's dialect."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError

from punchclock.db.session import finish
from punchclock.domain.errors import DomainError, Invalid, Malformed, RateLimited
from punchclock.http import wire
from punchclock.http.v8 import errors as v8_errors

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
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            # Database work runs synchronously on the event loop, so a transaction must never be
            # open across an ``await`` that suspends: another request of this worker would then
            # block the loop waiting for its lock. Read the body before anything touches the DB.
            if request.method not in ("GET", "HEAD"):
                await request.body()
            try:
                response = await inner(request)
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

        return handler


class V8Route(TransactionRoute):
    pass
