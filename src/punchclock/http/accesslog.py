"""Structured access log: one JSON object per request on the ``punchclock.access`` logger.

Replaces uvicorn's access log, which prints the query string: that can carry an invitation code
(``/user/accept_invitation?code=…``). Here the path is logged without it, and nothing else that
could be a secret (no headers, no bodies). Fields: ``ts`` (UTC, ms), ``method``, ``path``, ``status``,
``ms`` (time to the last body byte), ``bytes`` (response body), ``ip``, ``user`` (the authenticated
user id, or null) and ``worker`` (process id), so logs of several workers can be merged and queried.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("punchclock.access")
#: Paths that carry a secret in the path itself (the web app's password-reset link): logged without it.
_SECRET_PREFIXES = ("/password/reset/",)


def _loggable(path: str) -> str:
    return next((prefix + "…" for prefix in _SECRET_PREFIXES if path.startswith(prefix)), path)


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.pid = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 500, 0

        async def logged_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            client = scope.get("client")
            state = scope.get("state") or {}
            access.info(orjson.dumps({
                "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "method": scope["method"],
                "path": _loggable(scope["path"]),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": size,
                "ip": client[0] if client else None,
                "user": state.get("user_id"),
                "worker": self.pid,
            }).decode())
