"""Projects of a workspace (30-clients-projects-tags-tasks §2)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, rates, validation
from punchclock.domain.actor import Actor
from punchclock.domain.colors import PALETTE
from punchclock.domain.errors import Forbidden, Invalid, NotFound
from punchclock.models import Client, Project, ProjectMember, Task, TimeEntry, Workspace
from punchclock.models._common import utcnow

#: Inputs kept only on premium workspaces (O-23).
PREMIUM_FIELDS = ("billable", "rate", "currency", "estimated_hours")
#: Settings a new project takes from its template unless the request sets them (O-43).
TEMPLATE_FIELDS = ("client_id", "billable", "is_private", "color", "rate", "currency", "auto_estimates",
                   "estimated_hours")
#: Fields for which an explicit null means "none" (O-16); a null elsewhere is ignored.
NULLABLE = frozenset({"client_id", "rate", "currency", "estimated_hours"})
FLAGS = ("active", "is_private", "template", "auto_estimates")
#: Inputs that change a link of the rate chain (domain/rates.py); the client brings its own rate.
RATE_FIELDS = ("rate", "currency", "client_id")
CENT = Decimal("0.01")
HOUR = 3600


def hours_half_up(seconds: int) -> int:
    """Whole hours, a remainder of exactly half an hour rounding up (O-86); seconds are never negative."""
    return (seconds + HOUR // 2) // HOUR


def parse_color(value: Any) -> int:
    """A palette id given as number or numeric string; anything else, or outside 0..14, is invalid."""
    if isinstance(value, bool):
        raise Invalid("invalid_color")
    if isinstance(value, int):
        color = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value) <= 6:
        color = int(value.strip())
    else:
        raise Invalid("invalid_color")
    if not 0 <= color < len(PALETTE):
        raise Invalid("invalid_color")
    return color


def name_taken(db: Session, workspace_id: int, client_id: int | None, name: str,
               exclude_id: int | None = None) -> bool:
    """Unique per (workspace, client-or-none), archived projects included, case-insensitive (O-42)."""
    stmt = select(Project.id).where(
        Project.workspace_id == workspace_id,
        Project.client_id.is_(None) if client_id is None else Project.client_id == client_id,
        func.lower(Project.name) == name.lower(),
        Project.deleted_at.is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(Project.id != exclude_id)
    return db.scalar(stmt.limit(1)) is not None


def _client_of(db: Session, workspace_id: int, client_id: int) -> int:
    found = db.scalar(
        select(Client.id).where(Client.id == client_id, Client.workspace_id == workspace_id,
                                Client.deleted_at.is_(None))
    )
    if found is None:
        raise NotFound("client_not_found")
    return client_id


def _apply(db: Session, project: Project, workspace: Workspace, changes: Mapping[str, Any]) -> None:
    """Validate and set the writable fields present in ``changes`` (absent keys leave values unchanged)."""
    with db.no_autoflush:
        if changes.get("name") is not None:
            project.name = validation.clean_name(changes["name"])
        if "client_id" in changes:
            cid = changes["client_id"]
            project.client_id = None if cid is None else _client_of(db, workspace.id, cid)
        for flag in FLAGS:
            if changes.get(flag) is not None:
                setattr(project, flag, changes[flag])
        if changes.get("color") is not None:
            project.color = parse_color(changes["color"])
        if workspace.premium:
            if changes.get("billable") is not None:
                project.billable = changes["billable"]
            if "estimated_hours" in changes:
                hours = changes["estimated_hours"]
                if hours is not None and hours < 0:
                    raise Invalid("estimated_hours_negative")
                project.estimated_hours = hours
            if "rate" in changes:
                project.rate = validation.rate(changes["rate"])
            if "currency" in changes:
                project.currency = validation.currency(changes["currency"])
        if ("name" in changes or "client_id" in changes) and name_taken(
            db, workspace.id, project.client_id, project.name, project.id
        ):
            raise Invalid("name_taken")


def _is_set(changes: Mapping[str, Any], key: str) -> bool:
    """Whether the request decides ``key`` itself: present, and not a null that would be ignored."""
    return key in changes and (changes[key] is not None or key in NULLABLE)


def _template(db: Session, actor: Actor, workspace_id: int, template_id: int) -> Project:
    template = db.scalars(
        access.readable_projects(actor).where(
            Project.id == template_id, Project.workspace_id == workspace_id, Project.template.is_(True)
        )
    ).first()
    if template is None:
        raise NotFound("template_not_found")
    return template


def _copy_from_template(db: Session, project: Project, template: Project, premium: bool, creator_id: int) -> None:
    """The template's project users (the creator stays a manager) and, on premium workspaces, its tasks."""
    members = db.scalars(
        select(ProjectMember).where(ProjectMember.project_id == template.id).order_by(ProjectMember.id)
    ).all()
    for m in members:
        if m.user_id == creator_id:
            continue
        db.add(ProjectMember(project_id=project.id, user_id=m.user_id, workspace_id=project.workspace_id,
                             manager=m.manager, rate=m.rate if premium else None))
    if not premium:
        return  # tasks are a paid feature (O-23): nothing to copy into a free workspace
    tasks = db.scalars(
        select(Task).where(Task.project_id == template.id, Task.deleted_at.is_(None)).order_by(Task.id)
    ).all()
    for t in tasks:
        db.add(Task(project_id=project.id, workspace_id=project.workspace_id, user_id=t.user_id, name=t.name,
                    estimated_seconds=t.estimated_seconds, active=t.active))


