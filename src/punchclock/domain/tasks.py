"""Tasks of a project (30-clients-projects-tags-tasks §5): lists, tracked time, and writes.

Tasks are a paid feature: every write on a non-premium workspace is a 402, lists are empty there,
and reading one task by id still works (O-23). Writes need an admin or a manager of the project
(O-27); mass actions check every id before changing anything (O-18).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import ColumnElement, and_, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access, locks, rates, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import DomainError, Forbidden, Invalid, NotFound, PaymentRequired
from punchclock.domain.inputs import UNSET, Unset, given
from punchclock.domain.project_users import premium_workspaces, workspace_member_ids
from punchclock.models import Client, Project, Task, TimeEntry, User, Workspace
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskChanges:
    """The same change for one or many tasks. A null ``name`` or ``active`` is ignored; a null
    ``user_id`` clears the assignee. Project and workspace never change (O-17)."""

    name: str | Unset | None = UNSET
    user_id: int | Unset | None = UNSET
    #: Never null: a dialect reads a null estimate as 0 (v8: 30- §5.1).
    estimated_seconds: int | Unset = UNSET
    active: bool | Unset | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskCreate(TaskChanges):
    project_id: int | None = None
    #: Optional; when given it must be the project's workspace.
    workspace_id: int | None = None


def tracked_seconds(db: Session, task_ids: Collection[int]) -> dict[int, int]:
    """Seconds tracked on each task by all users (stopped, non-deleted entries); 0 for none.

    One grouped query whatever the number of tasks.
    """
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        return {}
    rows = db.execute(
        select(TimeEntry.task_id, func.coalesce(func.sum(TimeEntry.duration), 0))
        .where(TimeEntry.task_id.in_(ids), TimeEntry.stop.is_not(None), TimeEntry.deleted_at.is_(None))
        .group_by(TimeEntry.task_id)
    ).all()
    found = {tid: int(seconds) for tid, seconds in rows}
    return {tid: found.get(tid, 0) for tid in ids}


def user_names(db: Session, user_ids: Collection[int | None]) -> dict[int, str]:
    """Full names of the given users, one query (for ``uname`` / ``fullname`` extras)."""
    ids = [uid for uid in dict.fromkeys(user_ids) if uid is not None]
    if not ids:
        return {}
    return {uid: name for uid, name in db.execute(select(User.id, User.fullname).where(User.id.in_(ids))).all()}


def _premium(db: Session, workspace_id: int) -> bool:
    return bool(db.scalar(select(Workspace.premium).where(Workspace.id == workspace_id)))


def list_for_project(db: Session, actor: Actor, project_id: int, active: bool | None = True) -> Sequence[Task]:
    """Live tasks of a visible project; active ones by default (O-46); ``[]`` on a free workspace (O-23)."""
    project = access.load_project(db, actor, project_id)
    if not _premium(db, project.workspace_id):
        return []
    stmt = access.readable_tasks(actor).where(Task.project_id == project.id)
    if active is not None:
        stmt = stmt.where(Task.active.is_(active))
    return db.scalars(stmt.order_by(Task.id)).all()


class TaskRow(NamedTuple):
    """A live task as the workspace list answers it, with its tracked time and assignee's name."""

    id: int
    name: str
    workspace_id: int
    project_id: int
    user_id: int | None
    active: bool
    estimated_seconds: int
    updated_at: datetime
    deleted_at: datetime | None
    #: ``tracked_seconds`` of the task: stopped, non-deleted entries of all users.
    tracked_seconds: int
    #: The assignee's full name (``user_names``), None without assignee.
    uname: str | None


_T = Task.__table__.c
_E = TimeEntry.__table__.c
_U = User.__table__.c
_W = Workspace.__table__.c
_TRACKED = func.coalesce(
    select(func.sum(_E.duration)).where(_E.task_id == _T.id, _E.stop.is_not(None), _E.deleted_at.is_(None))
    .scalar_subquery(), 0)
#: Lists are empty on a free workspace (O-23).
_ON_PREMIUM = _T.workspace_id.in_(select(_W.id).where(_W.premium.is_(True)))


def _active_is(active: bool | None) -> ColumnElement[bool]:
    return true() if active is None else _T.active.is_(active)


#: By active; binds ``scope_wid`` (checked: member) and ``access.project_actor_params``.
_OF_WORKSPACE = {
    active: select(*(_T[name] for name in TaskRow._fields[:9]), _TRACKED, _U.fullname)
    .select_from(Task.__table__.outerjoin(User.__table__, _U.id == _T.user_id))
    .where(and_(access.task_readable(access.project_visible_anywhere()),
                access.in_checked_workspace(_T.workspace_id), _ON_PREMIUM, _active_is(active)))
    .order_by(_T.id)
    for active in (True, False, None)
}


