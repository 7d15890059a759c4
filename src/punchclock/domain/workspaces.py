"""Workspaces: the caller's list, one workspace, settings, the admin's user list.

The two lists run prebuilt Core statements and answer typed rows (no ORM object per row).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, rates, validation
from punchclock.domain.actor import Actor, UserRecord
from punchclock.domain.errors import Invalid
from punchclock.domain.inputs import UNSET, Unset, given
from punchclock.models import User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow

MAX_NAME = 140
ROUNDING = (-1, 0, 1)
ROUNDING_MINUTES = (0, 1, 5, 6, 10, 12, 15, 30, 60, 240)  # O-25
#: Far above any real hourly rate; keeps the integer-cents column in range.
FLAGS = (
    "only_admins_may_create_projects",
    "only_admins_see_billable_rates",
    "only_admins_see_team_dashboard",
    "projects_billable_by_default",
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


_W = Workspace.__table__.c
_WM = WorkspaceMember.__table__.c
_U = User.__table__.c
#: Binds ``access.member_params``.
_MINE = select(*(_W[name] for name in WorkspaceRow._fields)).where(access.in_member_workspaces(_W.id)).order_by(_W.id)
#: Every user linked to the workspace, pending invitees too; binds ``scope_wid`` (checked: admin).
_USERS = (select(*(_U[f.name] for f in fields(UserRecord))).join(WorkspaceMember.__table__, _WM.user_id == _U.id)
          .where(access.in_checked_workspace(_WM.workspace_id)).order_by(_U.id))


def list_mine(db: Session, actor: Actor) -> list[WorkspaceRow]:
    """Workspaces of the actor's active memberships, by id (O-30)."""
    return [WorkspaceRow._make(r) for r in db.connection().execute(_MINE, access.member_params(actor))]


def get(db: Session, actor: Actor, workspace_id: int) -> Workspace:
    return access.load_workspace(db, actor, workspace_id)


def update(db: Session, actor: Actor, workspace_id: int, changes: WorkspaceChanges) -> Workspace:
    """Admins only. Validates every field first (all messages at once), then changes.

    ``default_hourly_rate`` is accepted but not stored on a non-premium workspace (O-23).
    """
    access.load_workspace(db, actor, workspace_id)
    access.require_admin(actor, workspace_id)
    if changes.default_hourly_rate is not UNSET or changes.default_currency is not UNSET:
        rates.lock_for_rates(db, [workspace_id])  # before the row lock (domain/locks.py)
    workspace = locks.for_change(db, select(Workspace).where(Workspace.id == workspace_id), Workspace.id)[0]
    checks = validation.FieldChecks(given(changes))
    checks.check("name", lambda v: validation.clean_name(v, max_len=MAX_NAME))
    checks.check("default_currency", validation.currency)
    checks.check("rounding", lambda v: _one_of(v, ROUNDING, "invalid_rounding"))
    checks.check("rounding_minutes", lambda v: _one_of(v, ROUNDING_MINUTES, "invalid_rounding_minutes"))
    if workspace.premium:
        checks.check("default_hourly_rate", _rate)
    checks.flags(FLAGS)
    checks.raise_problems()
    new = checks.values

    for field, value in new.items():
        setattr(workspace, field, value)
    workspace.updated_at = utcnow()
    db.flush()
    return workspace


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
