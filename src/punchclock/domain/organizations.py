"""Organizations (v9 contract 30- §1.0, V-1): creation and owner succession.

Every path that creates a workspace creates its organization in the same transaction
(``users.new_workspace``), so ``workspaces.organization_id`` is never null. Membership is derived from
active workspace memberships; the owner is the one stored role.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Organization, Workspace, WorkspaceMember


def create(db: Session, name: str, owner_user_id: int | None) -> Organization:
    org = Organization(name=name.strip()[:140], owner_user_id=owner_user_id)
    db.add(org)
    db.flush()
    return org


def succeed_owner(db: Session, workspace_id: int, leaving_user_id: int) -> None:
    """After ``leaving_user_id`` lost a membership of ``workspace_id``: if that was the owner's last one in
    the organization, ownership passes to the earliest remaining active admin (lowest membership id)."""
    org = db.scalars(select(Organization).join(Workspace, Workspace.organization_id == Organization.id)
                     .where(Workspace.id == workspace_id)).one()
    if org.owner_user_id != leaving_user_id:
        return
    in_org = select(Workspace.id).where(Workspace.organization_id == org.id).scalar_subquery()
    members = select(WorkspaceMember).where(WorkspaceMember.workspace_id.in_(in_org),
                                            WorkspaceMember.active.is_(True))
    if db.scalars(members.where(WorkspaceMember.user_id == leaving_user_id).limit(1)).first() is not None:
        return
    successor = db.scalars(members.where(WorkspaceMember.admin.is_(True))
                           .order_by(WorkspaceMember.id).limit(1)).first()
    org.owner_user_id = successor.user_id if successor is not None else None
