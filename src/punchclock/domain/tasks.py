"""Tasks of a project (30-clients-projects-tags-tasks §5): the read side — lists and tracked time."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.models import Task, TimeEntry, User, Workspace


def tracked_seconds(db: Session, task_ids: Collection[int]) -> dict[int, int]:
    """Seconds tracked on each task by all users (stopped, non-deleted entries); 0 for none.

    One grouped query whatever the number of tasks.
    """
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        return {}
    rows = db.execute(
        select(TimeEntry.task_id, func.coalesce(func.sum(TimeEntry.duration), 0))
        .where(TimeEntry.task_id.in_(ids), TimeEntry.stop.is_not(None), TimeEntry.deleted_at.is_(None))
        .group_by(TimeEntry.task_id)
    ).all()
    found = {tid: int(seconds) for tid, seconds in rows}
    return {tid: found.get(tid, 0) for tid in ids}


def user_names(db: Session, user_ids: Collection[int | None]) -> dict[int, str]:
    """Full names of the given users, one query (for ``uname`` / ``fullname`` extras)."""
    ids = [uid for uid in dict.fromkeys(user_ids) if uid is not None]
    if not ids:
        return {}
    return {uid: name for uid, name in db.execute(select(User.id, User.fullname).where(User.id.in_(ids))).all()}


def _premium(db: Session, workspace_id: int) -> bool:
    return bool(db.scalar(select(Workspace.premium).where(Workspace.id == workspace_id)))


def list_for_project(db: Session, actor: Actor, project_id: int, active: bool | None = True) -> Sequence[Task]:
    """Live tasks of a visible project; active ones by default (O-46); ``[]`` on a free workspace (O-23)."""
    project = access.load_project(db, actor, project_id)
    if not _premium(db, project.workspace_id):
        return []
    stmt = access.readable_tasks(actor).where(Task.project_id == project.id)
    if active is not None:
        stmt = stmt.where(Task.active.is_(active))
    return db.scalars(stmt.order_by(Task.id)).all()


def list_workspace(db: Session, actor: Actor, workspace_id: int, active: bool | None = True) -> Sequence[Task]:
    """Live tasks of the workspace's projects visible to the actor (O-26); ``[]`` on a free workspace."""
    workspace = access.load_workspace(db, actor, workspace_id)
    if not workspace.premium:
        return []
    stmt = access.readable_tasks(actor).where(Task.workspace_id == workspace.id)
    if active is not None:
        stmt = stmt.where(Task.active.is_(active))
    return db.scalars(stmt.order_by(Task.id)).all()
