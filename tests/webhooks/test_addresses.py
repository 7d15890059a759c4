"""Callback address protection (70- §9, V-42): the URL shape and the public-address rule, literal and resolved."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from punchclock.domain.errors import Invalid
from punchclock.webhooks.addresses import Refused, check_url, resolve


@pytest.mark.parametrize("url", [
    "https://hooks.example.org/toggl", "http://hooks.example.org:8080/a?b=c", "HTTPS://EXAMPLE.org",
    "http://[2606:4700::1]/x", "https://example.org/" + "p" * (2048 - len("https://example.org/")),
])
def test_urls_accepted(url: str) -> None:
    assert check_url(url).geturl().lower() == url.lower()


@pytest.mark.parametrize("url", [
    "ftp://example.org/", "example.org/hook", "/hook", "https://", "http://user:pw@example.org/",
    "http://user@example.org/", "http://example.org:99999/", "http://example.org:port/", "http://exa mple.org/",
    "http://example.org/\n", "javascript:alert(1)", "", "https://example.org/" + "p" * 2029,
])
def test_urls_refused(url: str) -> None:
    with pytest.raises(Invalid) as err:
        check_url(url)
    assert (err.value.code, err.value.ctx) == ("webhook_bad_url", {"url": url})


def _resolve(url: str, *, allow_private: bool = False) -> str:
    return asyncio.run(resolve(urlsplit(url), allow_private=allow_private))


@pytest.mark.parametrize(("host", "shown"), [
    ("127.0.0.1", "127.0.0.1"), ("10.0.0.5", "10.0.0.5"), ("169.254.169.254", "169.254.169.254"),
    ("192.168.1.1", "192.168.1.1"), ("172.16.0.1", "172.16.0.1"), ("100.64.0.1", "100.64.0.1"),
    ("0.0.0.0", "0.0.0.0"), ("224.0.0.1", "224.0.0.1"), ("255.255.255.255", "255.255.255.255"),
    ("192.0.2.10", "192.0.2.10"), ("[::1]", "::1"), ("[fc00::1]", "fc00::1"), ("[fe80::1]", "fe80::1"),
    ("[::ffff:127.0.0.1]", "::ffff:7f00:1"), ("[::ffff:10.0.0.5]", "::ffff:a00:5"),
    ("[64:ff9b::a00:5]", "64:ff9b::a00:5"), ("[2002:a00:1::]", "2002:a00:1::"), ("[::a9fe:a9fe]", "::a9fe:a9fe"),
])
def test_non_public_literals_refused(host: str, shown: str) -> None:
    with pytest.raises(Refused) as err:
        _resolve(f"http://{host}:8080/hook")
    assert err.value.reason == f"non-public address {shown}"
    assert err.value.non_public


@pytest.mark.parametrize(("host", "ip"), [("8.8.8.8", "8.8.8.8"), ("[2606:4700::1]", "2606:4700::1"),
                                          ("[64:ff9b::808:808]", "64:ff9b::808:808")])
def test_public_literals_pass(host: str, ip: str) -> None:
    assert _resolve(f"https://{host}/hook") == ip


def test_names_are_resolved_and_every_address_vetted() -> None:
    with pytest.raises(Refused) as err:
        _resolve("http://localhost:9/hook")
    assert err.value.reason in ("non-public address 127.0.0.1", "non-public address ::1")


def test_allow_private_lifts_the_address_rule_only() -> None:
    assert _resolve("http://127.0.0.1:9/hook", allow_private=True) == "127.0.0.1"
    assert _resolve("http://localhost:9/hook", allow_private=True) in ("127.0.0.1", "::1")


def test_unknown_names_are_refused_but_not_as_non_public() -> None:
    with pytest.raises(Refused) as err:
        _resolve("http://no-such-host.invalid/hook")
    assert err.value.reason == "cannot resolve no-such-host.invalid"
    assert not err.value.non_public
