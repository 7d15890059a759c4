"""The workspace an import writes into: the one given, the one an earlier import of the same source
created, or a new one (in a new organization) with the source's settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.domain import members as member_rules
from punchclock.domain import organizations, security, users
from punchclock.models import ImportLink, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.transfer.apply import people
from punchclock.transfer.outcome import Outcome
from punchclock.transfer.records import MemberRecord, WorkspaceRecord

_L, _W = table(ImportLink).c, table(Workspace).c
_SETTINGS = ("default_hourly_rate", "default_currency", "rounding", "rounding_minutes",
             "only_admins_may_create_projects", "only_admins_may_create_tags", "only_admins_see_billable_rates",
             "projects_billable_by_default", "projects_private_by_default")


class NoOwner(ValueError):
    """A new workspace needs an owner and the source names no member."""


def external_id(rec: WorkspaceRecord) -> str:
    """The source workspace's id, else its name: a second import of the same files finds the same one."""
    return rec.external_id if rec.external_id is not None else f"name:{rec.name.strip().lower()}"[:100]


def find_imported(db: Session, origin: str, rec: WorkspaceRecord) -> int | None:
    return db.connection().execute(select(_L.local_id).join(Workspace, _W.id == _L.local_id).order_by(_L.id).where(
        _L.origin == origin, _L.kind == "workspace", _L.external_id == external_id(rec),
        _L.workspace_id == _L.local_id).limit(1)).scalar()


def _owner(members: list[MemberRecord]) -> MemberRecord:
    admins = [m for m in members if m.admin]
    if not admins and not members:
        raise NoOwner
    return (admins or members)[0]


def create(db: Session, origin: str, rec: WorkspaceRecord, members: list[MemberRecord], outcome: Outcome
           ) -> tuple[int, int]:
    """A new workspace owned by the source's first admin (a placeholder user when the address is unknown,
    whose membership is then a pending invitation like every other unknown person's). Returns the workspace
    id and the owner's user id."""
    owner_rec = _owner(members)
    conn = db.connection()
    u = table(User).c
    now = utcnow()
    owner = conn.execute(select(u.id).where(func.lower(u.email) == owner_rec.email.strip().lower())).scalar()
    placeholder = owner is None
    if owner is None:
        owner = conn.execute(table(User).insert().values(
            email=owner_rec.email.strip(), password_hash=None, api_token=security.new_api_token(),
            fullname=(owner_rec.name.strip() or users.fullname_from_email(owner_rec.email))[:users.MAX_FULLNAME],
            timezone=people.zone(owner_rec.timezone), created_at=now, updated_at=now).returning(u.id)).scalar_one()
        outcome.invited_user_ids.append(owner)
    org = organizations.create(db, rec.name, owner)
    settings: dict[str, Any] = {k: getattr(rec, k) for k in _SETTINGS if getattr(rec, k) is not None}
    wid: int = conn.execute(table(Workspace).insert().values(
        organization_id=org.id, name=rec.name.strip()[:140], api_token=security.new_api_token(), **settings,
    ).returning(_W.id)).scalar_one()
    member: dict[str, Any] = {"workspace_id": wid, "user_id": owner, "admin": True, "active": not placeholder}
    if placeholder:
        member.update(invite_code=member_rules.new_code(), invited_at=now)
    conn.execute(table(WorkspaceMember).insert().values(**member))
    conn.execute(table(ImportLink).insert().values(workspace_id=wid, origin=origin, kind="workspace",
                                                   external_id=external_id(rec), local_id=wid))
    if not placeholder:  # a person without another workspace gets this one as default
        conn.execute(update(table(User)).where(u.id == owner, u.default_workspace_id.is_(None))
                     .values(default_workspace_id=wid))
    outcome.count("workspaces", "created")
    outcome.count("users", "created" if placeholder else "matched")
    outcome.count("members", "created")
    return wid, owner
