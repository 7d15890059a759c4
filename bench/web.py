"""The web app's pages: time to the HTML of each page for a user with 10,000 entries, next to a bare ASGI page.

    .venv/bin/python bench/web.py [--entries 10000] [--requests 40] [--db sqlite|postgres] [--no-append]

Builds a database (a SQLite file in a temporary directory, or a fresh PostgreSQL database
``punchclock_bench_web`` next to PUNCHCLOCK_BENCH_PG_URL, dropped at the end) with one user in
Europe/Berlin who is admin of their workspace: 5 clients, 30 projects, 20 tags and ``--entries`` stopped
entries over the two years up to yesterday (a third of them tagged). Starts punchclock
(``python -m punchclock serve``, one worker, no access log, rate limit off) and the bare ASGI app of
bench/api.py on the same uvicorn stack, signs in through ``/login`` like a browser (the session cookie and
the form's CSRF token), then GETs every page ``--requests`` times after two warm-up requests, one client,
one request at a time: wall-clock time to the whole answer, the real stack included (HTTP parsing, the
session, the queries, the template).

Target (issue "web app"): every page's HTML answers in under 50 ms (median) for a user with 10,000 entries.
The ratio to the bare page of the same run puts the figures in context on a loaded machine. A page that is
not built yet answers 404 and is listed as missing (the pages are built in parallel; re-run at the end).
Prints the table and appends it, the database, the date and the git commit to bench/results/web.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

import _results  # bench/_results.py (scripts run with bench/ on sys.path)
from _database import drop_database, fresh_database, server_version
from api import free_port, process, serve_bare

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "web.md"
PG_DB_NAME = "punchclock_bench_web"
EMAIL, PASSWORD, ZONE = "bench@example.org", "bench-password", "Europe/Berlin"
CLIENTS, PROJECTS, TAGS, DAYS = 5, 30, 20, 730
TARGET_MS = 50.0
WARM_UP = 2


# -- data -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seeded:
    user_id: int
    workspace_id: int
    project_id: int


def populate(url: str, entries: int) -> Seeded:
    """The user (signed up as ``POST /signups`` does), the catalog and the entries (Core inserts)."""
    from punchclock.db.engine import make_engine
    from punchclock.db.migrate import upgrade
    from punchclock.domain import security
    from punchclock.domain.users import Signup, signup

    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as db, db.begin():
            user = signup(db, Signup(email=EMAIL, password=PASSWORD, timezone=ZONE, fullname="Bench User"),
                          security.hash_password(PASSWORD))
            db.flush()
            assert user.default_workspace_id is not None
            seeded = Seeded(user.id, user.default_workspace_id, 0)
            project_ids = _catalog(db, seeded)
            _entries(db, seeded, project_ids, entries)
        return Seeded(seeded.user_id, seeded.workspace_id, project_ids[0])
    finally:
        engine.dispose()


def _catalog(db: Session, seeded: Seeded) -> list[int]:
    """Clients, projects (a third with a rate, most with a client) and tags; the project ids."""
    from punchclock.models import Client, Project, Tag

    wid = seeded.workspace_id
    db.execute(insert(Client), [{"workspace_id": wid, "name": f"Client {c}"} for c in range(1, CLIENTS + 1)])
    client_ids = list(db.scalars(select(Client.id).where(Client.workspace_id == wid).order_by(Client.id)))
    db.execute(insert(Project), [
        {"workspace_id": wid, "name": f"Project {p:02d}", "client_id": client_ids[p % CLIENTS] if p % 6 else None,
         "is_private": False, "billable": True, "color": p % 14, "rate": Decimal(90) if p % 3 == 0 else None,
         "currency": None} for p in range(1, PROJECTS + 1)])
    db.execute(insert(Tag), [{"workspace_id": wid, "name": f"tag-{t:02d}"} for t in range(1, TAGS + 1)])
    return list(db.scalars(select(Project.id).where(Project.workspace_id == wid).order_by(Project.id)))


def _entries(db: Session, seeded: Seeded, project_ids: list[int], count: int) -> None:
    """``count`` stopped entries, about 14 a day over the last two years, in working hours of the user's zone."""
    from punchclock.models import Tag, TimeEntry, TimeEntryTag

    rng = random.Random(2026)
    tag_ids = list(db.scalars(select(Tag.id).where(Tag.workspace_id == seeded.workspace_id)))
    today = datetime.now(ZoneInfo(ZONE)).replace(hour=0, minute=0, second=0, microsecond=0)
    descriptions = [f"Work item {i}" for i in range(200)] + [""]
    rows, guids = [], []
    for _ in range(count):
        day = today - timedelta(days=rng.randint(1, DAYS))
        start = (day + timedelta(minutes=rng.randrange(8 * 60, 18 * 60))).astimezone(UTC)
        seconds = rng.randint(15 * 60, 3 * 3600)
        pid = None if rng.random() < 0.1 else rng.choice(project_ids)
        guid = str(uuid.UUID(int=rng.getrandbits(128)))
        guids.append(guid)
        rows.append({"guid": guid, "workspace_id": seeded.workspace_id, "user_id": seeded.user_id,
                     "project_id": pid, "billable": rng.random() < 0.6, "start": start,
                     "stop": start + timedelta(seconds=seconds), "duration": seconds,
                     "description": rng.choice(descriptions), "created_with": "bench",
                     "rate": Decimal(90) if pid is not None and project_ids.index(pid) % 3 == 2 else Decimal(0),
                     "currency": "USD"})
    db.execute(insert(TimeEntry), rows)
    found = db.execute(select(TimeEntry.guid, TimeEntry.id).where(TimeEntry.user_id == seeded.user_id))
    ids = {guid: entry_id for guid, entry_id in found}
    tagged = [g for g in guids if rng.random() < 1 / 3]
    db.execute(insert(TimeEntryTag), [{"time_entry_id": ids[g], "tag_id": t} for g in tagged
                                      for t in rng.sample(tag_ids, rng.choice((1, 1, 2)))])


