"""Groups of a workspace (20-workspaces §8) and group membership of workspace users (O-31); the v9
workspace and organization groups (v9 30- §2, V-47: an organization group is a workspace group).

Every group change is for admins of the group's workspace (O-27); a group of a workspace the
actor does not belong to is unknown (404, O-13). Names are unique per workspace, case-insensitively.
v9 lets members read groups (V-24).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access, locks, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Group, GroupMember, User, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

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
    name = validation.clean_name(value, max_len=MAX_NAME, code="group_name_blank")
    key = name.casefold()
    if _name_taken(db, group.workspace_id, key, group.id):
        raise Invalid("group_name_taken")
    group.name = name
    group.name_key = key


def create(db: Session, actor: Actor, changes: GroupCreate) -> Group:
    """``POST /groups``: ``workspace_id`` (404 unless a member, 403 unless an admin), then ``name``."""
    if changes.workspace_id is None:
        raise Invalid("workspace_blank")
    workspace = access.load_workspace(db, actor, changes.workspace_id)
    access.require_admin(actor, workspace.id)
    return _new(db, workspace.id, changes.name)


def _new(db: Session, workspace_id: int, name: str | Unset | None) -> Group:
    if name is UNSET or name is None:
        raise Invalid("group_name_blank")
    now = utcnow()
    group = Group(workspace_id=workspace_id, created_at=now, updated_at=now)
    _set_name(db, group, name)
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
    return _rename(db, _locked(db, get(db, actor, group_id)), changes.name)


def _locked(db: Session, group: Group) -> Group:
    found = locks.for_change(db, select(Group).where(Group.id == group.id), Group.id)
    if not found:
        raise NotFound("group_not_found")
    return found[0]


def _rename(db: Session, group: Group, name: str | Unset | None) -> Group:
    if name is not UNSET and name is not None:
        _set_name(db, group, name)
    group.updated_at = utcnow()
    db.flush()
    return group


def _drop(db: Session, group: Group) -> None:
    webhook_changes.record_where(db, "workspace_user", "updated", WorkspaceMember.id.in_(
        select(GroupMember.workspace_member_id).where(GroupMember.group_id == group.id)))
    db.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    db.delete(group)
    db.flush()


def delete_group(db: Session, actor: Actor, group_id: int) -> int:
    """Remove the group and its memberships."""
    _drop(db, get(db, actor, group_id))
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
        webhook_changes.record(db, "workspace_user", "updated", [member.id], member.workspace_id)
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


# -- v9 workspace groups (30- §2.1): members read, admins write ------------------------------------------

class GroupView(NamedTuple):
    """A group with whether anybody is in it (the v9 object)."""

    id: int
    workspace_id: int
    name: str
    updated_at: datetime
    has_users: bool


_U = User.__table__.c
_VIEWS = select(_G.id, _G.workspace_id, _G.name, _G.updated_at,
                exists().where(_GM.group_id == _G.id).label("has_users"))


def _views(db: Session, *where: ColumnElement[bool]) -> list[GroupView]:
    rows = db.connection().execute(_VIEWS.where(*where).order_by(_G.name_key, _G.id))
    return [GroupView(gid, wid, name, at, bool(has)) for gid, wid, name, at, has in rows]


def list_views(db: Session, actor: Actor, workspace_id: int) -> list[GroupView]:
    """``GET /workspaces/{id}/groups`` (v9): any active member (V-24), by name."""
    access.require_member(actor, workspace_id)
    return _views(db, _G.workspace_id == workspace_id)


def view(db: Session, group_id: int) -> GroupView:
    return _views(db, _G.id == group_id)[0]


def create_in_workspace(db: Session, actor: Actor, workspace_id: int, name: str | Unset | None) -> GroupView:
    access.require_admin(actor, workspace_id)
    return view(db, _new(db, workspace_id, name).id)


def _of_workspace(db: Session, actor: Actor, workspace_id: int, group_id: int) -> Group:
    """A group of the path workspace, for its admins (403 first); another workspace's group is 404."""
    access.require_admin(actor, workspace_id)
    group = db.scalars(select(Group).where(Group.id == group_id, Group.workspace_id == workspace_id)).first()
    if group is None:
        raise NotFound("group_not_found")
    return _locked(db, group)