def create(db: Session, actor: Actor, changes: Mapping[str, Any]) -> Project:
    workspace_id = changes.get("workspace_id")
    if workspace_id is None:
        raise Invalid("workspace_blank")
    workspace = access.load_workspace(db, actor, workspace_id)
    if workspace.only_admins_may_create_projects and not actor.is_admin(workspace.id):
        raise Forbidden("admins_create_projects")
    if changes.get("name") is None:
        raise Invalid("name_blank")
    template = None
    if changes.get("template_id") is not None:
        template = _template(db, actor, workspace.id, changes["template_id"])

    effective = {k: v for k, v in changes.items() if k not in ("workspace_id", "template_id")}
    if template is not None:
        for key in TEMPLATE_FIELDS:
            if not _is_set(changes, key):
                effective[key] = getattr(template, key)

    locks.lock_names(db, workspace.id)
    now = utcnow()
    project = Project(
        workspace_id=workspace.id, name="", active=True, is_private=True, template=False, auto_estimates=False,
        billable=workspace.projects_billable_by_default if workspace.premium else False, color=0,
        template_id=None if template is None else template.id, created_at=now, updated_at=now,
    )
    _apply(db, project, workspace, effective)
    db.add(project)
    db.flush()
    if effective.get("color") is None:
        # The id is only known now; an explicit ``updated_at`` keeps ``at`` equal to ``created_at``.
        db.execute(update(Project).where(Project.id == project.id)
                   .values(color=project.id % len(PALETTE), updated_at=now))
    db.add(ProjectMember(project_id=project.id, user_id=actor.id, workspace_id=workspace.id, manager=True))
    if template is not None:
        _copy_from_template(db, project, template, workspace.premium, actor.id)
    db.flush()
    return project


def get(db: Session, actor: Actor, project_id: int) -> Project:
    return access.load_project(db, actor, project_id)


def _locked(db: Session, project_id: int) -> Project:
    """The live project, locked and reloaded (domain/locks.py); deleted meanwhile: 404."""
    found = locks.for_change(db, select(Project).where(Project.id == project_id, Project.deleted_at.is_(None)),
                             Project.id)
    if not found:
        raise NotFound("project_not_found")
    return found[0]


def update_project(db: Session, actor: Actor, project_id: int, changes: Mapping[str, Any]) -> Project:
    """Admins and managers; ``wid`` and ``template_id`` are ignored (O-17)."""
    project = get(db, actor, project_id)
    access.require_project_manager(db, actor, project)
    if any(k in changes for k in RATE_FIELDS):  # rate locks before row locks (domain/locks.py)
        rates.lock_for_rates(db, [project.workspace_id])
    project = _locked(db, project.id)
    workspace = db.get_one(Workspace, project.workspace_id)
    _apply(db, project, workspace, {k: v for k, v in changes.items() if k not in ("workspace_id", "template_id")})
    project.updated_at = utcnow()
    db.flush()
    return project


