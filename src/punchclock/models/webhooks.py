"""Webhook subscriptions, the event outbox and one delivery row per (event, subscription) (70- §1).

An event is written in the transaction that made the change (``webhooks/outbox.py``), with one
``pending`` delivery per matching subscription; the delivery loop (``webhooks/dispatcher.py``) sends
them in ``event_id`` order per subscription, leasing the subscription so one process sends at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.db.types import UTCDateTime
from punchclock.models._common import ChangeTracked, IdMixin, utcnow

LIVE = text("deleted_at IS NULL")


class WebhookSubscription(IdMixin, ChangeTracked, Base):
    __tablename__ = "webhook_subscriptions"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    #: The creator: events are filtered by what this user may read (70- §5.4).
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(255))
    url_callback: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: ``[{"entity": …, "action": …}]``, ``*`` allowed in either part (70- §4).
    event_filters: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    validation_code: Mapped[str] = mapped_column(String(32))
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Why the server disabled it (the 10th failed attempt of a delivery), cleared on re-enabling.
    disabled_reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: The delivering process and until when it holds the subscription (70- §8.1).
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (
        Index("ix_webhook_subscriptions_workspace", "workspace_id"),
        Index("uq_webhook_subscriptions_description", "workspace_id", "description", unique=True,
              sqlite_where=LIVE, postgresql_where=LIVE),
    )


class WebhookEvent(IdMixin, Base):
    """The outbox: one change of one entity, with its v9 rendering as of the commit."""

    __tablename__ = "webhook_events"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[int] = mapped_column(Id)
    #: The acting user; no foreign key: the event outlives a deleted user.
    creator_id: Mapped[int | None] = mapped_column(Id, default=None)
    #: The delivered ``metadata`` object (all values strings, 70- §5.2); ``metadata`` is taken by SQLAlchemy.
    meta: Mapped[dict[str, str]] = mapped_column("metadata", JSON)
    payload: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class WebhookDelivery(IdMixin, Base):
    __tablename__ = "webhook_deliveries"

    event_id: Mapped[int] = mapped_column(Id, ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int] = mapped_column(Id, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    #: ``pending`` / ``delivered`` / ``failed`` / ``discarded``.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(String(1000), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Rates in the payload read ``null``: the workspace hides them from the (non-admin) creator.
    redact_rates: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_webhook_deliveries_queue", "subscription_id", "status", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )
