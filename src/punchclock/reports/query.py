"""The one place where report filters become SQL (50-reports §2, §3).

``entries()`` returns a statement over the workspace's visible, stopped entries that pass every
filter, with the columns every report needs: the (optionally rounded) duration in seconds, the
resolved rate in cents, the currency and the per-entry amount in cents. Weekly, detailed, summary,
the totals and the project dashboard all aggregate over it as a subquery, so they can never disagree
about which entries count.

Building is pure: what the filters name indirectly (the members of groups) is looked up once by
``resolve()``, before, and handed to ``entries()`` as a small frozen value.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    union,
)
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access, rates
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Forbidden
from punchclock.models import Group, GroupMember, Project, TimeEntry, TimeEntryTag, User, Workspace, WorkspaceMember
from punchclock.reports.days import OwnerZones
from punchclock.reports.filters import IdFilter, ReportFilters


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Who asks, about which workspace, and what they may see of its money."""

    actor: Actor
    workspace: Workspace
    #: False when the workspace hides rates from non-admins and the caller is not an admin (§4.4).
    show_money: bool
    zones: OwnerZones

    @property
    def workspace_id(self) -> int:
        return self.workspace.id


def context(db: Session, actor: Actor, workspace_id: int) -> ReportContext:
    """The caller must be an active member of the workspace (403 otherwise, unknown ids included)."""
    if not actor.is_member(workspace_id):
        raise Forbidden("not_workspace_member", workspace_id=workspace_id)
    workspace = db.get_one(Workspace, workspace_id)
    hidden = workspace.only_admins_see_billable_rates and not actor.is_admin(workspace_id)
    return ReportContext(actor, workspace, not hidden, owner_zones(db, workspace_id))


def _owner_zones_statement() -> Select[int, str]:
    """Time zones of every user owning entries in the workspace ``ows``, members or not any more.

    A loose index scan (one index seek per owner on ``(workspace_id, user_id, start)``) written as a
    recursive CTE, which both SQLite and PostgreSQL run in a few milliseconds however many entries
    there are; ``SELECT DISTINCT user_id`` would read them all. Current members are added for free.
    Built once: building it took longer than running it.
    """
    te, users, members = TimeEntry.__table__, User.__table__, WorkspaceMember.__table__
    workspace_id = bindparam("ows", type_=Integer)
    first = select(func.min(te.c.user_id).label("uid")).where(te.c.workspace_id == workspace_id)
    owners = first.cte("owners", recursive=True)
    following = select(
        select(func.min(te.c.user_id)).where(te.c.workspace_id == workspace_id, te.c.user_id > owners.c.uid)
        .scalar_subquery()
    ).where(owners.c.uid.is_not(None))
    owners = owners.union_all(following)
    ids = union(
        select(owners.c.uid).where(owners.c.uid.is_not(None)),
        select(members.c.user_id).where(members.c.workspace_id == workspace_id),
    ).subquery()
    return select(users.c.id, users.c.timezone).where(users.c.id.in_(select(ids.c[0])))


_OWNER_ZONES = _owner_zones_statement()


def owner_zones(db: Session, workspace_id: int) -> OwnerZones:
    """Time zones of every user owning entries in the workspace, members or not any more."""
    zones: dict[str, list[int]] = {}
    for uid, tz in db.connection().execute(_OWNER_ZONES, {"ows": workspace_id}):
        zones.setdefault(tz, []).append(uid)
    return OwnerZones(zones)


def _ids(column: SQLColumnExpression[Any], f: IdFilter, none: ColumnElement[bool] | None = None) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if f.ids:
        parts.append(column.in_(sorted(f.ids)))
    if f.include_none:
        parts.append(none if none is not None else column.is_(None))
    return or_(false(), *parts)


def _group_members(db: Session, workspace_id: int, group_ids: Collection[int]) -> set[int]:
    """Users in any of the groups, counting only groups of this workspace (foreign ids match nobody)."""
    if not group_ids:
        return set()
    return set(db.scalars(
        select(WorkspaceMember.user_id)
        .join(GroupMember, GroupMember.workspace_member_id == WorkspaceMember.id)
        .join(Group, Group.id == GroupMember.group_id)
        .where(Group.id.in_(sorted(group_ids)), Group.workspace_id == workspace_id)
    ))


