"""Arrange helpers for delivery tests: subscriptions and queued outbox rows written directly.

The delivery loop only reads ``webhook_events`` and ``webhook_deliveries``; writing them here tests it
independently of the outbox (tests/webhooks/test_delivery_changes.py covers real changes end to end).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from punchclock.models.webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription

SECRET = "s3cret-key-for-tests"
T0 = datetime(2026, 12, 6, 16, 0, 0, tzinfo=UTC)


def make_subscription(db: Session, *, user_id: int, workspace_id: int, url: str, secret: str = SECRET,
                      validated: bool = True, enabled: bool = True, description: str | None = None,
                      filters: list[dict[str, str]] | None = None) -> WebhookSubscription:
    sub = WebhookSubscription(
        workspace_id=workspace_id, user_id=user_id, description=description or f"hook {secrets.token_hex(4)}",
        url_callback=url, secret=secret, enabled=enabled,
        event_filters=filters or [{"entity": "*", "action": "*"}], validation_code=secrets.token_hex(16),
        validated_at=T0 if validated else None)
    db.add(sub)
    db.commit()
    return sub


def queue_event(db: Session, sub: WebhookSubscription, *, entity_id: int, action: str = "created",
                payload: Any = None, created_at: datetime = T0, next_attempt_at: datetime = T0,
                redact_rates: bool = False, entity: str = "time_entry") -> WebhookEvent:
    """One event (of a time entry unless told) with a pending delivery to ``sub``."""
    event = WebhookEvent(
        workspace_id=sub.workspace_id, entity=entity, action=action, entity_id=entity_id,
        creator_id=sub.user_id, created_at=created_at,
        meta={"action": action, "model": entity, "event_user_id": str(sub.user_id),
              "workspace_id": str(sub.workspace_id), f"{entity}_id": str(entity_id), "path": "", "request_type": ""},
        payload=payload if payload is not None else {"id": entity_id, "workspace_id": sub.workspace_id},
    )
    db.add(event)
    db.flush()
    db.add(WebhookDelivery(event_id=event.id, subscription_id=sub.id, next_attempt_at=next_attempt_at,
                           redact_rates=redact_rates))
    db.commit()
    return event


def queue_for(db: Session, subs: list[WebhookSubscription], *, entity_id: int,
              created_at: datetime = T0) -> WebhookEvent:
    """One event delivered to several subscriptions (as the outbox fans out)."""
    first, *rest = subs
    event = queue_event(db, first, entity_id=entity_id, created_at=created_at, next_attempt_at=created_at)
    for sub in rest:
        db.add(WebhookDelivery(event_id=event.id, subscription_id=sub.id, next_attempt_at=created_at))
    db.commit()
    return event
