"""Related data of ``GET /me?with_related_data=true`` (10-users-and-auth §2.1, O-54).

Without ``since``: the live objects the user may see (time entries of the last ``retention`` days plus
the running one). With ``since``: everything changed after that instant, deleted objects included
(their tombstones carry ``deleted_at``), time entries of any start date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.domain.tasks import tracked_seconds
from punchclock.domain.time_entries import tag_names
from punchclock.domain.users import RETENTION_DAYS
from punchclock.models import Client, Project, Tag, Task, TimeEntry, Workspace


@dataclass(slots=True)
class Related:
    since: datetime | None
    workspaces: Sequence[Workspace] = ()
    clients: Sequence[Client] = ()
    projects: Sequence[Project] = ()
    tasks: Sequence[Task] = ()
    tags: Sequence[Tag] = ()
    time_entries: Sequence[TimeEntry] = ()
    #: task id -> seconds tracked on it; time-entry id -> its tag names.
    tracked_seconds: dict[int, int] = field(default_factory=dict)
    tag_names: dict[int, list[str]] = field(default_factory=dict)


def related(db: Session, actor: Actor, *, now: datetime, since: datetime | None) -> Related:
    changed = since is not None
    workspaces = access.readable_workspaces(actor)
    clients = access.readable_clients(actor, with_deleted=changed)
    projects = access.readable_projects(actor, with_deleted=changed)
    tags = access.readable_tags(actor, with_deleted=changed)
    premium = select(Workspace.id).where(Workspace.premium.is_(True))
    tasks = access.readable_tasks(actor, with_deleted=changed).where(Task.workspace_id.in_(premium))
    entries = access.readable_time_entries(actor, with_deleted=changed).where(TimeEntry.user_id == actor.id)
    if since is not None:
        workspaces = workspaces.where(Workspace.updated_at > since)
        clients = clients.where(Client.updated_at > since)
        projects = projects.where(Project.updated_at > since)
        tags = tags.where(Tag.updated_at > since)
        tasks = tasks.where(Task.updated_at > since)
        entries = entries.where(TimeEntry.updated_at > since)
    else:
        live_projects = select(Project.id).where(Project.deleted_at.is_(None))
        tasks = tasks.where(Task.active.is_(True), Task.project_id.in_(live_projects))
        window = now - timedelta(days=RETENTION_DAYS)
        entries = entries.where(or_(TimeEntry.start >= window, TimeEntry.stop.is_(None)))

    out = Related(
        since=since,
        workspaces=db.scalars(workspaces).all(),
        clients=db.scalars(clients.order_by(Client.id)).all(),
        projects=db.scalars(projects.order_by(Project.id)).all(),
        tasks=db.scalars(tasks.order_by(Task.id)).all(),
        tags=db.scalars(tags.order_by(Tag.id)).all(),
        time_entries=db.scalars(entries.order_by(TimeEntry.id)).all(),
    )
    out.tracked_seconds = tracked_seconds(db, [t.id for t in out.tasks]) if out.tasks else {}
    out.tag_names = tag_names(db, [e.id for e in out.time_entries]) if out.time_entries else {}
    return out
