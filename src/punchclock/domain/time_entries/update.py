"""Updating time entries (§7, §10): validate every entry first (``_plan``), then write (``_execute``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy.orm import Session

from punchclock.domain import access, timekeeping
from punchclock.domain.actor import Actor
from punchclock.domain.errors import DomainError, Invalid, NotFound
from punchclock.domain.inputs import UNSET
from punchclock.domain.time_entries import queries, tags, writes
from punchclock.domain.time_entries.inputs import TimeEntryChanges, value
from punchclock.domain.time_entries.queries import EntryRow
from punchclock.domain.time_entries.service import Saved, checked_description
from punchclock.domain.time_entries.writes import Ctx
from punchclock.domain.timekeeping import Times
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

_WRITTEN = ("workspace_id", "project_id", "task_id", "user_id", "billable", "start", "stop", "duration",
            "description", "duronly", "updated_at")


@dataclass(frozen=True, slots=True)
class _Plan:
    """The validated outcome of an update of one entry; computing it writes nothing."""

    entry: EntryRow
    workspace_id: int
    #: The owner after the change (v9 bulk edits may give the entry to another member).
    user_id: int
    premium: bool
    project_id: int | None
    task_id: int | None
    times: Times
    description: str | None
    #: Names the entry ends up with, or None to leave its tags alone.
    tags: list[str] | None


def _place(db: Session, actor: Actor, ctx: Ctx, entry: EntryRow, changes: TimeEntryChanges, owner_id: int
           ) -> tuple[int, bool, int | None, int | None]:
    """§7.3: workspace, whether it is premium, project and task after the change."""
    new_wid = value(changes.workspace_id)
    workspace_id = entry.workspace_id if new_wid is None else new_wid
    moving = workspace_id != entry.workspace_id
    if moving:
        writes.check_owner(db, actor, ctx, workspace_id, owner_id)
    premium = ctx.is_premium(db, workspace_id)
    project_id, task_id = (None, None) if moving else (entry.project_id, entry.task_id)
    task_project_id = entry.project_id if task_id is not None else None
    if changes.project_id is not UNSET:
        pid = changes.project_id
        if pid is None:
            project_id = task_id = None
        elif pid != project_id:
            project = access.load_project(db, actor, pid)
            if project.workspace_id != workspace_id:
                raise Invalid("project_not_in_workspace")
            writes.check_owner_sees_project(db, actor, ctx, project, owner_id)
            project_id = project.id
    if premium and changes.task_id is not UNSET:
        tid = changes.task_id
        if tid is None:
            task_id = None
        elif tid != task_id:
            task, task_project = writes.load_task(db, actor, tid)
            if changes.project_id is not UNSET:
                if task.project_id != project_id:
                    raise Invalid("task_not_in_project")
            else:
                if task_project.workspace_id != workspace_id:
                    raise Invalid("project_not_in_workspace")
                if task_project.id != project_id:
                    writes.check_owner_sees_project(db, actor, ctx, task_project, owner_id)
                project_id = task_project.id
            task_id, task_project_id = task.id, task.project_id
    if task_id is not None and task_project_id != project_id:
        task_id = None  # the old task belongs to the old project
    return workspace_id, premium, project_id, task_id


def _new_owner(db: Session, actor: Actor, ctx: Ctx, entry: EntryRow, changes: TimeEntryChanges) -> int:
    """The owner after the change: another active member only by an admin of the entry's (new) workspace."""
    owner_id = value(changes.user_id)
    if owner_id is None or owner_id == entry.user_id:
        return entry.user_id
    new_wid = value(changes.workspace_id)
    writes.check_owner(db, actor, ctx, entry.workspace_id if new_wid is None else new_wid, owner_id)
    return owner_id


def _on_day(instant: datetime, day: date, tz: tzinfo) -> datetime:
    """``instant`` moved to ``day``, keeping its time of day in ``tz`` (50- §5.1)."""
    local = instant.astimezone(tz)
    return datetime.combine(day, local.time(), tzinfo=tz).astimezone(UTC)


