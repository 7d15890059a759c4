"""One POST to a vetted public address (70- §8.2, §9): used for deliveries and for pings/probes.

The host is resolved and vetted here, then the request goes to that IP (pinned), with the original name in
``Host`` and in TLS (SNI and certificate check). No redirects, no environment proxies; 5 s to connect,
``webhooks_timeout`` for the whole attempt; at most 64 KiB of the answer is read, and only when asked.
Every failure comes back as an ``Outcome`` whose ``error`` fits ``last_error`` (never an exception).
"""

from __future__ import annotations

import errno
import ssl
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult

import anyio
import httpx

from punchclock.config import Settings
from punchclock.domain.errors import Invalid
from punchclock.webhooks.addresses import Refused, check_url, resolve

MAX_ANSWER = 64 * 1024
CONNECT_SECONDS = 5.0


@dataclass(frozen=True)
class Outcome:
    ok: bool
    #: The HTTP status, if an answer came.
    status: int | None = None
    #: ``"status 503"``, ``"timeout"``, ``"connection refused"``, ``"non-public address 10.0.0.5"``, …
    error: str | None = None
    #: The first 64 KiB of the answer body (only with ``read_answer``).
    answer: bytes | None = None


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One verifying context per process (loading the CA store per request costs milliseconds)."""
    return ssl.create_default_context()


def _pinned(parts: SplitResult, ip: str) -> tuple[str, str]:
    """The URL aimed at ``ip`` and the ``Host`` header naming the original host."""
    port = parts.port
    ip_host = f"[{ip}]" if ":" in ip else ip
    netloc = ip_host if port is None else f"{ip_host}:{port}"
    host = parts.hostname or ""
    host_header = (f"[{host}]" if ":" in host else host) + ("" if port is None else f":{port}")
    return parts._replace(netloc=netloc, fragment="").geturl(), host_header


def _describe(exc: Exception) -> str:
    """A short ``last_error`` for a transport failure (no body, no secret: the exception text is the socket's)."""
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "connection refused"
        if isinstance(cause, ssl.SSLError):
            return f"tls error: {cause.reason or cause}"[:200]
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused"
    return f"connection failed: {text or type(exc).__name__}"[:200]


def _client(timeout: float) -> httpx.AsyncClient:
    limits = httpx.Timeout(timeout, connect=min(CONNECT_SECONDS, timeout))
    return httpx.AsyncClient(verify=_tls(), trust_env=False, follow_redirects=False, timeout=limits)


class Connections:
    """Keep-alive connections for one run of deliveries to one subscription (``async with``).

    A connection is reused only while the (scheme, host name, port, vetted IP) stays the same: the pool knows
    connections by IP, and a TLS connection was verified for the name it was opened for.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._key: tuple[str, str, int | None, str] | None = None
        self._client: httpx.AsyncClient | None = None

    async def client_for(self, key: tuple[str, str, int | None, str]) -> httpx.AsyncClient:
        if self._client is None or key != self._key:
            await self.aclose()
            self._client, self._key = _client(self.timeout), key
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def __aenter__(self) -> Connections:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()


async def _exchange(client: httpx.AsyncClient, url: str, host_header: str, sni: str, body: bytes,
                    headers: dict[str, str], read_answer: bool) -> Outcome:
    # identity: the answer is read raw, so a compressed one could not be parsed (validation echo, 70- §7).
    sent = {**headers, "Host": host_header, "Accept-Encoding": "identity"}
    request = client.build_request("POST", url, content=body, headers=sent, extensions={"sni_hostname": sni})
    response = await client.send(request, stream=True)
    try:
        # Read (up to 64 KiB) even when unwanted: a fully read answer lets the connection be reused.
        answer = bytearray()
        async for chunk in response.aiter_raw():
            answer += chunk
            if len(answer) >= MAX_ANSWER:
                break
    finally:
        await response.aclose()
    ok = 200 <= response.status_code < 300
    return Outcome(ok, response.status_code, None if ok else f"status {response.status_code}",
                   bytes(answer[:MAX_ANSWER]) if read_answer else None)


async def _send(parts: SplitResult, ip: str, body: bytes, headers: dict[str, str], *, timeout: float,
                read_answer: bool, connections: Connections | None) -> Outcome:
    target, host_header = _pinned(parts, ip)
    sni = parts.hostname or ""
    if connections is not None:
        client = await connections.client_for((parts.scheme.lower(), sni, parts.port, ip))
        return await _exchange(client, target, host_header, sni, body, headers, read_answer)
    async with _client(timeout) as client:
        return await _exchange(client, target, host_header, sni, body, headers, read_answer)


async def post(url: str, body: bytes, headers: dict[str, str], *, settings: Settings,
               read_answer: bool = False, connections: Connections | None = None) -> Outcome:
    """POST ``body`` (already signed in ``headers``) to ``url``; success = any 2xx (70- §8.2).

    Without ``connections`` the request has a connection of its own (pings, probes).
    """
    try:
        parts = check_url(url)
    except Invalid:
        return Outcome(False, error="invalid callback URL")
    try:
        with anyio.fail_after(settings.webhooks_timeout):
            ip = await resolve(parts, allow_private=settings.webhooks_allow_private)
            return await _send(parts, ip, body, headers, timeout=settings.webhooks_timeout,
                               read_answer=read_answer, connections=connections)
    except Refused as refused:
        return Outcome(False, error=refused.reason)
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        if connections is not None:
            await connections.aclose()  # a broken or timed-out connection is not reused
        return Outcome(False, error=_describe(exc))
