"""What every Webhooks API route shares: the route class, the caller, the owned subscription, the body.

Authentication and rate limits are API v9's (10- §4, §8: the same ``v9:`` bucket family), so the
caller comes from ``http/v9/deps``; errors are JSON strings worded by ``http/webhooks/errors``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.db.session import finish, request_session
from punchclock.domain.actor import Actor
from punchclock.domain.errors import DomainError, Invalid, RateLimited
from punchclock.http import wire
from punchclock.http.routing import TransactionRoute
from punchclock.http.v9.deps import member
from punchclock.http.webhooks import errors
from punchclock.models import WebhookSubscription
from punchclock.webhooks import subscriptions
from punchclock.webhooks.subscriptions import SubscriptionBody


class WebhooksRoute(TransactionRoute):
    """One transaction per request (the probing routes end it themselves first); errors as JSON strings."""

    def render_error(self, err: DomainError) -> Response:
        status, text = errors.render(err)
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimited) else None
        return wire.json_response(text, status_code=status, headers=headers)


def make_router(tag: str) -> APIRouter:
    return APIRouter(route_class=WebhooksRoute, tags=[tag])


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def owner(request: Request, workspace_id: int, subscription_id: int
                ) -> tuple[Actor, Session, WebhookSubscription]:
    """The caller (an active member, else 403) and a live subscription they own (else 404, 70- §3)."""
    actor, db = await member(request, workspace_id)
    return actor, db, subscriptions.owned(db, actor, workspace_id, subscription_id)


def end_transaction(request: Request) -> None:
    """Commit and close the request's session before awaiting the network (70- §3.1); the next
    ``request_session`` opens a new one, which the route class commits after the handler."""
    finish(request, commit=True)


def reopen(request: Request) -> Session:
    return request_session(request)


def _text(data: dict[str, Any], field: str) -> str:
    value = data.get(field)
    if value is None:
        raise Invalid("webhook_field_required", field=field)
    if not isinstance(value, str):
        raise Invalid("invalid_field", field=field)
    return value


def subscription_body(data: dict[str, Any]) -> SubscriptionBody:
    """The W2/W3 body with its JSON types checked; read-only fields of the object are ignored (§3.1)."""
    url = _text(data, "url_callback")
    event_filters = data.get("event_filters")
    if event_filters is None:
        raise Invalid("webhook_field_required", field="event_filters")
    if not isinstance(event_filters, list):
        raise Invalid("invalid_field", field="event_filters")
    description = _text(data, "description")
    enabled = data.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise Invalid("invalid_field", field="enabled")
    secret = data.get("secret")
    if secret is not None and not isinstance(secret, str):
        raise Invalid("invalid_field", field="secret")
    return SubscriptionBody(url_callback=url, event_filters=event_filters, description=description,
                            enabled=True if enabled is None else enabled, secret=secret)