def list_workspace(db: Session, actor: Actor, workspace_id: int, active: bool | None = True) -> list[TaskRow]:
    """Live tasks of the workspace's projects visible to the actor (O-26); ``[]`` on a free workspace."""
    access.require_member(actor, workspace_id)
    found = db.connection().execute(_OF_WORKSPACE[active],
                                    {"scope_wid": workspace_id, **access.project_actor_params(actor)})
    return [TaskRow._make((*r[:9], int(r[9]), r[10])) for r in found]


# -- single read and writes ---------------------------------------------------------------------------

def get(db: Session, actor: Actor, task_id: int) -> Task:
    """A live task of a project the actor can see; also on a free workspace (O-23)."""
    task = db.scalars(access.readable_tasks(actor).where(Task.id == task_id)).first()
    if task is None:
        raise NotFound("task_not_found")
    return task


def _clean(changes: TaskChanges) -> dict[str, Any]:
    """Validated values of the writable fields sent in ``changes`` (every failure at once), by column."""
    checks = validation.FieldChecks(given(changes))
    checks.check("name", validation.clean_name)
    if changes.estimated_seconds is not UNSET:
        if changes.estimated_seconds < 0:
            checks.fail("estimated_seconds_negative")
        else:
            checks.values["estimated_seconds"] = changes.estimated_seconds
    checks.flags(["active"])
    checks.raise_problems()
    values = checks.values
    if changes.user_id is not UNSET:
        values["user_id"] = changes.user_id
    return values


def _check_assignee(db: Session, workspace_ids: Collection[int], user_id: int | None) -> None:
    """The assignee must be linked to each workspace (active or invited)."""
    if user_id is None:
        return
    for wid in dict.fromkeys(workspace_ids):
        if user_id not in workspace_member_ids(db, wid, [user_id]):
            raise Invalid("not_workspace_member")


def _names_taken(db: Session, name: str, project_ids: Collection[int], exclude: Collection[int]) -> set[int]:
    """Projects among ``project_ids`` holding a live task named ``name`` (case-insensitive) outside ``exclude``."""
    stmt = select(Task.project_id).where(
        Task.project_id.in_(list(project_ids)),
        func.lower(Task.name) == name.lower(),
        Task.deleted_at.is_(None),
    )
    if exclude:
        stmt = stmt.where(Task.id.not_in(list(exclude)))
    return set(db.scalars(stmt))


def _lock_names(db: Session, project_ids: Collection[int]) -> None:
    """Name checks of one project take turns (its row is the lock), so a request sees the name a
    concurrent one has just taken and answers "name taken" instead of tripping the unique index."""
    locks.lock_ids(db, Project, project_ids)


def create(db: Session, actor: Actor, changes: TaskCreate) -> Task:
    """``POST /tasks``: a task in a visible project; the workspace comes from the project.

    Checks in order: project given and visible (404), ``workspace_id`` consistent (404), premium
    workspace (402), admin or manager (403), then the fields (404).
    """
    if changes.project_id is None:
        raise Invalid("project_blank")
    project = access.load_project(db, actor, changes.project_id)
    if changes.workspace_id is not None and changes.workspace_id != project.workspace_id:
        raise Invalid("workspace_mismatch")
    if not _premium(db, project.workspace_id):
        raise PaymentRequired("tasks_premium")
    access.require_project_manager(db, actor, project)
    if changes.name is UNSET or changes.name is None:
        raise Invalid("name_blank")
    values = _clean(changes)
    _check_assignee(db, [project.workspace_id], values.get("user_id"))
    _lock_names(db, [project.id])
    if _names_taken(db, values["name"], [project.id], ()):
        raise Invalid("name_taken")
    now = utcnow()
    task = Task(project_id=project.id, workspace_id=project.workspace_id, name=values["name"],
                user_id=values.get("user_id"), estimated_seconds=values.get("estimated_seconds", 0),
                active=values.get("active", True), created_at=now, updated_at=now)
    db.add(task)
    db.flush()
    return task


