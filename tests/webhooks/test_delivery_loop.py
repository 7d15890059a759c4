"""The delivery loop as the application runs it (70- §8.1, §8.4, §10): started by the lifespan, woken by
``notify()``, at most ``webhooks_concurrency`` subscriptions at once, hourly retention cleanup, leases
released at shutdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.models.webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription
from punchclock.webhooks import dispatcher
from tests.factories import make_user
from tests.webhooks.receiver import Receiver
from tests.webhooks.seed import make_subscription, queue_event


@pytest.fixture
def settings(db_url: str) -> Settings:
    # A long poll: only notify() (or a freed slot) can make the loop look again within the test.
    return Settings(database_url=db_url, rate_limit=False, public_url="http://testserver", webhooks_dispatcher=True,
                    webhooks_allow_private=True, webhooks_poll_seconds=60, webhooks_concurrency=2)


def test_notify_wakes_the_loop_and_old_events_are_cleaned(app: Any, db: Session) -> None:
    owner = make_user(db)
    now = datetime.now(UTC).replace(microsecond=0)
    with Receiver(delay=0.4) as rx:
        subs = [make_subscription(db, user_id=owner.id, workspace_id=owner.default_workspace_id, url=rx.url)
                for _ in range(3)]
        queue_event(db, subs[0], entity_id=1, created_at=now - timedelta(days=8),
                            next_attempt_at=now - timedelta(days=8))
        kept = queue_event(db, subs[0], entity_id=2, created_at=now - timedelta(days=6))
        db.execute(update(WebhookDelivery).where(WebhookDelivery.event_id == kept.id).values(status="delivered"))
        db.commit()
        with TestClient(app):
            rx.wait_for(0, timeout=0.1)
            fresh = [queue_event(db, sub, entity_id=10 + n, created_at=now, next_attempt_at=now)
                     for n, sub in enumerate(subs)]
            dispatcher.notify()
            got = rx.wait_for(3, timeout=10)
            assert sorted(r.json()["event_id"] for r in got) == sorted(e.id for e in fresh)
            assert rx.max_in_flight == 2  # webhooks_concurrency
        # Leaving the client stopped the loop while the last answer was still on its way: it was awaited.
        db.rollback()
        assert list(db.scalars(select(WebhookEvent.id).order_by(WebhookEvent.id))) == [kept.id] + [e.id for e in fresh]
        statuses = dict(db.execute(select(WebhookDelivery.event_id, WebhookDelivery.status)).tuples().all())
        assert statuses == {kept.id: "delivered", **{e.id: "delivered" for e in fresh}}
        assert db.scalar(select(func.count()).where(WebhookSubscription.lease_owner.is_not(None))) == 0


def test_stop_unregisters_the_waker(app: Any) -> None:
    before = len(dispatcher._wakers)
    with TestClient(app):
        assert len(dispatcher._wakers) == before + 1
    assert len(dispatcher._wakers) == before
