"""Webhooks: delivery throughput, and what the outbox adds to a time-entry write.

    .venv/bin/python bench/webhooks.py [--events 1000] [--subscriptions 4] [--duration 10] [--db sqlite|postgres]
                                       [--no-append] [--outbox-only]

1. **Delivery**: ``--events`` events queued (straight into the database, as the outbox writes them) for each
   of ``--subscriptions`` validated subscriptions whose callback is a local receiver (bench/api.py's bare
   ASGI app under uvicorn, in its own process, answering 200). One ``Dispatcher`` in this process with
   ``webhooks_concurrency`` = the subscriptions, ``drain()`` timed: deliveries per second (wall clock) and
   CPU per delivery of this process (signing, the pinned POST, the status update).
2. **Outbox cost**: ``POST /api/v9/workspaces/{wid}/time_entries`` through raw ASGI calls into one app in this
   process (as ``bench/api.py --cpu``), for two users with identical data: one whose workspace has no
   subscription, one whose workspace has a validated subscription taking ``time_entry`` events (so every
   write renders the entry, checks the creator and inserts one event and one delivery). The delivery loop is
   off here (its own cost is part 1); rounds alternate, CPU via ``time.process_time()``. Target: with / without
   <= 1.15 (the outbox costs at most 15% of a write).

Appends the figures, the database, the date and the git commit to bench/results/webhooks.md (not with
``--outbox-only``, which skips part 1 while working on the outbox).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _results  # bench/_results.py (scripts run with bench/ on sys.path)
from _database import drop_database, fresh_database, server_version
from api import Asgi, free_port, process, serve_bare, sign_up

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "webhooks.md"
PG_DB_NAME = "punchclock_bench_webhooks"
OUTBOX_GOAL = 1.15


@dataclass
class Delivery:
    events: int
    seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


@contextmanager
def database(kind: str, work: Path, part: str) -> Iterator[str]:
    """A migrated, empty database per part: a SQLite file in ``work``, or a fresh PostgreSQL one."""
    from punchclock.db.migrate import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{work / f'{part}.db'}"
        upgrade(url)
        yield url
        return
    name = f"{PG_DB_NAME}_{part}"
    url = fresh_database(name)
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(name)


def make_app(db_url: str, **settings: Any) -> Any:
    from punchclock.app import create_app
    from punchclock.config import Settings

    return create_app(Settings(database_url=db_url, rate_limit=False, public_url="http://bench",
                               webhooks_allow_private=True, **settings))


def subscribe(db_url: str, workspace_id: int, url: str, filters: list[dict[str, str]], count: int = 1) -> list[int]:
    """Validated subscriptions of the workspace's first member, written directly (no probe)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from punchclock.db.engine import make_engine
    from punchclock.models import WebhookSubscription, WorkspaceMember

    engine = make_engine(db_url)
    try:
        with Session(engine) as db, db.begin():
            user_id = db.scalars(select(WorkspaceMember.user_id).where(WorkspaceMember.workspace_id == workspace_id)
                                 ).first()
            subs = [WebhookSubscription(workspace_id=workspace_id, user_id=user_id, description=f"bench {n}",
                                        url_callback=url, secret="bench-secret", enabled=True,
                                        event_filters=filters, validation_code="0" * 32,
                                        validated_at=datetime.now(UTC)) for n in range(count)]
            db.add_all(subs)
            db.flush()
            return [s.id for s in subs]
    finally:
        engine.dispose()


def queue(db_url: str, workspace_id: int, subscription_ids: list[int], events: int) -> None:
    """``events`` time-entry events, each with one pending delivery per subscription, in one transaction."""
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from punchclock.db.engine import make_engine
    from punchclock.models import WebhookDelivery, WebhookEvent

    now = datetime.now(UTC)
    engine = make_engine(db_url)
    try:
        with Session(engine) as db, db.begin():
            rows = [{"workspace_id": workspace_id, "entity": "time_entry", "action": "created", "entity_id": n,
                     "creator_id": None, "created_at": now, "payload": {"id": n, "description": f"Entry {n}"},
                     "meta": {"action": "created", "model": "time_entry", "event_user_id": "",
                              "workspace_id": str(workspace_id), "time_entry_id": str(n), "path": "",
                              "request_type": ""}} for n in range(events)]
            ids = db.scalars(insert(WebhookEvent).returning(WebhookEvent.id, sort_by_parameter_order=True), rows).all()
            db.execute(insert(WebhookDelivery), [
                {"event_id": i, "subscription_id": s, "status": "pending", "attempts": 0, "next_attempt_at": now,
                 "redact_rates": False} for i in ids for s in subscription_ids])
    finally:
        engine.dispose()


def delivered(db_url: str) -> int:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from punchclock.db.engine import make_engine
    from punchclock.models import WebhookDelivery

    engine = make_engine(db_url)
    try:
        with Session(engine) as db:
            return db.scalar(select(func.count()).where(WebhookDelivery.status == "delivered")) or 0
    finally:
        engine.dispose()


