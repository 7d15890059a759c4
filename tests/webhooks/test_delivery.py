"""The delivery loop (70- §5.2, §6, §8, §9, V-37, V-41, V-42), driven through ``Dispatcher.drain`` with an
injected clock against a real HTTP receiver; outbox rows are written directly (tests/webhooks/seed.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import anyio
import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock import __version__
from punchclock.config import Settings
from punchclock.models.webhooks import WebhookDelivery
from punchclock.webhooks import retries
from punchclock.webhooks.dispatcher import Dispatcher
from tests.factories import make_user
from tests.webhooks.receiver import Receiver
from tests.webhooks.seed import SECRET, T0, make_subscription, queue_event


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, rate_limit=False, public_url="http://testserver", webhooks_dispatcher=False,
                    webhooks_allow_private=True, webhooks_timeout=5)


@pytest.fixture
def rx() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def dispatcher(app: Any, clock: FakeClock) -> Dispatcher:
    return Dispatcher(app.state, clock=clock, rand=lambda: 0.5)  # rand 0.5: no jitter, exact schedule


@pytest.fixture
def owner(db: Session) -> Any:
    return make_user(db)


def drain(dispatcher: Dispatcher) -> None:
    anyio.run(dispatcher.drain)


def deliveries(db: Session) -> list[WebhookDelivery]:
    db.rollback()  # ends the read transaction: SQLite would keep showing its snapshot
    return list(db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def sent(rx: Receiver) -> list[tuple[int, str]]:
    """(event_id, attempt header) of every request, in arrival order."""
    return [(r.json()["event_id"], r.headers["x-punchclock-delivery-attempt"]) for r in rx.received]


def test_one_signed_event_with_the_exact_envelope(db: Session, owner: Any, rx: Receiver, clock: FakeClock,
                                                  dispatcher: Dispatcher) -> None:
    ws = owner.default_workspace_id
    sub = make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url)
    updated_at = sub.updated_at
    event = queue_event(db, sub, entity_id=1700021, payload={"id": 1700021, "workspace_id": ws, "duration": 3600})
    clock.advance(5)
    drain(dispatcher)

    [got] = rx.received
    assert got.body == orjson.dumps({
        "event_id": event.id, "created_at": "2026-12-06T16:00:00+00:00", "creator_id": owner.id,
        "metadata": {"action": "created", "model": "time_entry", "event_user_id": str(owner.id),
                     "workspace_id": str(ws), "time_entry_id": "1700021", "path": "", "request_type": ""},
        "payload": {"id": 1700021, "workspace_id": ws, "duration": 3600},
        "subscription_id": sub.id, "timestamp": "2026-12-06T16:00:05+00:00", "url_callback": rx.url,
    })
    assert Receiver.verify(SECRET, got)
    assert not Receiver.verify("another secret", got)
    assert {k: got.headers[k] for k in ("content-type", "user-agent", "x-punchclock-event-id",
                                        "x-punchclock-delivery-attempt")} == {
        "content-type": "application/json", "user-agent": f"punchclock-webhooks/{__version__}",
        "x-punchclock-event-id": str(event.id), "x-punchclock-delivery-attempt": "1"}
    [row] = deliveries(db)
    assert (row.status, row.attempts, row.delivered_at, row.last_attempt_at, row.last_error) == (
        "delivered", 1, T0 + timedelta(seconds=5), T0 + timedelta(seconds=5), None)
    db.rollback()
    db.refresh(sub)
    assert (sub.lease_owner, sub.lease_until, sub.updated_at) == (None, None, updated_at)
    drain(dispatcher)
    assert len(rx.received) == 1  # delivered once


def test_rates_are_null_for_a_delivery_marked_redact_rates(db: Session, owner: Any, rx: Receiver,
                                                           dispatcher: Dispatcher) -> None:
    ws = owner.default_workspace_id
    hidden = make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url)
    shown = make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url)
    payload = {"id": 6305, "name": "Apollo", "rate": 85.5}
    queue_event(db, hidden, entity="project", entity_id=6305, payload=payload, redact_rates=True)
    queue_event(db, shown, entity="project", entity_id=6305, payload=payload)
    drain(dispatcher)
    assert sorted((r.json()["subscription_id"], r.json()["payload"]["rate"]) for r in rx.received) == [
        (hidden.id, None), (shown.id, 85.5)]
    assert all(r.json()["payload"]["name"] == "Apollo" and Receiver.verify(SECRET, r) for r in rx.received)


def test_order_is_kept_and_retries_follow_the_schedule(db: Session, owner: Any, rx: Receiver, clock: FakeClock,
                                                       dispatcher: Dispatcher) -> None:
    sub = make_subscription(db, user_id=owner.id, workspace_id=owner.default_workspace_id, url=rx.url)
    ids = [queue_event(db, sub, entity_id=n).id for n in (11, 12, 13)]
    rx.answer(503, 503)
    drain(dispatcher)
    first = deliveries(db)[0]
    assert (first.status, first.attempts, first.last_error, first.next_attempt_at) == (
        "pending", 1, "status 503", T0 + timedelta(seconds=30))

    clock.advance(29)
    drain(dispatcher)  # the head is not due: the later events wait behind it
    assert sent(rx) == [(ids[0], "1")]
    clock.advance(1)
    drain(dispatcher)
    assert deliveries(db)[0].next_attempt_at == T0 + timedelta(seconds=30 + 120)
    clock.advance(120)
    drain(dispatcher)

    assert sent(rx) == [(ids[0], "1"), (ids[0], "2"), (ids[0], "3"), (ids[1], "1"), (ids[2], "1")]
    assert [r.json()["timestamp"] for r in rx.received] == [
        "2026-12-06T16:00:00+00:00", "2026-12-06T16:00:30+00:00"] + ["2026-12-06T16:02:30+00:00"] * 3
    assert all(Receiver.verify(SECRET, r) for r in rx.received)
    assert [(d.status, d.attempts, d.last_error) for d in deliveries(db)] == [
        ("delivered", 3, None), ("delivered", 1, None), ("delivered", 1, None)]


def test_retry_jitter_and_scale(db: Session, owner: Any, rx: Receiver, app: Any, clock: FakeClock) -> None:
    assert retries.delay_after(1, scale=1, rand=lambda: 0.0) == timedelta(seconds=27)
    assert retries.delay_after(9, scale=1, rand=lambda: 1.0) == timedelta(seconds=47520)
    assert retries.delay_after(2, scale=0.5, rand=lambda: 0.5) == timedelta(seconds=60)
    assert retries.delay_after(10, scale=1, rand=lambda: 0.5) is None
    state = SimpleNamespace(settings=app.state.settings.model_copy(update={"webhooks_retry_scale": 2.0}),
                            engine=app.state.engine)
    sub = make_subscription(db, user_id=owner.id, workspace_id=owner.default_workspace_id, url=rx.url)
    queue_event(db, sub, entity_id=1)
    rx.answer(500)
    anyio.run(Dispatcher(state, clock=clock, rand=lambda: 0.0).drain)
    assert deliveries(db)[0].next_attempt_at == T0 + timedelta(seconds=54)  # 30 s x 0.9 x 2


def test_tenth_failure_fails_the_delivery_and_disables_the_subscription(
        db: Session, owner: Any, clock: FakeClock, dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture) -> None:
    with Receiver(500) as rx:
        sub = make_subscription(db, user_id=owner.id, workspace_id=owner.default_workspace_id, url=rx.url)
        first, second = queue_event(db, sub, entity_id=1), queue_event(db, sub, entity_id=2)
        caplog.set_level(logging.WARNING, logger="punchclock.webhooks")
        for wait in (*retries.SCHEDULE, 0):
            drain(dispatcher)
            clock.advance(wait)
        clock.advance(86400)
        drain(dispatcher)
        assert sent(rx) == [(first.id, str(n)) for n in range(1, 11)]
    failed, queued = deliveries(db)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 10, "status 500")
    assert failed.last_attempt_at == T0 + timedelta(seconds=sum(retries.SCHEDULE))
    assert (queued.event_id, queued.status, queued.attempts) == (second.id, "pending", 0)
    db.rollback()
    db.refresh(sub)
    assert (sub.enabled, sub.disabled_reason) == (False, f"event {first.id} failed 10 times: status 500")
    assert sub.updated_at == T0 + timedelta(seconds=sum(retries.SCHEDULE))
    lines = [r.getMessage() for r in caplog.records if r.name == "punchclock.webhooks"]
    assert lines[-1] == f"webhook delivery failed: subscription {sub.id}, event {first.id}, attempt 10: status 500"
    assert len(lines) == 10
    assert not any(SECRET in line or rx.url in line for line in lines)


def test_a_failing_subscription_blocks_only_itself(db: Session, owner: Any, rx: Receiver,
                                                   dispatcher: Dispatcher) -> None:
    ws = owner.default_workspace_id
    with Receiver(503) as down:
        bad = make_subscription(db, user_id=owner.id, workspace_id=ws, url=down.url)
        good = make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url)
        for n in (1, 2):
            queue_event(db, bad, entity_id=n)
            queue_event(db, good, entity_id=n)
        drain(dispatcher)
        assert [r.json()["payload"]["id"] for r in down.received] == [1]
    assert [(r.json()["subscription_id"], r.json()["payload"]["id"]) for r in rx.received] == [
        (good.id, 1), (good.id, 2)]


def test_private_callbacks_fail_at_delivery_without_the_switch(db: Session, owner: Any, rx: Receiver, app: Any,
                                                               clock: FakeClock) -> None:
    state = SimpleNamespace(settings=app.state.settings.model_copy(update={"webhooks_allow_private": False}),
                            engine=app.state.engine)
    ws = owner.default_workspace_id
    urls = [rx.url, "http://169.254.169.254/latest/meta-data/", "http://[::ffff:10.0.0.5]:8080/h",
            "http://10.0.0.5/h"]
    for url in urls:
        queue_event(db, make_subscription(db, user_id=owner.id, workspace_id=ws, url=url), entity_id=1)
    anyio.run(Dispatcher(state, clock=clock).drain)
    assert rx.received == []
    assert [(d.status, d.attempts, d.last_error) for d in deliveries(db)] == [
        ("pending", 1, "non-public address 127.0.0.1"), ("pending", 1, "non-public address 169.254.169.254"),
        ("pending", 1, "non-public address ::ffff:a00:5"), ("pending", 1, "non-public address 10.0.0.5")]


def test_only_live_enabled_validated_unleased_subscriptions_are_served(
        db: Session, owner: Any, rx: Receiver, clock: FakeClock, dispatcher: Dispatcher) -> None:
    ws = owner.default_workspace_id
    subs = {
        "disabled": make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url, enabled=False),
        "unvalidated": make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url, validated=False),
        "deleted": make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url),
        "leased": make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url),
        "later": make_subscription(db, user_id=owner.id, workspace_id=ws, url=rx.url),
    }
    subs["deleted"].deleted_at = T0
    subs["leased"].lease_owner, subs["leased"].lease_until = "another-process", T0 + timedelta(seconds=60)
    db.commit()
    for name, sub in subs.items():
        queue_event(db, sub, entity_id=1, next_attempt_at=T0 + timedelta(seconds=100 if name == "later" else 0))
    drain(dispatcher)
    assert rx.received == []
    clock.advance(61)  # the other process's lease expired: this one takes over
    drain(dispatcher)
    assert [r.json()["subscription_id"] for r in rx.received] == [subs["leased"].id]
    clock.advance(39)
    drain(dispatcher)
    assert [r.json()["subscription_id"] for r in rx.received] == [subs["leased"].id, subs["later"].id]
