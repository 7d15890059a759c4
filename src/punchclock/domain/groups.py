"""Groups of a workspace (20-workspaces §8) and group membership of workspace users (O-31).

Every group operation is for admins of the group's workspace (O-27); a group of a workspace the
actor does not belong to is unknown (404, O-13). Names are unique per workspace, case-insensitively.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Group, GroupMember, WorkspaceMember
from punchclock.models._common import utcnow

MAX_NAME = 140


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupChanges:
    """Only the name changes; a null name is ignored (O-16)."""

    name: str | Unset | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupCreate(GroupChanges):
    workspace_id: int | None = None


def _name_taken(db: Session, workspace_id: int, key: str, exclude_id: int | None = None) -> bool:
    stmt = select(Group.id).where(Group.workspace_id == workspace_id, Group.name_key == key)
    if exclude_id is not None:
        stmt = stmt.where(Group.id != exclude_id)
    return db.scalar(stmt.limit(1)) is not None


def _set_name(db: Session, group: Group, value: str) -> None:
    name = validation.clean_name(value, max_len=MAX_NAME)
    key = name.casefold()
    if _name_taken(db, group.workspace_id, key, group.id):
        raise Invalid("name_taken")
    group.name = name
    group.name_key = key


def create(db: Session, actor: Actor, changes: GroupCreate) -> Group:
    """``POST /groups``: ``workspace_id`` (404 unless a member, 403 unless an admin), then ``name``."""
    if changes.workspace_id is None:
        raise Invalid("workspace_blank")
    workspace = access.load_workspace(db, actor, changes.workspace_id)
    access.require_admin(actor, workspace.id)
    if changes.name is UNSET or changes.name is None:
        raise Invalid("name_blank")
    now = utcnow()
    group = Group(workspace_id=workspace.id, created_at=now, updated_at=now)
    _set_name(db, group, changes.name)
    db.add(group)
    db.flush()
    return group


def get(db: Session, actor: Actor, group_id: int) -> Group:
    """A group of one of the actor's workspaces, for its admins (non-admin members: 403)."""
    group = db.scalars(access.readable_groups(actor).where(Group.id == group_id)).first()
    if group is None:
        raise NotFound("group_not_found")
    access.require_admin(actor, group.workspace_id)
    return group


def update(db: Session, actor: Actor, group_id: int, changes: GroupChanges) -> Group:
    """``PUT /groups/{id}``: only ``name`` changes; a null name is ignored (O-16)."""
    group = get(db, actor, group_id)
    found = locks.for_change(db, select(Group).where(Group.id == group.id), Group.id)
    if not found:
        raise NotFound("group_not_found")
    group = found[0]
    if changes.name is not UNSET and changes.name is not None:
        _set_name(db, group, changes.name)
    group.updated_at = utcnow()
    db.flush()
    return group


def delete_group(db: Session, actor: Actor, group_id: int) -> int:
    """Remove the group and its memberships."""
    group = get(db, actor, group_id)
    db.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    db.delete(group)
    db.flush()
    return group_id


class GroupRow(NamedTuple):
    """A group as the list answers it (the fields ``group_out`` reads)."""

    id: int
    workspace_id: int
    name: str
    updated_at: datetime


_G = Group.__table__.c
_GM = GroupMember.__table__.c
_WM = WorkspaceMember.__table__.c
#: Prebuilt reads; bind ``scope_wid`` (checked by the caller).
_OF_WORKSPACE = (select(*(_G[name] for name in GroupRow._fields))
                 .where(access.in_checked_workspace(_G.workspace_id)).order_by(_G.id))
_MEMBER_GROUPS = (select(_GM.workspace_member_id, _GM.group_id)
                  .join(WorkspaceMember.__table__, _WM.id == _GM.workspace_member_id)
                  .where(access.in_checked_workspace(_WM.workspace_id)).order_by(_GM.group_id))


def list_workspace(db: Session, actor: Actor, workspace_id: int) -> list[GroupRow]:
    """``GET /workspaces/{id}/groups``: admins only (404 for outsiders, 403 for members; O-26)."""
    access.require_admin(actor, workspace_id)
    return [GroupRow._make(r) for r in db.connection().execute(_OF_WORKSPACE, {"scope_wid": workspace_id})]


def group_ids_in_workspace(db: Session, workspace_id: int) -> dict[int, list[int]]:
    """``group_ids_of`` for every member of a workspace the caller checked, in one prebuilt statement."""
    result: dict[int, list[int]] = {}
    for member_id, group_id in db.connection().execute(_MEMBER_GROUPS, {"scope_wid": workspace_id}):
        result.setdefault(member_id, []).append(group_id)
    return result


# -- membership ---------------------------------------------------------------------------------------

def check_group_ids(db: Session, workspace_id: int, group_ids: Collection[int]) -> list[int]:
    """The ids, deduplicated in order, if every one names a group of the workspace; else 404 Group not found."""
    ids = list(dict.fromkeys(group_ids))
    if ids:
        found = set(db.scalars(select(Group.id).where(Group.id.in_(ids), Group.workspace_id == workspace_id)))
        if len(found) != len(ids):
            raise NotFound("group_not_found")
    return ids


def set_member_groups(db: Session, member: WorkspaceMember, group_ids: Sequence[int]) -> None:
    """Replace the member's groups with ``group_ids`` (already checked with ``check_group_ids``)."""
    current = set(db.scalars(select(GroupMember.group_id).where(GroupMember.workspace_member_id == member.id)))
    wanted = set(group_ids)
    gone = current - wanted
    if gone:
        db.execute(delete(GroupMember).where(GroupMember.workspace_member_id == member.id,
                                             GroupMember.group_id.in_(gone)))
    db.add_all(GroupMember(group_id=gid, workspace_member_id=member.id) for gid in sorted(wanted - current))


def group_ids_of(db: Session, member_ids: Collection[int]) -> dict[int, list[int]]:
    """Workspace-member id -> its group ids, ascending (members without groups are absent)."""
    result: dict[int, list[int]] = {}
    if not member_ids:
        return result
    rows = db.execute(
        select(GroupMember.workspace_member_id, GroupMember.group_id)
        .where(GroupMember.workspace_member_id.in_(list(member_ids)))
        .order_by(GroupMember.group_id)
    )
    for member_id, group_id in rows:
        result.setdefault(member_id, []).append(group_id)
    return result


def member_user_ids(db: Session, group_ids: Collection[int]) -> set[int]:
    """User ids of the members of any of the groups (for the Reports group filters, 50-reports §3.4)."""
    if not group_ids:
        return set()
    return set(db.scalars(
        select(WorkspaceMember.user_id)
        .join(GroupMember, GroupMember.workspace_member_id == WorkspaceMember.id)
        .where(GroupMember.group_id.in_(list(group_ids)))
    ))
