"""The delivery loop inside every ``punchclock serve`` worker (70- §8, V-41, V-43).

Each worker leases up to ``webhooks_concurrency`` subscriptions at a time and sends their pending deliveries
one by one in ``event_id`` order, stopping at the first failure (strict order per subscription). All state is
in the database (``queue``), so a restart or a second process loses nothing; a dead process's lease expires
and another picks up where it stopped (at-least-once). Database work runs in threads, each call one short
transaction; no transaction is open while a request is in flight.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import anyio
from sqlalchemy.orm import Session, sessionmaker

from punchclock.models.webhooks import WebhookDelivery, WebhookEvent
from punchclock.webhooks import envelope, queue, retries, sender

log = logging.getLogger("punchclock.webhooks")
CLEANUP_EVERY = timedelta(hours=1)
#: Pending deliveries read at once per subscription (their events are immutable; URL and secret are re-read
#: before every attempt).
BATCH = 20

#: Wake-up callbacks of this process's running dispatchers (thread-safe callables).
_wakers: list[Callable[[], None]] = []


def notify() -> None:
    """Called after a commit that queued deliveries: wake this process's loop now (70- §8.1)."""
    for wake in list(_wakers):
        wake()


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Dispatcher:
    """``start()`` in the application's event loop, ``await stop()`` at shutdown; ``drain()`` for one full pass.

    ``clock`` (aware UTC) and ``rand`` ([0, 1), the retry jitter) are injectable so tests drive retries
    without sleeping.
    """

    def __init__(self, state: Any, *, clock: Callable[[], datetime] = _utcnow,
                 rand: Callable[[], float] = random.random) -> None:
        self.settings = state.settings
        # BEGIN IMMEDIATE on SQLite: claims and updates queue on busy_timeout instead of failing as "locked".
        self._sessions: sessionmaker[Session] = sessionmaker(
            state.engine.execution_options(sqlite_immediate=True), expire_on_commit=False)
        # Looking for due work is a read: an idle poll must not take SQLite's write lock every few seconds.
        self._reads: sessionmaker[Session] = sessionmaker(state.engine, expire_on_commit=False)
        self.clock = clock
        self.rand = rand
        self.owner = f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(6)}"
        self._active: dict[int, asyncio.Task[None]] = {}
        self._wake: asyncio.Event | None = None
        self._waker: Callable[[], None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._next_cleanup: datetime | None = None
        self._stopping = False

    # -- lifecycle --
    def start(self) -> None:
        loop = asyncio.get_running_loop()
        wake = self._wake = asyncio.Event()

        def waker() -> None:
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the loop is closed: the process is shutting down
                pass

        self._waker = waker
        _wakers.append(waker)
        self._task = loop.create_task(self._run(), name="webhook-dispatcher")

    async def stop(self) -> None:
        """Stop claiming; let attempts in flight finish (at most one timeout), so a restart sends no duplicates."""
        self._stopping = True
        if self._waker in _wakers:
            _wakers.remove(self._waker)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        active = list(self._active.values())
        if active:
            _, late = await asyncio.wait(active, timeout=self.settings.webhooks_timeout + 1)
            for task in late:
                task.cancel()
            await asyncio.gather(*active, return_exceptions=True)

    # -- the loop --
    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                await self._clean_if_due()
                await self._fill()
            except Exception:
                log.exception("webhook dispatcher: database work failed; retrying at the next poll")
            try:
                await asyncio.wait_for(self._wake.wait(), self.settings.webhooks_poll_seconds)
            except TimeoutError:
                pass

    async def _fill(self) -> None:
        """Lease as many due subscriptions as there are free slots and deliver each in its own task."""
        free = self.settings.webhooks_concurrency - len(self._active)
        if free <= 0:
            return
        for subscription_id in await self._in_thread(self._claim, free, set(self._active)):
            task = asyncio.get_running_loop().create_task(self._deliver(subscription_id))
            self._active[subscription_id] = task
            task.add_done_callback(partial(self._finished, subscription_id))

    def _finished(self, subscription_id: int, task: asyncio.Task[None]) -> None:
        self._active.pop(subscription_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook dispatcher: subscription %s stopped", subscription_id, exc_info=task.exception())
        if self._wake is not None:
            self._wake.set()  # a slot is free: look for more work now

    async def drain(self) -> None:
        """Deliver until nothing is due at ``clock()`` (tests and the benchmark drive the loop with it)."""
        while ids := await self._in_thread(self._claim, self.settings.webhooks_concurrency, set()):
            await asyncio.gather(*(self._deliver(sid) for sid in ids))

    async def _clean_if_due(self) -> None:
        now = self.clock()
        if self._next_cleanup is None or now >= self._next_cleanup:
            self._next_cleanup = now + CLEANUP_EVERY
            cutoff = now - timedelta(days=self.settings.webhooks_retention_days)
            if await self._in_thread(self._read, queue.expired, cutoff):
                await self._in_thread(self._write, queue.clean, cutoff)

    # -- one subscription --
    async def _deliver(self, subscription_id: int) -> None:
        """Send the subscription's due deliveries in order until one fails or none is due; then release it."""
        delivered: tuple[int, datetime] | None = None  # sent, recorded with the next step
        queued: deque[tuple[WebhookDelivery, WebhookEvent]] = deque()
        try:
            async with sender.Connections(self.settings.webhooks_timeout) as connections:
                while not self._stopping:
                    now = self.clock()
                    step = await self._in_thread(self._write, queue.step, subscription_id, self.owner, now,
                                                 self._lease_end(now), delivered, 0 if queued else BATCH)
                    delivered = None
                    if step is None:
                        return
                    queued.extend(step.queued)
                    if not queued or queued[0][0].next_attempt_at > now:
                        return  # nothing left, or the head waits for its retry (strict order)
                    delivery, event = queued.popleft()
                    if not await self._send(queue.Attempt(delivery, event, step.subscription), now, connections):
                        return
                    delivered = (delivery.id, now)
        finally:
            with anyio.CancelScope(shield=True):
                await self._in_thread(self._write, queue.finish, subscription_id, self.owner, delivered)

    async def _send(self, attempt: queue.Attempt, now: datetime, connections: sender.Connections) -> bool:
        delivery, event, subscription = attempt.delivery, attempt.event, attempt.subscription
        number = delivery.attempts + 1
        body = envelope.event_body(event, delivery, subscription, now)
        headers = envelope.headers(subscription.secret, body, event.id, number)
        outcome = await sender.post(subscription.url_callback, body, headers, settings=self.settings,
                                    connections=connections)
        if outcome.ok:
            return True
        error = outcome.error or "failed"
        delay = retries.delay_after(number, scale=self.settings.webhooks_retry_scale, rand=self.rand)
        await self._in_thread(self._write, queue.failed, attempt, error, now, None if delay is None else now + delay)
        # No URL, body or secret in the log: the subscription and event ids lead to them.
        log.warning("webhook delivery failed: subscription %s, event %s, attempt %s: %s",
                    subscription.id, event.id, number, error)
        return False

    # -- database work, in threads --
    def _lease_end(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.settings.webhooks_lease_seconds)

    def _claim(self, limit: int, skip: set[int]) -> list[int]:
        now = self.clock()
        candidates = self._read(queue.due, now, limit, skip)
        if not candidates:
            return []
        claimed: list[int] = []
        with self._sessions.begin() as session:  # a lease taken meanwhile by another process fails its claim
            for subscription_id in candidates:
                if queue.claim(session, subscription_id, self.owner, now, self._lease_end(now)):
                    claimed.append(subscription_id)
        return claimed

    def _read(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._reads.begin() as session:
            return work(session, *args)

    def _write(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._sessions.begin() as session:
            return work(session, *args)

    @staticmethod
    async def _in_thread(work: Callable[..., Any], *args: Any) -> Any:
        return await anyio.to_thread.run_sync(work, *args)
