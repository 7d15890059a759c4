"""The SQL of delivering (70- §8.1 to §8.4): finding and leasing subscriptions, taking the next delivery in order,
recording attempts, retention. Synchronous, one short transaction per call: the dispatcher runs each in a thread
and never keeps a transaction open while a request is in flight.

Leases are conditional updates (``… WHERE lease_until IS NULL OR lease_until < now``: one affected row means
claimed), which serialise the same way on SQLite (BEGIN IMMEDIATE) and PostgreSQL (row lock, re-checked WHERE).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, delete, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from punchclock.models.webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription

S, D, E = WebhookSubscription, WebhookDelivery, WebhookEvent
PENDING, DELIVERED, FAILED, DISCARDED = "pending", "delivered", "failed", "discarded"
MAX_ERROR = 1000
#: Lease bookkeeping is not a change of the subscription: keep ``updated_at`` (its column has ``onupdate``).
_UNCHANGED = {"updated_at": S.updated_at}


@dataclass(frozen=True)
class Attempt:
    """The next delivery of a leased subscription, with what its envelope needs (loaded, detached)."""

    delivery: WebhookDelivery
    event: WebhookEvent
    subscription: WebhookSubscription


@dataclass(frozen=True)
class Step:
    """The leased subscription as it is now (``id``, ``url_callback``, ``secret`` only) and the deliveries read."""

    subscription: WebhookSubscription
    queued: list[tuple[WebhookDelivery, WebhookEvent]]


def _rows(session: Session, statement: Any) -> int:
    result = cast(CursorResult[Any], session.execute(statement.execution_options(synchronize_session=False)))
    return result.rowcount


def _deliverable() -> ColumnElement[bool]:
    """Live, enabled and validated (70- §7, §8.1)."""
    return and_(S.deleted_at.is_(None), S.enabled.is_(True), S.validated_at.is_not(None))


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(S.lease_until.is_(None), S.lease_until < now)


def due(session: Session, now: datetime, limit: int, skip: Collection[int] = ()) -> list[int]:
    """Unleased deliverable subscriptions whose first pending delivery (in event order) is due."""
    head, earlier = aliased(D), aliased(D)
    blocked = exists().where(earlier.subscription_id == head.subscription_id, earlier.status == PENDING,
                             earlier.event_id < head.event_id)
    ready = exists().where(head.subscription_id == S.id, head.status == PENDING, head.next_attempt_at <= now,
                           ~blocked)
    query = select(S.id).where(_deliverable(), _free(now), ready).order_by(S.id).limit(limit)
    if skip:
        query = query.where(S.id.not_in(list(skip)))
    return list(session.scalars(query))


def claim(session: Session, subscription_id: int, owner: str, now: datetime, until: datetime) -> bool:
    """Take the lease if it is free or expired (70- §8.1); ``True`` when this call took it."""
    return _rows(session, update(S).where(S.id == subscription_id, _deliverable(), _free(now))
                 .values(lease_owner=owner, lease_until=until, **_UNCHANGED)) == 1


def release(session: Session, subscription_id: int, owner: str) -> None:
    _rows(session, update(S).where(S.id == subscription_id, S.lease_owner == owner)
          .values(lease_owner=None, lease_until=None, **_UNCHANGED))


def step(session: Session, subscription_id: int, owner: str, now: datetime, until: datetime,
         delivered: tuple[int, datetime] | None, fetch: int) -> Step | None:
    """One transaction per attempt: record the previous success, renew the lease (reading the current URL and
    secret) and, when ``fetch``, read the next pending deliveries in event order. ``None``: the lease is lost
    or the subscription was disabled or deleted meanwhile."""
    if delivered is not None:
        succeeded(session, *delivered)
    row = session.execute(update(S).where(S.id == subscription_id, S.lease_owner == owner, _deliverable())
                          .values(lease_until=until, **_UNCHANGED).returning(S.url_callback, S.secret)
                          .execution_options(synchronize_session=False)).first()
    if row is None:
        return None
    queued: list[tuple[WebhookDelivery, WebhookEvent]] = []
    if fetch:
        queued = [(d, e) for d, e in session.execute(
            select(D, E).join(E, E.id == D.event_id).where(D.subscription_id == subscription_id, D.status == PENDING)
            .order_by(D.event_id).limit(fetch)).tuples()]
    return Step(WebhookSubscription(id=subscription_id, url_callback=row.url_callback, secret=row.secret), queued)


def finish(session: Session, subscription_id: int, owner: str, delivered: tuple[int, datetime] | None) -> None:
    """Record the last success, if not yet done, and release the lease."""
    if delivered is not None:
        succeeded(session, *delivered)
    release(session, subscription_id, owner)


def succeeded(session: Session, delivery_id: int, now: datetime) -> None:
    _rows(session, update(D).where(D.id == delivery_id, D.status == PENDING).values(
        status=DELIVERED, attempts=D.attempts + 1, last_attempt_at=now, delivered_at=now, last_error=None))


def failed(session: Session, attempt: Attempt, error: str, now: datetime, retry_at: datetime | None) -> None:
    """Record a failed attempt; without ``retry_at`` the delivery is ``failed`` and its subscription disabled."""
    error = error[:MAX_ERROR]
    values: dict[str, Any] = {"attempts": D.attempts + 1, "last_attempt_at": now, "last_error": error}
    values.update({"next_attempt_at": retry_at} if retry_at is not None else {"status": FAILED})
    changed = _rows(session, update(D).where(D.id == attempt.delivery.id, D.status == PENDING).values(**values))
    if changed and retry_at is None:
        attempts = attempt.delivery.attempts + 1
        reason = f"event {attempt.event.id} failed {attempts} times: {error}"
        _rows(session, update(S).where(S.id == attempt.subscription.id)
              .values(enabled=False, disabled_reason=reason, updated_at=now))


def expired(session: Session, cutoff: datetime) -> bool:
    """Whether any event is older than the retention (a read: most hourly checks find nothing to delete)."""
    return bool(session.scalar(select(exists().where(E.created_at < cutoff))))


def clean(session: Session, cutoff: datetime) -> int:
    """Retention (70- §8.4, §10): pending deliveries of older events are discarded, then old rows deleted."""
    old = select(E.id).where(E.created_at < cutoff).scalar_subquery()
    _rows(session, update(D).where(D.status == PENDING, D.event_id.in_(old)).values(status=DISCARDED))
    _rows(session, delete(D).where(D.event_id.in_(old)))
    return _rows(session, delete(E).where(E.created_at < cutoff))
