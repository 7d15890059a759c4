"""The web app's entries list: pages of whole weeks of one user's stopped entries in a workspace, newest
first, with day totals summed by the database; and what the timer's pickers offer.

A page is ``PAGE_WEEKS`` calendar weeks (the user's ``beginning_of_week``) ending with the week of the
newest entry before the cursor, so every week shown is complete and its total is the sum of its days.
Days are the user's local days: their bounds are computed here as UTC instants and compared in SQL, so
SQLite (which has no time zones) and PostgreSQL agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.domain import access, colors
from punchclock.domain.actor import Actor
from punchclock.domain.time_entries import queries
from punchclock.models import Client, Project, Tag, Task, TimeEntry, Workspace

#: Calendar weeks per page.
PAGE_WEEKS = 2
#: At most this many entries are loaded for one page (the day totals stay exact beyond it).
MAX_ROWS = 2000

T = table(TimeEntry).c
_P = table(Project).c
_C = table(Client).c
_K = table(Task).c


class ListedEntry(NamedTuple):
    id: int
    project_id: int | None
    task_id: int | None
    billable: bool
    start: datetime
    stop: datetime | None
    duration: int
    description: str
    project_name: str | None
    #: ``#rrggbb`` (the palette colour's hex when no exact one was chosen).
    project_color: str | None
    client_name: str | None
    task_name: str | None


@dataclass(frozen=True, slots=True)
class EntriesPage:
    #: The page's days, newest first (empty when there is nothing before the cursor).
    days: list[date]
    #: Newest first.
    entries: list[ListedEntry]
    #: (tag id, name) pairs in name order, by entry id.
    tags: dict[int, list[tuple[int, str]]]
    day_totals: dict[date, int]
    #: The cursor of the next (older) page, when older entries exist.
    older: date | None


def week_start(day: date, beginning_of_week: int) -> date:
    """The first day of ``day``'s week; ``beginning_of_week`` 0 = Sunday, 1 = Monday, … (Toggl's numbering)."""
    return day - timedelta(days=(day.isoweekday() % 7 - beginning_of_week) % 7)


def midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _own(actor: Actor, workspace_id: int, *, running: bool = False) -> tuple[ColumnElement[bool], ...]:
    """The actor's live entries in the workspace; stopped ones only unless ``running``."""
    own = (T.user_id == actor.id, T.workspace_id == workspace_id, T.deleted_at.is_(None))
    return own if running else (*own, T.stop.is_not(None))


def day_totals(db: Session, actor: Actor, workspace_id: int, days: Sequence[date]) -> dict[date, int]:
    """Seconds tracked on each of ``days`` (the actor's local days): one query, one sum per day."""
    if not days:
        return {}
    tz = actor.tz
    bounds = [(midnight(d, tz), midnight(d + timedelta(days=1), tz)) for d in days]
    sums = [func.coalesce(func.sum(case((and_(T.start >= lo, T.start < hi), T.duration), else_=0)), 0)
            for lo, hi in bounds]
    lowest, highest = min(lo for lo, _ in bounds), max(hi for _, hi in bounds)
    row = db.execute(select(*sums).where(*_own(actor, workspace_id), T.start >= lowest, T.start < highest)).one()
    return {d: int(total or 0) for d, total in zip(days, row, strict=True)}


_LISTED = (
    select(T.id, T.project_id, T.task_id, T.billable, T.start, T.stop, T.duration, T.description,
           _P.name, _P.color, _P.color_hex, _C.name, _K.name)
    .join_from(table(TimeEntry), table(Project), _P.id == T.project_id, isouter=True)
    .join_from(table(Project), table(Client), _C.id == _P.client_id, isouter=True)
    .join_from(table(TimeEntry), table(Task), _K.id == T.task_id, isouter=True)
)


def _listed(row: Any) -> ListedEntry:
    *head, name, color, color_hex, client, task = row
    shown = None if name is None else colors.hex_color(color) if color_hex is None else color_hex
    return ListedEntry._make([*head, name, shown, client, task])


