"""Hourly rates and amounts (50-reports §4): the rate chain, kept resolved on every time entry.

Reports sum money per entry (``round(seconds * rate / 3600, 2)`` each, then summed), which needs the
entry's rate inside the SQL sum. Resolving the chain there means three joins per entry, which measured
2.6 times slower than a plain scan on SQLite for a year of 1M entries. So every entry stores the rate and
currency its chain resolves to, and this module re-resolves the affected entries whenever a link of the
chain changes:

- ORM changes are caught by one ``after_flush`` listener (new or re-placed entries; project, client,
  project-user and workspace rates and currencies), so no write path can forget it;
- the few bulk statements that bypass the ORM call ``refresh`` themselves.

Concurrent writers (PostgreSQL; SQLite writers take turns anyway): a request placing an entry and one
changing a rate could each miss the other's uncommitted rows, leaving the new entry at the old rate.
So every transaction that writes entries holds a *shared* per-workspace advisory lock, and every
transaction that changes a link of the chain an *exclusive* one, both taken before their first row
write: one of the two then sees the other's committed rows. Entry writers never wait for each other.

Rates in force when the report runs are what counts (O-85): there is no rate history.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, event, false, func, inspect, or_, select, text, update
from sqlalchemy.orm import Session, UOWTransaction

from punchclock.models import Client, Project, ProjectMember, TimeEntry, Workspace

CENT = Decimal("0.01")
SECONDS_PER_HOUR = 3600


def amount(seconds: int, rate: Decimal) -> Decimal:
    """One entry's amount: exact, multiply before dividing, one half-up rounding (§4.3, O-86)."""
    return (Decimal(seconds) * rate / SECONDS_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_UP)


def amount_cents_sql(seconds: SQLColumnExpression[int], rate_cents: SQLColumnExpression[int]) -> ColumnElement[int]:
    """``amount`` in integer cents as SQL, identical on SQLite and PostgreSQL (non-negative operands).

    Exact while ``seconds * rate_cents`` fits in 64 bits: a year-long entry at the largest accepted
    rate (1e9/h) still does.
    """
    return (seconds * rate_cents + SECONDS_PER_HOUR // 2) // SECONDS_PER_HOUR


def default_rate() -> ColumnElement[Any]:
    """The workspace default rate: the whole chain of an entry without project."""
    return select(Workspace.default_hourly_rate).where(Workspace.id == TimeEntry.workspace_id).scalar_subquery()


def default_currency() -> ColumnElement[Any]:
    return select(Workspace.default_currency).where(Workspace.id == TimeEntry.workspace_id).scalar_subquery()


def resolved_rate() -> ColumnElement[Any]:
    """The chain of §4.1 for the entry in the enclosing UPDATE/SELECT, as a correlated expression."""
    member_rate = (
        select(ProjectMember.rate)
        .where(ProjectMember.project_id == TimeEntry.project_id, ProjectMember.user_id == TimeEntry.user_id)
        .scalar_subquery()
    )
    project_rate = select(Project.rate).where(Project.id == TimeEntry.project_id).scalar_subquery()
    client_rate = (
        select(Client.hourly_rate).join(Project, Project.client_id == Client.id)
        .where(Project.id == TimeEntry.project_id).scalar_subquery()
    )
    return func.coalesce(member_rate, project_rate, client_rate, default_rate())


def resolved_currency() -> ColumnElement[Any]:
    """The chain of §4.2: project currency, its client's, the workspace default."""
    project_cur = select(Project.currency).where(Project.id == TimeEntry.project_id).scalar_subquery()
    client_cur = (
        select(Client.currency).join(Project, Project.client_id == Client.id)
        .where(Project.id == TimeEntry.project_id).scalar_subquery()
    )
    return func.coalesce(project_cur, client_cur, default_currency())


def refresh(db: Session, where: ColumnElement[bool]) -> None:
    """Re-resolve rate and currency of the entries matching ``where``; ``at`` (updated_at) is kept."""
    db.connection().execute(
        update(TimeEntry).where(where).values(
            rate=resolved_rate(), currency=resolved_currency(), updated_at=TimeEntry.updated_at
        ),
        execution_options={"synchronize_session": False},
    )


#: Advisory-lock keys of this module: minus the workspace id (our other locks, if any, stay positive).
def _lock(db: Session, workspace_ids: Iterable[int], exclusive: bool) -> None:
    if db.get_bind().dialect.name != "postgresql":
        return
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    for wid in sorted(set(workspace_ids)):  # one order everywhere: no lock-order deadlocks
        db.connection().execute(text(f"SELECT {fn}(:key)"), {"key": -wid})


def lock_for_entries(db: Session, workspace_ids: Iterable[int]) -> None:
    """Before writing time entries of these workspaces with a bulk statement (ORM flushes do it themselves)."""
    _lock(db, workspace_ids, exclusive=False)


def lock_for_rates(db: Session, workspace_ids: Iterable[int]) -> None:
    """Before changing a rate or currency source of these workspaces with a bulk statement."""
    _lock(db, workspace_ids, exclusive=True)


def refresh_projects(db: Session, project_ids: Iterable[int]) -> None:
    ids = list(project_ids)
    if ids:
        refresh(db, TimeEntry.project_id.in_(ids))


# -- the flush listener ---------------------------------------------------------------------------

_WATCHED: dict[type, tuple[str, ...]] = {
    TimeEntry: ("project_id", "user_id", "workspace_id"),
    Project: ("rate", "currency", "client_id"),
    Client: ("hourly_rate", "currency"),
    ProjectMember: ("rate",),
    Workspace: ("default_hourly_rate", "default_currency"),
}


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[n].history.has_changes() for n in names)