def rename_in_workspace(db: Session, actor: Actor, workspace_id: int, group_id: int, changes: GroupChanges
                        ) -> GroupView:
    return view(db, _rename(db, _of_workspace(db, actor, workspace_id, group_id), changes.name).id)


def delete_in_workspace(db: Session, actor: Actor, workspace_id: int, group_id: int) -> None:
    _drop(db, _of_workspace(db, actor, workspace_id, group_id))


# -- v9 organization groups (30- §2.2, V-47): one workspace each, members by user id ------------------------

class GroupUser(NamedTuple):
    user_id: int
    fullname: str
    email: str
    #: The membership is active (an accepted invitation).
    active: bool


@dataclass(slots=True)
class OrgGroup:
    id: int
    workspace_id: int
    name: str
    updated_at: datetime
    users: list[GroupUser] = field(default_factory=list)


_GROUP_USERS = (select(_GM.group_id, _WM.user_id, _U.fullname, _U.email, _WM.active)
                .join(WorkspaceMember.__table__, _WM.id == _GM.workspace_member_id)
                .join(User.__table__, _U.id == _WM.user_id)
                .order_by(lower_text(_U.fullname), _WM.user_id))


def org_groups(db: Session, workspace_ids: Sequence[int], *, text: str | None = None, workspace_id: int | None = None,
               group_id: int | None = None) -> list[OrgGroup]:
    """The groups of the organization's workspaces, by name: ``text`` in the name, of one workspace, or one."""
    stmt = select(_G.id, _G.workspace_id, _G.name, _G.updated_at).where(_G.workspace_id.in_(list(workspace_ids)))
    if text:
        stmt = stmt.where(lower_text(_G.name).contains(text.lower(), autoescape=True))
    if workspace_id is not None:
        stmt = stmt.where(_G.workspace_id == workspace_id)
    if group_id is not None:
        stmt = stmt.where(_G.id == group_id)
    conn = db.connection()
    found = {r[0]: OrgGroup(*r) for r in conn.execute(stmt.order_by(_G.name_key, _G.id))}
    if found:
        for gid, uid, name, email, active in conn.execute(_GROUP_USERS.where(_GM.group_id.in_(list(found)))):
            found[gid].users.append(GroupUser(uid, name, email, bool(active)))
    return list(found.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgGroupInput:
    """Create: ``name`` required. Update: absent or null keys keep their value; ``user_ids`` replaces the set."""

    name: str | Unset | None = UNSET
    workspace_ids: Sequence[int] | Unset | None = UNSET
    user_ids: Sequence[int] | Unset | None = UNSET


@dataclass(frozen=True, slots=True)
class GroupPatch:
    """One operation of ``PATCH …/groups/{id}``; ``value`` is None when it was not a list of ids."""

    op: str
    path: str
    value: tuple[int, ...] | None


#: Ids per patch operation (the swagger's limit).
MAX_PATCH_VALUES = 100


def _org_workspace(org_workspace_ids: Sequence[int], asked: Sequence[int] | Unset | None) -> int:
    """The one workspace of a new organization group; may be omitted when the organization has one."""
    ids = [] if asked is UNSET or asked is None else list(dict.fromkeys(asked))
    if not ids and len(org_workspace_ids) == 1:
        return org_workspace_ids[0]
    if len(ids) != 1:
        raise Invalid("group_one_workspace")
    if ids[0] not in org_workspace_ids:
        raise Invalid("org_workspace_unknown", id=ids[0])
    return ids[0]


def _member_ids(db: Session, workspace_id: int, user_ids: Sequence[int]) -> list[int]:
    """The memberships (active or pending) of the users in the workspace; a user without one is a 400."""
    wanted = list(dict.fromkeys(user_ids))
    found = {uid: mid for uid, mid in db.execute(select(_WM.user_id, _WM.id).where(
        _WM.workspace_id == workspace_id, _WM.user_id.in_(wanted)))} if wanted else {}
    missing = [u for u in wanted if u not in found]
    if missing:
        raise Invalid("not_workspace_member_id", id=missing[0])
    return [found[u] for u in wanted]


def _add_members(db: Session, group_id: int, member_ids: Collection[int]) -> None:
    current = set(db.scalars(select(GroupMember.workspace_member_id).where(GroupMember.group_id == group_id)))
    db.add_all(GroupMember(group_id=group_id, workspace_member_id=m) for m in member_ids if m not in current)
    db.flush()


def _remove_members(db: Session, group_id: int, member_ids: Collection[int], *, keep: bool = False) -> None:
    """Remove the listed memberships from the group, or (``keep``) every other one."""
    listed = GroupMember.workspace_member_id.in_(list(member_ids))
    webhook_changes.record_where(db, "workspace_user", "updated", WorkspaceMember.id.in_(select(
        GroupMember.workspace_member_id).where(GroupMember.group_id == group_id, ~listed if keep else listed)))
    db.execute(delete(GroupMember).where(GroupMember.group_id == group_id, ~listed if keep else listed))


def _of_org(db: Session, actor: Actor, org_workspace_ids: Sequence[int], group_id: int) -> Group:
    """A group of the organization (else 404), for admins of its workspace (403)."""
    group = db.scalars(select(Group).where(Group.id == group_id,
                                           Group.workspace_id.in_(list(org_workspace_ids)))).first()
    if group is None:
        raise NotFound("group_not_found")
    access.require_admin(actor, group.workspace_id)
    return _locked(db, group)


def _org_view(db: Session, group: Group) -> OrgGroup:
    return org_groups(db, [group.workspace_id], group_id=group.id)[0]


def create_in_org(db: Session, actor: Actor, org_workspace_ids: Sequence[int], data: OrgGroupInput) -> OrgGroup:
    """``POST /organizations/{id}/groups``: admins of the target workspace; every check before any change."""
    workspace_id = _org_workspace(org_workspace_ids, data.workspace_ids)
    access.require_admin(actor, workspace_id)
    users = data.user_ids if data.user_ids is not UNSET and data.user_ids is not None else []
    member_ids = _member_ids(db, workspace_id, users)
    group = _new(db, workspace_id, data.name)
    _add_members(db, group.id, member_ids)
    return _org_view(db, group)


def update_in_org(db: Session, actor: Actor, org_workspace_ids: Sequence[int], group_id: int,
                  data: OrgGroupInput) -> OrgGroup:
    """``PUT …/groups/{id}``: ``name``, ``users`` (the complete set; null empties it), ``workspaces`` (the
    group's own workspace only)."""
    group = _of_org(db, actor, org_workspace_ids, group_id)
    asked = [] if data.workspace_ids is UNSET or data.workspace_ids is None else list(dict.fromkeys(data.workspace_ids))
    if asked and asked != [group.workspace_id]:
        raise Invalid("group_one_workspace")
    member_ids = None
    if data.user_ids is not UNSET:
        member_ids = _member_ids(db, group.workspace_id, data.user_ids or [])
    _rename(db, group, data.name)
    if member_ids is not None:
        _remove_members(db, group.id, member_ids, keep=True)
        _add_members(db, group.id, member_ids)
    return _org_view(db, group)


def _apply(db: Session, group: Group, patch: GroupPatch) -> tuple[str, dict[str, Any]] | None:
    """One patch operation, whole or not at all: None when applied, else its failure (code, context)."""
    if patch.path == "/workspaces":
        return ("group_one_workspace", {})
    if patch.path != "/users" or patch.op not in ("add", "remove"):
        return ("group_patch_unsupported", {})
    if not patch.value or len(patch.value) > MAX_PATCH_VALUES:
        return ("group_patch_value", {"max": MAX_PATCH_VALUES})
    try:
        member_ids = _member_ids(db, group.workspace_id, patch.value)
    except Invalid as err:
        return (err.code, err.ctx)
    if patch.op == "add":
        _add_members(db, group.id, member_ids)
    else:
        _remove_members(db, group.id, member_ids)
    return None


def patch_in_org(db: Session, actor: Actor, org_workspace_ids: Sequence[int], group_id: int,
                 patches: Sequence[GroupPatch]) -> list[tuple[str, dict[str, Any]] | None]:
    """``PATCH …/groups/{id}``: each operation on its own; the outcome of each, in order."""
    group = _of_org(db, actor, org_workspace_ids, group_id)
    outcomes = [_apply(db, group, p) for p in patches]
    if any(o is None for o in outcomes):
        group.updated_at = utcnow()
        db.flush()
    return outcomes


def delete_in_org(db: Session, actor: Actor, org_workspace_ids: Sequence[int], group_id: int) -> None:
    _drop(db, _of_org(db, actor, org_workspace_ids, group_id))
