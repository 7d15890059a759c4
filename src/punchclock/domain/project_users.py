"""Project users: a user's role and rate on a project (30-clients-projects-tags-tasks §3).

Every write needs an admin of the workspace or a manager of the project (O-27). Mass actions check
every id first and change nothing when one fails (O-18); their errors name the offending id.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, false, or_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, rates, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Forbidden, Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Project, ProjectMember, TimeEntry, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectUserChanges:
    """The same role and rate for one or many project users. A null ``manager`` is ignored (false on
    create), a null ``rate`` clears it; ``rate`` is kept only on premium workspaces (O-23)."""

    manager: bool | Unset | None = UNSET
    rate: Decimal | Unset | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectUserCreate(ProjectUserChanges):
    project_id: int | None = None
    #: Deduplicated, in the given order; several make a mass create.
    user_ids: tuple[int, ...] = ()


def workspace_member_ids(db: Session, workspace_id: int, user_ids: Collection[int]) -> set[int]:
    """The users among ``user_ids`` linked to the workspace, active or invited; one query."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return set()
    return set(db.scalars(
        select(WorkspaceMember.user_id).where(
            WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id.in_(ids)
        )
    ))


def premium_workspaces(db: Session, workspace_ids: Collection[int]) -> dict[int, bool]:
    """``premium`` of each workspace, one query."""
    ids = list(dict.fromkeys(workspace_ids))
    if not ids:
        return {}
    return {wid: bool(p) for wid, p in db.execute(
        select(Workspace.id, Workspace.premium).where(Workspace.id.in_(ids))
    ).all()}


def create(db: Session, actor: Actor, changes: ProjectUserCreate, *, name_ids: bool = False) -> list[ProjectMember]:
    """Add each user to the project with the same ``manager`` and ``rate``; returned in the given order.

    A user must be linked to the project's workspace (active or invited) and not yet be a project
    user of it. ``rate`` is stored on premium workspaces only (O-23). ``name_ids`` (mass create)
    makes errors name the offending user id; all or nothing.
    """
    project_id, user_ids = changes.project_id, changes.user_ids
    if project_id is None or not user_ids:
        blank = (("project_blank", project_id is None), ("user_blank", not user_ids))
        raise Invalid.many([(code, {}) for code, missing in blank if missing])
    project = access.load_project(db, actor, project_id)
    access.require_project_manager(db, actor, project)
    workspace = db.get_one(Workspace, project.workspace_id)
    sent_rate = None if changes.rate is UNSET else changes.rate
    rate: Decimal | None = validation.rate(sent_rate) if workspace.premium else None

    uids = list(dict.fromkeys(user_ids))
    members = workspace_member_ids(db, workspace.id, uids)
    existing = set(db.scalars(
        select(ProjectMember.user_id).where(ProjectMember.project_id == project.id, ProjectMember.user_id.in_(uids))
    ))
    for uid in uids:
        if uid not in members:
            raise Invalid("not_workspace_member_id", id=uid) if name_ids else Invalid("not_workspace_member")
        if uid in existing:
            raise Invalid("project_user_exists_id", id=uid) if name_ids else Invalid("project_user_exists")

    now = utcnow()
    created = [
        ProjectMember(project_id=project.id, user_id=uid, workspace_id=workspace.id,
                      manager=changes.manager is True, rate=rate, created_at=now, updated_at=now)
        for uid in uids
    ]
    db.add_all(created)
    db.flush()
    return created


def _writable(db: Session, actor: Actor, ids: Sequence[int], name_ids: bool) -> list[ProjectMember]:
    """The project users named by ``ids``, in that order; the first id that is unknown (404) or not
    managed (403), in list order, is named in the error (O-18)."""
    rows = db.scalars(access.readable_project_members(actor).where(ProjectMember.id.in_(list(ids)))).all()
    by_id = {pm.id: pm for pm in rows}
    managed = access.managed_project_ids(db, actor, {pm.project_id: pm.workspace_id for pm in rows})
    for pm_id in ids:
        if pm_id not in by_id:
            raise NotFound("project_user_id_not_found" if name_ids else "project_user_not_found", id=pm_id)
        if by_id[pm_id].project_id not in managed:
            raise Forbidden("project_user_manager_only_id" if name_ids else "manager_only", id=pm_id)
    return [by_id[i] for i in ids]


