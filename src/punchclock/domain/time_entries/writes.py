"""Write-side building blocks of the time-entry service: prebuilt Core statements, locks, caches.

Lock order (see domain/locks.py): the shared per-workspace rate locks, the owners when a timer may
start (``create`` locks the owner before touching entries), then the entries by id. Statements that
write entries take the rate locks themselves (``rates.lock_for_entries``), as an ORM flush would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.domain import access, locks, rates, timekeeping
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.domain.time_entries.inputs import TimeEntryChanges, value
from punchclock.domain.time_entries.queries import COLUMNS, EntryRow, T
from punchclock.domain.timekeeping import Times
from punchclock.models import Project, Task, TimeEntry, User, Workspace, WorkspaceMember
from punchclock.webhooks import changes as webhook_changes

_W = table(Workspace).c
_M = table(WorkspaceMember).c
_U = table(User).c
_ENTRIES = table(TimeEntry)

_PREMIUM = select(_W.premium).where(_W.id == bindparam("workspace_id"))
_MEMBERSHIP = select(_M.admin).where(
    _M.workspace_id == bindparam("workspace_id"), _M.user_id == bindparam("user_id"), _M.active.is_(True)
)
_LOCK_USER = select(_U.id).where(_U.id == bindparam("user_id")).with_for_update(key_share=True)
_IDS = T.id.in_(bindparam("entry_ids", expanding=True))
#: Where the entries to change live (the rate and owner locks come before the entry rows).
_PLACED = select(T.workspace_id, T.user_id).where(access.TIME_ENTRY_VISIBLE, access.TIME_ENTRY_LIVE, _IDS)
_LOCKED = locks.locking(select(*COLUMNS).where(access.TIME_ENTRY_VISIBLE, access.TIME_ENTRY_LIVE, _IDS), T.id)
_RUNNING_OF = select(T.id, T.workspace_id, T.start).where(
    T.user_id == bindparam("user_id"), T.stop.is_(None), T.deleted_at.is_(None)
).order_by(T.id)


def _bind(name: str) -> Any:
    """A SET value for column ``name`` (bind names must differ from column names)."""
    return bindparam(f"b_{name}", type_=T[name].type)


INSERT = insert(_ENTRIES)
SET_TIMES = update(_ENTRIES).where(T.id == bindparam("entry_id")).values(
    **{name: _bind(name) for name in ("stop", "duration", "updated_at")})
#: Every column an update (§7) may change; the service always writes all of them.
UPDATE = update(_ENTRIES).where(T.id == bindparam("entry_id")).values(
    **{name: _bind(name) for name in ("workspace_id", "project_id", "task_id", "user_id", "billable", "start",
                                       "stop", "duration", "description", "duronly", "updated_at")})
SOFT_DELETE = update(_ENTRIES).where(T.id == bindparam("entry_id")).values(
    **{name: _bind(name) for name in ("deleted_at", "updated_at")})
#: ``rates.refresh`` for one entry, prebuilt: after an entry is placed (insert, new workspace or project).
REFRESH_RATE = update(_ENTRIES).where(T.id == bindparam("entry_id")).values(
    rate=rates.resolved_rate(), currency=rates.resolved_currency(), updated_at=T.updated_at)


@dataclass
class Ctx:
    """Caches for one request (a bulk update touches the same workspace and tags many times)."""

    premium: dict[int, bool] = field(default_factory=dict)
    #: (workspace id, lowercased name) -> (tag id, stored name).
    tags: dict[tuple[int, str], tuple[int, str]] = field(default_factory=dict)
    members: dict[tuple[int, int], bool | None] = field(default_factory=dict)

    def is_premium(self, db: Session, workspace_id: int) -> bool:
        """Whether the workspace is premium; 404 "workspace not found" when it does not exist."""
        if workspace_id not in self.premium:
            found = db.connection().execute(_PREMIUM, {"workspace_id": workspace_id}).first()
            if found is None:
                raise NotFound("workspace_not_found")
            self.premium[workspace_id] = bool(found[0])
        return self.premium[workspace_id]

    def membership(self, db: Session, workspace_id: int, user_id: int) -> bool | None:
        """None when ``user_id`` is no active member of the workspace, else whether they are admin."""
        key = (workspace_id, user_id)
        if key not in self.members:
            self.members[key] = db.connection().execute(
                _MEMBERSHIP, {"workspace_id": workspace_id, "user_id": user_id}).scalar()
        return self.members[key]


# -- permissions and references -----------------------------------------------------------------------

def check_owner(db: Session, actor: Actor, ctx: Ctx, workspace_id: int, owner_id: int) -> None:
    access.require_time_filer(actor, workspace_id, owner_id, lambda: ctx.membership(db, workspace_id, owner_id))


def check_owner_sees_project(db: Session, actor: Actor, ctx: Ctx, project: Project, owner_id: int) -> None:
    access.require_owner_sees_project(db, actor, project, owner_id,
                                      lambda: ctx.membership(db, project.workspace_id, owner_id))


def load_task(db: Session, actor: Actor, task_id: int) -> tuple[Task, Project]:
    """A visible task of a visible live project; otherwise "Task not found" (§1)."""
    task = db.scalars(access.readable_tasks(actor).where(Task.id == task_id)).first()
    if task is None:
        raise NotFound("task_not_found")
    project = db.scalars(access.readable_projects(actor).where(Project.id == task.project_id)).first()
    if project is None:
        raise NotFound("task_not_found")
    return task, project


# -- locks --------------------------------------------------------------------------------------------

def lock_user(db: Session, user_id: int) -> None:
    """Serialise a user's timer changes (PostgreSQL row lock; SQLite writers already hold the database)."""
    db.connection().execute(_LOCK_USER, {"user_id": user_id})


