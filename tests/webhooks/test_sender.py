"""One POST (70- §8.2, §9): pinned to the vetted address, no redirects or proxies, bounded in time and size."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from punchclock.config import Settings
from punchclock.webhooks import sender
from punchclock.webhooks.sender import Outcome
from tests.live_server import free_port
from tests.webhooks.receiver import Receiver

BODY = b'{"event_id":7,"payload":"x"}'
HEADERS = {"Content-Type": "application/json", "X-Webhook-Signature-256": "sha256=00"}


def _settings(*, allow_private: bool = True, timeout: float = 5.0) -> Settings:
    return Settings(database_url="sqlite://", webhooks_allow_private=allow_private, webhooks_timeout=timeout)


def _post(url: str, *, read_answer: bool = False, **kw: object) -> Outcome:
    return asyncio.run(sender.post(url, BODY, HEADERS, settings=_settings(**kw), read_answer=read_answer))  # type: ignore[arg-type]


@pytest.fixture
def rx() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def test_posts_the_exact_bytes_to_the_pinned_address_naming_the_host(rx: Receiver) -> None:
    url = f"http://localhost:{rx.port}/hook?k=v"
    assert _post(url) == Outcome(True, 200, None, None)
    [got] = rx.received
    assert (got.method, got.path, got.body) == ("POST", "/hook?k=v", BODY)
    assert got.headers["host"] == f"localhost:{rx.port}"
    assert got.headers["x-webhook-signature-256"] == "sha256=00"
    assert got.headers["content-type"] == "application/json"


def test_non_2xx_is_a_failure_with_its_status(rx: Receiver) -> None:
    rx.answer(503, 404)
    assert _post(rx.url) == Outcome(False, 503, "status 503", None)
    assert _post(rx.url) == Outcome(False, 404, "status 404", None)
    assert _post(rx.url) == Outcome(True, 200, None, None)


def test_redirects_are_not_followed() -> None:
    with Receiver(302, answer_headers={"Location": "/elsewhere"}) as rx:
        assert _post(rx.url) == Outcome(False, 302, "status 302", None)
        time.sleep(0.2)
        assert [r.path for r in rx.received] == ["/hook"]


def test_timeout_bounds_the_whole_attempt() -> None:
    with Receiver(delay=3.0) as rx:
        started = time.monotonic()
        assert _post(rx.url, timeout=0.5) == Outcome(False, None, "timeout", None)
        assert time.monotonic() - started < 2.0


def test_connection_refused() -> None:
    assert _post(f"http://127.0.0.1:{free_port()}/hook") == Outcome(False, None, "connection refused", None)


def test_private_addresses_are_refused_without_the_switch(rx: Receiver) -> None:
    assert _post(rx.url, allow_private=False) == Outcome(False, None, "non-public address 127.0.0.1", None)
    assert _post(f"http://[::ffff:127.0.0.1]:{rx.port}/", allow_private=False) == \
        Outcome(False, None, "non-public address ::ffff:7f00:1", None)
    assert _post("http://169.254.169.254/latest/meta-data/", allow_private=False) == \
        Outcome(False, None, "non-public address 169.254.169.254", None)
    assert _post("http://user:pw@example.org/") == Outcome(False, None, "invalid callback URL", None)
    assert rx.received == []


def test_at_most_64_kib_of_the_answer_is_read_and_only_when_asked() -> None:
    with Receiver(answer_body=b"a" * 200_000) as rx:
        assert _post(rx.url, read_answer=True) == Outcome(True, 200, None, b"a" * 65536)
        assert _post(rx.url) == Outcome(True, 200, None, None)


def test_environment_proxies_are_not_used(rx: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _post(rx.url) == Outcome(True, 200, None, None)
    assert len(rx.received) == 1


def test_tls_names_the_original_host_and_checks_its_certificate(tmp_path: Path) -> None:
    """Connecting to the pinned IP, the TLS handshake still sends SNI ``localhost`` and verifies the certificate."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        try:
            context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            pass  # the client refuses the self-signed certificate
        finally:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    outcome = _post(f"https://localhost:{port}/hook")
    thread.join(5)
    listener.close()
    assert names == ["localhost"]
    assert not outcome.ok and outcome.status is None
    assert outcome.error is not None and outcome.error.startswith("tls error: CERTIFICATE_VERIFY_FAILED")
