"""The HTTP side of a pull: Basic auth with the API token, pacing, and patience with rate limits and outages.

Waits are announced through ``notice`` (the CLI prints them) so a long pause is never a silent hang; the
token is only ever handed to httpx and never appears in a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

Notice = Callable[[str], None]
Sleep = Callable[[float], None]

#: Retries of a 5xx answer or a connection error before the pull stops (resumable).
OUTAGE_RETRIES = 4
#: Longest single wait when the server gives no Retry-After.
MAX_BACKOFF = 60.0
#: Longest wait we accept from a server (a quota reset an hour away is still worth waiting for).
MAX_WAIT = 3600.0


class PullError(Exception):
    """The server refused a request in a way that waiting cannot fix (bad token, 4xx): stop, say why."""


class Interrupted(Exception):
    """The server stayed unreachable or failing; what was pulled so far is in the spool."""


def origin_of(base_url: str) -> str:
    """The id space of a server: scheme, host and port, lower case (``https://api.track.toggl.com``)."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PullError(f"Not an http(s) URL: {base_url!r}")
    port = parts.port
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, min(float(value.strip()), MAX_WAIT))
    except ValueError:
        return None


def _message(response: httpx.Response) -> str:
    """The error text of an answer (v9 errors are JSON strings), shortened."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    text = body if isinstance(body, str) else str(body)
    return text.strip()[:200] or response.reason_phrase


@dataclass
class ApiClient:
    """One server, one token; ``get``/``post`` return the response once it is a success."""

    base_url: str
    token: str
    pace: float = 0.0
    retries: int = OUTAGE_RETRIES
    notice: Notice = lambda _message: None
    sleep: Sleep = time.sleep
    timeout: float = 60.0
    transport: httpx.BaseTransport | None = None
    _http: httpx.Client | None = field(default=None, init=False, repr=False)
    _last: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.base_url = origin_of(self.base_url)

    def __enter__(self) -> ApiClient:
        self._http = httpx.Client(base_url=self.base_url, auth=(self.token, "api_token"), timeout=self.timeout,
                                  transport=self.transport, headers={"User-Agent": "punchclock import"})
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.request("POST", path, json=body)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send until a success: rate limits wait as told, outages retry with backoff, then ``Interrupted``."""
        assert self._http is not None, "use the client as a context manager"
        limited = outages = 0
        while True:
            self._keep_pace()
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                outages = self._outage(outages, f"{type(exc).__name__} on {path}")
                continue
            if response.is_success:
                return response
            if response.status_code == 429:
                limited += 1
                self._wait(_seconds(response.headers.get("Retry-After")) or _backoff(limited), "rate limited")
            elif response.status_code == 402 and "X-Toggl-Quota-Resets-In" in response.headers:
                self._wait(_seconds(response.headers["X-Toggl-Quota-Resets-In"]) or 1.0, "request quota used up")
            elif response.status_code >= 500:
                outages = self._outage(outages, f"{response.status_code} on {path}")
            else:
                raise PullError(f"{method} {path}: {response.status_code} {_message(response)}")

    def _keep_pace(self) -> None:
        if self.pace > 0:
            gap = self._last + self.pace - time.monotonic()
            if gap > 0:
                self.sleep(gap)
        self._last = time.monotonic()

    def _wait(self, seconds: float, why: str) -> None:
        self.notice(f"{why}: waiting {seconds:g} s")
        self.sleep(seconds)

    def _outage(self, outages: int, what: str) -> int:
        if outages >= self.retries:
            raise Interrupted(what)
        outages += 1
        self._wait(_backoff(outages), f"server unavailable ({what})")
        return outages


def _backoff(attempt: int) -> float:
    """1, 2, 4, … seconds, capped."""
    return float(min(MAX_BACKOFF, 2 ** (attempt - 1)))