def _reload_locked(members: Sequence[ProjectMember], db: Session, name_ids: bool) -> list[ProjectMember]:
    """``members`` locked and reloaded (domain/locks.py); one removed meanwhile is unknown (404)."""
    ids = [pm.id for pm in members]
    by_id = {pm.id: pm for pm in locks.for_change(
        db, select(ProjectMember).where(ProjectMember.id.in_(ids)), ProjectMember.id)}
    for pm_id in ids:
        if pm_id not in by_id:
            raise NotFound("project_user_id_not_found" if name_ids else "project_user_not_found", id=pm_id)
    return [by_id[i] for i in ids]


def update_many(db: Session, actor: Actor, ids: Sequence[int], changes: ProjectUserChanges, *,
                name_ids: bool = False) -> list[ProjectMember]:
    """Change ``manager`` and/or ``rate`` of each project user (project, user and workspace never change).
    All or nothing (O-18)."""
    members = _writable(db, actor, list(dict.fromkeys(ids)), name_ids)
    if changes.rate is not UNSET:  # rate locks before row locks (domain/locks.py)
        rates.lock_for_rates(db, {pm.workspace_id for pm in members})
    members = _reload_locked(members, db, name_ids)
    premium = premium_workspaces(db, {pm.workspace_id for pm in members})
    set_rate = changes.rate is not UNSET and any(premium.values())
    rate = validation.rate(changes.rate) if changes.rate is not UNSET and set_rate else None
    now = utcnow()
    for pm in members:
        if changes.manager is not UNSET and changes.manager is not None:
            pm.manager = changes.manager
        if set_rate and premium.get(pm.workspace_id):
            pm.rate = rate
        pm.updated_at = now
    db.flush()
    return members


def delete_many(db: Session, actor: Actor, ids: Sequence[int], *, name_ids: bool = False) -> list[int]:
    """Remove the links (all or nothing); the users' time entries on the projects stay."""
    members = _writable(db, actor, list(dict.fromkeys(ids)), name_ids)
    removed = [pm.id for pm in members]
    rates.lock_for_rates(db, {pm.workspace_id for pm in members})
    webhook_changes.removing(db, "project_user", ProjectMember.id.in_(removed))
    db.execute(sql_delete(ProjectMember).where(ProjectMember.id.in_(removed)),
               execution_options={"synchronize_session": "fetch"})
    db.flush()
    # A bulk delete bypasses the flush listener: the owners' entries fall back to the next rate.
    rates.refresh(db, or_(false(), *(and_(TimeEntry.project_id == pm.project_id, TimeEntry.user_id == pm.user_id)
                                     for pm in members)))
    return removed


def list_workspace(db: Session, actor: Actor, workspace_id: int) -> Sequence[ProjectMember]:
    """Project users of the workspace's live projects the actor can see (20-workspaces §5, O-26)."""
    access.require_member(actor, workspace_id)
    return db.scalars(
        access.readable_project_members(actor)
        .where(ProjectMember.workspace_id == workspace_id)
        .order_by(ProjectMember.id)
    ).all()


def get(db: Session, actor: Actor, project_user_id: int) -> ProjectMember:
    """A project user of a live project the actor can see (404 otherwise)."""
    found = db.scalars(access.readable_project_members(actor).where(ProjectMember.id == project_user_id)).first()
    if found is None:
        raise NotFound("project_user_not_found")
    return found


class ProjectUserRow(NamedTuple):
    id: int
    project_id: int
    user_id: int
    workspace_id: int
    manager: bool
    rate: Decimal | None
    updated_at: datetime


_PM = ProjectMember.__table__.c
_PROJECT = Project.__table__.c


def list_rows(db: Session, actor: Actor, workspace_id: int, project_ids: Collection[int] | None = None,
              user_id: int | None = None) -> list[ProjectUserRow]:
    """Project users of the workspace's live projects the actor can see, by id, on Core (v9 40- §5.2)."""
    access.require_member(actor, workspace_id)
    visible = select(_PROJECT.id).where(access.project_visible(actor), _PROJECT.deleted_at.is_(None),
                                        _PROJECT.workspace_id == workspace_id)
    stmt = select(_PM.id, _PM.project_id, _PM.user_id, _PM.workspace_id, _PM.manager, _PM.rate, _PM.updated_at
                  ).where(_PM.workspace_id == workspace_id, _PM.project_id.in_(visible))
    if project_ids is not None:
        stmt = stmt.where(_PM.project_id.in_(list(project_ids)) if project_ids else false())
    if user_id is not None:
        stmt = stmt.where(_PM.user_id == user_id)
    return [ProjectUserRow._make(r) for r in db.connection().execute(stmt.order_by(_PM.id)).all()]
