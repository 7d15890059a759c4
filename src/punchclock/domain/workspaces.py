"""Workspaces: the caller's list, one workspace, settings, the admin set, new workspaces of an organization,
the user lists and statistics.

The lists run prebuilt Core statements and answer typed rows (no ORM object per row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access, locks, organizations, rates, security, validation
from punchclock.domain.actor import Actor, UserRecord
from punchclock.domain.errors import Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset, given
from punchclock.models import Group, Organization, Project, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

MAX_NAME = 140
ROUNDING = (-1, 0, 1)
ROUNDING_MINUTES = (0, 1, 5, 6, 10, 12, 15, 30, 60, 240)  # O-25
#: Far above any real hourly rate; keeps the integer-cents column in range.
FLAGS = (
    "only_admins_may_create_projects",
    "only_admins_see_billable_rates",
    "only_admins_see_team_dashboard",
    "projects_billable_by_default",
    "only_admins_may_create_tags",
    "projects_private_by_default",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkspaceChanges:
    """Settings of ``PUT /workspaces/{id}``; a null is ignored (no setting can be emptied)."""

    name: str | Unset | None = UNSET
    default_hourly_rate: Decimal | Unset | None = UNSET
    default_currency: str | Unset | None = UNSET
    only_admins_may_create_projects: bool | Unset | None = UNSET
    only_admins_see_billable_rates: bool | Unset | None = UNSET
    only_admins_see_team_dashboard: bool | Unset | None = UNSET
    projects_billable_by_default: bool | Unset | None = UNSET
    rounding: int | Unset | None = UNSET
    rounding_minutes: int | Unset | None = UNSET
    only_admins_may_create_tags: bool | Unset | None = UNSET
    projects_private_by_default: bool | Unset | None = UNSET
    #: v9 (V-25): the complete admin set, user ids of active members; null is ignored.
    admins: Sequence[int] | Unset | None = UNSET


class WorkspaceRow(NamedTuple):
    """A workspace as the list answers it (the fields ``workspace_out`` reads)."""

    id: int
    name: str
    premium: bool
    default_hourly_rate: Decimal
    default_currency: str
    only_admins_may_create_projects: bool
    only_admins_see_billable_rates: bool
    only_admins_see_team_dashboard: bool
    projects_billable_by_default: bool
    rounding: int
    rounding_minutes: int
    updated_at: datetime
    logo_url: str | None
    api_token: str
    organization_id: int
    only_admins_may_create_tags: bool
    projects_private_by_default: bool


_W = Workspace.__table__.c
_WM = WorkspaceMember.__table__.c
_U = User.__table__.c
#: Binds ``access.member_params``.
_MINE = select(*(_W[name] for name in WorkspaceRow._fields)).where(access.in_member_workspaces(_W.id)).order_by(_W.id)
#: Every user linked to the workspace, pending invitees too; binds ``scope_wid`` (checked: admin).
_USERS = (select(*(_U[f.name] for f in fields(UserRecord))).join(WorkspaceMember.__table__, _WM.user_id == _U.id)
          .where(access.in_checked_workspace(_WM.workspace_id)).order_by(_U.id))


_P = Project.__table__.c
#: v9 ``/me/workspaces``: each row adds its live active projects (all of them, not only the visible ones).
_ACTIVE_PROJECTS = (select(func.count()).where(_P.workspace_id == _W.id, _P.active.is_(True), _P.deleted_at.is_(None))
                    .correlate(Workspace.__table__).scalar_subquery())
_MINE_COUNTED = _MINE.add_columns(_ACTIVE_PROJECTS)
_MINE_COUNTED_SINCE = _MINE_COUNTED.where(_W.updated_at > bindparam("since", type_=_W.updated_at.type))


def list_mine(db: Session, actor: Actor) -> list[WorkspaceRow]:
    """Workspaces of the actor's active memberships, by id (O-30)."""
    return [WorkspaceRow._make(r) for r in db.connection().execute(_MINE, access.member_params(actor))]


def list_mine_counted(db: Session, actor: Actor, since: datetime | None = None) -> list[tuple[WorkspaceRow, int]]:
    """``list_mine`` with each workspace's count of live active projects; ``since`` keeps ``at > since``
    (workspaces have no tombstones, v9 10- §9)."""
    stmt, bound = _MINE_COUNTED, access.member_params(actor)
    if since is not None:
        stmt, bound = _MINE_COUNTED_SINCE, {**bound, "since": since}
    return [(WorkspaceRow._make(r[:-1]), int(r[-1])) for r in db.connection().execute(stmt, bound)]


def get(db: Session, actor: Actor, workspace_id: int) -> Workspace:
    return access.load_workspace(db, actor, workspace_id)


