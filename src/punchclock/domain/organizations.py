"""Organizations (v9 contract 30- §1, V-1, V-46): creation, access, the object, leaving, users, invitations.

Every path that creates a workspace creates its organization in the same transaction
(``users.new_workspace``), so ``workspaces.organization_id`` is never null. Membership is derived from
active workspace memberships; the owner is the one stored role. An organization admin is the owner or an
admin of every workspace of the organization. Reads run Core statements (no ORM object per row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, delete, distinct, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access, groups, members, users, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Forbidden, Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Group, GroupMember, Organization, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

MAX_NAME = 140

_O = Organization.__table__.c
_W = Workspace.__table__.c
_M = WorkspaceMember.__table__.c
_U = User.__table__.c
_G = Group.__table__.c
_GM = GroupMember.__table__.c


def create(db: Session, name: str, owner_user_id: int | None) -> Organization:
    org = Organization(name=name.strip()[:MAX_NAME], owner_user_id=owner_user_id)
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
    members_ = select(WorkspaceMember).where(WorkspaceMember.workspace_id.in_(in_org),
                                             WorkspaceMember.active.is_(True))
    if db.scalars(members_.where(WorkspaceMember.user_id == leaving_user_id).limit(1)).first() is not None:
        return
    successor = db.scalars(members_.where(WorkspaceMember.admin.is_(True))
                           .order_by(WorkspaceMember.id).limit(1)).first()
    org.owner_user_id = successor.user_id if successor is not None else None


# -- access -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OrgAccess:
    """An organization as the caller reaches it: its workspaces and the caller's roles in it."""

    id: int
    name: str
    owner_user_id: int | None
    workspace_ids: tuple[int, ...]
    owner: bool
    admin: bool


def is_org_admin(actor: Actor, owner_user_id: int | None, workspace_ids: Sequence[int]) -> bool:
    """V-46: the owner, or an admin of every workspace of the organization."""
    return owner_user_id == actor.id or (bool(workspace_ids) and all(actor.is_admin(w) for w in workspace_ids))


def reach(db: Session, actor: Actor, organization_id: int) -> OrgAccess:
    """The organization if the caller is a member (an active membership in one of its workspaces);
    unknown and foreign organizations alike are 403 ``organization_not_found`` (10- §5)."""
    rows = db.execute(select(_O.name, _O.owner_user_id, _W.id).join(Workspace.__table__, _W.organization_id == _O.id)
                      .where(_O.id == organization_id).order_by(_W.id)).all()
    wids = tuple(r[2] for r in rows)
    if not any(actor.is_member(w) for w in wids):
        raise NotFound("organization_not_found")
    owner_id = rows[0][1]
    return OrgAccess(organization_id, rows[0][0], owner_id, wids, owner_id == actor.id,
                     is_org_admin(actor, owner_id, wids))


def require_admin(db: Session, actor: Actor, organization_id: int) -> OrgAccess:
    """``reach`` for organization admins only (others: 403)."""
    org = reach(db, actor, organization_id)
    if not org.admin:
        raise Forbidden("org_admin_only")
    return org


# -- the object ---------------------------------------------------------------------------------------

class OrgRow(NamedTuple):
    """An organization as its object shows it, with the caller's roles."""

    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    user_count: int
    admin: bool
    owner: bool


#: Distinct users with an active membership in a workspace of the organization (30- §1.1).
_USER_COUNT = (select(func.count(distinct(_M.user_id))).select_from(WorkspaceMember.__table__)
               .join(Workspace.__table__, _W.id == _M.workspace_id)
               .where(_W.organization_id == _O.id, _M.active.is_(True)).scalar_subquery())
#: The organizations of the caller's workspaces (binds ``mw_ids``: ``access.member_params``).
_MINE = select(_W.organization_id).where(access.in_member_workspaces(_W.id))
_ORGS = (select(_O.id, _O.name, _O.owner_user_id, _O.created_at, _O.updated_at, _USER_COUNT)
         .where(_O.id.in_(_MINE)).order_by(_O.id))
