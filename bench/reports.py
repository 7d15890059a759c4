"""Reports API v2 against the hand-written SQL for the same numbers, on SQLite and PostgreSQL.

    .venv/bin/python bench/reports.py [--entries 1000000] [--db sqlite,postgresql] [--repeat 3] [--no-append]

Builds (once, then reuses) a workspace of ``--entries`` stopped entries: 50 users in Europe/Berlin,
300 projects of 40 clients, 20 tags on about a third of the entries, spread over the year 2025.
Then, for each database, times each report through the app in-process (no network: the figures are
the report's own cost) next to one hand-written SQL statement that computes the same numbers, and
prints the ratio. Appends the table, the date and the git commit to bench/results/reports.md.

The PostgreSQL run needs a server on 127.0.0.1:5432 (trust auth); it uses the database
``punchclock_bench`` (created on first use). Targets (issue "Reports API v2"): each report at most
1.5x its SQL; the summary of a year at most 1 s on SQLite.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine

import _results  # bench/_results.py (scripts run with bench/ on sys.path)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "reports.md"
DATA = ROOT / "bench" / ".data"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/punchclock_bench"
ZONE = "Europe/Berlin"
YEAR = 2025
USERS, PROJECTS, CLIENTS, TAGS = 50, 300, 40, 20
TARGET_RATIO = 1.5


# -- data -------------------------------------------------------------------------------------------

def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def populate(url: str, entries: int) -> None:
    """Users, workspace, catalog and ``entries`` entries, with rates resolved as domain/rates.py does."""
    from punchclock.db.migrate import upgrade
    from punchclock.domain import security
    from punchclock.models import (
        Client,
        Project,
        ProjectMember,
        Tag,
        TimeEntry,
        TimeEntryTag,
        User,
        Workspace,
        WorkspaceMember,
    )

    upgrade(url)
    engine = create_engine(url)
    rng = random.Random(2025)
    now = datetime.now(UTC).replace(microsecond=0)
    password = security.hash_password("bench-password")
    with engine.begin() as conn:
        conn.execute(insert(Workspace), [dict(id=1, name="Bench", premium=True, default_hourly_rate=Decimal(60),
                                              default_currency="EUR", api_token=uuid.uuid4().hex,
                                              created_at=now, updated_at=now)])
        conn.execute(insert(User), [dict(id=u, email=f"user{u}@bench.example", password_hash=password,
                                         api_token=uuid.uuid4().hex, fullname=f"Bench User {u:02d}",
                                         timezone=ZONE, default_workspace_id=1, created_at=now, updated_at=now)
                                    for u in range(1, USERS + 1)])
        conn.execute(insert(WorkspaceMember), [dict(workspace_id=1, user_id=u, admin=u == 1, active=True,
                                                    created_at=now, updated_at=now) for u in range(1, USERS + 1)])
        clients = [dict(id=c, workspace_id=1, name=f"Client {c:02d}", hourly_rate=Decimal(70) if c % 4 == 0 else None,
                        currency="USD" if c % 10 == 0 else None, created_at=now, updated_at=now)
                   for c in range(1, CLIENTS + 1)]
        conn.execute(insert(Client), clients)
        projects = [dict(id=p, workspace_id=1, client_id=rng.randint(1, CLIENTS), name=f"Project {p:03d}",
                         is_private=False, billable=True, color=p % 14,
                         rate=Decimal(80 + p % 5 * 10) if p % 3 == 0 else None, currency=None,
                         created_at=now, updated_at=now) for p in range(1, PROJECTS + 1)]
        conn.execute(insert(Project), projects)
        members = {(rng.randint(1, PROJECTS), rng.randint(1, USERS)) for _ in range(400)}
        member_rates = {pair: Decimal(95) for i, pair in enumerate(sorted(members)) if i % 2 == 0}
        conn.execute(insert(ProjectMember), [dict(project_id=p, user_id=u, workspace_id=1, manager=False,
                                                  rate=member_rates.get((p, u)), created_at=now, updated_at=now)
                                             for p, u in sorted(members)])
        conn.execute(insert(Tag), [dict(id=t, workspace_id=1, name=f"tag-{t:02d}", created_at=now, updated_at=now)
                                   for t in range(1, TAGS + 1)])

    client_of = {p["id"]: p["client_id"] for p in projects}
    client_rate = {c["id"]: c["hourly_rate"] for c in clients}
    client_cur = {c["id"]: c["currency"] for c in clients}
    project_rate = {p["id"]: p["rate"] for p in projects}

    def chain(pid: int | None, uid: int) -> tuple[Decimal, str]:
        if pid is None:
            return Decimal(60), "EUR"
        rate = member_rates.get((pid, uid)) or project_rate[pid] or client_rate[client_of[pid]] or Decimal(60)
        return rate, client_cur[client_of[pid]] or "EUR"

    first, seconds_in_year = _midnight(date(YEAR, 1, 1)), int((_midnight(date(YEAR + 1, 1, 1)) -
                                                              _midnight(date(YEAR, 1, 1))).total_seconds())
    descriptions = [f"Work item {i}" for i in range(200)] + [""]
    batch = 20_000
    print(f"  generating {entries:,} entries …", flush=True)
    with engine.begin() as conn:
        next_id = 1
        for offset in range(0, entries, batch):
            rows, tags = [], []
            for _ in range(min(batch, entries - offset)):
                uid = rng.randint(1, USERS)
                pid = None if rng.random() < 0.1 else rng.randint(1, PROJECTS)
                start = first + timedelta(seconds=rng.randrange(seconds_in_year - 86400))
                dur = rng.randint(300, 4 * 3600)
                rate, cur = chain(pid, uid)
                rows.append(dict(id=next_id, guid=str(uuid.UUID(int=next_id)), workspace_id=1, user_id=uid,
                                 project_id=pid, task_id=None, billable=rng.random() < 0.6, start=start,
                                 stop=start + timedelta(seconds=dur), duration=dur,
                                 description=rng.choice(descriptions), duronly=False, created_with="bench",
                                 rate=rate, currency=cur, created_at=now, updated_at=now))
                if rng.random() < 0.33:
                    tags.append(dict(time_entry_id=next_id, tag_id=rng.randint(1, TAGS)))
                next_id += 1
            conn.execute(insert(TimeEntry), rows)
            if tags:
                conn.execute(insert(TimeEntryTag), tags)
            print(f"\r  {offset + len(rows):,} entries", end="", flush=True)
    print()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('time_entries', 'id'), :n)"), {"n": entries})
            for table in ("users", "workspaces", "clients", "projects", "tags"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def ready(url: str, entries: int) -> bool:
    """The database holds ``entries`` entries and every index the models declare (else: build anew)."""
    from sqlalchemy import inspect

    from punchclock.models import TimeEntry

    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM time_entries")).scalar_one()
            have = {i["name"] for i in inspect(conn).get_indexes("time_entries")}
        engine.dispose()
        want = {i.name for i in TimeEntry.__table__.indexes}
        return bool(n == entries) and want <= have
    except Exception:
        return False


def database(kind: str, entries: int) -> str:
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"reports-{entries}.db"
        url = f"sqlite:///{path}"
        if not ready(url, entries):
            path.unlink(missing_ok=True)
            populate(url, entries)
        return url
    if not ready(PG_BENCH, entries):
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS punchclock_bench WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE punchclock_bench"))
        admin.dispose()
        populate(PG_BENCH, entries)
    return PG_BENCH


# -- the hand-written SQL ---------------------------------------------------------------------------

SQLITE = False  # set per run: SQLite stores UTC instants as naive ISO text, so bind them that way


def _instant(value: datetime) -> Any:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if SQLITE else value


def _bounds(since: date, until: date) -> dict[str, Any]:
    return {"lo": _instant(_midnight(since)), "hi": _instant(_midnight(until + timedelta(days=1)))}


LIVE = "workspace_id = 1 AND deleted_at IS NULL AND stop IS NOT NULL AND start >= :lo AND start < :hi"
AMOUNT = "CASE WHEN billable THEN (duration * rate + 1800) / 3600 ELSE 0 END"
AMOUNT_TE = "CASE WHEN te.billable THEN (te.duration * te.rate + 1800) / 3600 ELSE 0 END"


def raw_summary(engine: Engine, since: date, until: date) -> Any:
    sql = (f"SELECT project_id, user_id, currency, sum(duration), sum({AMOUNT}), min(rate), max(rate) "
           f"FROM time_entries WHERE {LIVE} GROUP BY project_id, user_id, currency")
    with engine.connect() as conn:
        return conn.execute(text(sql), _bounds(since, until)).all()


def raw_weekly(engine: Engine, since: date, until: date) -> Any:
    edges = [_midnight(since + timedelta(days=i)) for i in range(1, 7)]
    bucket = "CASE " + " ".join(f"WHEN start < :b{i} THEN {i}" for i in range(6)) + " ELSE 6 END"
    sql = (f"SELECT project_id, user_id, currency, {bucket} AS day, sum(duration), sum({AMOUNT}) "
           f"FROM time_entries WHERE {LIVE} GROUP BY project_id, user_id, currency, day")
    with engine.connect() as conn:
        edge_params = {f"b{i}": _instant(e) for i, e in enumerate(edges)}
        return conn.execute(text(sql), {**_bounds(since, until), **edge_params}).all()


def raw_details(engine: Engine, since: date, until: date, page: int) -> Any:
    # The page's ids first (an index-only walk), then the joins for those 50 rows only.
    sql = (f"SELECT te.id, te.start, te.stop, te.duration, te.description, te.billable, {AMOUNT_TE} AS amount, "
           "te.currency, u.fullname, p.name, c.name, t.name FROM "
           f"(SELECT id FROM time_entries WHERE {LIVE} ORDER BY start DESC, id LIMIT 50 OFFSET :off) page "
           "JOIN time_entries te ON te.id = page.id "
           "JOIN users u ON u.id = te.user_id LEFT JOIN projects p ON p.id = te.project_id "
           "LEFT JOIN clients c ON c.id = p.client_id LEFT JOIN tasks t ON t.id = te.task_id "
           "ORDER BY te.start DESC, te.id")
    totals = f"SELECT count(*), sum(duration), currency, sum({AMOUNT}) FROM time_entries WHERE {LIVE} GROUP BY currency"
    with engine.connect() as conn:
        rows = conn.execute(text(sql), {**_bounds(since, until), "off": (page - 1) * 50}).all()
        ids = [r[0] for r in rows]
        conn.execute(text("SELECT time_entry_id, tag_id FROM time_entry_tags WHERE time_entry_id IN "
                          f"({','.join(str(i) for i in ids) or 'NULL'})")).all()
        return rows, conn.execute(text(totals), _bounds(since, until)).all()


def raw_export(engine: Engine, since: date, until: date) -> int:
    sql = (f"SELECT te.id, te.start, te.stop, te.duration, te.description, te.billable, {AMOUNT_TE} AS amount, "
           "te.currency, u.fullname, u.email, p.name, c.name, t.name FROM time_entries te "
           "JOIN users u ON u.id = te.user_id LEFT JOIN projects p ON p.id = te.project_id "
           "LEFT JOIN clients c ON c.id = p.client_id LEFT JOIN tasks t ON t.id = te.task_id "
           f"WHERE te.{LIVE.replace(' AND ', ' AND te.')} ORDER BY te.start DESC, te.id")
    n = 0
    with engine.connect() as conn:
        for _ in conn.execution_options(yield_per=2000).execute(text(sql), _bounds(since, until)):
            n += 1
    return n


# -- measuring --------------------------------------------------------------------------------------

def median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm caches (page cache, statement cache) the same way for both sides
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(kind: str, entries: int, repeat: int) -> list[tuple[str, str, float, float]]:
    from fastapi.testclient import TestClient

    from punchclock.app import create_app
    from punchclock.config import Settings

    global SQLITE
    SQLITE = kind == "sqlite"
    url = database(kind, entries)
    engine = create_engine(url)
    with engine.connect() as conn:
        token = conn.execute(text("SELECT api_token FROM users WHERE id = 1")).scalar_one()
    app = create_app(Settings(database_url=url, rate_limit=False))
    auth = {"Authorization": "Basic " + base64.b64encode(f"{token}:api_token".encode()).decode()}
    client = TestClient(app)
    client.__enter__()

    def get(path: str, **params: Any) -> Callable[[], Any]:
        def call() -> Any:
            r = client.get(f"/reports/api/v2/{path}", params={"workspace_id": 1, "user_agent": "bench", **params},
                           headers=auth)
            if r.status_code != 200:
                raise SystemExit(f"{path} {params}: {r.status_code} {r.text[:300]}")
            return r.content
        return call

    year = (date(YEAR, 1, 1), date(YEAR, 12, 31))
    week = (date(YEAR, 6, 2), date(YEAR, 6, 8))
    month = (date(YEAR, 6, 1), date(YEAR, 6, 30))
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("summary, a year (projects x users)",
         get("summary", since=year[0], until=year[1], grouping="projects", subgrouping="users"),
         lambda: raw_summary(engine, *year)),
        ("weekly, one week", get("weekly", since=week[0]), lambda: raw_weekly(engine, *week)),
        ("detailed, a year, page 1", get("details", since=year[0], until=year[1]),
         lambda: raw_details(engine, *year, 1)),
        ("detailed, a year, page 1000", get("details", since=year[0], until=year[1], page=1000),
         lambda: raw_details(engine, *year, 1000)),
        ("CSV export, a month", get("details.csv", since=month[0], until=month[1]),
         lambda: raw_export(engine, *month)),
    ]
    out = []
    for name, ours, raw in cases:
        t_ours = median_seconds(ours, repeat)
        t_raw = median_seconds(raw, repeat)
        out.append((kind, name, t_ours, t_raw))
        print(f"  {kind:10} {name:38} {t_ours * 1000:9.1f} ms   SQL {t_raw * 1000:9.1f} ms   "
              f"ratio {t_ours / t_raw:5.2f}", flush=True)
    client.__exit__(None, None, None)
    app.state.engine.dispose()
    engine.dispose()
    return out


def _rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def export_memory(kind: str, entries: int) -> tuple[str, int, float, float]:
    """Peak RSS growth of a real server process (uvicorn, one worker) streaming a year as CSV."""
    import socket

    import httpx

    url = database(kind, entries)
    engine = create_engine(url)
    with engine.connect() as conn:
        token = conn.execute(text("SELECT api_token FROM users WHERE id = 1")).scalar_one()
    engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PUNCHCLOCK_DATABASE_URL": url, "PUNCHCLOCK_RATE_LIMIT": "false",
           "PUNCHCLOCK_ACCESS_LOG": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "punchclock.app:create_app", "--factory",
                             "--port", str(port), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        auth = httpx.BasicAuth(token, "api_token")
        params = {"workspace_id": 1, "user_agent": "bench", "since": f"{YEAR}-01-01", "until": f"{YEAR}-12-31"}
        httpx.get(base + "/reports/api/v2/details", params=params, auth=auth, timeout=60)  # warm up
        before = _rss_kib(proc.pid, "VmRSS")
        started, size, lines = time.perf_counter(), 0, 0
        with httpx.stream("GET", base + "/reports/api/v2/details.csv", params=params, auth=auth, timeout=600) as r:
            for chunk in r.iter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
        peak = _rss_kib(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    growth_mb = max(0, peak - before) / 1024
    print(f"  {kind:10} CSV export of a year: {lines - 1:,} rows, {size / 1e6:.0f} MB in {elapsed:.1f} s, "
          f"server RSS growth {growth_mb:.1f} MB", flush=True)
    return kind, lines - 1, elapsed, growth_mb


commit = _results.git_commit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--db", default="sqlite,postgresql")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-append", action="store_true")
    ap.add_argument("--skip-memory", action="store_true", help="skip the streamed CSV memory measurement")
    args = ap.parse_args()
    rows = []
    memory = []
    for kind in args.db.split(","):
        print(f"{kind}: {args.entries:,} entries", flush=True)
        rows += run(kind, args.entries, args.repeat)
        if not args.skip_memory:
            memory.append(export_memory(kind, args.entries))
    lines = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {args.entries:,} entries, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n",
        "| database | report | punchclock | hand-written SQL | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for kind, name, ours, raw in rows:
        flag = "" if ours / raw <= TARGET_RATIO else " (above 1.5)"
        lines.append(f"| {kind} | {name} | {ours * 1000:,.0f} ms | {raw * 1000:,.0f} ms | {ours / raw:.2f}{flag} |")
    if memory:
        lines += ["", "| database | streamed CSV of a year | rows | time | server RSS growth (target < 50 MB) |",
                  "|---|---|---:|---:|---:|"]
        lines += [f"| {kind} | details.csv | {n:,} | {t:.1f} s | {mb:.1f} MB |" for kind, n, t, mb in memory]
    print("\n".join(lines))
    if not args.no_append:
        _results.append(RESULTS, "reports.py", "Reports benchmark results", "\n".join(lines).lstrip("\n"))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
