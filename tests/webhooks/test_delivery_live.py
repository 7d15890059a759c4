"""Delivery by real ``punchclock serve`` processes (70- §8.1, V-41, V-43): a SIGKILLed worker's undelivered
events are sent after a restart once its lease expires, and two servers on one database send every event
exactly once, in order per subscription, on SQLite (file) and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from punchclock.db.engine import make_engine
from punchclock.models.webhooks import WebhookDelivery, WebhookSubscription
from tests.factories import make_user
from tests.live_server import live_server, problems, start_server
from tests.webhooks.receiver import Receiver
from tests.webhooks.seed import make_subscription, queue_for

LEASE = 2
ENV = {"PUNCHCLOCK_WEBHOOKS_ALLOW_PRIVATE": "true", "PUNCHCLOCK_WEBHOOKS_LEASE_SECONDS": str(LEASE),
       "PUNCHCLOCK_WEBHOOKS_POLL_SECONDS": "0.2", "PUNCHCLOCK_WEBHOOKS_DISPATCHER": "true"}


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session of the test process on the servers' database."""
    engine = make_engine(db_url, pool_size=1)
    with sessionmaker(engine, expire_on_commit=False)() as s:
        yield s
    engine.dispose()


def _statuses(session: Session) -> list[tuple[int, str]]:
    session.rollback()
    return list(session.execute(select(WebhookDelivery.event_id, WebhookDelivery.status)
                                .order_by(WebhookDelivery.id)).tuples())


def _lease_owners_until(session: Session, rx: Receiver, count: int, timeout: float = 60) -> set[str]:
    """The lease owners seen while waiting for ``count`` requests ("host:pid:random")."""
    owners: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(rx.received) < count and time.monotonic() < deadline:
        session.rollback()
        owners.update(o for o in session.scalars(select(WebhookSubscription.lease_owner)) if o)
        time.sleep(0.02)
    rx.wait_for(count, timeout=0)
    return owners


def test_killed_worker_delivers_after_restart(db_url: str, session: Session, tmp_path: Path) -> None:
    owner = make_user(session)
    with Receiver(delay=5) as rx:
        sub = make_subscription(session, user_id=owner.id, workspace_id=owner.default_workspace_id, url=rx.url)
        events = [queue_for(session, [sub], entity_id=n).id for n in (1, 2, 3)]
        first = start_server(db_url, tmp_path / "first.log", env=ENV)
        try:
            rx.wait_for(1)  # event 1 is in flight...
        finally:
            first.kill()  # ...when the process dies: no status update, no lease release
        killed_at = time.monotonic()
        rx.delay = 0
        assert _statuses(session) == [(e, "pending") for e in events]
        session.refresh(sub)
        assert sub.lease_owner is not None
        with live_server(db_url, tmp_path / "second.log", env=ENV) as second:
            got = rx.wait_for(4, timeout=30)
            redelivered_at = got[1].at
            time.sleep(0.5)
        log = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
        assert problems(log) == []
        assert second.proc.returncode is not None
    # At least once: event 1 again (its first attempt was never recorded), then the rest in order.
    assert [(r.json()["event_id"], r.headers["x-punchclock-delivery-attempt"]) for r in rx.received] == [
        (events[0], "1"), (events[0], "1"), (events[1], "1"), (events[2], "1")]
    assert redelivered_at - killed_at > LEASE - 1.1  # not before the dead worker's lease expired
    assert _statuses(session) == [(e, "delivered") for e in events]
    session.refresh(sub)
    assert (sub.lease_owner, sub.lease_until) == (None, None)


def test_two_servers_deliver_each_event_exactly_once_in_order(db_url: str, session: Session, tmp_path: Path) -> None:
    owner = make_user(session)
    ws = owner.default_workspace_id
    env = {**ENV, "PUNCHCLOCK_WEBHOOKS_CONCURRENCY": "2"}  # two subscriptions each: both servers have work
    with Receiver(delay=0.05) as rx:
        subs = [make_subscription(session, user_id=owner.id, workspace_id=ws, url=f"{rx.url}/{n}") for n in range(4)]
        with live_server(db_url, tmp_path / "a.log", env=env) as a, live_server(db_url, tmp_path / "b.log", env=env):
            # Queued while both run, so both look for the same work; every event goes to every subscription.
            events = [queue_for(session, subs, entity_id=n).id for n in range(12)]
            owners = _lease_owners_until(session, rx, 48)
            time.sleep(1.5)  # a duplicate would arrive now
            assert problems((tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()) == []
            assert a.proc.poll() is None
    got: dict[int, list[int]] = {}
    for r in rx.received:
        body = r.json()
        assert r.path == f"/hook/{subs.index(next(s for s in subs if s.id == body['subscription_id']))}"
        assert r.headers["x-punchclock-delivery-attempt"] == "1"
        assert Receiver.verify(subs[0].secret, r)
        got.setdefault(body["subscription_id"], []).append(body["event_id"])
    assert got == {s.id: events for s in subs}
    assert len({owner.rsplit(":", 2)[1] for owner in owners}) == 2  # both processes delivered
    assert len(rx.received) == 48
    session.rollback()
    assert {st for _, st in _statuses(session)} == {"delivered"}
    assert list(session.scalars(select(WebhookSubscription.lease_owner))) == [None] * 4