def measure_delivery(db_url: str, events: int, subscriptions: int, work: Path) -> Delivery:
    from punchclock.webhooks.dispatcher import Dispatcher

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench")}
    with process([sys.executable, str(Path(__file__).resolve()), "--serve-receiver", str(port)], env,
                 work / "receiver.log", f"http://127.0.0.1:{port}/"):
        _, wid = sign_up(db_url, 1)[0]
        subs = subscribe(db_url, wid, f"http://127.0.0.1:{port}/hook", [{"entity": "*", "action": "*"}],
                         subscriptions)
        queue(db_url, wid, subs, events)
        app = make_app(db_url, webhooks_dispatcher=False, webhooks_concurrency=subscriptions)
        try:
            dispatcher = Dispatcher(app.state)
            started, cpu = time.perf_counter(), time.process_time()
            asyncio.run(dispatcher.drain())
            result = Delivery(events * subscriptions, time.perf_counter() - started, time.process_time() - cpu)
        finally:
            app.state.engine.dispose()
    sent = delivered(db_url)
    if sent != events * subscriptions:
        raise SystemExit(f"only {sent} of {events * subscriptions} deliveries succeeded: see {work / 'receiver.log'}")
    return result


async def _cpu_time(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        await fn()
    return time.process_time() - started


async def _outbox_rows(db_url: str, duration: int) -> tuple[float, float, int]:
    """(CPU ms per write without, with a subscription; events queued by the measured writes)."""
    (plain_token, plain_wid), (hooked_token, hooked_wid) = sign_up(db_url, 2)
    subscribe(db_url, hooked_wid, "http://127.0.0.1:9/never-called", [{"entity": "time_entry", "action": "*"}])
    app = make_app(db_url, webhooks_dispatcher=False)
    clients = {"without": (Asgi(app, plain_token), plain_wid), "with": (Asgi(app, hooked_token), hooked_wid)}

    def write(label: str) -> Callable[[], Awaitable[Any]]:
        client, wid = clients[label]
        body = {"description": "bench", "created_with": "bench", "duration": 1500,
                "start": "2023-10-02T08:00:00Z", "workspace_id": wid}
        return lambda: client.ok("POST", f"/api/v9/workspaces/{wid}/time_entries", body)

    async with app.router.lifespan_context(app):
        calls = max(1, int(0.2 / max(await _cpu_time(write("without"), 3) / 3, 1e-4)))  # rounds of ~0.2 s
        rounds = max(4, int(duration / 0.4))
        spent = {"without": 0.0, "with": 0.0}
        for n in range(rounds + 1):  # the first round is a warm-up
            for label in (("without", "with") if n % 2 else ("with", "without")):
                seconds = await _cpu_time(write(label), calls)
                spent[label] += seconds if n else 0.0
    app.state.engine.dispose()
    per_call = rounds * calls
    return spent["without"] / per_call * 1e3, spent["with"] / per_call * 1e3, events_count(db_url)


def events_count(db_url: str) -> int:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from punchclock.db.engine import make_engine
    from punchclock.models import WebhookEvent

    engine = make_engine(db_url)
    try:
        with Session(engine) as db:
            return db.scalar(select(func.count()).select_from(WebhookEvent)) or 0
    finally:
        engine.dispose()


def report(args: argparse.Namespace, backend: str, d: Delivery, without: float, with_: float, events: int) -> str:
    ratio = with_ / without
    verdict = "met" if ratio <= OUTBOX_GOAL else "**missed**"
    delivery = [] if not d.events else [
        f"| Delivery: {args.events} events x {args.subscriptions} subscriptions, one dispatcher "
        f"(concurrency {args.subscriptions}), local receiver | {d.per_second:.0f} deliveries/s "
        f"({d.events} in {d.seconds:.1f} s, {d.cpu_seconds / d.events * 1e3:.2f} CPU ms each) | recorded |"]
    return "\n".join([
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_results.git_commit()}", "",
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {backend}.", "",
        "| Measure | Figure | Target |", "| --- | ---: | --- |",
        *delivery,
        f"| v9 POST time entry, no subscription | {without:.3f} CPU ms | |",
        f"| v9 POST time entry, one subscription taking time_entry ({events} events queued) | {with_:.3f} CPU ms | |",
        f"| Outbox cost: with / without | {ratio:.0%} | <= {OUTBOX_GOAL:.0%}: {verdict} |",
    ])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1000, help="events queued per subscription (default 1000)")
    parser.add_argument("--subscriptions", type=int, default=4, help="subscriptions delivered to (default 4)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of the outbox comparison (default 10)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite",
                        help=f"a temporary SQLite file, or a fresh PostgreSQL database {PG_DB_NAME} (dropped after)")
    parser.add_argument("--no-append", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--outbox-only", action="store_true", help="skip part 1 (delivery); implies --no-append")
    parser.add_argument("--serve-receiver", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.serve_receiver:
        serve_bare(args.serve_receiver, "auto", "auto")
        return
    with tempfile.TemporaryDirectory(prefix="punchclock-bench-") as tmp:
        work = Path(tmp)
        d = Delivery(0, 1.0, 0.0)
        if not args.outbox_only:
            with database(args.db, work, "delivery") as url:
                d = measure_delivery(url, args.events, args.subscriptions, work)
            print(f"delivery: {d.per_second:.0f}/s")
        with database(args.db, work, "outbox") as url:
            backend = server_version(url)
            without, with_, events = asyncio.run(_outbox_rows(url, args.duration))
    text = report(args, backend, d, without, with_, events)
    print()
    print(text)
    if not args.no_append and not args.outbox_only:
        _results.append(RESULTS, "webhooks.py", "Webhooks benchmark results", text)


if __name__ == "__main__":
    main()
