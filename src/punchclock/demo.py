"""Demo data: a user whose workspace holds clients, projects, tags and months of weekday time entries.

Everything is derived from the calendar date with a seeded random generator, so the same date range
always yields the same entries. Entry guids are derived from (user, date, index): running the
generator again skips the days that are already filled, which makes ``punchclock demo`` safe to repeat.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain import users
from punchclock.models import Client, Project, ProjectMember, Tag, TimeEntry, TimeEntryTag, User

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-password"
DEMO_FULLNAME = "Demo User"
CREATED_WITH = "punchclock demo"
_GUIDS = uuid.UUID("6f1c1a52-3c0e-4f43-9d54-0d7f6a1e2b90")

CLIENTS = ("Northwind Bakery", "Blue Fjord Logistics", "Helios Energy")
TAGS = ("meeting", "development", "design", "code review", "support", "planning")


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    client: str | None
    color: int
    billable: bool
    weight: int
    #: (description, tags) pairs an entry on this project picks from.
    work: tuple[tuple[str, tuple[str, ...]], ...]


PROJECTS = (
    ProjectSpec("Website relaunch", "Northwind Bakery", 0, True, 5, (
        ("Landing page layout", ("design",)),
        ("Recipe pages", ("development",)),
        ("Checkout flow review", ("code review",)),
        ("Weekly sync with Northwind", ("meeting",)),
    )),
    ProjectSpec("Order tracking app", "Blue Fjord Logistics", 6, True, 4, (
        ("Shipment status API", ("development",)),
        ("Driver screen mock-ups", ("design",)),
        ("Sprint planning", ("meeting", "planning")),
        ("Fix sync bug on Android", ("development", "support")),
    )),
    ProjectSpec("Energy dashboard", "Helios Energy", 3, True, 3, (
        ("Charts for daily yield", ("development",)),
        ("Data import from inverters", ("development",)),
        ("Review with Helios", ("meeting", "code review")),
    )),
    ProjectSpec("Internal", None, 14, False, 2, (
        ("E-mail and admin", ()),
        ("Team stand-up", ("meeting",)),
        ("Quarter planning", ("planning",)),
        ("Help desk", ("support",)),
    )),
)


@dataclass(frozen=True)
class Filled:
    clients: int
    projects: int
    tags: int
    entries: int
    days: int


def weekdays(end: date, days: int) -> list[date]:
    """The Monday-to-Friday dates among the ``days`` calendar days ending with ``end``."""
    first = end - timedelta(days=days - 1)
    return [d for d in (first + timedelta(days=i) for i in range(days)) if d.weekday() < 5]


def _day_plan(day: date) -> Iterator[tuple[time, int, int, int]]:
    """(local start, minutes, project index, work index) for one working day, from a seeded generator."""
    rng = random.Random(day.toordinal())
    weights = [p.weight for p in PROJECTS]
    minute = 8 * 60 + 30 + 15 * rng.randint(0, 4)  # 08:30 .. 09:30
    lunch_done = False
    end_of_day = 17 * 60 + 15 * rng.randint(0, 4)  # 17:00 .. 18:00
    while minute < end_of_day - 30:
        if not lunch_done and minute >= 12 * 60:
            minute += 30 + 15 * rng.randint(0, 2)
            lunch_done = True
            continue
        length = min(15 * rng.randint(3, 10), end_of_day - minute)  # 45 min .. 2.5 h
        project = rng.choices(range(len(PROJECTS)), weights)[0]
        work = rng.randrange(len(PROJECTS[project].work))
        yield time(minute // 60, minute % 60), length, project, work
        minute += length + 5 * rng.randint(1, 3)


def ensure_user(db: Session, email: str, password: str, timezone: str) -> tuple[User, bool]:
    user = db.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is not None:
        return user, False
    return users.register(db, email=email, password=password, fullname=DEMO_FULLNAME, timezone=timezone), True


def _catalog(db: Session, user: User) -> tuple[dict[str, Client], list[Project], dict[str, Tag]]:
    """Get or create the demo clients, projects and tags (matched by name, so reruns reuse them)."""
    wid = user.default_workspace_id
    assert wid is not None
    clients: dict[str, Client] = {}
    for name in CLIENTS:
        c = db.scalar(select(Client).where(Client.workspace_id == wid, Client.name == name,
                                           Client.deleted_at.is_(None)))
        if c is None:
            c = Client(workspace_id=wid, name=name)
            db.add(c)
        clients[name] = c
    db.flush()
    projects: list[Project] = []
    for spec in PROJECTS:
        cid = clients[spec.client].id if spec.client else None
        p = db.scalar(select(Project).where(Project.workspace_id == wid, Project.name == spec.name,
                                            Project.client_id.is_(None) if cid is None else Project.client_id == cid,
                                            Project.deleted_at.is_(None)))
        if p is None:
            p = Project(workspace_id=wid, client_id=cid, name=spec.name, color=spec.color, billable=spec.billable,
                        is_private=False, active=True)
            db.add(p)
            db.flush()
            db.add(ProjectMember(project_id=p.id, user_id=user.id, workspace_id=wid, manager=True))
        projects.append(p)
    tags: dict[str, Tag] = {}
    for name in TAGS:
        t = db.scalar(select(Tag).where(Tag.workspace_id == wid, Tag.name == name, Tag.deleted_at.is_(None)))
        if t is None:
            t = Tag(workspace_id=wid, name=name)
            db.add(t)
        tags[name] = t
    db.flush()
    return clients, projects, tags


def guid_for(user_id: int, day: date, index: int) -> str:
    return str(uuid.uuid5(_GUIDS, f"{user_id}:{day.isoformat()}:{index}"))


def fill(
    db: Session,
    user: User,
    *,
    end: date,
    days: int,
    on_day: Callable[[date], None] | None = None,
) -> Filled:
    """Fill the user's default workspace; days that already hold their demo entries are skipped.

    Commits once per day, so a progress bar reflects what is stored.
    """
    clients, projects, tags = _catalog(db, user)
    db.commit()
    tz = ZoneInfo(user.timezone)
    wid = user.default_workspace_id
    assert wid is not None
    entries = 0
    filled = 0
    for day in weekdays(end, days):
        plan = list(_day_plan(day))
        if db.scalar(select(TimeEntry.id).where(TimeEntry.user_id == user.id,
                                                TimeEntry.guid == guid_for(user.id, day, 0))) is None:
            for index, (local_start, minutes, pi, wi) in enumerate(plan):
                spec, project = PROJECTS[pi], projects[pi]
                description, tag_names = spec.work[wi]
                start = datetime.combine(day, local_start, tzinfo=tz).astimezone(UTC)
                entry = TimeEntry(
                    guid=guid_for(user.id, day, index), workspace_id=wid, user_id=user.id, project_id=project.id,
                    billable=spec.billable, start=start, stop=start + timedelta(minutes=minutes),
                    duration=minutes * 60, description=description, created_with=CREATED_WITH,
                )
                db.add(entry)
                db.flush()
                for name in tag_names:
                    db.add(TimeEntryTag(time_entry_id=entry.id, tag_id=tags[name].id))
                entries += 1
            filled += 1
            db.commit()
        if on_day is not None:
            on_day(day)
    return Filled(len(clients), len(projects), len(tags), entries, filled)
