"""The bytes of a ping and the signature scheme (70- §5.3, §6), without a network."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import orjson

from punchclock import __version__
from punchclock.models.webhooks import WebhookSubscription
from punchclock.webhooks import envelope

NOW = datetime(2026, 12, 6, 16, 0, 2, 750000, tzinfo=UTC)


def _sub(validated: bool) -> WebhookSubscription:
    return WebhookSubscription(id=12, workspace_id=4101, user_id=5201, url_callback="https://hooks.example.org/toggl",
                               secret="k", validation_code="ab" * 16,
                               validated_at=NOW if validated else None)


def test_ping_of_an_unvalidated_subscription_carries_the_code_and_its_url() -> None:
    body = envelope.ping_body(_sub(False), "https://time.example.org/", NOW, 5201)
    assert body == orjson.dumps({
        "event_id": 0, "created_at": "2026-12-06T16:00:02+00:00", "creator_id": 5201,
        "metadata": {"model": "ping", "action": "ping", "event_user_id": "5201", "workspace_id": "4101",
                     "path": "", "request_type": ""},
        "payload": "ping", "subscription_id": 12, "timestamp": "2026-12-06T16:00:02+00:00",
        "url_callback": "https://hooks.example.org/toggl", "validation_code": "ab" * 16,
        "validation_code_url": "https://time.example.org/webhooks/api/v1/validate/4101/12/" + "ab" * 16,
    })


def test_ping_of_a_validated_subscription_has_no_code() -> None:
    sent = orjson.loads(envelope.ping_body(_sub(True), "https://time.example.org", NOW, None))
    assert "validation_code" not in sent and "validation_code_url" not in sent
    assert (sent["creator_id"], sent["metadata"]["event_user_id"]) == (None, "")


def test_signature_is_hmac_sha256_of_the_exact_bytes() -> None:
    body = b'{"event_id":1}'
    expected = "sha256=" + hmac.new(b"k\xc3\xa9y", body, hashlib.sha256).hexdigest()
    assert envelope.signature("kéy", body) == expected
    assert envelope.signature("kéy", body + b" ") != expected
    assert envelope.headers("kéy", body, 90017, 3) == {
        "Content-Type": "application/json", "User-Agent": f"punchclock-webhooks/{__version__}",
        "X-Webhook-Signature-256": expected, "X-Punchclock-Event-Id": "90017", "X-Punchclock-Delivery-Attempt": "3"}
