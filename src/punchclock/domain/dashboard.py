"""Team dashboard of a workspace (20-workspaces §9; O-36, O-83).

Both lists work on the entries the caller may see in reports (``access.report_entry_visible``):
``most_active_user`` sums the entries reports count (``reports.query.counted``) started in the last
7 x 24 hours, in SQL; ``activity`` is the 20 entries changed last, running ones included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.models import TimeEntry
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


def dashboard(db: Session, actor: Actor, workspace_id: int, *, now: datetime | None = None) -> Dashboard:
    workspace = access.load_workspace(db, actor, workspace_id)
    access.require_team_dashboard(actor, workspace)
    now = now or utcnow()

    total = func.sum(TimeEntry.duration)
    most_active = db.execute(
        select(TimeEntry.user_id, total)
        .where(counted(actor, workspace.id), TimeEntry.start >= now - WINDOW, TimeEntry.start <= now)
        .group_by(TimeEntry.user_id)
        .order_by(total.desc(), TimeEntry.user_id)
        .limit(MOST_ACTIVE)
    ).all()

    recent = db.execute(
        select(TimeEntry.user_id, TimeEntry.project_id, TimeEntry.task_id, TimeEntry.start, TimeEntry.stop,
               TimeEntry.duration, TimeEntry.description)
        .where(access.report_entry_visible(actor, workspace.id))
        .order_by(TimeEntry.updated_at.desc(), TimeEntry.id.desc())
        .limit(ACTIVITY)
    ).all()
    return Dashboard(
        most_active=[(uid, int(seconds or 0)) for uid, seconds in most_active],
        activity=[Activity(*row) for row in recent],
    )
