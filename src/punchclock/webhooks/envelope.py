"""What one delivery sends: the JSON envelope (70- §5.2, §5.3, V-37) and its signed headers (§6).

The body is built once per attempt (``timestamp`` = the attempt's time) and signed over exactly those
bytes; the sender must post them unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import orjson

from punchclock import __version__
from punchclock.models.webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription
from punchclock.webhooks.payloads import redacted

USER_AGENT = f"punchclock-webhooks/{__version__}"


def _stamp(value: datetime) -> str:
    """As API v9 writes times: UTC, whole seconds, ``+00:00``."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _dump(envelope: dict[str, Any]) -> bytes:
    return orjson.dumps(envelope)


def event_body(event: WebhookEvent, delivery: WebhookDelivery, subscription: WebhookSubscription,
               now: datetime) -> bytes:
    """One event for one subscription (70- §5.2); rates ``null`` when the creator may not see them."""
    payload = redacted(event.entity, event.payload) if delivery.redact_rates else event.payload
    return _dump({
        "event_id": event.id,
        "created_at": _stamp(event.created_at),
        "creator_id": event.creator_id,
        "metadata": event.meta,
        "payload": payload,
        "subscription_id": subscription.id,
        "timestamp": _stamp(now),
        "url_callback": subscription.url_callback,
    })


def ping_body(subscription: WebhookSubscription, public_url: str, now: datetime, actor_id: int | None) -> bytes:
    """The ping (70- §5.3): ``event_id`` 0, ``payload`` "ping"; unvalidated, it carries the validation code."""
    envelope: dict[str, Any] = {
        "event_id": 0,
        "created_at": _stamp(now),
        "creator_id": actor_id,
        "metadata": {
            "model": "ping", "action": "ping", "event_user_id": "" if actor_id is None else str(actor_id),
            "workspace_id": str(subscription.workspace_id), "path": "", "request_type": "",
        },
        "payload": "ping",
        "subscription_id": subscription.id,
        "timestamp": _stamp(now),
        "url_callback": subscription.url_callback,
    }
    if subscription.validated_at is None:
        code = subscription.validation_code
        envelope["validation_code"] = code
        envelope["validation_code_url"] = (
            f"{public_url.rstrip('/')}/webhooks/api/v1/validate/{subscription.workspace_id}/{subscription.id}/{code}")
    return _dump(envelope)


def signature(secret: str, body: bytes) -> str:
    """``sha256=`` + lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the UTF-8 secret (70- §6)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(secret: str, body: bytes, event_id: int, attempt: int) -> dict[str, str]:
    """The request headers of one attempt (``attempt`` 1-based; pings: event 0, attempt 1)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Signature-256": signature(secret, body),
        "X-Punchclock-Event-Id": str(event_id),
        "X-Punchclock-Delivery-Attempt": str(attempt),
    }
