"""What was sent to a subscription: the event log (W11, 70- §10) and the operator's view and retry (CLI).

Only events within the retention (``PUNCHCLOCK_WEBHOOKS_RETENTION_DAYS``) are listed: the delivery
loop's cleanup deletes older ones, and until it ran they must not show up either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain.errors import NotFound
from punchclock.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from punchclock.models._common import utcnow
from punchclock.webhooks import payloads


@dataclass(frozen=True, slots=True)
class LoggedDelivery:
    """One delivery with its event, the payload as this subscription receives it (rates redacted)."""

    delivery_id: int
    event_id: int
    entity: str
    action: str
    event_created_at: datetime
    creator_id: int | None
    metadata: dict[str, str]
    payload: Any
    subscription_id: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None

    @property
    def failed_attempts(self) -> int:
        """Every attempt but the one that delivered (§10 ``failed_delivery_attempts``)."""
        return self.attempts - 1 if self.status == "delivered" else self.attempts


_COLUMNS = (WebhookDelivery, WebhookEvent)


def _logged(delivery: WebhookDelivery, event: WebhookEvent) -> LoggedDelivery:
    payload = payloads.redacted(event.entity, event.payload) if delivery.redact_rates else event.payload
    return LoggedDelivery(
        delivery.id, event.id, event.entity, event.action, event.created_at, event.creator_id, event.meta, payload,
        delivery.subscription_id, delivery.status, delivery.attempts, delivery.next_attempt_at,
        delivery.last_attempt_at, delivery.last_error, delivery.delivered_at)


def event_log(db: Session, subscription_id: int, *, retention_days: int, offset: int, limit: int
              ) -> tuple[int, list[LoggedDelivery]]:
    """W11: the total and one page of the subscription's deliveries within the retention, newest first."""
    since = utcnow() - timedelta(days=retention_days)
    where = (WebhookDelivery.subscription_id == subscription_id, WebhookEvent.created_at >= since)
    joined = select(*_COLUMNS).join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id).where(*where)
    total = db.scalar(select(func.count()).select_from(WebhookDelivery).join(
        WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id).where(*where))
    rows = db.execute(joined.order_by(WebhookEvent.created_at.desc(), WebhookEvent.id.desc())
                      .offset(offset).limit(limit)).all()
    return int(total or 0), [_logged(d, e) for d, e in rows]


def recent(db: Session, subscription_id: int, limit: int) -> list[LoggedDelivery]:
    """``punchclock webhooks deliveries``: the newest deliveries of a subscription, deleted or not."""
    if db.get(WebhookSubscription, subscription_id) is None:
        raise NotFound("webhook_not_found")
    rows = db.execute(select(*_COLUMNS).join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
                      .where(WebhookDelivery.subscription_id == subscription_id)
                      .order_by(WebhookDelivery.event_id.desc()).limit(limit)).all()
    return [_logged(d, e) for d, e in rows]


@dataclass(frozen=True, slots=True)
class Retried:
    delivery_id: int
    event_id: int
    subscription_id: int
    previous_status: str
    #: Whether the delivery loop will pick it up: a disabled or unvalidated subscription holds it back.
    subscription_active: bool


def retry(db: Session, delivery_id: int) -> Retried:
    """``punchclock webhooks retry``: the delivery is ``pending`` again and due now.

    ``attempts`` is kept (it is the delivery's history): a delivery that had failed gets one more attempt
    before it counts as failed again. A deleted subscription's deliveries cannot be retried.
    """
    delivery = db.get(WebhookDelivery, delivery_id)
    sub = None if delivery is None else db.get(WebhookSubscription, delivery.subscription_id)
    if delivery is None or sub is None or sub.deleted_at is not None:
        raise NotFound("webhook_delivery_not_found", id=delivery_id)
    previous = delivery.status
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    db.flush()
    return Retried(delivery.id, delivery.event_id, sub.id, previous,
                   sub.enabled and sub.validated_at is not None)
