"""Time entries (40-time-entries): create, start, stop, read, update, bulk update, delete, range list.

``changes`` mappings use domain names: ``guid``, ``workspace_id``, ``project_id``, ``task_id``,
``user_id``, ``billable``, ``start``/``stop`` (aware UTC datetimes), ``duration`` (seconds, negative =
running), ``description``, ``created_with``, ``tags`` (names), ``tag_action``, ``duronly``.
An absent key leaves a value unchanged; an explicit ``None`` clears the nullable ones (project, task,
description, tags) and is ignored for the others (O-16).

Only one entry per user runs at a time (§3.4): whenever an entry becomes running, the owner's row is
locked first and every other running entry of the owner is stopped, before the new state is written.
The partial unique index ``uq_time_entries_running`` backs this up in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, rates, timekeeping
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, NotFound
from punchclock.domain.timekeeping import Times
from punchclock.models import Project, Tag, Task, TimeEntry, TimeEntryTag, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow

MAX_DESCRIPTION = 3000
MAX_CREATED_WITH = 200
MAX_TAG_NAME = 255
#: ``GET /time_entries`` returns at most this many entries (§9).
LIST_LIMIT = 1000
#: Default window of ``GET /time_entries`` (§9).
DEFAULT_WINDOW = timedelta(days=9)
TAG_ACTIONS = ("add", "remove")
#: Ids per ``IN (...)`` in ``tag_names`` (well below SQLite's and PostgreSQL's parameter limits).
_CHUNK = 10_000


# -- reading tags -----------------------------------------------------------------------------------

def _sort_names(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (n.lower(), n))


def tag_names(db: Session, entry_ids: Sequence[int]) -> dict[int, list[str]]:
    """Names of the live tags of each entry, sorted case-insensitively; every requested id is a key.

    One query per 10,000 ids (one for any v8 response), so lists never do N+1 queries.
    """
    result: dict[int, list[str]] = {i: [] for i in entry_ids}
    ids = list(result)
    for offset in range(0, len(ids), _CHUNK):
        rows = db.execute(
            select(TimeEntryTag.time_entry_id, Tag.name)
            .join(Tag, Tag.id == TimeEntryTag.tag_id)
            .where(TimeEntryTag.time_entry_id.in_(ids[offset:offset + _CHUNK]), Tag.deleted_at.is_(None))
        ).all()
        for entry_id, name in rows:
            result[entry_id].append(name)
    for entry_id, names in result.items():
        if len(names) > 1:
            result[entry_id] = _sort_names(names)
    return result


# -- small rules ------------------------------------------------------------------------------------

def clean_tag_names(value: Any) -> list[str]:
    """Trimmed, empty strings dropped, case-insensitive duplicates collapsed (first spelling wins)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid("invalid_field", field="tags")
    names: dict[str, str] = {}
    for raw in value:
        if not isinstance(raw, str):
            raise Invalid("invalid_field", field="tags")
        name = raw.strip()
        if not name:
            continue
        if len(name) > MAX_TAG_NAME:
            raise Invalid("tag_name_too_long", max=MAX_TAG_NAME)
        names.setdefault(name.lower(), name)
    return list(names.values())


def _description(value: Any) -> str:
    text = value or ""
    if len(text) > MAX_DESCRIPTION:
        raise Invalid("description_too_long")
    return str(text)


