"""Team dashboard of a workspace (20-workspaces §9; O-36, O-83).

Both lists work on the entries the caller may see in reports (``access.report_entry_visible``):
``most_active_user`` sums the entries reports count (``reports.query.counted``) started in the last
7 x 24 hours, in SQL; ``activity`` is the 20 entries changed last, running ones included. v9 serves
the same lists as three endpoints (30- §3.3): ``top_activity`` (``since`` keeps ``at > since``),
``all_activity`` (each member's latest entry) and ``most_active`` (with the users' names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.models import TimeEntry, User, Workspace
from punchclock.models._common import utcnow
from punchclock.reports.query import counted

WINDOW = timedelta(days=7)
MOST_ACTIVE = 5
ACTIVITY = 20


@dataclass(frozen=True, slots=True)
class Activity:
    user_id: int
    project_id: int | None
    task_id: int | None
    start: datetime
    #: None while the entry runs.
    stop: datetime | None
    #: Stored seconds (0 while running).
    duration: int
    description: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    #: (user id, seconds), largest sum first, ties by lower user id.
    most_active: list[tuple[int, int]]
    activity: list[Activity]


def _board(db: Session, actor: Actor, workspace_id: int) -> Workspace:
    workspace = access.load_workspace(db, actor, workspace_id)
    access.require_team_dashboard(actor, workspace)
    return workspace


def _most_active(actor: Actor, workspace_id: int, now: datetime) -> Select[int, int]:
    total = func.sum(TimeEntry.duration)
    return (select(TimeEntry.user_id, total)
            .where(counted(actor, workspace_id), TimeEntry.start >= now - WINDOW, TimeEntry.start <= now)
            .group_by(TimeEntry.user_id)
            .order_by(total.desc(), TimeEntry.user_id)
            .limit(MOST_ACTIVE))


_ACTIVITY_COLUMNS = (TimeEntry.user_id, TimeEntry.project_id, TimeEntry.task_id, TimeEntry.start, TimeEntry.stop,
                     TimeEntry.duration, TimeEntry.description)
_NEWEST_FIRST = (TimeEntry.updated_at.desc(), TimeEntry.id.desc())


def dashboard(db: Session, actor: Actor, workspace_id: int, *, now: datetime | None = None) -> Dashboard:
    workspace = _board(db, actor, workspace_id)
    most_active = db.execute(_most_active(actor, workspace.id, now or utcnow())).all()
    recent = db.execute(select(*_ACTIVITY_COLUMNS).where(access.report_entry_visible(actor, workspace.id))
                        .order_by(*_NEWEST_FIRST).limit(ACTIVITY)).all()
    return Dashboard(
        most_active=[(uid, int(seconds or 0)) for uid, seconds in most_active],
        activity=[Activity(*row) for row in recent],
    )


def top_activity(db: Session, actor: Actor, workspace_id: int, since: datetime | None = None) -> list[Activity]:
    """The 20 entries changed last (v8 ``activity``); ``since`` keeps those changed after it."""
    workspace = _board(db, actor, workspace_id)
    where: list[ColumnElement[bool]] = [access.report_entry_visible(actor, workspace.id)]
    if since is not None:
        where.append(TimeEntry.updated_at > since)
    rows = db.execute(select(*_ACTIVITY_COLUMNS).where(*where).order_by(*_NEWEST_FIRST).limit(ACTIVITY)).all()
    return [Activity(*row) for row in rows]


def all_activity(db: Session, actor: Actor, workspace_id: int, since: datetime | None = None) -> list[Activity]:
    """Each member's entry changed last (among those the caller sees), by user id; ``since`` as above."""
    workspace = _board(db, actor, workspace_id)
    where: list[ColumnElement[bool]] = [access.report_entry_visible(actor, workspace.id)]
    if since is not None:
        where.append(TimeEntry.updated_at > since)
    rank = func.row_number().over(partition_by=TimeEntry.user_id, order_by=_NEWEST_FIRST).label("rank")
    ranked = select(*_ACTIVITY_COLUMNS, rank).where(*where).subquery()
    rows = db.execute(select(*(ranked.c[c.key] for c in _ACTIVITY_COLUMNS)).where(ranked.c.rank == 1)
                      .order_by(ranked.c.user_id)).all()
    return [Activity(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class ActiveUser:
    user_id: int
    seconds: int
    fullname: str
    email: str


def most_active(db: Session, actor: Actor, workspace_id: int, *, now: datetime | None = None) -> list[ActiveUser]:
    """v8 ``most_active_user`` with each user's name and e-mail (the route hides e-mails from non-admins)."""
    workspace = _board(db, actor, workspace_id)
    sums = db.execute(_most_active(actor, workspace.id, now or utcnow())).all()
    names = {uid: (name, email) for uid, name, email in db.execute(
        select(User.id, User.fullname, User.email).where(User.id.in_([uid for uid, _ in sums])))} if sums else {}
    return [ActiveUser(uid, int(seconds or 0), *names[uid]) for uid, seconds in sums]