def _scope(session: Session) -> ColumnElement[bool] | None:
    entries: set[int] = set()
    projects: set[int] = set()
    clients: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    workspaces: set[int] = set()
    for obj in session.new:
        if isinstance(obj, TimeEntry):
            entries.add(obj.id)
        elif isinstance(obj, ProjectMember):
            pairs.add((obj.project_id, obj.user_id))
    for obj in session.dirty:
        names = _WATCHED.get(type(obj))
        if names is None or not _changed(obj, names):
            continue
        if isinstance(obj, TimeEntry):
            entries.add(obj.id)
        elif isinstance(obj, Project):
            projects.add(obj.id)
        elif isinstance(obj, Client):
            clients.add(obj.id)
        elif isinstance(obj, ProjectMember):
            pairs.add((obj.project_id, obj.user_id))
        elif isinstance(obj, Workspace):
            workspaces.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, ProjectMember):
            pairs.add((obj.project_id, obj.user_id))
    parts: list[ColumnElement[bool]] = []
    if entries:
        parts.append(TimeEntry.id.in_(entries))
    if projects:
        parts.append(TimeEntry.project_id.in_(projects))
    if clients:
        parts.append(TimeEntry.project_id.in_(select(Project.id).where(Project.client_id.in_(clients))))
    parts.extend(and_(TimeEntry.project_id == pid, TimeEntry.user_id == uid) for pid, uid in pairs)
    if workspaces:
        parts.append(TimeEntry.workspace_id.in_(workspaces))
    return or_(false(), *parts) if parts else None


_RATE_SOURCES = (Project, Client, ProjectMember, Workspace)


@event.listens_for(Session, "before_flush")
def _lock_before_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    """Take the advisory locks before the flush writes its first row (see the module docstring)."""
    shared: set[int] = set()
    exclusive: set[int] = set()
    for obj in session.new:
        if isinstance(obj, TimeEntry):
            shared.add(obj.workspace_id)
        elif isinstance(obj, ProjectMember):
            exclusive.add(obj.workspace_id)
    for obj in session.dirty:
        if isinstance(obj, TimeEntry):
            shared.add(obj.workspace_id)
        elif isinstance(obj, _RATE_SOURCES) and _changed(obj, _WATCHED[type(obj)]):
            exclusive.add(obj.id if isinstance(obj, Workspace) else obj.workspace_id)
    for obj in session.deleted:
        if isinstance(obj, ProjectMember):
            exclusive.add(obj.workspace_id)
    _lock(session, exclusive, exclusive=True)
    _lock(session, shared - exclusive, exclusive=False)


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, flush_context: UOWTransaction) -> None:
    where = _scope(session)
    if where is not None:
        refresh(session, where)