def set_premium(db: Session, actor: Actor, workspace_id: int, premium: bool) -> Workspace:
    """Admins turn the paid features (tasks, rates, billable, estimates) on or off: a self-hosted server charges
    nobody, so the web app's switch is theirs; the operator has the same one in the CLI."""
    access.load_workspace(db, actor, workspace_id)
    access.require_admin(actor, workspace_id)
    workspace = locks.for_change(db, select(Workspace).where(Workspace.id == workspace_id), Workspace.id)[0]
    if workspace.premium != premium:
        workspace.premium = premium
        workspace.updated_at = utcnow()
        db.flush()
    return workspace


def update(db: Session, actor: Actor, workspace_id: int, changes: WorkspaceChanges) -> Workspace:
    """Admins only. Validates every field first (all messages at once), then changes.

    ``default_hourly_rate`` is accepted but not stored on a non-premium workspace (O-23). ``admins``
    (v9, V-25) replaces the admin set; the caller's role in this request follows it.
    """
    access.load_workspace(db, actor, workspace_id)
    access.require_admin(actor, workspace_id)
    if changes.default_hourly_rate is not UNSET or changes.default_currency is not UNSET:
        rates.lock_for_rates(db, [workspace_id])  # before the row lock (domain/locks.py)
    workspace = locks.for_change(db, select(Workspace).where(Workspace.id == workspace_id), Workspace.id)[0]
    checks = _settings_checks(changes, premium=workspace.premium)
    admins = None
    if changes.admins is not UNSET and changes.admins is not None:
        admins = _checked(checks, changes.admins, _active_members(db, workspace_id, changes.admins),
                          "user_not_workspace_member")
    checks.raise_problems()

    for field, value in checks.values.items():
        setattr(workspace, field, value)
    workspace.updated_at = utcnow()
    if admins is not None:
        _set_admins(db, workspace_id, admins)
        actor.workspaces[workspace_id] = actor.id in admins
    db.flush()
    return workspace


def _settings_checks(changes: WorkspaceChanges, *, premium: bool) -> validation.FieldChecks:
    checks = validation.FieldChecks(given(changes))
    checks.check("name", lambda v: validation.clean_name(v, max_len=MAX_NAME))
    checks.check("default_currency", validation.currency)
    checks.check("rounding", lambda v: _one_of(v, ROUNDING, "invalid_rounding"))
    checks.check("rounding_minutes", lambda v: _one_of(v, ROUNDING_MINUTES, "invalid_rounding_minutes"))
    if premium:
        checks.check("default_hourly_rate", _rate)
    checks.flags(FLAGS)
    return checks


def _checked(checks: validation.FieldChecks, wanted: Sequence[int], allowed: set[int], code: str) -> list[int]:
    """``wanted`` without duplicates; records the first id outside ``allowed`` (or an empty list) as a problem."""
    ids = list(dict.fromkeys(wanted))
    stranger = next((i for i in ids if i not in allowed), None)
    if stranger is not None:
        checks.problems.append((code, {"id": stranger}))
    elif not ids:
        checks.fail("last_admin")
    return ids


def _active_members(db: Session, workspace_id: int, user_ids: Sequence[int]) -> set[int]:
    return set(db.scalars(select(WorkspaceMember.user_id).where(
        WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.active.is_(True),
        WorkspaceMember.user_id.in_(list(user_ids)))))


def _set_admins(db: Session, workspace_id: int, admins: Sequence[int]) -> None:
    """Listed active members become admins, the other active members stop being admins (pending
    invitations keep their flag: they are not members yet)."""
    now = utcnow()
    active = (WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.active.is_(True))
    webhook_changes.record_where(db, "workspace_user", "updated", *active, or_(
        and_(WorkspaceMember.user_id.in_(list(admins)), WorkspaceMember.admin.is_(False)),
        and_(WorkspaceMember.user_id.not_in(list(admins)), WorkspaceMember.admin.is_(True))))
    db.execute(sql_update(WorkspaceMember).where(*active, WorkspaceMember.user_id.in_(list(admins)),
                                                 WorkspaceMember.admin.is_(False)).values(admin=True, updated_at=now))
    db.execute(sql_update(WorkspaceMember).where(*active, WorkspaceMember.user_id.not_in(list(admins)),
                                                 WorkspaceMember.admin.is_(True)).values(admin=False, updated_at=now))


def _one_of(value: int, allowed: tuple[int, ...], code: str) -> int:
    if value not in allowed:
        raise Invalid(code)
    return value


def _rate(value: Decimal) -> Decimal:
    rate = validation.rate(value, "default_rate_negative", "default_rate_too_large")
    assert rate is not None
    return rate