def _writable(db: Session, actor: Actor, ids: Sequence[int], name_ids: bool, *, lock: bool) -> list[Task]:
    """The tasks named by ``ids`` in that order; with ``lock`` locked and reloaded (domain/locks.py).
    Each id in list order is checked as a single write is (404, then 402, then 403), so that the error
    names the first bad id (O-18)."""
    stmt = access.readable_tasks(actor).where(Task.id.in_(list(ids)))
    rows = locks.for_change(db, stmt, Task.id) if lock else db.scalars(stmt).all()
    by_id = {t.id: t for t in rows}
    premium = premium_workspaces(db, {t.workspace_id for t in rows})
    managed = access.managed_project_ids(db, actor, {t.project_id: t.workspace_id for t in rows})
    for task_id in ids:
        if task_id not in by_id:
            raise NotFound("task_id_not_found" if name_ids else "task_not_found", id=task_id)
        if not premium[by_id[task_id].workspace_id]:
            raise PaymentRequired("tasks_premium")
        if by_id[task_id].project_id not in managed:
            raise Forbidden("task_manager_only_id" if name_ids else "manager_only", id=task_id)
    return [by_id[i] for i in ids]


def update_many(db: Session, actor: Actor, ids: Sequence[int], changes: TaskChanges, *,
                name_ids: bool = False) -> list[Task]:
    """``PUT /tasks/{ids}``: the same change on every task (``name``, ``user_id``, ``estimated_seconds``,
    ``active``; project and workspace never change), all or nothing, in the given order.
    """
    found = _writable(db, actor, list(dict.fromkeys(ids)), name_ids, lock=True)
    values = _clean(changes)
    _check_assignee(db, {t.workspace_id for t in found}, values.get("user_id"))
    if "name" in values:
        per_project = [t.project_id for t in found]
        _lock_names(db, per_project)
        if len(set(per_project)) < len(per_project) or _names_taken(
            db, values["name"], set(per_project), [t.id for t in found]
        ):
            raise Invalid("name_taken")
    now = utcnow()
    for task in found:
        for key, value in values.items():
            setattr(task, key, value)
        task.updated_at = now
    db.flush()
    return found


