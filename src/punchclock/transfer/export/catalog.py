"""A workspace's catalog as the objects of the export ZIP: API v9 field names, sorted by id.

Deleted rows (tombstones) are left out; archived clients and inactive projects and tasks are kept. ``at`` is
the row's last change in UTC, as v9 writes it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.domain.colors import project_hex
from punchclock.models import (
    Client,
    Group,
    GroupMember,
    Project,
    ProjectMember,
    Tag,
    Task,
    User,
    Workspace,
    WorkspaceMember,
)

Obj = dict[str, Any]


def at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def clients(db: Session, workspace_id: int) -> list[Obj]:
    rows = db.scalars(select(Client).where(Client.workspace_id == workspace_id, Client.deleted_at.is_(None))
                      .order_by(Client.id))
    return [{"id": c.id, "workspace_id": c.workspace_id, "name": c.name, "archived": c.archived, "notes": c.notes,
             "rate": c.hourly_rate, "currency": c.currency, "at": at(c.updated_at)} for c in rows]


def projects(db: Session, workspace_id: int) -> list[Obj]:
    rows = db.scalars(select(Project).where(Project.workspace_id == workspace_id, Project.deleted_at.is_(None))
                      .order_by(Project.id))
    return [{"id": p.id, "workspace_id": p.workspace_id, "client_id": p.client_id, "name": p.name,
             "active": p.active, "is_private": p.is_private, "billable": p.billable,
             "color": project_hex(p.color, p.color_hex), "rate": p.rate, "currency": p.currency,
             "estimated_hours": p.estimated_hours, "template": p.template, "auto_estimates": p.auto_estimates,
             "at": at(p.updated_at)} for p in rows]


def tags(db: Session, workspace_id: int) -> list[Obj]:
    rows = db.scalars(select(Tag).where(Tag.workspace_id == workspace_id, Tag.deleted_at.is_(None)).order_by(Tag.id))
    return [{"id": t.id, "workspace_id": t.workspace_id, "name": t.name, "at": at(t.updated_at)} for t in rows]


def workspace_users(db: Session, workspace_id: int) -> list[Obj]:
    """Every member, invited (inactive) ones included; ``id`` is the membership's, ``user_id`` the user's."""
    rows = db.execute(select(WorkspaceMember, User).join(User, User.id == WorkspaceMember.user_id)
                      .where(WorkspaceMember.workspace_id == workspace_id).order_by(WorkspaceMember.id))
    return [{"id": m.id, "user_id": u.id, "workspace_id": m.workspace_id, "email": u.email, "name": u.fullname,
             "admin": m.admin, "active": m.active, "timezone": u.timezone} for m, u in rows]


def project_users(db: Session, workspace_id: int) -> dict[int, list[Obj]]:
    """Per live project id: its members (an empty list for a project without any)."""
    live = [p for p in db.scalars(select(Project.id).where(Project.workspace_id == workspace_id,
                                                            Project.deleted_at.is_(None)))]
    found: dict[int, list[Obj]] = {pid: [] for pid in sorted(live)}
    rows = db.scalars(select(ProjectMember).where(ProjectMember.workspace_id == workspace_id)
                      .order_by(ProjectMember.id))
    for m in rows:
        if m.project_id in found:
            found[m.project_id].append({"id": m.id, "project_id": m.project_id, "user_id": m.user_id,
                                        "workspace_id": m.workspace_id, "manager": m.manager, "rate": m.rate})
    return found


def tasks(db: Session, workspace_id: int) -> dict[int, list[Obj]]:
    """Per live project id: its live tasks, active or not (an empty list for a project without any)."""
    live = db.scalars(select(Project.id).where(Project.workspace_id == workspace_id, Project.deleted_at.is_(None)))
    found: dict[int, list[Obj]] = {pid: [] for pid in sorted(live)}
    rows = db.scalars(select(Task).where(Task.workspace_id == workspace_id, Task.deleted_at.is_(None))
                      .order_by(Task.id))
    for t in rows:
        if t.project_id in found:
            found[t.project_id].append({"id": t.id, "name": t.name, "project_id": t.project_id,
                                        "workspace_id": t.workspace_id, "active": t.active,
                                        "estimated_seconds": t.estimated_seconds, "user_id": t.user_id})
    return found


def user_groups(db: Session, workspace_id: int) -> list[Obj]:
    members: dict[int, list[Obj]] = defaultdict(list)
    rows = db.execute(select(GroupMember.group_id, User.id, User.fullname)
                      .join(WorkspaceMember, WorkspaceMember.id == GroupMember.workspace_member_id)
                      .join(User, User.id == WorkspaceMember.user_id)
                      .where(WorkspaceMember.workspace_id == workspace_id).order_by(User.id))
    for group_id, user_id, name in rows:
        members[group_id].append({"user_id": user_id, "name": name})
    groups = db.scalars(select(Group).where(Group.workspace_id == workspace_id).order_by(Group.id))
    return [{"group_id": g.id, "name": g.name, "workspace_id": g.workspace_id, "users": members[g.id]}
            for g in groups]


def workspace_settings(ws: Workspace) -> Obj:
    return {"name": ws.name, "default_hourly_rate": ws.default_hourly_rate, "default_currency": ws.default_currency,
            "rounding": ws.rounding, "rounding_minutes": ws.rounding_minutes,
            "only_admins_may_create_projects": ws.only_admins_may_create_projects,
            "only_admins_may_create_tags": ws.only_admins_may_create_tags,
            "only_admins_see_billable_rates": ws.only_admins_see_billable_rates,
            "projects_billable_by_default": ws.projects_billable_by_default,
            "projects_private_by_default": ws.projects_private_by_default}