def delete_many(db: Session, actor: Actor, project_ids: Sequence[int], *, name_ids: bool = False) -> list[int]:
    """Delete projects, all or nothing (O-18): check every id first, then change.

    Each project becomes a tombstone; its tasks are tombstoned and its project users removed; time
    entries on it lose project and task (their ``at`` changes). ``name_ids`` makes errors name the id.
    """
    ids = list(dict.fromkeys(project_ids))
    found = {p.id: p for p in db.scalars(access.readable_projects(actor).where(Project.id.in_(ids)))}
    for pid in ids:  # in list order, so that the error names the first bad id (O-18)
        if pid not in found:
            raise NotFound("project_id_not_found" if name_ids else "project_not_found", id=pid)
        if not access.is_project_manager(db, actor, found[pid]):
            raise Forbidden("manager_only_id" if name_ids else "manager_only", id=pid)

    rates.lock_for_rates(db, {p.workspace_id for p in found.values()})  # entries fall back to the default
    now = utcnow()
    task_ids = select(Task.id).where(Task.project_id.in_(ids))
    db.execute(
        update(TimeEntry)
        .where(or_(TimeEntry.project_id.in_(ids), TimeEntry.task_id.in_(task_ids)))
        # Without project the rate chain ends at the workspace default (50-reports §4.1).
        .values(project_id=None, task_id=None, updated_at=now, rate=rates.default_rate(),
                currency=rates.default_currency()),
        execution_options={"synchronize_session": False},
    )
    db.execute(
        update(Task).where(Task.project_id.in_(ids), Task.deleted_at.is_(None)).values(deleted_at=now, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    db.execute(sql_delete(ProjectMember).where(ProjectMember.project_id.in_(ids)),
               execution_options={"synchronize_session": False})
    # A statement, not attribute assignments: an explicit ``updated_at`` is never replaced by ``onupdate``.
    db.execute(update(Project).where(Project.id.in_(ids)).values(deleted_at=now, updated_at=now),
               execution_options={"synchronize_session": "fetch"})
    db.flush()
    return ids


def list_for_client(db: Session, actor: Actor, client_id: int, active: bool | None) -> Sequence[Project]:
    stmt = access.readable_projects(actor).where(Project.client_id == client_id)
    if active is not None:
        stmt = stmt.where(Project.active.is_(active))
    return db.scalars(stmt.order_by(Project.id)).all()


def list_workspace(db: Session, actor: Actor, workspace_id: int, active: bool | None = True,
                   only_templates: bool = False) -> Sequence[Project]:
    """Projects of the workspace the actor can see (O-26)."""
    access.require_member(actor, workspace_id)
    stmt = access.readable_projects(actor).where(Project.workspace_id == workspace_id)
    if active is not None:
        stmt = stmt.where(Project.active.is_(active))
    if only_templates:
        stmt = stmt.where(Project.template.is_(True))
    return db.scalars(stmt.order_by(Project.id)).all()


def actual_hours(db: Session, project_ids: Collection[int]) -> dict[int, int]:
    """Hours tracked on each project by all users (stopped, non-deleted entries), half-up (O-35)."""
    ids = list(dict.fromkeys(project_ids))
    if not ids:
        return {}
    rows = db.execute(
        select(TimeEntry.project_id, func.sum(TimeEntry.duration))
        .where(TimeEntry.project_id.in_(ids), TimeEntry.stop.is_not(None), TimeEntry.deleted_at.is_(None))
        .group_by(TimeEntry.project_id)
    ).all()
    seconds = {pid: int(total or 0) for pid, total in rows}
    return {pid: hours_half_up(seconds.get(pid, 0)) for pid in ids}


def auto_estimates(db: Session, projects: Collection[Project]) -> dict[int, int]:
    """``estimated_hours`` of the projects with automatic estimates: their live tasks' estimates summed,
    in whole hours half-up (O-47); one grouped query. Projects without automatic estimates are absent.
    """
    ids = [p.id for p in projects if p.auto_estimates]
    if not ids:
        return {}
    rows = db.execute(
        select(Task.project_id, func.sum(Task.estimated_seconds))
        .where(Task.project_id.in_(ids), Task.deleted_at.is_(None))
        .group_by(Task.project_id)
    ).all()
    seconds = {pid: int(total or 0) for pid, total in rows}
    return {pid: hours_half_up(seconds.get(pid, 0)) for pid in ids}


def project_users(db: Session, actor: Actor, project_id: int) -> tuple[Project, Sequence[ProjectMember]]:
    """A visible project and its project users, by id."""
    project = access.load_project(db, actor, project_id)
    members = db.scalars(
        access.readable_project_members(actor)
        .where(ProjectMember.project_id == project.id)
        .order_by(ProjectMember.id)
    ).all()
    return project, members
