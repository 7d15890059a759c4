"""Subscription management behind ``/webhooks/api/v1`` (70- §2, §3, §3.1, §7, V-44).

"Owner" is the creator or an admin of the workspace; a member sees only their own subscriptions,
so a subscription someone else made is "not found" to them (10- §5: do not reveal). The network
probe of §3.1 is not done here: ``webhooks/probe.py`` runs it between the transactions that
``plan_*`` and ``insert``/``apply`` belong to.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, NotFound
from punchclock.models import User, WebhookDelivery, WebhookSubscription
from punchclock.models._common import utcnow
from punchclock.webhooks import addresses, filters

MAX_DESCRIPTION = 255
MAX_SECRET = 255


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionBody:
    """A create (W2) or replace (W3) body, types checked; ``secret`` None = generate (create) or keep (replace)."""

    url_callback: str
    event_filters: Sequence[object]
    description: str
    enabled: bool = True
    secret: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The checked values a create or replace will write, and whether the callback must be probed first."""

    description: str
    url_callback: str
    event_filters: list[dict[str, str]]
    enabled: bool
    secret: str
    #: A new URL gets a new code and loses its validation (§3.1); otherwise the current ones.
    validation_code: str
    validated_at: datetime | None
    probe: bool


def new_validation_code() -> str:
    return secrets.token_hex(16)


def new_secret() -> str:
    return secrets.token_hex(32)


# -- reading ------------------------------------------------------------------------------------------

def has_pending() -> ColumnElement[bool]:
    """``has_pending_events`` (§2) as a column of a subscription query."""
    return exists().where(WebhookDelivery.subscription_id == WebhookSubscription.id,
                          WebhookDelivery.status == "pending")


def visible(db: Session, actor: Actor, workspace_id: int) -> list[tuple[WebhookSubscription, bool]]:
    """W1: an admin sees every live subscription of the workspace, a member their own; by id."""
    stmt = select(WebhookSubscription, has_pending()).where(
        WebhookSubscription.workspace_id == workspace_id, WebhookSubscription.deleted_at.is_(None))
    if not actor.is_admin(workspace_id):
        stmt = stmt.where(WebhookSubscription.user_id == actor.id)
    return [(sub, bool(pending)) for sub, pending in db.execute(stmt.order_by(WebhookSubscription.id)).all()]


def owned(db: Session, actor: Actor, workspace_id: int, subscription_id: int) -> WebhookSubscription:
    """A live subscription of the workspace the caller owns (creator or admin), else 404 (§3)."""
    sub = db.get(WebhookSubscription, subscription_id)
    if sub is None or sub.workspace_id != workspace_id or sub.deleted_at is not None \
            or not (sub.user_id == actor.id or actor.is_admin(workspace_id)):
        raise NotFound("webhook_not_found")
    return sub


def every_live(db: Session, workspace_id: int | None) -> list[tuple[WebhookSubscription, str, int]]:
    """``punchclock webhooks list``: live subscriptions (of one workspace), the creator's e-mail, pending count."""
    pending = select(func.count()).where(WebhookDelivery.subscription_id == WebhookSubscription.id,
                                         WebhookDelivery.status == "pending").scalar_subquery()
    stmt = select(WebhookSubscription, User.email, pending).join(User, User.id == WebhookSubscription.user_id).where(
        WebhookSubscription.deleted_at.is_(None))
    if workspace_id is not None:
        stmt = stmt.where(WebhookSubscription.workspace_id == workspace_id)
    return [(sub, email, int(n)) for sub, email, n in db.execute(stmt.order_by(WebhookSubscription.id)).all()]


def pending_exists(db: Session, subscription_id: int) -> bool:
    stmt = select(WebhookDelivery.id).where(WebhookDelivery.subscription_id == subscription_id,
                                            WebhookDelivery.status == "pending").limit(1)
    return db.scalar(stmt) is not None


# -- checking a body ----------------------------------------------------------------------------------

def _description(value: str) -> str:
    text = value.strip()
    if not text:
        raise Invalid("webhook_description_blank")
    if len(text) > MAX_DESCRIPTION:
        raise Invalid("webhook_description_too_long", max=MAX_DESCRIPTION)
    return text


def _secret(value: str) -> str:
    if not 1 <= len(value) <= MAX_SECRET or any(not " " <= ch <= "~" for ch in value):
        raise Invalid("webhook_secret", max=MAX_SECRET)
    return value


def _url(value: str) -> str:
    addresses.check_url(value)  # absolute http(s), no user-info, at most 2048 characters (§2)
    return value


def _description_taken(db: Session, workspace_id: int, description: str, exclude_id: int | None) -> bool:
    stmt = select(WebhookSubscription.id).where(
        WebhookSubscription.workspace_id == workspace_id, WebhookSubscription.description == description,
        WebhookSubscription.deleted_at.is_(None))
    if exclude_id is not None:
        stmt = stmt.where(WebhookSubscription.id != exclude_id)
    return db.scalar(stmt.limit(1)) is not None


def _live_count(db: Session, user_id: int, workspace_id: int) -> int:
    stmt = select(func.count()).select_from(WebhookSubscription).where(
        WebhookSubscription.user_id == user_id, WebhookSubscription.workspace_id == workspace_id,
        WebhookSubscription.deleted_at.is_(None))
    return int(db.scalar(stmt) or 0)