_ORG_WORKSPACES = select(_W.organization_id, _W.id).where(_W.organization_id.in_(_MINE)).order_by(_W.id)


def list_mine(db: Session, actor: Actor, organization_id: int | None = None) -> list[OrgRow]:
    """``GET /me/organizations``: every organization the caller belongs to, by id (or only one of them)."""
    conn = db.connection()
    params = access.member_params(actor)
    orgs, spans = _ORGS, _ORG_WORKSPACES
    if organization_id is not None:
        orgs, spans = orgs.where(_O.id == organization_id), spans.where(_W.organization_id == organization_id)
    wids: dict[int, list[int]] = {}
    for oid, wid in conn.execute(spans, params):
        wids.setdefault(oid, []).append(wid)
    return [OrgRow(oid, name, created, updated, count, is_org_admin(actor, owner, wids.get(oid, [])), owner == actor.id)
            for oid, name, owner, created, updated, count in conn.execute(orgs, params)]


def get(db: Session, actor: Actor, organization_id: int) -> OrgRow:
    """``GET /organizations/{id}``: members only."""
    reach(db, actor, organization_id)
    return list_mine(db, actor, organization_id)[0]


# -- create, rename ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class OrgCreate:
    name: str | None = None
    #: The first workspace's name; ``name`` when absent or null.
    workspace_name: str | Unset | None = UNSET


@dataclass(frozen=True, slots=True)
class Founded:
    organization: Organization
    workspace: Workspace


def found(db: Session, actor: Actor, request: OrgCreate) -> Founded:
    """``POST /organizations``: a new organization owned by the caller and one premium workspace with the
    caller as active admin; it becomes the caller's default workspace when they have none."""
    name = validation.clean_name(request.name or "", max_len=MAX_NAME, code="org_name_blank")
    ws_name = name
    if request.workspace_name is not UNSET and request.workspace_name is not None:
        ws_name = validation.clean_name(request.workspace_name, max_len=MAX_NAME, code="workspace_name_blank")
    user = users.load_user(db, actor)
    org = create(db, name, user.id)
    workspace = users.new_workspace(db, ws_name, user, org.id)
    workspace.premium = True
    if user.default_workspace_id is None:
        user.default_workspace_id = workspace.id
        user.updated_at = utcnow()
    db.flush()
    return Founded(org, workspace)


def rename(db: Session, actor: Actor, organization_id: int, name: str | None) -> None:
    """``PUT /organizations/{id}``: organization admins; ``name`` is the one setting."""
    require_admin(db, actor, organization_id)
    clean = validation.clean_name(name or "", max_len=MAX_NAME, code="org_name_blank")
    org = db.get_one(Organization, organization_id, with_for_update=True)
    org.name = clean
    org.updated_at = utcnow()
    db.flush()


# -- leaving -------------------------------------------------------------------------------------------

def leave(db: Session, actor: Actor, organization_id: int) -> None:
    """``DELETE /organizations/{id}/users/leave``: every active membership of the caller in the organization's
    workspaces ends with the v8 leave rules; a last admin of one of them cannot leave (nothing changes).
    Pending invitations of the caller there go too: they are memberships of the organization as well."""
    org = reach(db, actor, organization_id)
    mine = [w for w in org.workspace_ids if actor.is_member(w)]
    for wid in mine:
        try:
            members.leave(db, actor, wid)
        except Invalid as err:
            if err.code != "last_admin":
                raise
            name = db.scalar(select(_W.name).where(_W.id == wid))
            raise Invalid("org_leave_last_admin", workspace=name) from None
    pending = select(_M.id).where(_M.user_id == actor.id, _M.workspace_id.in_(list(org.workspace_ids)),
                                  _M.active.is_(False))
    webhook_changes.removing(db, "workspace_user", WorkspaceMember.id.in_(pending))
    db.execute(delete(GroupMember).where(GroupMember.workspace_member_id.in_(pending)))
    db.execute(delete(WorkspaceMember).where(WorkspaceMember.id.in_(pending)))


