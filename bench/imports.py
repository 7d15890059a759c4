"""Importing export files: ``punchclock import toggl-export`` of 100,000 entries, its memory, and the export.

    .venv/bin/python bench/imports.py [--entries 100000] [--small 10000] [--no-append]

For each size (``--small`` and ``--entries``) builds a source SQLite database (Core inserts): one workspace
with 8 members in Europe/Berlin, 5 clients, 30 projects (tasks on a third of them), 20 tags and that many
stopped entries over 2024 and 2025 (a third of them tagged). Then, each step a subprocess
(``python -m punchclock …``) started by a small launcher process that reports its wall time and peak RSS
(``RUSAGE_CHILDREN`` of the launcher, whose only child it is):

1. ``punchclock export WORKSPACE DIR``: the ZIP and one CSV per year;
2. ``punchclock import toggl-export ZIP CSV… --timezone Europe/Berlin --json`` into a fresh migrated SQLite
   database (every member becomes a new placeholder user there), checked: every entry created;
3. the reference: a hand-written bulk insert of the same rows into the same tables (time_entries,
   time_entry_tags, import_links) of a fresh database holding the source's catalog: plain ``sqlite3``,
   ``csv`` and ``executemany``, names resolved through dicts, ids assigned up front, one commit. No
   validation, no matching, no rate resolution: the floor the import's cost is measured against.

Targets (issue 14): 100,000 entries imported in under 60 s on SQLite; memory flat: the import's peak RSS
at ``--entries`` within a few MB of the one at ``--small``. The ratio import / hand-written insert of the
same run puts the figures in context on a shared machine. Prints a table and appends it, the date and the
git commit to bench/results/imports.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session

import _results  # bench/_results.py (scripts run with bench/ on sys.path)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "imports.md"
ZONE_NAME = "Europe/Berlin"
ZONE = ZoneInfo(ZONE_NAME)
MEMBERS, CLIENTS, PROJECTS, TAGS = 8, 5, 30, 20
FIRST_DAY, DAYS = date(2024, 1, 1), 731
TARGET_S = 60.0
#: "Within a few MB": the largest growth of peak RSS from the small to the large import still called flat.
FLAT_MB = 10


# -- the source database ----------------------------------------------------------------------------

def migrated_template(work: Path) -> Path:
    from punchclock.db.migrate import upgrade

    path = work / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def populate(path: Path, entries: int) -> int:
    """The catalog (ORM, small) and ``entries`` stopped entries (Core inserts); the workspace id."""
    from punchclock.db.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as db, db.begin():
            wid, user_ids = _people(db)
            project_ids, tasks, tag_ids = _catalog(db, wid)
            _entries(db, wid, user_ids, project_ids, tasks, tag_ids, entries)
            return wid
    finally:
        engine.dispose()


def _people(db: Session) -> tuple[int, list[int]]:
    """The workspace and its members (the first one its admin)."""
    from punchclock.domain import organizations, security
    from punchclock.models import User, Workspace, WorkspaceMember

    users = [User(email=f"member{i}@example.org", fullname=f"Member {i:02d}", timezone=ZONE_NAME,
                  api_token=security.new_api_token()) for i in range(1, MEMBERS + 1)]
    db.add_all(users)
    db.flush()
    ws = Workspace(name="Bench Imports", api_token=security.new_api_token(), default_currency="EUR",
                   default_hourly_rate=Decimal(50), organization_id=organizations.create(db, "Bench", users[0].id).id)
    db.add(ws)
    db.flush()
    db.add_all(WorkspaceMember(workspace_id=ws.id, user_id=u.id, admin=i == 0) for i, u in enumerate(users))
    return ws.id, [u.id for u in users]


def _catalog(db: Session, wid: int) -> tuple[list[int], dict[int, list[int]], list[int]]:
    """Clients, projects (a third with a rate and three tasks), tags: (project ids, task ids per project, tag ids)."""
    from punchclock.models import Client, Project, Tag, Task

    clients = [Client(workspace_id=wid, name=f"Client {c}") for c in range(1, CLIENTS + 1)]
    db.add_all(clients)
    db.flush()
    projects = [Project(workspace_id=wid, name=f"Project {p:02d}", is_private=False, billable=p % 2 == 0,
                        client_id=clients[p % CLIENTS].id if p % 6 else None, color=p % 14,
                        rate=Decimal(90) if p % 3 == 0 else None) for p in range(1, PROJECTS + 1)]
    db.add_all(projects)
    db.flush()
    tasks = [Task(project_id=p.id, workspace_id=wid, name=f"Task {t}") for p in projects[::3] for t in range(1, 4)]
    tags = [Tag(workspace_id=wid, name=f"tag-{t:02d}") for t in range(1, TAGS + 1)]
    db.add_all([*tasks, *tags])
    db.flush()
    by_project: dict[int, list[int]] = {}
    for t in tasks:
        by_project.setdefault(t.project_id, []).append(t.id)
    return [p.id for p in projects], by_project, [t.id for t in tags]


def _entries(db: Session, wid: int, user_ids: list[int], project_ids: list[int], tasks: dict[int, list[int]],
             tag_ids: list[int], count: int) -> None:
    """``count`` entries between 07:00 and 19:00 Berlin time (never in a DST gap or overlap)."""
    from punchclock.models import TimeEntry, TimeEntryTag

    rng = random.Random(14)
    descriptions = [f"Work item {i}" for i in range(300)] + ["", "Review, fixes", 'Call "Globex"']
    rows: list[dict[str, Any]] = []
    tags: list[dict[str, int]] = []
    for n in range(1, count + 1):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        local = datetime(day.year, day.month, day.day, 7, tzinfo=ZONE) + timedelta(seconds=rng.randrange(12 * 3600))
        start, seconds = local.astimezone(UTC), rng.randint(5 * 60, 3 * 3600)
        pid = None if rng.random() < 0.1 else rng.choice(project_ids)
        task = rng.choice([None, *tasks[pid]]) if pid in tasks else None
        rows.append({"id": n, "guid": str(uuid.UUID(int=rng.getrandbits(128))), "workspace_id": wid,
                     "user_id": rng.choice(user_ids), "project_id": pid, "task_id": task,
                     "billable": rng.random() < 0.6, "start": start, "stop": start + timedelta(seconds=seconds),
                     "duration": seconds, "description": rng.choice(descriptions), "created_with": "bench"})
        if rng.random() < 1 / 3:
            tags += [{"time_entry_id": n, "tag_id": t} for t in rng.sample(tag_ids, rng.choice((1, 1, 2)))]
    for chunk in range(0, count, 10_000):
        db.execute(insert(TimeEntry), rows[chunk:chunk + 10_000])
    for chunk in range(0, len(tags), 10_000):
        db.execute(insert(TimeEntryTag), tags[chunk:chunk + 10_000])


# -- the timed steps ---------------------------------------------------------------------------------

@dataclass
class Step:
    label: str
    entries: int
    seconds: float
    peak_rss_mb: float | None = None


#: Runs a command and writes its wall time and peak RSS (``RUSAGE_CHILDREN``: it is the launcher's only
#: child) to the file named first. A fresh, small process: a child forked straight from this one would start
#: with this process's peak RSS (Linux keeps the larger of the two across fork and exec).
LAUNCHER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[2:]).returncode
seconds = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "peak_kb": peak_kb}, f)
sys.exit(code)
"""