def _checked(db: Session, workspace_id: int, body: SubscriptionBody, exclude_id: int | None
             ) -> tuple[str, str, list[dict[str, str]]]:
    """Description, URL and filters of a body, in the order §3.1 lists the rules (first failure wins)."""
    url = _url(body.url_callback)
    event_filters = filters.parse(list(body.event_filters))
    description = _description(body.description)
    if body.secret is not None:
        _secret(body.secret)
    if _description_taken(db, workspace_id, description, exclude_id):
        raise Invalid("webhook_description_taken")
    return description, url, event_filters


def plan_create(db: Session, actor: Actor, workspace_id: int, body: SubscriptionBody, settings: Settings) -> Plan:
    """W2: limits per (creator, workspace), then the body; a new subscription is always probed when enabled."""
    limit = settings.webhooks_max_per_user
    if _live_count(db, actor.id, workspace_id) >= limit:
        raise Invalid("webhook_limit", max=limit)
    description, url, event_filters = _checked(db, workspace_id, body, None)
    return Plan(description=description, url_callback=url, event_filters=event_filters, enabled=body.enabled,
                secret=body.secret if body.secret is not None else new_secret(),
                validation_code=new_validation_code(), validated_at=None, probe=body.enabled)


def plan_replace(db: Session, sub: WebhookSubscription, body: SubscriptionBody) -> Plan:
    """W3: a different URL means a new validation code; probe when the result is enabled and the URL
    changed or the subscription was disabled (V-40)."""
    description, url, event_filters = _checked(db, sub.workspace_id, body, sub.id)
    new_url = url != sub.url_callback
    return Plan(description=description, url_callback=url, event_filters=event_filters, enabled=body.enabled,
                secret=body.secret if body.secret is not None else sub.secret,
                validation_code=new_validation_code() if new_url else sub.validation_code,
                validated_at=None if new_url else sub.validated_at,
                probe=body.enabled and (new_url or not sub.enabled))


# -- writing ------------------------------------------------------------------------------------------

def insert(db: Session, actor: Actor, workspace_id: int, plan: Plan) -> WebhookSubscription:
    sub = WebhookSubscription(workspace_id=workspace_id, user_id=actor.id, lease_owner=None, lease_until=None,
                              disabled_reason=None, deleted_at=None)
    _write(sub, plan)
    db.add(sub)
    db.flush()
    return sub


def apply(db: Session, sub: WebhookSubscription, plan: Plan, *, validated: bool) -> None:
    """Write a replace planned in an earlier transaction (the description is checked again against what
    changed meanwhile); ``validated``: the probe's answer echoed the plan's code."""
    if _description_taken(db, sub.workspace_id, plan.description, sub.id):
        raise Invalid("webhook_description_taken")
    if plan.enabled and not sub.enabled:
        _resume(db, sub)
    _write(sub, plan)
    if validated:
        sub.validated_at = utcnow()
    db.flush()


def _write(sub: WebhookSubscription, plan: Plan) -> None:
    sub.description = plan.description
    sub.url_callback = plan.url_callback
    sub.event_filters = plan.event_filters
    sub.enabled = plan.enabled
    sub.secret = plan.secret
    sub.validation_code = plan.validation_code
    sub.validated_at = plan.validated_at


def _resume(db: Session, sub: WebhookSubscription) -> None:
    """Re-enabling clears ``disabled_reason``; the held-back deliveries are due now (§8.4)."""
    now = utcnow()
    sub.disabled_reason = None
    db.execute(update(WebhookDelivery).where(
        WebhookDelivery.subscription_id == sub.id, WebhookDelivery.status == "pending",
        WebhookDelivery.next_attempt_at > now).values(next_attempt_at=now))


def set_enabled(db: Session, sub: WebhookSubscription, enabled: bool) -> None:
    """W4."""
    if enabled and not sub.enabled:
        _resume(db, sub)
    sub.enabled = enabled
    db.flush()


def delete(db: Session, sub: WebhookSubscription) -> None:
    """W5: soft delete; what was still to be sent is ``discarded``."""
    sub.deleted_at = utcnow()
    db.execute(update(WebhookDelivery).where(
        WebhookDelivery.subscription_id == sub.id, WebhookDelivery.status == "pending").values(status="discarded"))
    db.flush()


def remove_unprobed(db: Session, subscription_id: int) -> None:
    """Undo a create whose probe failed: the row goes (nothing was queued for an unvalidated subscription)."""
    sub = db.get(WebhookSubscription, subscription_id)
    if sub is not None:
        db.delete(sub)
        db.flush()


def mark_validated(db: Session, subscription_id: int, code: str) -> None:
    """The callback echoed ``code`` (§7.1): validated now, unless the code changed meanwhile."""
    sub = db.get(WebhookSubscription, subscription_id)
    if sub is not None and sub.deleted_at is None and sub.validated_at is None \
            and hmac.compare_digest(sub.validation_code.encode(), code.encode()):
        sub.validated_at = utcnow()
        db.flush()


def validate(db: Session, workspace_id: int, subscription_id: int, code: str) -> None:
    """W7: the right code validates (again: idempotent); anything else is one and the same 400."""
    sub = db.get(WebhookSubscription, subscription_id)
    valid = sub is not None and sub.workspace_id == workspace_id and sub.deleted_at is None \
        and hmac.compare_digest(sub.validation_code.encode(), code.encode("utf-8", "replace"))
    if not valid or sub is None:
        raise Invalid("webhook_validation_failed")
    if sub.validated_at is None:
        sub.validated_at = utcnow()
        db.flush()