def _times(actor: Actor, entry: EntryRow, changes: TimeEntryChanges) -> Times:
    start, stop = value(changes.start), value(changes.stop)
    if changes.start_day is not UNSET:
        start = _on_day(entry.start, changes.start_day, actor.tz)
    if changes.stop_day is not UNSET:
        if entry.stop is None:
            raise Invalid("time_entry_running")
        stop = _on_day(entry.stop, changes.stop_day, actor.tz)
    before = Times(entry.start, entry.stop, entry.duration)
    return timekeeping.on_update(before, start, stop, value(changes.duration))


def _given_tags(db: Session, changes: TimeEntryChanges, workspace_id: int) -> list[str] | None:
    """The names sent (``tags`` and the names of ``tag_ids`` as one set), or None when neither was."""
    if changes.tags is UNSET and changes.tag_ids is UNSET:
        return None
    names = tags.clean_tag_names(value(changes.tags))
    return tags.with_tag_ids(db, workspace_id, names, value(changes.tag_ids))


def _plan(db: Session, actor: Actor, ctx: Ctx, entry: EntryRow, changes: TimeEntryChanges,
          current_tags: Sequence[str] | None) -> _Plan:
    """§7 for one entry, validation only. ``current_tags`` saves a query per entry in bulk."""
    description = checked_description(value(changes.description)) if changes.description is not UNSET else None
    action = tags.tag_action(value(changes.tag_action))
    owner_id = _new_owner(db, actor, ctx, entry, changes)
    workspace_id, premium, project_id, task_id = _place(db, actor, ctx, entry, changes, owner_id)
    if owner_id != entry.user_id and project_id is not None and project_id == entry.project_id:
        writes.check_owner_sees_project(db, actor, ctx, access.load_project(db, actor, project_id), owner_id)
    given_tags = _given_tags(db, changes, workspace_id)
    times = _times(actor, entry, changes)
    names: list[str] | None = None
    if given_tags is not None or workspace_id != entry.workspace_id:
        if current_tags is None:
            current_tags = queries.tag_names(db, [entry.id])[entry.id]
        names = list(current_tags) if given_tags is None else tags.combine_tags(current_tags, given_tags, action)
    return _Plan(entry, workspace_id, owner_id, premium, project_id, task_id, times, description, names)


def _execute(db: Session, actor: Actor, ctx: Ctx, plan: _Plan, now: datetime, changes: TimeEntryChanges,
             current: EntryRow) -> tuple[EntryRow, dict[int, Times], list[tuple[int, str]] | None]:
    """Write one plan. ``current`` is the entry as the request left it so far (a bulk update may have
    stopped it); returns the entry written, the entries stopped for it, its tags if they changed."""
    times = plan.times
    stopped: dict[int, Times] = {}
    if times.running and (current.stop is not None or plan.user_id != current.user_id):
        writes.lock_user(db, plan.user_id)
        stopped = writes.stop_running(db, plan.user_id, times.start, now, exclude_id=current.id)
    billable = current.billable if value(changes.billable) is None else bool(changes.billable)
    entry = current._replace(
        start=times.start, stop=times.stop, duration=times.duration, workspace_id=plan.workspace_id,
        user_id=plan.user_id,
        project_id=plan.project_id, task_id=plan.task_id, billable=billable and plan.premium,
        description=current.description if plan.description is None else plan.description,
        duronly=current.duronly if value(changes.duronly) is None else bool(changes.duronly),
        updated_at=now)
    conn = db.connection()
    conn.execute(writes.UPDATE, {"entry_id": entry.id, **writes.values_of(entry, _WRITTEN)})
    moved = entry.workspace_id != current.workspace_id
    if moved:  # 70- §5.1: deleted in the old workspace, updated in the new one
        webhook_changes.record(db, "time_entry", "deleted", [entry.id], current.workspace_id)
    same = entry._replace(updated_at=current.updated_at, duronly=current.duronly) == current  # duronly: not on v9
    if moved or plan.tags is not None or not same:
        webhook_changes.record(db, "time_entry", "updated", [entry.id], entry.workspace_id)
    if (entry.workspace_id, entry.project_id, entry.user_id) != (
            current.workspace_id, current.project_id, current.user_id):
        conn.execute(writes.REFRESH_RATE, {"entry_id": entry.id})  # the rate chain starts elsewhere now
    pairs: list[tuple[int, str]] | None = None
    if plan.tags is not None:
        found = tags.resolve(db, actor, ctx.tags, entry.workspace_id, plan.tags)
        tags.set_tags(db, entry.id, list(found))
        pairs = queries.sort_pairs(found.items())
    return entry, stopped, pairs