def timed_command(args: list[str], env: dict[str, str], work: Path) -> tuple[float, float, str]:
    """Run ``python -m punchclock ARGS``: (wall seconds, its peak RSS in MB, its stdout)."""
    out_path, err_path, figures = work / "stdout.txt", work / "stderr.txt", work / "figures.json"
    with out_path.open("w") as out, err_path.open("w") as err:
        done = subprocess.run([sys.executable, "-c", LAUNCHER, str(figures), sys.executable, "-m", "punchclock",
                               *args], env=env, stdout=out, stderr=err, check=False)
    stdout = out_path.read_text()
    if done.returncode:
        raise SystemExit(f"punchclock {' '.join(args[:2])} failed:\n{stdout[-2000:]}\n{err_path.read_text()[-2000:]}")
    measured = json.loads(figures.read_text())
    return measured["seconds"], measured["peak_kb"] / 1024, stdout


def environment(db_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env["PUNCHCLOCK_DATABASE_URL"] = f"sqlite:///{db_path}"
    return env


def export_step(source: Path, wid: int, out: Path, entries: int) -> Step:
    seconds, rss, _ = timed_command(["export", str(wid), str(out)], environment(source), out.parent)
    return Step("`punchclock export`", entries, seconds, rss)


def import_step(template: Path, files: list[Path], work: Path, entries: int) -> Step:
    target = work / f"target_{entries}.db"
    shutil.copyfile(template, target)
    seconds, rss, stdout = timed_command(["import", "toggl-export", *map(str, files), "--timezone", ZONE_NAME,
                                          "--json"], environment(target), work)
    outcome = json.loads(stdout)
    created = outcome["counts"]["time_entries"]["created"]
    if created != entries or outcome["rejections"]:
        raise SystemExit(f"the import created {created} of {entries} entries: {outcome['rejections'][:5]}")
    with sqlite3.connect(target) as conn:
        stored = conn.execute("SELECT count(*) FROM time_entries").fetchone()[0]
    if stored != entries:
        raise SystemExit(f"{stored} entries stored, {entries} expected")
    return Step("`punchclock import toggl-export`", entries, seconds, rss)


# -- the reference: a hand-written bulk insert -------------------------------------------------------

@dataclass
class Names:
    workspace_id: int
    users: dict[str, int]
    projects: dict[tuple[str, str], int]
    tasks: dict[tuple[int, str], int]
    tags: dict[str, int]


def names(conn: sqlite3.Connection) -> Names:
    wid = conn.execute("SELECT id FROM workspaces WHERE name = 'Bench Imports'").fetchone()[0]
    projects = {(client or "", name): pid for pid, name, client in conn.execute(
        "SELECT p.id, p.name, c.name FROM projects p LEFT JOIN clients c ON c.id = p.client_id")}
    return Names(wid, {e.lower(): i for i, e in conn.execute("SELECT id, email FROM users")}, projects,
                 {(p, n): i for i, p, n in conn.execute("SELECT id, project_id, name FROM tasks")},
                 {n: i for i, n in conn.execute("SELECT id, name FROM tags")})


def _utc(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZONE).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    """As the SQLAlchemy SQLite dialect stores a DateTime (UTCDateTime keeps naive UTC)."""
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def _insert(conn: sqlite3.Connection, entries: list[tuple[Any, ...]], tags: list[tuple[int, int]],
            links: list[tuple[Any, ...]]) -> None:
    conn.executemany("INSERT INTO time_entries (id, guid, workspace_id, user_id, project_id, task_id, billable, "
                     "start, stop, duration, description, duronly, created_with, rate, currency, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'bench', 0, 'EUR', ?, ?)", entries)
    conn.executemany("INSERT INTO time_entry_tags (time_entry_id, tag_id) VALUES (?, ?)", tags)
    conn.executemany("INSERT INTO import_links (workspace_id, origin, kind, external_id, local_id) "
                     "VALUES (?, 'files', 'time_entry', ?, ?)", links)


def bulk_insert(conn: sqlite3.Connection, csv_files: list[Path], n: Names) -> int:
    """Every line of the CSVs as rows of time_entries, time_entry_tags and import_links; the count."""
    now = _stamp(datetime.now(UTC))
    next_id = 1 + (conn.execute("SELECT coalesce(max(id), 0) FROM time_entries").fetchone()[0])
    entries: list[tuple[Any, ...]] = []
    tags: list[tuple[int, int]] = []
    links: list[tuple[Any, ...]] = []
    written = 0
    for path in csv_files:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for _user, email, client, project, task, text, billable, d1, t1, d2, t2, _dur, tag_text in reader:
                start, stop = _utc(d1, t1), _utc(d2, t2)
                key = hashlib.sha256("\x1f".join((email, str(start), str(stop), text, client, project, task,
                                                    billable, tag_text)).encode()).hexdigest()[:40]
                pid = n.projects[(client, project)] if project else None
                entries.append((next_id, str(uuid.uuid5(uuid.NAMESPACE_OID, key)), n.workspace_id, n.users[email],
                                pid, n.tasks[(pid, task)] if task and pid else None, billable == "Yes",
                                _stamp(start), _stamp(stop),
                                int((stop - start).total_seconds()), text, now, now))
                tags += [(next_id, n.tags[t]) for t in tag_text.split(", ") if t]
                links.append((n.workspace_id, key, next_id))
                next_id += 1
                if len(entries) == 2000:
                    _insert(conn, entries, tags, links)
                    written += len(entries)
                    entries, tags, links = [], [], []
    _insert(conn, entries, tags, links)
    conn.commit()
    return written + len(entries)


def catalog_copy(template: Path, source: Path, target: Path) -> None:
    """A fresh database (as the import's target is) holding the source's rows except its entries and links."""
    shutil.copyfile(template, target)
    conn = sqlite3.connect(target)
    try:
        conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        skip = {"time_entries", "time_entry_tags", "import_links", "alembic_version"}
        tables = [t for (t,) in conn.execute("SELECT name FROM source.sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'") if t not in skip]
        for t in tables:
            conn.execute(f'INSERT INTO main."{t}" SELECT * FROM source."{t}"')
        conn.commit()
        conn.execute("DETACH DATABASE source")
    finally:
        conn.close()


def baseline_step(template: Path, source: Path, files: list[Path], work: Path, entries: int) -> Step:
    """The same rows into a fresh database holding the source's catalog: nothing to match or create."""
    target = work / f"baseline_{entries}.db"
    catalog_copy(template, source, target)
    conn = sqlite3.connect(target)
    try:
        # The app's own settings (punchclock.db.engine) for a like-for-like comparison.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        lookup = names(conn)
        started = time.perf_counter()
        written = bulk_insert(conn, [f for f in files if f.suffix == ".csv"], lookup)
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    if written != entries:
        raise SystemExit(f"the hand-written insert wrote {written} of {entries} entries")
    return Step("hand-written bulk insert (`sqlite3` executemany)", entries, seconds)


# -- one size, the table, the run --------------------------------------------------------------------

def one_size(template: Path, work: Path, entries: int) -> list[Step]:
    source = work / f"source_{entries}.db"
    shutil.copyfile(template, source)
    started = time.perf_counter()
    wid = populate(source, entries)
    print(f"seeded {entries:,} entries in {time.perf_counter() - started:.1f} s", flush=True)
    out = work / f"export_{entries}"
    steps = [export_step(source, wid, out, entries)]
    files = sorted(out.iterdir())
    print(f"exported {entries:,} entries in {steps[0].seconds:.1f} s: {', '.join(p.name for p in files)}", flush=True)
    steps.append(import_step(template, files, work, entries))
    print(f"imported {entries:,} entries in {steps[1].seconds:.1f} s", flush=True)
    steps.append(baseline_step(template, source, files, work, entries))
    print(f"hand-written insert of {entries:,} entries in {steps[2].seconds:.1f} s", flush=True)
    return steps


def table(small: list[Step], large: list[Step]) -> str:
    lines = ["| step | entries | wall time | entries/s | peak RSS |", "|---|---:|---:|---:|---:|"]
    for s in [*small, *large]:
        rss = "-" if s.peak_rss_mb is None else f"{s.peak_rss_mb:.1f} MB"
        lines.append(f"| {s.label} | {s.entries:,} | {s.seconds:.2f} s | {s.entries / s.seconds:,.0f} | {rss} |")
    return "\n".join(lines)


def verdicts(small: list[Step], large: list[Step]) -> str:
    imp_small, imp_large = small[1], large[1]
    growth = (imp_large.peak_rss_mb or 0) - (imp_small.peak_rss_mb or 0)
    met = "met" if imp_large.seconds < TARGET_S else "**missed**"
    flat = "flat" if growth <= FLAT_MB else "**not flat**"
    return "\n".join([
        f"- Import of {imp_large.entries:,} entries: {imp_large.seconds:.1f} s (target < {TARGET_S:.0f} s: {met}).",
        f"- Import / hand-written insert of the same rows: {imp_small.seconds / small[2].seconds:.1f}x at "
        f"{imp_small.entries:,}, {imp_large.seconds / large[2].seconds:.1f}x at {imp_large.entries:,}.",
        f"- Peak RSS of the import: {imp_small.peak_rss_mb:.1f} MB at {imp_small.entries:,}, "
        f"{imp_large.peak_rss_mb:.1f} MB at {imp_large.entries:,}: {growth:+.1f} MB ({flat}: within {FLAT_MB} MB).",
        f"- Export of {large[0].entries:,} entries: {large[0].seconds:.1f} s, peak RSS {large[0].peak_rss_mb:.1f} MB "
        f"({small[0].peak_rss_mb:.1f} MB at {small[0].entries:,}).",
    ])


def header(args: argparse.Namespace, load: float) -> str:
    return (f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, SQLite {sqlite3.sqlite_version}, commit "
            f"{_results.git_commit()}\n\n{os.cpu_count()} CPUs (load average up to {load:.1f}), Python "
            f"{platform.python_version()}; one workspace, {MEMBERS} members, {CLIENTS} clients, {PROJECTS} projects, "
            f"{TAGS} tags, entries over 2024-2025 in {ZONE_NAME} (two CSV files); each step one process, wall "
            "clock; peak RSS of that process. Targets: import of 100,000 entries under 60 s; peak RSS flat.")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000, help="entries of the large run (default 100000)")
    parser.add_argument("--small", type=int, default=10_000, help="entries of the small run (default 10000)")
    parser.add_argument("--no-append", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    load = os.getloadavg()[0]  # the machine may be shared: the figures say how busy it was
    with tempfile.TemporaryDirectory(prefix="punchclock-bench-") as tmp:
        work = Path(tmp)
        template = migrated_template(work)
        small = one_size(template, work, args.small)
        large = one_size(template, work, args.entries)
    load = max(load, os.getloadavg()[0])
    text = header(args, load) + "\n\n" + table(small, large) + "\n\n" + verdicts(small, large)
    print()
    print(text)
    if not args.no_append:
        _results.append(RESULTS, "imports.py", "Import and export benchmark results", text)


if __name__ == "__main__":
    main()
