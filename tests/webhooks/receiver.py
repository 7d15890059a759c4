"""A real HTTP receiver for webhook tests: a server on 127.0.0.1:<free port> in a thread.

It records every request's raw body bytes and headers (exactly as they arrived, for HMAC checks) and
answers a programmable status: ``answer(503, 503)`` makes the next two requests fail, then it goes back
to ``status``. With ``echo_validation`` it answers a ping carrying ``validation_code`` with
``{"validation_code": <code>}`` (70- §7); otherwise it answers ``answer_body``. ``delay`` makes each answer
wait (timeouts, requests in flight); a request is recorded as it arrives, before that wait.

    with Receiver() as rx:
        ... rx.url ...
        [ping] = rx.wait_for(1)
        assert rx.verify(secret, ping)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request as it arrived."""

    method: str
    path: str
    #: Header names lower-cased.
    headers: dict[str, str]
    body: bytes
    #: ``time.monotonic()`` at arrival.
    at: float
    #: The status the receiver answered.
    status: int

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, status: int = 200, *, echo_validation: bool = False, delay: float = 0.0,
                 path: str = "/hook", answer_body: bytes = b"", answer_headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.answer_body = answer_body
        self.answer_headers = answer_headers or {}
        self.echo_validation = echo_validation
        self.delay = delay
        self.path = path
        self.received: list[Received] = []
        #: Requests being answered now, and the most there ever were at once.
        self.in_flight = 0
        self.max_in_flight = 0
        self._queued: deque[int] = deque()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}{path}"

    # -- lifecycle --
    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- programming --
    def answer(self, *statuses: int) -> None:
        """The next requests get these statuses, one each, before ``status`` applies again."""
        with self._lock:
            self._queued.extend(statuses)

    def _next_status(self) -> int:
        with self._lock:
            return self._queued.popleft() if self._queued else self.status

    def _record(self, item: Received) -> None:
        with self._arrived:
            self.received.append(item)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._arrived.notify_all()

    def _answered(self) -> None:
        with self._lock:
            self.in_flight -= 1

    # -- reading --
    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        """The first ``count`` requests once they arrived; AssertionError with what came after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"receiver got {len(self.received)} of {count} requests in {timeout} s")
                self._arrived.wait(left)
            return list(self.received[:count])

    def bodies(self) -> list[Any]:
        with self._lock:
            return [r.json() for r in self.received]

    def events(self) -> list[Any]:
        """Parsed bodies of the event deliveries (pings left out)."""
        return [b for b in self.bodies() if b.get("payload") != "ping"]

    @staticmethod
    def verify(secret: str, item: Received) -> bool:
        """The receiver's check of 70- §6: HMAC-SHA256 over the raw bytes, compared in constant time."""
        expected = "sha256=" + hmac.new(secret.encode(), item.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, item.headers.get("x-webhook-signature-256", ""))


def _handler(rx: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status = rx._next_status()
            # Recorded on arrival, before any delay: a test can see a request that is still in flight.
            rx._record(Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                                time.monotonic(), status))
            if rx.delay:
                time.sleep(rx.delay)
            answer = rx.answer_body
            if rx.echo_validation and 200 <= status < 300:
                try:
                    code = json.loads(body).get("validation_code")
                except (ValueError, AttributeError):
                    code = None
                if code:
                    answer = json.dumps({"validation_code": code}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                for name, value in rx.answer_headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)
            except OSError:
                pass  # the sender gave up (timeout tests)
            finally:
                rx._answered()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