# -- users (30- §1.3) ------------------------------------------------------------------------------------

STATUSES = frozenset({"active", "inactive", "invited"})


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgUserQuery:
    #: Contained in the name or the e-mail, case-insensitively.
    text: str | None = None
    #: Of ``STATUSES``; None = all.
    statuses: frozenset[str] | None = None
    only_admins: bool = False
    group_ids: Sequence[int] | None = None
    workspace_ids: Sequence[int] | None = None
    offset: int = 0
    limit: int = 50
    descending: bool = False


@dataclass(slots=True)
class OrgMembership:
    id: int
    workspace_id: int
    workspace_name: str
    default_currency: str
    admin: bool
    active: bool
    groups: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class OrgUser:
    id: int
    fullname: str
    email: str
    owner: bool
    memberships: list[OrgMembership] = field(default_factory=list)

    @property
    def joined(self) -> bool:
        return any(m.active for m in self.memberships)

    @property
    def invitation_id(self) -> int | None:
        return next((m.id for m in self.memberships if not m.active), None)

    def admin(self, workspace_count: int) -> bool:
        admin_of = sum(1 for m in self.memberships if m.admin and m.active)
        return self.owner or (workspace_count > 0 and admin_of == workspace_count)


@dataclass(slots=True)
class OrgUsers:
    total: int
    users: list[OrgUser]
    org: OrgAccess


def _user_filters(org: OrgAccess, query: OrgUserQuery) -> list[ColumnElement[bool]]:
    wids = list(org.workspace_ids)
    in_org = and_(_M.user_id == _U.id, _M.workspace_id.in_(wids))
    joined = exists().where(in_org, _M.active.is_(True))
    conditions: list[ColumnElement[bool]] = [exists().where(in_org)]
    if query.text:
        needle = query.text.lower()
        conditions.append(or_(lower_text(_U.fullname).contains(needle, autoescape=True),
                              lower_text(_U.email).contains(needle, autoescape=True)))
    if query.statuses is not None:
        wanted = query.statuses & {"active", "invited"}
        conditions.append(true() if len(wanted) == 2 else joined if wanted == {"active"}
                          else ~joined if wanted == {"invited"} else false())
    if query.only_admins:
        admin_of = (select(func.count()).select_from(WorkspaceMember.__table__)
                    .where(in_org, _M.admin.is_(True), _M.active.is_(True)).scalar_subquery())
        conditions.append(or_(_U.id == (org.owner_user_id or 0), admin_of == len(wids)))
    if query.group_ids is not None:
        conditions.append(exists().where(in_org, _GM.workspace_member_id == _M.id,
                                         _GM.group_id.in_(list(query.group_ids))))
    if query.workspace_ids is not None:
        conditions.append(exists().where(in_org, _M.workspace_id.in_(list(query.workspace_ids))))
    return conditions


def list_users(db: Session, actor: Actor, organization_id: int, query: OrgUserQuery) -> OrgUsers:
    """``GET /organizations/{id}/users``: members; users with a membership (active or pending) in one of its
    workspaces, filtered, ordered by name, one page of them with the total."""
    org = reach(db, actor, organization_id)
    conn = db.connection()
    conditions = _user_filters(org, query)
    total = conn.execute(select(func.count()).select_from(User.__table__).where(*conditions)).scalar_one()
    name_order = lower_text(_U.fullname)
    page = conn.execute(select(_U.id, _U.fullname, _U.email).where(*conditions)
                        .order_by(name_order.desc() if query.descending else name_order,
                                  _U.id.desc() if query.descending else _U.id)
                        .offset(query.offset).limit(query.limit)).all()
    found_users = [OrgUser(uid, name, email, uid == org.owner_user_id) for uid, name, email in page]
    _fill_memberships(conn, org, found_users)
    return OrgUsers(total, found_users, org)