def entries_between(db: Session, actor: Actor, workspace_id: int, lower: datetime, upper: datetime,
                    limit: int = MAX_ROWS) -> list[ListedEntry]:
    """The actor's stopped entries starting in [lower, upper), newest first, with their names."""
    stmt = (_LISTED.where(*_own(actor, workspace_id), T.start >= lower, T.start < upper)
            .order_by(T.start.desc(), T.id.desc()).limit(limit))
    return [_listed(row) for row in db.execute(stmt)]


def entry(db: Session, actor: Actor, workspace_id: int, entry_id: int, *, running: bool = False
          ) -> ListedEntry | None:
    """One stopped entry of the actor in the workspace (or the running one too), as the list shows it."""
    row = db.execute(_LISTED.where(*_own(actor, workspace_id, running=running), T.id == entry_id)).first()
    return None if row is None else _listed(row)


def page(db: Session, actor: Actor, workspace_id: int, before: date | None = None) -> EntriesPage:
    """The page of whole weeks ending with the week of the newest entry starting before ``before``."""
    tz, own = actor.tz, _own(actor, workspace_id)
    newest_stmt = select(func.max(T.start)).where(*own)
    if before is not None:
        newest_stmt = newest_stmt.where(T.start < midnight(before, tz))
    newest = db.execute(newest_stmt).scalar()
    if newest is None:
        return EntriesPage([], [], {}, {}, None)
    last_week = week_start(newest.astimezone(tz).date(), actor.user.beginning_of_week)
    first_day = last_week - timedelta(days=7 * (PAGE_WEEKS - 1))
    end_day = last_week + timedelta(days=7)
    if before is not None:
        end_day = min(end_day, before)
    days = [end_day - timedelta(days=i + 1) for i in range((end_day - first_day).days)]
    lower = midnight(first_day, tz)
    entries = entries_between(db, actor, workspace_id, lower, midnight(end_day, tz))
    older = db.execute(select(T.id).where(*own, T.start < lower).limit(1)).first()
    return EntriesPage(days, entries, queries.tag_pairs(db, [e.id for e in entries]),
                       day_totals(db, actor, workspace_id, days), first_day if older else None)


# -- what the timer offers ---------------------------------------------------------------------------

class ProjectChoice(NamedTuple):
    id: int
    name: str
    color: str
    client_name: str | None


class TaskChoice(NamedTuple):
    id: int
    name: str
    project_id: int


@dataclass(frozen=True, slots=True)
class Choices:
    premium: bool
    projects: list[ProjectChoice]
    tasks: list[TaskChoice]
    tags: list[str]


def choices(db: Session, actor: Actor, workspace_id: int) -> Choices:
    """Active projects of the workspace the actor may put time on (with client names), their active tasks
    (premium workspaces only: tasks need one) and the workspace's tag names."""
    premium = bool(db.execute(select(Workspace.premium).where(Workspace.id == workspace_id)).scalar())
    visible = (access.project_visible(actor), Project.workspace_id == workspace_id, Project.active.is_(True),
               Project.deleted_at.is_(None))
    rows = db.execute(
        select(Project.id, Project.name, Project.color, Project.color_hex, Client.name)
        .join(Client, Client.id == Project.client_id, isouter=True).where(*visible)
        .order_by(func.lower(func.coalesce(Client.name, "")), func.lower(Project.name), Project.id)).all()
    projects = [ProjectChoice(pid, name, hex_ or colors.hex_color(color), client)
                for pid, name, color, hex_, client in rows]
    tasks: list[TaskChoice] = []
    if premium and projects:
        task_rows = db.execute(
            select(Task.id, Task.name, Task.project_id)
            .where(Task.project_id.in_([p.id for p in projects]), Task.active.is_(True), Task.deleted_at.is_(None))
            .order_by(func.lower(Task.name), Task.id)).all()
        tasks = [TaskChoice(*row) for row in task_rows]
    tags = db.execute(select(Tag.name).where(Tag.workspace_id == workspace_id, Tag.deleted_at.is_(None))
                      .order_by(func.lower(Tag.name))).scalars().all()
    return Choices(premium, projects, tasks, list(tags))