def accepted_owners(db: Session, filters: ReportFilters) -> frozenset[int] | None:
    """The owner set of §3.4 (None = everyone): user ids, narrowed by groups, widened by or-groups."""
    owners = set(filters.user_ids) if filters.user_ids is not None else None
    if filters.members_of_group_ids is not None:
        members = _group_members(db, filters.workspace_id, filters.members_of_group_ids)
        owners = members if owners is None else owners & members
    if filters.or_members_of_group_ids is not None:
        extra = _group_members(db, filters.workspace_id, filters.or_members_of_group_ids)
        # Alone, the or-groups select their members; otherwise they widen the set (O-60).
        owners = extra if owners is None else owners | extra
    return None if owners is None else frozenset(owners)


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the filters name indirectly, looked up before any SQL is built."""

    #: The accepted owners of §3.4; None: everyone.
    owners: frozenset[int] | None = None


def resolve(db: Session, filters: ReportFilters) -> Resolved:
    """The only queries a report runs before its statement is built (none without group filters)."""
    return Resolved(accepted_owners(db, filters))


def rounded_seconds(ctx: ReportContext, filters: ReportFilters) -> SQLColumnExpression[int]:
    """Each entry's duration, rounded per the workspace rule when asked (20-workspaces §1.1, O-71)."""
    d = TimeEntry.duration
    minutes = filters.rounding_minutes if filters.rounding_minutes is not None else ctx.workspace.rounding_minutes
    step = minutes * 60
    if not filters.rounding or step <= 0:
        return d
    direction = ctx.workspace.rounding
    if direction < 0:
        return (d // step) * step
    if direction > 0:
        return ((d + (step - 1)) // step) * step
    return ((d + step // 2) // step) * step


def counted(actor: Actor, workspace_id: int) -> ColumnElement[bool]:
    """The entries any report or dashboard counts (§3.0): visible to the caller, and stopped."""
    return and_(access.report_entry_visible(actor, workspace_id), TimeEntry.stop.is_not(None))


def _columns(seconds: SQLColumnExpression[int]) -> Select[*tuple[Any, ...]]:
    """The columns every report reads, ``seconds`` being the duration it counts."""
    rate_cents = type_coerce(TimeEntry.rate, BigInteger)
    amount_cents = case((TimeEntry.billable.is_(True), rates.amount_cents_sql(seconds, rate_cents)), else_=literal(0))
    return select(
        TimeEntry.id.label("id"),
        TimeEntry.user_id.label("user_id"),
        TimeEntry.project_id.label("project_id"),
        TimeEntry.task_id.label("task_id"),
        TimeEntry.billable.label("billable"),
        TimeEntry.start.label("start"),
        TimeEntry.stop.label("stop"),
        TimeEntry.updated_at.label("updated_at"),
        TimeEntry.description.label("description"),
        seconds.label("seconds"),
        rate_cents.label("rate_cents"),
        TimeEntry.currency.label("currency"),
        amount_cents.label("amount_cents"),
    )


def project_entries(ctx: ReportContext, project_id: int) -> Select[*tuple[Any, ...]]:
    """The counted entries of one project, any date, durations as stored (the dashboard, §9, O-83)."""
    return _columns(TimeEntry.duration).where(counted(ctx.actor, ctx.workspace_id),
                                              TimeEntry.project_id == project_id)


def entries(ctx: ReportContext, filters: ReportFilters, resolved: Resolved) -> Select[*tuple[Any, ...]]:
    """Visible, stopped entries of the workspace passing every filter, with the columns reports sum.

    Pure: a function of its arguments only (``resolved`` comes from ``resolve``), no query runs.
    """
    conditions: list[ColumnElement[bool]] = [
        counted(ctx.actor, ctx.workspace_id),
        ctx.zones.in_days(TimeEntry.start, TimeEntry.user_id, filters.since, filters.until),
    ]
    if filters.billable is not None:
        conditions.append(TimeEntry.billable.is_(filters.billable))
    if filters.project_ids is not None:
        conditions.append(_ids(TimeEntry.project_id, filters.project_ids))
    if filters.client_ids is not None:
        f = filters.client_ids
        with_client = select(Project.id).where(Project.client_id.in_(sorted(f.ids)))
        without_client = or_(TimeEntry.project_id.is_(None),
                             TimeEntry.project_id.in_(select(Project.id).where(Project.client_id.is_(None))))
        parts: list[ColumnElement[bool]] = [TimeEntry.project_id.in_(with_client)] if f.ids else []
        if f.include_none:
            parts.append(without_client)
        conditions.append(or_(false(), *parts))
    if filters.task_ids is not None:
        conditions.append(_ids(TimeEntry.task_id, filters.task_ids))
    if filters.tag_ids is not None:
        f = filters.tag_ids
        link: Select[Any] = select(literal_column("1")).where(TimeEntryTag.time_entry_id == TimeEntry.id)
        parts = [exists(link.where(TimeEntryTag.tag_id.in_(sorted(f.ids))))] if f.ids else []
        if f.include_none:
            parts.append(~exists(link))
        conditions.append(or_(false(), *parts))
    owners = resolved.owners
    if owners is not None:
        conditions.append(TimeEntry.user_id.in_(sorted(owners)) if owners else false())
    if filters.time_entry_ids is not None:
        conditions.append(TimeEntry.id.in_(sorted(filters.time_entry_ids)) if filters.time_entry_ids else false())
    if filters.description:
        conditions.append(lower_text(TimeEntry.description).contains(filters.description.lower(), autoescape=True))
    if filters.without_description:
        conditions.append(TimeEntry.description == "")
    seconds = rounded_seconds(ctx, filters)
    if filters.min_seconds is not None:
        conditions.append(seconds >= filters.min_seconds)
    if filters.max_seconds is not None:
        conditions.append(seconds <= filters.max_seconds)
    return _columns(seconds).where(and_(*conditions))