def _fill_memberships(conn: Any, org: OrgAccess, found_users: list[OrgUser]) -> None:
    """The memberships of the page's users in the organization, with their groups (two statements)."""
    by_id = {u.id: u for u in found_users}
    if not by_id:
        return
    rows = conn.execute(select(_M.id, _M.user_id, _M.workspace_id, _W.name, _W.default_currency, _M.admin, _M.active)
                        .join(Workspace.__table__, _W.id == _M.workspace_id)
                        .where(_M.user_id.in_(list(by_id)), _M.workspace_id.in_(list(org.workspace_ids)))
                        .order_by(_M.workspace_id)).all()
    memberships = {}
    for mid, uid, wid, wname, currency, admin, active in rows:
        m = memberships[mid] = OrgMembership(mid, wid, wname, currency, bool(admin), bool(active))
        by_id[uid].memberships.append(m)
    for mid, gid, gname in conn.execute(
            select(_GM.workspace_member_id, _G.id, _G.name).join(Group.__table__, _G.id == _GM.group_id)
            .where(_GM.workspace_member_id.in_(list(memberships))).order_by(_G.name_key, _G.id)):
        memberships[mid].groups.append((gid, gname))


# -- invitations (30- §1.4, V-48) -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InviteTarget:
    workspace_id: int
    admin: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgInvite:
    emails: Sequence[str]
    #: None: the organization's only workspace.
    workspaces: Sequence[InviteTarget] | None = None
    group_ids: Sequence[int] = ()


@dataclass(slots=True)
class OrgInvited:
    organization_id: int
    #: One v8 invitation result per workspace, in the order the workspaces were given.
    results: list[members.Invited]


def _targets(org: OrgAccess, actor: Actor, request: OrgInvite) -> list[InviteTarget]:
    """The workspaces to invite to: all of the organization and administered by the caller."""
    if not request.workspaces:
        if len(org.workspace_ids) != 1:
            raise Invalid("org_invite_workspaces_blank")
        return [InviteTarget(org.workspace_ids[0])]
    first: dict[int, InviteTarget] = {}
    for t in request.workspaces:
        first.setdefault(t.workspace_id, t)
    targets = list(first.values())
    for t in targets:
        if t.workspace_id not in org.workspace_ids:
            raise Invalid("org_workspace_unknown", id=t.workspace_id)
        access.require_admin(actor, t.workspace_id)
    return targets


def _groups_by_workspace(db: Session, targets: Sequence[InviteTarget], group_ids: Sequence[int]
                         ) -> dict[int, list[int]]:
    """The requested groups per invited workspace; a group of none of them is a 400."""
    ids = list(dict.fromkeys(group_ids))
    # A comprehension: ``dict(result)`` would read the result as a mapping (it has ``keys()``).
    found = {gid: wid for gid, wid in db.execute(select(_G.id, _G.workspace_id).where(
        _G.id.in_(ids), _G.workspace_id.in_([t.workspace_id for t in targets])))} if ids else {}
    missing = [g for g in ids if g not in found]
    if missing:
        raise Invalid("org_invite_group", id=missing[0])
    result: dict[int, list[int]] = {}
    for gid in ids:
        result.setdefault(found[gid], []).append(gid)
    return result


def invite(db: Session, actor: Actor, organization_id: int, request: OrgInvite, *, invite_days: int) -> OrgInvited:
    """``POST /organizations/{id}/invitations``: the v8 invitation per e-mail and workspace; the caller must
    administer every listed workspace. ``admin`` targets make admin memberships; ``group_ids`` are joined."""
    org = reach(db, actor, organization_id)
    if not request.emails:
        raise Invalid("emails_blank")
    targets = _targets(org, actor, request)
    group_ids = _groups_by_workspace(db, targets, request.group_ids)
    results = []
    for target in targets:
        invited = members.invite(db, actor, target.workspace_id, request.emails, invite_days=invite_days)
        wanted = group_ids.get(target.workspace_id, [])
        for created in invited.created:
            created.member.admin = target.admin
            if wanted:
                groups.set_member_groups(db, created.member, wanted)
                created.group_ids = list(wanted)
        results.append(invited)
    db.flush()
    return OrgInvited(org.id, results)