def _require_all(by_id: dict[int, EntryRow], entry_ids: Sequence[int]) -> list[EntryRow]:
    """The entries in the given order; the first id the caller may not change is named in the 404."""
    for entry_id in entry_ids:
        if entry_id not in by_id:
            raise NotFound("time_entry_id_not_found", id=entry_id)
    return [by_id[i] for i in entry_ids]


def update(db: Session, actor: Actor, entry_id: int, changes: TimeEntryChanges, *,
           workspace_id: int | None = None) -> Saved:
    """``PUT /time_entries/{id}`` (§7): partial update of a live entry the caller may change (in
    ``workspace_id`` when given: v9 paths name the workspace)."""
    return update_many(db, actor, [entry_id], changes, single=True, workspace_id=workspace_id)[0]


def update_many(db: Session, actor: Actor, entry_ids: Sequence[int], changes: TimeEntryChanges, *,
                single: bool = False, workspace_id: int | None = None) -> list[Saved]:
    """``PUT /time_entries/{id,id,...}`` (§10): the same change on every entry, in the given order.

    All-or-nothing (O-18): every id must name a live entry the caller may change (the first that
    does not is named in the 404) and every entry must pass validation before anything is written.
    ``single``: one id from ``PUT /time_entries/{id}``, whose 404 names no id.
    """
    by_id = writes.locked(db, actor, entry_ids, changes, workspace_id=workspace_id)
    if single and entry_ids[0] not in by_id:
        raise NotFound("time_entry_not_found")
    entries = _require_all(by_id, entry_ids)
    ctx = Ctx()
    wants_tags = (changes.tags is not UNSET or changes.tag_ids is not UNSET
                  or value(changes.workspace_id) is not None)
    current_tags = queries.tag_names(db, [e.id for e in entries]) if wants_tags else {}
    plans = [_plan(db, actor, ctx, e, changes, current_tags.get(e.id)) for e in entries]
    now = utcnow()
    state = dict(by_id)
    pairs: dict[int, list[tuple[int, str]]] = {}
    for plan in plans:
        entry, stopped, new_pairs = _execute(db, actor, ctx, plan, now, changes, state[plan.entry.id])
        state[entry.id] = entry
        for other, times in stopped.items():
            if other in state:
                state[other] = state[other]._replace(stop=times.stop, duration=times.duration, updated_at=now)
        if new_pairs is not None:
            pairs[entry.id] = new_pairs
    unknown = [e.id for e in entries if e.id not in pairs]
    if unknown:
        pairs.update(queries.tag_pairs(db, unknown))
    return [Saved.of(state[e.id], pairs[e.id]) for e in entries]


def update_each(db: Session, actor: Actor, workspace_id: int, entry_ids: Sequence[int],
                steps: Sequence[TimeEntryChanges]) -> list[tuple[int, DomainError | None]]:
    """v9 bulk edit (50- §5, V-20): every entry on its own, in its own savepoint; the steps apply one
    after the other (the operations of a patch document). Answers each id with None or its error."""
    results: list[tuple[int, DomainError | None]] = []
    for entry_id in entry_ids:
        try:
            with db.begin_nested():
                writes.locked_one(db, actor, entry_id, workspace_id=workspace_id)
                for changes in steps:
                    update(db, actor, entry_id, changes, workspace_id=workspace_id)
        except DomainError as err:
            results.append((entry_id, err))
        else:
            results.append((entry_id, None))
    return results
