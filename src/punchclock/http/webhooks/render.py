"""The subscription object (70- §2) and the event log (§10), as the Webhooks API sends them.

Times as API v9 writes them (UTC, ``+00:00``); every key present, null or not. ``secret`` goes only to
the creator and the workspace's admins; anyone else who could see the object reads ``null``.
"""

from __future__ import annotations

from typing import Any

from punchclock.domain.actor import Actor
from punchclock.http.v9.render import utc
from punchclock.models import WebhookSubscription
from punchclock.webhooks.deliveries import LoggedDelivery


def subscription_out(sub: WebhookSubscription, actor: Actor, *, has_pending: bool) -> dict[str, Any]:
    shows_secret = sub.user_id == actor.id or actor.is_admin(sub.workspace_id)
    return {
        "subscription_id": sub.id,
        "workspace_id": sub.workspace_id,
        "user_id": sub.user_id,
        "description": sub.description,
        "url_callback": sub.url_callback,
        "event_filters": sub.event_filters,
        "enabled": sub.enabled,
        "secret": sub.secret if shows_secret else None,
        "validated_at": utc(sub.validated_at),
        "has_pending_events": has_pending,
        "created_at": utc(sub.created_at),
        "updated_at": utc(sub.updated_at),
        "deleted_at": utc(sub.deleted_at),
        "disabled_reason": sub.disabled_reason,
    }


def logged_out(item: LoggedDelivery) -> dict[str, Any]:
    return {
        "event_id": item.event_id,
        "created_at": utc(item.event_created_at),
        "creator_id": item.creator_id,
        "metadata": item.metadata,
        "payload": item.payload,
        "consumer_id": item.subscription_id,
        "last_delivery_attempt": utc(item.last_attempt_at),
        "last_delivery_error": item.last_error,
        "failed_delivery_attempts": item.failed_attempts,
        "status": item.status,
        "delivered_at": utc(item.delivered_at),
    }


def event_log_out(total: int, items: list[LoggedDelivery]) -> dict[str, Any]:
    return {"total": total, "events": [logged_out(i) for i in items]}