def _created_with_ok(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_CREATED_WITH


def _tag_action(value: Any) -> str | None:
    if value is None:
        return None
    action = value.strip().lower() if isinstance(value, str) else None
    if action not in TAG_ACTIONS:
        raise Invalid("invalid_tag_action")
    return action


def combine_tags(current: Sequence[str], given: Sequence[str], action: str | None) -> list[str]:
    """§7.2: replace (no action), union (``add``) or difference (``remove``), case-insensitively."""
    if action is None:
        return list(given)
    if action == "add":
        merged = {n.lower(): n for n in current}
        for n in given:
            merged.setdefault(n.lower(), n)
        return list(merged.values())
    drop = {n.lower() for n in given}
    return [n for n in current if n.lower() not in drop]


# -- per-call caches --------------------------------------------------------------------------------

@dataclass
class _Ctx:
    """Caches for one request (a bulk update touches the same workspace and tags many times)."""

    workspaces: dict[int, Workspace] = field(default_factory=dict)
    tags: dict[tuple[int, str], int] = field(default_factory=dict)
    members: dict[tuple[int, int], bool | None] = field(default_factory=dict)

    def workspace(self, db: Session, workspace_id: int) -> Workspace:
        ws = self.workspaces.get(workspace_id)
        if ws is None:
            ws = db.get(Workspace, workspace_id)
            if ws is None:
                raise NotFound("workspace_not_found")
            self.workspaces[workspace_id] = ws
        return ws

    def membership(self, db: Session, workspace_id: int, user_id: int) -> bool | None:
        """None when ``user_id`` is no active member of the workspace, else whether they are admin."""
        key = (workspace_id, user_id)
        if key not in self.members:
            self.members[key] = db.scalar(
                select(WorkspaceMember.admin).where(
                    WorkspaceMember.workspace_id == workspace_id,
                    WorkspaceMember.user_id == user_id,
                    WorkspaceMember.active.is_(True),
                )
            )
        return self.members[key]


# -- tags -------------------------------------------------------------------------------------------

def _find_tag(db: Session, workspace_id: int, name: str) -> Tag | None:
    return db.scalars(
        select(Tag).where(
            Tag.workspace_id == workspace_id,
            func.lower(Tag.name) == func.lower(literal(name)),
            Tag.deleted_at.is_(None),
        )
    ).first()


def _create_tag(db: Session, workspace_id: int, name: str) -> Tag:
    """Create an unknown tag (§3.5, O-44); a concurrent creation of the same name is reused.

    ``ON CONFLICT DO NOTHING`` (the unique index ``uq_tags_name``): on PostgreSQL a racing insert of
    the same name waits for the other transaction and then does nothing, and the select after it sees
    the committed row, so both requests succeed with one tag.
    """
    insert_ = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    db.execute(insert_(Tag).values(workspace_id=workspace_id, name=name, created_at=now, updated_at=now)
               .on_conflict_do_nothing())
    tag = _find_tag(db, workspace_id, name)
    if tag is None:  # only if the other creator's tag was deleted in the meantime
        raise Invalid("conflict")
    return tag


def _resolve_tags(db: Session, ctx: _Ctx, workspace_id: int, names: Sequence[str]) -> list[int]:
    """Tag ids for ``names`` in the workspace, matched case-insensitively; unknown names are created."""
    missing = [n for n in names if (workspace_id, n.lower()) not in ctx.tags]
    if missing:
        rows = db.scalars(
            select(Tag).where(
                Tag.workspace_id == workspace_id,
                func.lower(Tag.name).in_([func.lower(literal(n)) for n in missing]),
                Tag.deleted_at.is_(None),
            )
        ).all()
        for tag in rows:
            ctx.tags.setdefault((workspace_id, tag.name.lower()), tag.id)
        # Sorted: two requests creating the same new names wait for each other in one order, never in a cycle.
        for name in sorted(missing, key=str.lower):
            key = (workspace_id, name.lower())
            if key not in ctx.tags:
                ctx.tags[key] = _create_tag(db, workspace_id, name).id
    return list(dict.fromkeys(ctx.tags[(workspace_id, n.lower())] for n in names))


def _set_tags(db: Session, entry_id: int, tag_ids: Sequence[int]) -> None:
    db.execute(sql_delete(TimeEntryTag).where(TimeEntryTag.time_entry_id == entry_id))
    if tag_ids:
        db.execute(insert(TimeEntryTag), [{"time_entry_id": entry_id, "tag_id": t} for t in tag_ids])


# -- permissions and references -----------------------------------------------------------------------

def _check_owner(db: Session, actor: Actor, ctx: _Ctx, workspace_id: int, owner_id: int) -> None:
    access.require_time_filer(actor, workspace_id, owner_id, lambda: ctx.membership(db, workspace_id, owner_id))


def _check_owner_sees_project(db: Session, actor: Actor, ctx: _Ctx, project: Project, owner_id: int) -> None:
    access.require_owner_sees_project(db, actor, project, owner_id,
                                      lambda: ctx.membership(db, project.workspace_id, owner_id))


def _load_task(db: Session, actor: Actor, task_id: int) -> tuple[Task, Project]:
    """A visible task of a visible live project; otherwise "Task not found" (§1)."""
    task = db.scalars(access.readable_tasks(actor).where(Task.id == task_id)).first()
    if task is None:
        raise NotFound("task_not_found")
    project = db.scalars(access.readable_projects(actor).where(Project.id == task.project_id)).first()
    if project is None:
        raise NotFound("task_not_found")
    return task, project


def _lock_user(db: Session, user_id: int) -> None:
    """Serialise a user's timer changes (PostgreSQL row lock; SQLite writers already hold the database)."""
    db.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


def _starts_timer(changes: Mapping[str, Any]) -> bool:
    """Whether ``changes`` can turn a stopped entry into a running one (see ``timekeeping.on_update``)."""
    duration = changes.get("duration")
    return changes.get("stop") is None and duration is not None and duration < 0


def _locked(db: Session, actor: Actor, entry_ids: Sequence[int], changes: Mapping[str, Any] | None = None
            ) -> dict[int, TimeEntry]:
    """The live entries among ``entry_ids`` the caller may change, by id, locked until commit.

    Every read-modify-write of entries starts here, so that concurrent changes of one entry take turns
    and the later one reads the earlier one's result (its tags above all: they are read, combined and
    rewritten). Lock order (see domain/locks.py): the shared per-workspace rate locks, the owners when
    a timer may start (``create`` locks the owner before touching entries), then the entries by id.
    """
    ids = list(dict.fromkeys(entry_ids))
    readable = access.readable_time_entries(actor).where(TimeEntry.id.in_(ids))
    placed = db.execute(readable.with_only_columns(TimeEntry.workspace_id, TimeEntry.user_id)).all()
    changes = changes or {}
    target = changes.get("workspace_id")
    rates.lock_for_entries(db, {wid for wid, _ in placed} | ({target} if target is not None else set()))
    if _starts_timer(changes):
        for user_id in sorted({uid for _, uid in placed}):
            _lock_user(db, user_id)
    return {e.id: e for e in locks.for_change(db, readable, TimeEntry.id)}


def _stop_running(db: Session, user_id: int, new_start: datetime, now: datetime,
                  exclude_id: int | None = None) -> None:
    """§3.4: stop the user's other running entries before one becomes running. Caller locked the user."""
    stmt = select(TimeEntry).where(
        TimeEntry.user_id == user_id, TimeEntry.stop.is_(None), TimeEntry.deleted_at.is_(None)
    )
    if exclude_id is not None:
        stmt = stmt.where(TimeEntry.id != exclude_id)
    for old in db.scalars(stmt).all():
        times = timekeeping.auto_stop(old.start, new_start, now)
        old.stop = times.stop
        old.duration = times.duration
        old.updated_at = now
    db.flush()


# -- create / start ---------------------------------------------------------------------------------

def _placement_for_create(db: Session, actor: Actor, ctx: _Ctx, changes: Mapping[str, Any]
                          ) -> tuple[Workspace, Project | None, Task | None]:
    """§3.1: ``tid`` -> its project and workspace; else ``pid`` -> its workspace; else ``wid`` or default."""
    workspace_id = changes.get("workspace_id")
    project_id = changes.get("project_id")
    task_id = changes.get("task_id")
    project: Project | None = None
    task: Task | None = None
    if task_id is not None:
        task, task_project = _load_task(db, actor, task_id)
        if ctx.workspace(db, task.workspace_id).premium:
            if project_id is not None and project_id != task.project_id:
                raise Invalid("task_not_in_project")
            project = task_project
        else:
            task = None  # tasks need a premium workspace; the input is ignored (§3.3)
    if project is None and project_id is not None:
        project = access.load_project(db, actor, project_id)
    if project is not None:
        if workspace_id is not None and workspace_id != project.workspace_id:
            raise Invalid("project_not_in_workspace")
        workspace_id = project.workspace_id
    if workspace_id is None:
        workspace_id = actor.user.default_workspace_id
        if workspace_id is None:
            raise Invalid("workspace_blank")
    access.require_member(actor, workspace_id)
    return ctx.workspace(db, workspace_id), project, task


def create(db: Session, actor: Actor, changes: Mapping[str, Any], *, start_now: bool = False) -> TimeEntry:
    """``POST /time_entries`` (§3); with ``start_now`` it is ``POST /time_entries/start`` (§4, O-49):
    the entry runs from the current server time and ``start``/``stop``/``duration`` are ignored.

    A ``guid`` already used by a live entry of the same owner returns that entry unchanged (§3.7).
    """
    problems: list[tuple[str, dict[str, Any]]] = []
    if not start_now:
        if changes.get("start") is None:
            problems.append(("start_blank", {}))
        elif changes.get("stop") is None and changes.get("duration") is None:
            problems.append(("duration_blank", {}))
    if not _created_with_ok(changes.get("created_with")):
        problems.append(("created_with_blank", {}))
    if len(changes.get("description") or "") > MAX_DESCRIPTION:
        problems.append(("description_too_long", {}))
    if problems:
        raise Invalid.many(problems)
    description = _description(changes.get("description"))
    names = clean_tag_names(changes.get("tags"))
    times: Times | None = None
    if not start_now:
        times = timekeeping.on_create(changes["start"], changes.get("stop"), changes.get("duration"))

    ctx = _Ctx()
    workspace, project, task = _placement_for_create(db, actor, ctx, changes)
    owner_id = changes.get("user_id") or actor.id
    _check_owner(db, actor, ctx, workspace.id, owner_id)
    if project is not None:
        _check_owner_sees_project(db, actor, ctx, project, owner_id)

    _lock_user(db, owner_id)
    guid = changes.get("guid") or None
    if guid is not None:
        existing = db.scalars(
            access.readable_time_entries(actor)
            .where(TimeEntry.user_id == owner_id, TimeEntry.guid == guid)
            .order_by(TimeEntry.id)
        ).first()
        if existing is not None:
            return existing

    now = utcnow()
    if times is None:
        times = Times(now, None, 0)
    if times.running:
        _stop_running(db, owner_id, times.start, now)
    entry = TimeEntry(
        guid=guid or str(uuid.uuid4()),
        workspace_id=workspace.id,
        user_id=owner_id,
        project_id=project.id if project is not None else None,
        task_id=task.id if task is not None else None,
        billable=bool(changes.get("billable")) and workspace.premium,
        start=times.start,
        stop=times.stop,
        duration=times.duration,
        description=description,
        duronly=bool(changes.get("duronly")),
        created_with=changes["created_with"].strip(),
        created_at=now,
        updated_at=now,
    )
    db.add(entry)
    db.flush()
    if names:
        _set_tags(db, entry.id, _resolve_tags(db, ctx, workspace.id, names))
    return entry


# -- read -------------------------------------------------------------------------------------------

def get(db: Session, actor: Actor, entry_id: int, *, with_deleted: bool = False) -> TimeEntry:
    """An entry the caller may read (own, or in a workspace they administer); 404 otherwise."""
    entry = db.scalars(
        access.readable_time_entries(actor, with_deleted=with_deleted).where(TimeEntry.id == entry_id)
    ).first()
    if entry is None:
        raise NotFound("time_entry_not_found")
    return entry


def _locked_one(db: Session, actor: Actor, entry_id: int, changes: Mapping[str, Any] | None = None
                ) -> TimeEntry:
    """``get`` for a change: the entry locked (see ``_locked``); 404 as ``get``."""
    entry = _locked(db, actor, [entry_id], changes).get(entry_id)
    if entry is None:
        raise NotFound("time_entry_not_found")
    return entry


def current(db: Session, actor: Actor) -> TimeEntry | None:
    """The caller's own running entry (§6.2), admins included."""
    return db.scalars(
        access.readable_time_entries(actor).where(TimeEntry.user_id == actor.id, TimeEntry.stop.is_(None))
    ).first()


def list_range(db: Session, actor: Actor, start: datetime | None, end: datetime | None, *,
               changed_after: datetime | None = None, now: datetime | None = None) -> Sequence[TimeEntry]:
    """§9: the caller's own live entries with ``start <= entry.start < end``, by start then id, max 1000.

    Defaults: ``end`` = now (an entry started during the current second counts: it has started),
    ``start`` = ``end`` - 9 days. With ``changed_after`` (the ``at=`` extra) entries changed after
    that instant, and the date window only applies when a bound was given.
    """
    stmt = access.readable_time_entries(actor).where(TimeEntry.user_id == actor.id)
    if changed_after is not None:
        stmt = stmt.where(TimeEntry.updated_at > changed_after)
    if changed_after is None or start is not None or end is not None:
        base = end if end is not None else (now or utcnow())
        upper = end if end is not None else base + timedelta(seconds=1)
        lower = start if start is not None else base - DEFAULT_WINDOW
        if upper <= lower:
            return []
        stmt = stmt.where(TimeEntry.start >= lower, TimeEntry.start < upper)
    return db.scalars(stmt.order_by(TimeEntry.start, TimeEntry.id).limit(LIST_LIMIT)).all()


# -- stop / delete ----------------------------------------------------------------------------------

def stop(db: Session, actor: Actor, entry_id: int) -> TimeEntry:
    """§5: a running entry stops now; a stopped one is returned unchanged (O-49)."""
    entry = _locked_one(db, actor, entry_id)
    if entry.stop is None:
        now = utcnow()
        times = timekeeping.stop_now(entry.start, now)
        entry.stop = times.stop
        entry.duration = times.duration
        entry.updated_at = now
        db.flush()
    return entry


def delete(db: Session, actor: Actor, entry_id: int) -> int:
    """§8: soft delete; running entries too. A deleted or unknown entry is 404."""
    entry = _locked_one(db, actor, entry_id)
    now = utcnow()
    entry.deleted_at = now
    entry.updated_at = now
    db.flush()
    return entry.id


# -- update -----------------------------------------------------------------------------------------

@dataclass
class _Plan:
    """The validated outcome of an update of one entry; computing it writes nothing."""

    entry: TimeEntry
    workspace: Workspace
    project_id: int | None
    task_id: int | None
    times: Times
    description: str | None
    #: Names the entry ends up with, or None to leave its tags alone.
    tags: list[str] | None


def _plan(db: Session, actor: Actor, ctx: _Ctx, entry: TimeEntry, changes: Mapping[str, Any],
          current_tags: Sequence[str] | None) -> _Plan:
    """§7 for one entry, validation only. ``current_tags`` saves a query per entry in bulk."""
    owner_id = entry.user_id
    description = _description(changes.get("description")) if "description" in changes else None
    action = _tag_action(changes.get("tag_action"))
    given_tags = clean_tag_names(changes.get("tags")) if "tags" in changes else None

    # Workspace, project, task (§7.3).
    new_wid = changes.get("workspace_id")
    moving = new_wid is not None and new_wid != entry.workspace_id
    if moving:
        # ``moving`` implies new_wid is not None; mypy does not narrow through the bool.
        _check_owner(db, actor, ctx, cast(int, new_wid), owner_id)
    workspace = ctx.workspace(db, cast(int, new_wid) if moving else entry.workspace_id)
    project_id, task_id = (None, None) if moving else (entry.project_id, entry.task_id)
    task_project_id = entry.project_id if task_id is not None else None
    if "project_id" in changes:
        pid = changes["project_id"]
        if pid is None:
            project_id = task_id = None
        elif pid != project_id:
            project = access.load_project(db, actor, pid)
            if project.workspace_id != workspace.id:
                raise Invalid("project_not_in_workspace")
            _check_owner_sees_project(db, actor, ctx, project, owner_id)
            project_id = project.id
    if workspace.premium and "task_id" in changes:
        tid = changes["task_id"]
        if tid is None:
            task_id = None
        elif tid != task_id:
            task, task_project = _load_task(db, actor, tid)
            if "project_id" in changes:
                if task.project_id != project_id:
                    raise Invalid("task_not_in_project")
            else:
                if task_project.workspace_id != workspace.id:
                    raise Invalid("project_not_in_workspace")
                if task_project.id != project_id:
                    _check_owner_sees_project(db, actor, ctx, task_project, owner_id)
                project_id = task_project.id
            task_id, task_project_id = task.id, task.project_id
    if task_id is not None and task_project_id != project_id:
        task_id = None  # the old task belongs to the old project

    # Start, stop, duration (§7.1).
    before = Times(entry.start, entry.stop, entry.duration)
    times = timekeeping.on_update(before, changes.get("start"), changes.get("stop"), changes.get("duration"))

    tags: list[str] | None = None
    if given_tags is not None or moving:
        if current_tags is None:
            current_tags = tag_names(db, [entry.id])[entry.id]
        tags = list(current_tags) if given_tags is None else combine_tags(current_tags, given_tags, action)
    return _Plan(entry, workspace, project_id, task_id, times, description, tags)


def _execute(db: Session, ctx: _Ctx, plan: _Plan, changes: Mapping[str, Any], now: datetime) -> None:
    entry, workspace, times = plan.entry, plan.workspace, plan.times
    if times.running and entry.stop is not None:  # the current state: a bulk update may have changed it
        _lock_user(db, entry.user_id)
        _stop_running(db, entry.user_id, times.start, now, exclude_id=entry.id)
    entry.start, entry.stop, entry.duration = times.start, times.stop, times.duration
    entry.workspace_id = workspace.id
    entry.project_id, entry.task_id = plan.project_id, plan.task_id
    if not workspace.premium:
        entry.billable = False
    elif changes.get("billable") is not None:
        entry.billable = bool(changes["billable"])
    if plan.description is not None:
        entry.description = plan.description
    if changes.get("duronly") is not None:
        entry.duronly = bool(changes["duronly"])
    entry.updated_at = now
    db.flush()
    if plan.tags is not None:
        _set_tags(db, entry.id, _resolve_tags(db, ctx, workspace.id, plan.tags))


def update(db: Session, actor: Actor, entry_id: int, changes: Mapping[str, Any]) -> TimeEntry:
    """``PUT /time_entries/{id}`` (§7): partial update of a live entry the caller may change."""
    entry = _locked_one(db, actor, entry_id, changes)
    ctx = _Ctx()
    _execute(db, ctx, _plan(db, actor, ctx, entry, changes, None), changes, utcnow())
    return entry


def update_many(db: Session, actor: Actor, entry_ids: Sequence[int], changes: Mapping[str, Any]
                ) -> list[TimeEntry]:
    """``PUT /time_entries/{id,id,...}`` (§10): the same change on every entry, in the given order.

    All-or-nothing (O-18): every id must name a live entry the caller may change (the first that
    does not is named in the 404) and every entry must pass validation before anything is written.
    """
    by_id = _locked(db, actor, entry_ids, changes)
    for entry_id in entry_ids:
        if entry_id not in by_id:
            raise NotFound("time_entry_id_not_found", id=entry_id)
    entries = [by_id[i] for i in entry_ids]
    ctx = _Ctx()
    wants_tags = "tags" in changes or changes.get("workspace_id") is not None
    current_tags = tag_names(db, [e.id for e in entries]) if wants_tags else {}
    plans = [_plan(db, actor, ctx, e, changes, current_tags.get(e.id)) for e in entries]
    now = utcnow()
    for plan in plans:
        _execute(db, ctx, plan, changes, now)
    return entries
