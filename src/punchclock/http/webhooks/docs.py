"""Published shapes of the Webhooks API v1 (70- §2, §3, §4, §10), for ``/openapi.json``.

Handlers read their bodies by hand (``http/webhooks/common.py``); these models only document them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import Field, WithJsonSchema

from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object

_ID = {"type": "integer", "format": "int64", "minimum": 1}
_INT = {"type": "integer", "minimum": 1}

WorkspaceId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the workspace.")]
SubscriptionId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the subscription.")]
ValidationCode = Annotated[str, Path(description="The validation code sent in the ping (32 hex characters).")]
Page = Annotated[str | None, WithJsonSchema(_INT), Query(description="1-based page (default 1).")]
PerPage = Annotated[str | None, WithJsonSchema(_INT), Query(description="Events per page (default 100, at most 500).")]


class WebhookEventFilter(V9Object):
    """One filter: `*` matches every entity or every action (70- §4)."""

    entity: str = Field(examples=["time_entry", "*"])
    action: str = Field(examples=["created", "*"])


class WebhookSubscription(V9Object):
    """A subscription (70- §2)."""

    subscription_id: Id
    workspace_id: Id
    user_id: Id = Field(description="The creator: events are filtered by what this user may read.")
    description: str
    url_callback: str
    event_filters: list[WebhookEventFilter]
    enabled: bool
    secret: str | None = Field(description="HMAC-SHA256 signing key; only the creator and admins see it.")
    validated_at: Utc | None = Field(description="Events are queued only once the callback is validated.")
    has_pending_events: bool
    created_at: Utc
    updated_at: Utc
    deleted_at: Utc | None = Field(description="Set only in the answer of DELETE.")
    disabled_reason: str | None = Field(description="Why the server disabled it (10 failed attempts).")


class WebhookSubscriptionBody(V9Body):
    """Create or replace: the callback is pinged before the answer when the result is enabled (70- §3.1)."""

    url_callback: str = Field(description="Absolute http(s) URL without user-info, at most 2048 characters; "
                                          "must resolve to public addresses.")
    event_filters: list[WebhookEventFilter] = Field(min_length=1, max_length=20)
    description: str = Field(description="1-255 characters, unique among the workspace's subscriptions.")
    enabled: bool = Field(default=True)
    secret: str | None = Field(default=None, description="1-255 printable ASCII characters; generated on create "
                                                         "and kept on replace when absent.")


class WebhookEnabledBody(V9Body):
    """Enable (pings the callback first when it was disabled) or disable."""

    enabled: bool


class WebhookStatus(V9Object):
    status: str = Field(examples=["OK"])


class WebhookLimits(V9Object):
    max_webhooks: int = Field(description="Live subscriptions per user and workspace.")
    max_events_per_webhook: int = Field(description="Event filters per subscription.")


class WebhookLoggedEvent(V9Object):
    """One delivery of the event log (70- §10)."""

    event_id: Id
    created_at: Utc
    creator_id: int | None
    metadata: dict[str, str]
    payload: Any = Field(description="The entity as API v9 renders it.")
    consumer_id: Id = Field(description="The subscription id.")
    last_delivery_attempt: Utc | None
    last_delivery_error: str | None
    failed_delivery_attempts: int
    status: str = Field(description="pending, delivered, failed or discarded.")
    delivered_at: Utc | None


class WebhookEventLog(V9Object):
    total: int
    events: list[WebhookLoggedEvent]


EVENT_FILTERS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "examples": [{"client": ["created", "updated", "deleted"], "workspace": ["updated"]}],
}
OK_STRING: dict[str, Any] = {"type": "string", "enum": ["OK"]}