def users(db: Session, actor: Actor, workspace_id: int) -> list[UserRecord]:
    """``GET /workspaces/{id}/users``: admins only; every linked user, pending invitees too (O-26, O-30)."""
    access.require_admin(actor, workspace_id)
    return [UserRecord(*r) for r in db.connection().execute(_USERS, {"scope_wid": workspace_id})]


# -- organizations (v9 30- §1.0, V-46) ----------------------------------------------------------------
# Access rules live in ``domain/organizations.py`` (``reach``, ``require_admin``); here only what the
# workspace-user object and creating a workspace in an organization need.

def organization_admins(db: Session, organization_id: int) -> set[int]:
    """User ids of the organization's admins: the owner and whoever is active admin of all its workspaces."""
    in_org = select(_W.id).where(_W.organization_id == organization_id)
    count = select(func.count()).select_from(in_org.subquery()).scalar_subquery()
    admins = set(db.scalars(
        select(_WM.user_id).where(_WM.workspace_id.in_(in_org), _WM.admin.is_(True), _WM.active.is_(True))
        .group_by(_WM.user_id).having(func.count() == count)))
    owner = db.scalar(select(Organization.owner_user_id).where(Organization.id == organization_id))
    return admins | ({owner} if owner is not None else set())


def create_in_organization(db: Session, actor: Actor, organization_id: int, changes: WorkspaceChanges) -> Workspace:
    """``POST /organizations/{id}/workspaces`` (organization admins): a premium workspace with the caller
    and the ``admins`` (who must already be members of the organization) as active admins."""
    wids = organizations.require_admin(db, actor, organization_id).workspace_ids
    checks = _settings_checks(changes, premium=True)
    if changes.name is UNSET or changes.name is None:
        checks.fail("name_blank")
    admins: list[int] = []
    if changes.admins is not UNSET and changes.admins is not None:
        in_org = set(db.scalars(select(WorkspaceMember.user_id).where(
            WorkspaceMember.workspace_id.in_(wids), WorkspaceMember.active.is_(True),
            WorkspaceMember.user_id.in_(list(changes.admins)))))
        admins = _checked(checks, changes.admins, in_org, "user_not_organization_member") if changes.admins else []
    checks.raise_problems()
    workspace = Workspace(organization_id=organization_id, premium=True, api_token=security.new_api_token(),
                          **checks.values)
    db.add(workspace)
    db.flush()
    for uid in dict.fromkeys([actor.id, *admins]):
        db.add(WorkspaceMember(workspace_id=workspace.id, user_id=uid, admin=True, active=True))
    actor.workspaces[workspace.id] = True
    db.flush()
    return workspace


# -- statistics and the member list of v9 (30- §3.3, §4.1) --------------------------------------------

@dataclass(frozen=True, slots=True)
class Statistics:
    #: (user id, full name) of the active admins, by name.
    admins: list[tuple[int, str]]
    groups_count: int
    members_count: int


def statistics(db: Session, actor: Actor, workspace_id: int) -> Statistics:
    access.require_member(actor, workspace_id)
    active = (_WM.workspace_id == workspace_id, _WM.active.is_(True))
    admins = db.execute(select(_U.id, _U.fullname).join(WorkspaceMember.__table__, _WM.user_id == _U.id)
                        .where(*active, _WM.admin.is_(True)).order_by(lower_text(_U.fullname), _U.id)).all()
    groups_count = db.scalar(select(func.count()).select_from(Group).where(Group.workspace_id == workspace_id))
    members_count = db.scalar(select(func.count()).select_from(WorkspaceMember.__table__).where(*active))
    return Statistics([(uid, name) for uid, name in admins], int(groups_count or 0), int(members_count or 0))


class MemberUser(NamedTuple):
    """A user of ``GET /workspaces/{id}/users`` (v9): the user and the membership's state."""

    id: int
    email: str
    fullname: str
    timezone: str
    active: bool
    admin: bool


#: Binds ``scope_wid`` (checked: member).
_MEMBER_USERS = (select(_U.id, _U.email, _U.fullname, _U.timezone, _WM.active, _WM.admin)
                 .join(WorkspaceMember.__table__, _WM.user_id == _U.id)
                 .where(access.in_checked_workspace(_WM.workspace_id)).order_by(lower_text(_U.fullname), _U.id))


def member_users(db: Session, actor: Actor, workspace_id: int) -> list[MemberUser]:
    """v9 ``GET /workspaces/{id}/users``: any active member (V-24); pending invitees too, by name."""
    access.require_member(actor, workspace_id)
    return [MemberUser._make(r) for r in db.connection().execute(_MEMBER_USERS, {"scope_wid": workspace_id})]


def organization_of(db: Session, workspace_id: int) -> int:
    organization_id = db.scalar(select(_W.organization_id).where(_W.id == workspace_id))
    if organization_id is None:
        raise NotFound("workspace_not_found")
    return int(organization_id)