# -- servers and the signed-in client ---------------------------------------------------------------

@contextmanager
def database(kind: str, work: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{work / 'web.db'}"
        return
    url = fresh_database(PG_DB_NAME)
    try:
        yield url
    finally:
        drop_database(PG_DB_NAME)


def servers(resources: ExitStack, db_url: str, work: Path) -> tuple[str, str]:
    """(punchclock's base URL, the bare app's) on free ports, each one uvicorn worker (httptools + uvloop)."""
    ours, bare = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env.update(PUNCHCLOCK_DATABASE_URL=db_url, PUNCHCLOCK_RATE_LIMIT="false", PUNCHCLOCK_LOGIN_THROTTLE="false",
               PUNCHCLOCK_WEBHOOKS_DISPATCHER="false", PUNCHCLOCK_PUBLIC_URL=f"http://127.0.0.1:{ours}",
               PYTHONPATH=str(ROOT / "bench"))
    resources.enter_context(process(
        [sys.executable, "-m", "punchclock", "serve", "--host", "127.0.0.1", "--port", str(ours), "--workers", "1",
         "--no-access-log"], env, work / "ours.log", f"http://127.0.0.1:{ours}/health"))
    resources.enter_context(process([sys.executable, str(Path(__file__).resolve()), "--serve-bare", str(bare)], env,
                                    work / "bare.log", f"http://127.0.0.1:{bare}/"))
    return f"http://127.0.0.1:{ours}", f"http://127.0.0.1:{bare}"


def signed_in(base: str) -> httpx.Client:
    """A client holding a web session, signed in through the sign-in form as a browser is."""
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if token is None:
        raise SystemExit(f"no CSRF field on /login:\n{form.text[:500]}")
    answer = client.post("/login", data={"csrf": token[1], "email": EMAIL, "password": PASSWORD, "next": "/timer"})
    if answer.status_code != 303 or "punchclock" not in client.cookies:
        raise SystemExit(f"signing in failed: {answer.status_code} {answer.text[:300]}")
    return client


# -- timing -----------------------------------------------------------------------------------------

@dataclass
class Timing:
    label: str
    path: str
    status: int
    median_ms: float = 0.0
    p95_ms: float = 0.0


def pages(seeded: Seeded) -> list[tuple[str, str]]:
    return [
        ("Timer", "/timer"),
        ("Projects", "/projects"),
        ("Project", f"/projects/{seeded.project_id}"),
        ("Clients", "/clients"),
        ("Tags", "/tags"),
        ("Team", "/team"),
        ("Summary report", "/reports/summary"),
        ("Summary report, this year", "/reports/summary?range=this_year"),
        ("Detailed report", "/reports/detailed"),
        ("Detailed report, this year", "/reports/detailed?range=this_year"),
        ("Weekly report", "/reports/weekly"),
        ("Weekly report, this year", "/reports/weekly?range=this_year"),
        ("Profile settings", "/settings/profile"),
        ("Workspace settings", "/settings/workspace"),
    ]


def timed(client: httpx.Client, label: str, path: str, requests: int) -> Timing:
    """Median and p95 of ``requests`` GETs after the warm-up; a page answering other than 200 is not timed."""
    for _ in range(WARM_UP):
        first = client.get(path)
        if first.status_code != 200:
            return Timing(label, path, first.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1e3)
        if answer.status_code != 200:
            return Timing(label, path, answer.status_code)
    return Timing(label, path, 200, statistics.median(times), _p95(times))


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdict(t: Timing) -> str:
    if t.status == 404:
        return "missing (404)"
    if t.status != 200:
        return f"HTTP {t.status}"
    return "met" if t.median_ms < TARGET_MS else "**missed**"


def table(rows: list[Timing], bare: Timing) -> str:
    lines = ["| page | path | median | p95 | median / bare | < 50 ms median |", "|---|---|---:|---:|---:|---|"]
    for t in rows:
        figures = (f"{t.median_ms:.1f} ms | {t.p95_ms:.1f} ms | {t.median_ms / bare.median_ms:.1f}"
                   if t.status == 200 else "- | - | -")
        lines.append(f"| {t.label} | `{t.path}` | {figures} | {verdict(t)} |")
    lines.append(f"| bare ASGI app (reference) | `/` | {bare.median_ms:.2f} ms | {bare.p95_ms:.2f} ms | 1.0 | |")
    return "\n".join(lines)


def run(args: argparse.Namespace, work: Path) -> tuple[list[Timing], Timing, str]:
    with ExitStack() as resources:
        db_url = resources.enter_context(database(args.db, work))
        started = time.perf_counter()
        seeded = populate(db_url, args.entries)
        print(f"seeded {args.entries:,} entries in {time.perf_counter() - started:.1f} s", flush=True)
        ours, bare_base = servers(resources, db_url, work)
        backend = server_version(db_url)
        client = signed_in(ours)
        resources.callback(client.close)
        with httpx.Client(base_url=bare_base) as bare_client:
            bare = timed(bare_client, "bare", "/", args.requests)
        rows = []
        for label, path in pages(seeded):
            rows.append(timed(client, label, path, args.requests))
            print(f"{label}: {verdict(rows[-1])} {rows[-1].median_ms:.1f} ms", flush=True)
    return rows, bare, backend


def header(args: argparse.Namespace, backend: str, load: float) -> str:
    import uvicorn

    return (
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {backend}, commit {_results.git_commit()}\n\n"
        f"{os.cpu_count()} CPUs (load average up to {load:.1f}), Python {platform.python_version()}, "
        f"uvicorn {uvicorn.__version__} (httptools + uvloop), 1 worker; one user with {args.entries:,} "
        f"entries, {PROJECTS} projects, {CLIENTS} clients, {TAGS} tags; one signed-in client, "
        f"{args.requests} sequential GETs per page after {WARM_UP} warm-up requests; wall-clock time to the "
        "whole answer. Target: median under 50 ms."
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=10_000, help="entries of the user (default 10000)")
    parser.add_argument("--requests", type=int, default=40, help="timed GETs per page (default 40)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite",
                        help=f"a temporary SQLite file, or a fresh PostgreSQL database {PG_DB_NAME} (dropped after)")
    parser.add_argument("--no-append", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare, "auto", "auto")
        return
    load = os.getloadavg()[0]  # the machine may be shared: the figures say how busy it was
    with tempfile.TemporaryDirectory(prefix="punchclock-bench-") as tmp:
        rows, bare, backend = run(args, Path(tmp))
    load = max(load, os.getloadavg()[0])
    text = header(args, backend, load) + "\n\n" + table(rows, bare)
    print()
    print(text)
    if not args.no_append:
        _results.append(RESULTS, "web.py", "Web app page-speed benchmark results", text)


if __name__ == "__main__":
    main()