def locked(db: Session, actor: Actor, entry_ids: Sequence[int], changes: TimeEntryChanges | None = None, *,
           workspace_id: int | None = None) -> dict[int, EntryRow]:
    """The live entries among ``entry_ids`` the caller may change, by id, locked until commit; with
    ``workspace_id`` only those in that workspace (v9 paths name it).

    Every read-modify-write of entries starts here, so that concurrent changes of one entry take turns
    and the later one reads the earlier one's result (its tags above all: they are read, combined and
    rewritten).
    """
    conn = db.connection()
    params = {**access.time_entry_params(actor), "entry_ids": list(dict.fromkeys(entry_ids))}
    placed = conn.execute(_PLACED, params).all()
    target = value(changes.workspace_id) if changes is not None else None
    rates.lock_for_entries(db, {wid for wid, _ in placed} | ({target} if target is not None else set()))
    if changes is not None and changes.starts_timer():
        new_owner = value(changes.user_id)
        for user_id in sorted({uid for _, uid in placed} | ({new_owner} if new_owner is not None else set())):
            lock_user(db, user_id)
    return {row.id: EntryRow._make(row) for row in conn.execute(_LOCKED, params)
            if workspace_id is None or row.workspace_id == workspace_id}


def locked_one(db: Session, actor: Actor, entry_id: int, changes: TimeEntryChanges | None = None, *,
               workspace_id: int | None = None) -> EntryRow:
    """One entry as ``locked`` gives it; 404 when the caller may not change it."""
    entry = locked(db, actor, [entry_id], changes, workspace_id=workspace_id).get(entry_id)
    if entry is None:
        raise NotFound("time_entry_not_found")
    return entry


# -- writes -------------------------------------------------------------------------------------------

def stop_running(db: Session, user_id: int, new_start: datetime, now: datetime,
                 exclude_id: int | None = None) -> dict[int, Times]:
    """§3.4: stop the user's other running entries before one becomes running; their new times by id.
    The caller locked the user."""
    conn = db.connection()
    running = [row for row in conn.execute(_RUNNING_OF, {"user_id": user_id}) if row.id != exclude_id]
    rates.lock_for_entries(db, {row.workspace_id for row in running})
    stopped: dict[int, Times] = {}
    for row in running:
        times = stopped[row.id] = timekeeping.auto_stop(row.start, new_start, now)
        conn.execute(SET_TIMES, {"entry_id": row.id, "b_stop": times.stop, "b_duration": times.duration,
                                 "b_updated_at": now})
        webhook_changes.record(db, "time_entry", "updated", [row.id], row.workspace_id)
    return stopped


def values_of(entry: EntryRow, names: Iterable[str]) -> dict[str, Any]:
    """Parameters of a prebuilt statement from an entry's fields."""
    return {f"b_{name}": getattr(entry, name) for name in names}