def delete_many(db: Session, actor: Actor, ids: Sequence[int], *, name_ids: bool = False) -> list[int]:
    """Tombstone the tasks (all or nothing); their time entries stay, without task (their ``at`` changes)."""
    # Not locked: bulk statements, no read-modify-write; row locks before the rate locks could deadlock.
    found = _writable(db, actor, list(dict.fromkeys(ids)), name_ids, lock=False)
    removed = [t.id for t in found]
    rates.lock_for_entries(db, {t.workspace_id for t in found})  # entry rows are written below
    now = utcnow()
    webhook_changes.record_where(db, "time_entry", "updated", TimeEntry.task_id.in_(removed),
                                 TimeEntry.deleted_at.is_(None))
    webhook_changes.record_where(db, "task", "deleted", Task.id.in_(removed))
    db.execute(
        update(TimeEntry).where(TimeEntry.task_id.in_(removed)).values(task_id=None, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    # A statement, not attribute assignments: an explicit ``updated_at`` is never replaced by ``onupdate``.
    db.execute(update(Task).where(Task.id.in_(removed)).values(deleted_at=now, updated_at=now),
               execution_options={"synchronize_session": "fetch"})
    db.flush()
    return removed


# -- v9: task rows with their project, client and assignee (40- §3.1), one Core statement ----------------

class TaskDetail(NamedTuple):
    """A task as v9 shows it: its own columns, tracked time (SQL aggregate) and what it borrows from
    its project, client and assignee."""

    id: int
    name: str
    workspace_id: int
    project_id: int
    user_id: int | None
    active: bool
    estimated_seconds: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    tracked_seconds: int
    user_name: str | None
    project_name: str
    project_color: int
    project_color_hex: str | None
    project_billable: bool
    project_is_private: bool
    client_id: int | None
    client_name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskQuery:
    """Which tasks a v9 list wants. Visibility (O-26) always applies; the rest narrows it."""

    #: None: every workspace the actor is an active member of.
    workspace_id: int | None = None
    project_id: int | None = None
    task_ids: Sequence[int] | None = None
    #: None: active and done alike.
    active: bool | None = None
    #: Changed after this instant, tombstones included (10- §9); without it only live tasks of live projects.
    since: datetime | None = None
    #: Name contains this, case-insensitively.
    search: str | None = None
    #: Lists are empty on free workspaces (O-23); reading a task by id is not.
    premium_only: bool = True
    sort: Literal["id", "name", "created_at"] = "id"
    descending: bool = False
    offset: int = 0
    limit: int | None = None


_P = Project.__table__.c
_C = Client.__table__.c
_SORTS: dict[str, Any] = {"id": _T.id, "name": lower_text(_T.name), "created_at": _T.created_at}
_DETAIL_COLUMNS = (
    *(_T[name] for name in TaskDetail._fields[:10]), _TRACKED, _U.fullname, _P.name, _P.color, _P.color_hex,
    _P.billable, _P.is_private, _P.client_id, _C.name,
)
_DETAIL_FROM = (
    Task.__table__.join(Project.__table__, _P.id == _T.project_id)
    .outerjoin(Client.__table__, _C.id == _P.client_id)
    .outerjoin(User.__table__, _U.id == _T.user_id)
)


def _conditions(actor: Actor, query: TaskQuery) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``query``: values as bound parameters, so that the compiled form is cached."""
    changed = query.since is not None
    where = [access.task_readable(access.project_visible_anywhere(), with_deleted=changed)]
    if query.workspace_id is not None:
        access.require_member(actor, query.workspace_id)
        where.append(_T.workspace_id == query.workspace_id)
    if query.project_id is not None:
        where.append(_T.project_id == query.project_id)
    if query.task_ids is not None:
        where.append(_T.id.in_(list(query.task_ids)))
    if query.active is not None:
        where.append(_T.active.is_(query.active))
    if query.since is not None:
        where.append(_T.updated_at > query.since)
    else:
        where.append(_P.deleted_at.is_(None))
    if query.search:
        where.append(lower_text(_T.name).contains(query.search.lower(), autoescape=True))
    if query.premium_only:
        where.append(_ON_PREMIUM)
    return where


def details(db: Session, actor: Actor, query: TaskQuery) -> list[TaskDetail]:
    """The tasks ``query`` names, in its order (ties by id), tracked time summed by the database."""
    key = _SORTS[query.sort]
    order = [key.desc(), _T.id.desc()] if query.descending else [key, _T.id]
    stmt = select(*_DETAIL_COLUMNS).select_from(_DETAIL_FROM).where(*_conditions(actor, query)).order_by(*order)
    if query.offset:
        stmt = stmt.offset(query.offset)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    rows = db.connection().execute(stmt, access.project_actor_params(actor))
    return [TaskDetail._make((*r[:10], int(r[10]), *r[11:])) for r in rows]


def count(db: Session, actor: Actor, query: TaskQuery) -> int:
    """How many tasks ``query`` names, paging aside."""
    stmt = select(func.count()).select_from(_DETAIL_FROM).where(*_conditions(actor, query))
    return int(db.connection().execute(stmt, access.project_actor_params(actor)).scalar_one())


def detail(db: Session, actor: Actor, task_id: int, *, project_id: int | None = None,
           workspace_id: int | None = None) -> TaskDetail:
    """One live task the actor can see (also on a free workspace, O-23), optionally required to belong to
    ``project_id`` / ``workspace_id`` (else "Task not found", as v9 paths ask)."""
    found = details(db, actor, TaskQuery(task_ids=[task_id], project_id=project_id, premium_only=False))
    if not found or (workspace_id is not None and found[0].workspace_id != workspace_id):
        raise NotFound("task_not_found")
    return found[0]


def project_in_workspace(db: Session, actor: Actor, project_id: int, workspace_id: int) -> Project:
    """A visible, live project of the path workspace (v9 paths below ``/projects/{id}``); else 404."""
    access.require_member(actor, workspace_id)
    project = access.load_project(db, actor, project_id)
    if project.workspace_id != workspace_id:
        raise NotFound("project_not_found")
    return project


def update_each(db: Session, actor: Actor, project: Project, ids: Sequence[int], changes: TaskChanges
                ) -> tuple[list[int], list[tuple[int, DomainError]]]:
    """v9 bulk PATCH (40- §3.2, V-20): every task of ``project`` on its own savepoint; the ids changed and
    the errors of the others, in the given order."""
    if not _premium(db, project.workspace_id):
        raise PaymentRequired("tasks_premium")
    in_project = set(db.scalars(select(Task.id).where(
        Task.id.in_(list(ids)), Task.project_id == project.id, Task.deleted_at.is_(None))))
    success: list[int] = []
    failure: list[tuple[int, DomainError]] = []
    for task_id in dict.fromkeys(ids):
        if task_id not in in_project:
            failure.append((task_id, NotFound("task_not_found")))
            continue
        try:
            with db.begin_nested():
                update_many(db, actor, [task_id], changes)
        except DomainError as err:
            failure.append((task_id, err))
        except IntegrityError:
            failure.append((task_id, Invalid("conflict")))
        else:
            success.append(task_id)
    return success, failure
