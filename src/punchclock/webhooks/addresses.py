"""Callback address protection (70- §9, V-42): which URLs may be registered and which IP a request goes to.

``check_url`` is the shape rule (create/replace); ``resolve`` the address rule, applied at registration and
before every attempt: every address the host resolves to must be global, and the caller connects to the
returned address only (pinned: a second lookup could answer differently — DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from punchclock.domain.errors import Invalid

MAX_URL = 2048
IP = ipaddress.IPv4Address | ipaddress.IPv6Address
#: NAT64 (RFC 6052): the last 32 bits are the IPv4 address reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: The deprecated IPv4-compatible form ``::a.b.c.d``.
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


class Refused(Exception):
    """The URL may not be called: ``reason`` is ``"non-public address 10.0.0.5"`` or ``"cannot resolve <host>"``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def non_public(self) -> bool:
        """Refused for its address (→ "resolves to a non-public address"), not because the name is unknown."""
        return self.reason.startswith("non-public address")


def check_url(url: str) -> SplitResult:
    """An absolute http(s) URL with a host and no user-info, at most 2048 chars; else ``webhook_bad_url``."""
    bad = Invalid("webhook_bad_url", url=url)
    if not isinstance(url, str) or not url or len(url) > MAX_URL or any(c <= " " or c == "\x7f" for c in url):
        raise bad
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise bad
    return parts


def _as_ipv4(ip: IP) -> IP:
    """IPv6 forms that carry an IPv4 address are judged as that address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64 or ip in _V4_COMPATIBLE:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def is_public(ip: IP) -> bool:
    """Global unicast (``is_global`` still calls IPv4 multicast global, so it is excluded here)."""
    ip = _as_ipv4(ip)
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> IP | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def _lookup(host: str, port: int) -> list[IP]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise Refused(f"cannot resolve {host}") from None
    found: list[IP] = []
    for family, *_, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if ip not in found:
                found.append(ip)
    if not found:
        raise Refused(f"cannot resolve {host}")
    return found


async def resolve(url_parts: SplitResult, *, allow_private: bool) -> str:
    """The one vetted IP to connect to; ``Refused`` if any resolved address is not public (unless allowed)."""
    host = url_parts.hostname or ""
    port = url_parts.port or (443 if url_parts.scheme.lower() == "https" else 80)
    literal = _literal(host)
    found = [literal] if literal is not None else await _lookup(host, port)
    if not allow_private:
        for ip in found:
            if not is_public(ip):
                raise Refused(f"non-public address {ip}")
    return str(found[0])
