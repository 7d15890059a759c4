"""Time-entry changes (40-time-entries §3-§8, §10), on prebuilt Core statements.

Only one entry per user runs at a time (§3.4): whenever an entry becomes running, the owner's row is
locked first and every other running entry of the owner is stopped, before the new state is written.
The partial unique index ``uq_time_entries_running`` backs this up in the database.

Every change answers with what it wrote (``Saved``): nothing is read back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from punchclock.domain import access, rates, timekeeping
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Conflict, Invalid
from punchclock.domain.time_entries import queries, tags, writes
from punchclock.domain.time_entries.inputs import TimeEntryChanges, value
from punchclock.domain.time_entries.queries import EntryRow
from punchclock.domain.time_entries.writes import Ctx
from punchclock.domain.timekeeping import Times
from punchclock.models import Project
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

MAX_DESCRIPTION = 3000
MAX_CREATED_WITH = 200


@dataclass(frozen=True, slots=True)
class Saved:
    """An entry as a change left it, the names of its tags (sorted) and their ids in the same order."""

    entry: EntryRow
    tags: list[str]
    tag_ids: list[int]

    @classmethod
    def of(cls, entry: EntryRow, pairs: Sequence[tuple[int, str]]) -> Saved:
        """From ``(tag id, name)`` pairs already in name order (``queries.sort_pairs``)."""
        return cls(entry, [name for _, name in pairs], [tag_id for tag_id, _ in pairs])


def checked_description(text: str | None) -> str:
    """A description to store: at most ``MAX_DESCRIPTION`` characters; None reads as empty."""
    if len(text or "") > MAX_DESCRIPTION:
        raise Invalid("description_too_long")
    return text or ""


def _created_with_ok(created_with: object) -> bool:
    return isinstance(created_with, str) and bool(created_with.strip()) and len(created_with) <= MAX_CREATED_WITH


# -- create / start ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Placement:
    workspace_id: int
    premium: bool
    project_id: int | None
    task_id: int | None


def _placement_for_create(db: Session, actor: Actor, ctx: Ctx, changes: TimeEntryChanges) -> _Placement:
    """§3.1: ``tid`` -> its project and workspace; else ``pid`` -> its workspace; else ``wid`` or default."""
    workspace_id, project_id, task_id = value(changes.workspace_id), value(changes.project_id), value(changes.task_id)
    project: Project | None = None
    if task_id is not None:
        task, task_project = writes.load_task(db, actor, task_id)
        if ctx.is_premium(db, task.workspace_id):
            if project_id is not None and project_id != task.project_id:
                raise Invalid("task_not_in_project")
            project = task_project
        else:
            task_id = None  # tasks need a premium workspace; the input is ignored (§3.3)
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
    premium = ctx.is_premium(db, workspace_id)
    owner_id = value(changes.user_id) or actor.id
    writes.check_owner(db, actor, ctx, workspace_id, owner_id)
    if project is not None:
        writes.check_owner_sees_project(db, actor, ctx, project, owner_id)
    return _Placement(workspace_id, premium, project.id if project is not None else None, task_id)


def _check_create(changes: TimeEntryChanges, start_now: bool) -> tuple[str, list[str], Times | None]:
    """The checks of §3 that need no database: description, tag names, times."""
    problems: list[tuple[str, dict[str, object]]] = []
    if not start_now:
        if value(changes.start) is None:
            problems.append(("start_blank", {}))
        elif value(changes.stop) is None and value(changes.duration) is None:
            problems.append(("duration_blank", {}))
    if not _created_with_ok(changes.created_with):
        problems.append(("created_with_blank", {}))
    description: str | None = value(changes.description)
    if len(description or "") > MAX_DESCRIPTION:
        problems.append(("description_too_long", {}))
    if problems:
        raise Invalid.many(problems)
    names = tags.clean_tag_names(value(changes.tags))
    start = value(changes.start)
    if start_now or start is None:
        return description or "", names, None
    return description or "", names, timekeeping.on_create(start, value(changes.stop), value(changes.duration))


def create(db: Session, actor: Actor, changes: TimeEntryChanges, *, start_now: bool = False) -> Saved:
    """``POST /time_entries`` (§3); with ``start_now`` it is ``POST /time_entries/start`` (§4, O-49):
    the entry runs from the current server time and ``start``/``stop``/``duration`` are ignored.

    A ``guid`` already used by a live entry of the same owner returns that entry unchanged (§3.7).
    """
    description, names, times = _check_create(changes, start_now)
    ctx = Ctx()
    place = _placement_for_create(db, actor, ctx, changes)
    names = tags.with_tag_ids(db, place.workspace_id, names, value(changes.tag_ids))
    owner_id = value(changes.user_id) or actor.id
    writes.lock_user(db, owner_id)
    guid = value(changes.guid) or None
    if guid is not None:
        existing = queries.by_guid(db, actor, owner_id, guid)
        if existing is not None:
            return Saved.of(existing, queries.tag_pairs(db, [existing.id])[existing.id])
    now = utcnow()
    if times is None:
        times = Times(now, None, 0)
    if times.running:
        writes.stop_running(db, owner_id, times.start, now)
    entry = EntryRow(
        0, guid or str(uuid.uuid4()), place.workspace_id, place.project_id, place.task_id, owner_id,
        bool(changes.billable) and place.premium, times.start, times.stop, times.duration, description,
        bool(changes.duronly), now, None)
    return _insert(db, actor, ctx, entry, str(changes.created_with).strip(), names)  # a string: _check_create


def _insert(db: Session, actor: Actor, ctx: Ctx, entry: EntryRow, created_with: str, names: list[str]) -> Saved:
    rates.lock_for_entries(db, [entry.workspace_id])
    conn = db.connection()
    values = {name: getattr(entry, name) for name in EntryRow._fields if name != "id"}
    result = conn.execute(writes.INSERT, {**values, "created_with": created_with, "created_at": entry.updated_at})
    assert result.inserted_primary_key is not None  # an INSERT of one row
    entry = entry._replace(id=result.inserted_primary_key[0])
    webhook_changes.record(db, "time_entry", "created", [entry.id], entry.workspace_id,
                           None if names else Saved.of(entry, []))  # the whole object, unless tags follow
    conn.execute(writes.REFRESH_RATE, {"entry_id": entry.id})
    pairs: list[tuple[int, str]] = []
    if names:
        found = tags.resolve(db, actor, ctx.tags, entry.workspace_id, names)
        tags.set_tags(db, entry.id, list(found), new=True)
        pairs = queries.sort_pairs(found.items())
    return Saved.of(entry, pairs)


# -- stop / delete ----------------------------------------------------------------------------------

def stop(db: Session, actor: Actor, entry_id: int, *, workspace_id: int | None = None, must_run: bool = False
         ) -> Saved:
    """§5: a running entry stops now; a stopped one is returned unchanged (O-49), or with ``must_run``
    (v9, 50- §6) is a conflict. ``workspace_id``: the entry must be in it (a v9 path), else 404."""
    entry = writes.locked_one(db, actor, entry_id, workspace_id=workspace_id)
    if entry.stop is None:
        now = utcnow()
        times = timekeeping.stop_now(entry.start, now)
        entry = entry._replace(stop=times.stop, duration=times.duration, updated_at=now)
        db.connection().execute(writes.SET_TIMES, {
            "entry_id": entry.id, **writes.values_of(entry, ("stop", "duration", "updated_at"))})
        webhook_changes.record(db, "time_entry", "updated", [entry.id], entry.workspace_id)
    elif must_run:
        raise Conflict("time_entry_already_stopped")
    return Saved.of(entry, queries.tag_pairs(db, [entry.id])[entry.id])


def delete(db: Session, actor: Actor, entry_id: int, *, workspace_id: int | None = None) -> int:
    """§8: soft delete; running entries too. A deleted or unknown entry is 404 (also one outside
    ``workspace_id`` when given)."""
    entry = writes.locked_one(db, actor, entry_id, workspace_id=workspace_id)
    now = utcnow()
    db.connection().execute(writes.SOFT_DELETE, {"entry_id": entry.id, "b_deleted_at": now, "b_updated_at": now})
    webhook_changes.record(db, "time_entry", "deleted", [entry.id], entry.workspace_id)
    return entry.id
