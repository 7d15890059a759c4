"""What a transaction changed, for the webhook outbox (70- §5.1, V-38).

Changes are collected per session in ``session.info`` as small tuples ``(entity, action, id, workspace_id,
state)``, in the order they happened:

- ORM flushes are caught by one ``after_flush`` listener (like ``domain/rates.py``), so no ORM write path
  can forget them; only columns that appear in the entity's v9 object count (``updated_at`` alone, ``guid``,
  ``created_with``, ``invite_code``, a time entry's cached ``rate``/``currency`` do not);
- bulk statements that bypass the unit of work call ``record``, ``record_where`` or ``removing``.

``state`` is the last state of a row that is removed (project and workspace users): at commit the row is
gone; or what a write that holds the whole v9 object wrote (a new time entry: the domain's ``Saved``), which
spares the outbox reading it back unless a later change in the transaction supersedes it; else None.
A rolled-back savepoint forgets what it recorded, a rolled-back transaction everything.

Domain code imports this module, so it imports nothing from ``punchclock.http`` (import-linter contract).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from punchclock.models import (
    Client,
    GroupMember,
    Project,
    ProjectMember,
    Tag,
    Task,
    TimeEntry,
    TimeEntryTag,
    Workspace,
    WorkspaceMember,
)

#: ``(entity, action, entity id, workspace id or None = look it up at commit, state or None)``.
Change = tuple[str, str, int, int | None, Any]

KEY = "webhook_changes"
_MARKS = "webhook_change_marks"

CREATED, UPDATED, DELETED = "created", "updated", "deleted"
#: Nothing is collected until ``install``: sessions outside the app and the CLI (scripts) keep nothing.
_installed = False

#: ORM class -> (entity, the columns of its v9 object a change of which is an ``updated`` event).
WATCHED: dict[type, tuple[str, tuple[str, ...]]] = {
    Client: ("client", ("name", "notes", "archived", "creator_id")),
    Project: ("project", ("name", "client_id", "active", "is_private", "template", "template_id", "billable",
                          "auto_estimates", "estimated_hours", "rate", "currency", "color", "color_hex",
                          "start_date", "end_date")),
    ProjectMember: ("project_user", ("project_id", "user_id", "manager", "rate")),
    Tag: ("tag", ("name", "creator_id")),
    Task: ("task", ("name", "project_id", "user_id", "estimated_seconds", "active")),
    TimeEntry: ("time_entry", ("project_id", "task_id", "user_id", "billable", "start", "stop", "duration",
                               "description")),
    Workspace: ("workspace", ("name", "premium", "default_hourly_rate", "default_currency", "rounding",
                              "rounding_minutes", "only_admins_may_create_projects", "only_admins_may_create_tags",
                              "only_admins_see_billable_rates", "only_admins_see_team_dashboard",
                              "projects_billable_by_default", "projects_private_by_default", "logo_url")),
    WorkspaceMember: ("workspace_user", ("admin", "active")),
}
#: Entity -> its model, for ``record_where`` and for finding workspaces at commit.
MODELS: dict[str, Any] = {entity: model for model, (entity, _) in WATCHED.items()}
#: The columns kept as the last state of a removed row (what its v9 object shows of the row itself).
REMOVED_COLUMNS: dict[str, tuple[str, ...]] = {
    "project_user": ("id", "project_id", "user_id", "workspace_id", "manager", "rate", "updated_at"),
    "workspace_user": ("id", "user_id", "workspace_id", "admin", "active", "invite_code", "invited_at",
                       "updated_at"),
}
#: Entities without a ``created`` event (§4): a new workspace has no subscription yet.
_NO_CREATED = frozenset({"workspace"})


def pending(db: Session) -> list[Change]:
    """The changes recorded so far in the session's transaction (the list itself)."""
    found: list[Change] | None = db.info.get(KEY)
    if found is None:
        found = db.info[KEY] = []
    return found


def forget(db: Session) -> None:
    db.info.pop(KEY, None)
    db.info.pop(_MARKS, None)


def record(db: Session, entity: str, action: str, ids: Iterable[int], workspace_id: int | None,
           state: object = None) -> None:
    """Changes made by a bulk statement that bypasses the unit of work (``ids`` of one workspace); ``state``
    (one id): what the statement left of the entity's v9 object, when the caller holds all of it."""
    if _installed:
        pending(db).extend((entity, action, i, workspace_id, state) for i in ids)


def record_where(db: Session, entity: str, action: str, *where: ColumnElement[bool]) -> None:
    """``record`` for the rows of ``entity`` matching ``where`` (called before a statement that changes
    them, while ``where`` still finds them): one query, workspaces included."""
    if not _installed:
        return
    model = MODELS[entity]
    rows = db.execute(select(model.id, model.workspace_id).where(*where).order_by(model.id)).all()
    pending(db).extend((entity, action, i, wid, None) for i, wid in rows)


def removing(db: Session, entity: str, *where: ColumnElement[bool]) -> None:
    """Before a bulk DELETE of project or workspace users: each row is ``deleted``, with its last state."""
    if not _installed:
        return
    model = MODELS[entity]
    names = REMOVED_COLUMNS[entity]
    rows = db.execute(select(*(getattr(model, n) for n in names)).where(*where).order_by(model.id)).all()
    pending(db).extend((entity, DELETED, r.id, r.workspace_id, dict(zip(names, r, strict=True))) for r in rows)


# -- the flush listener ---------------------------------------------------------------------------

def _last(entity: str, obj: Any) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in REMOVED_COLUMNS[entity]}


def _dirty(out: list[Change], entity: str, names: tuple[str, ...], obj: Any) -> None:
    """The ``updated``/``deleted`` events of one changed ORM object (moving workspace: deleted there)."""
    state = inspect(obj)
    changed = state.committed_state
    if not changed:
        return
    attrs = state.attrs
    wid = obj.workspace_id if entity != "workspace" else obj.id
    if "deleted_at" in changed:
        history = attrs["deleted_at"].history
        if history.has_changes() and obj.deleted_at is not None and (not history.deleted or history.deleted[0] is None):
            out.append((entity, DELETED, obj.id, wid, None))
            return
    if "workspace_id" in changed and entity != "workspace":
        history = attrs["workspace_id"].history
        if history.has_changes() and history.deleted and history.deleted[0] is not None:
            out.append((entity, DELETED, obj.id, history.deleted[0], None))
            out.append((entity, UPDATED, obj.id, wid, None))
            return
    if any(n in changed and attrs[n].history.has_changes() for n in names):
        out.append((entity, UPDATED, obj.id, wid, None))


def _links(session: Session, out: list[Change], obj: Any) -> None:
    """A tag link changes its entry's tag set, a group membership its member's ``group_ids``. The workspace
    comes from the session when it holds the row, else the outbox looks it up at commit."""
    model: type[TimeEntry | WorkspaceMember]
    if isinstance(obj, TimeEntryTag):
        entity, model, entity_id = "time_entry", TimeEntry, obj.time_entry_id
    elif isinstance(obj, GroupMember):
        entity, model, entity_id = "workspace_user", WorkspaceMember, obj.workspace_member_id
    else:
        return
    held = session.identity_map.get(session.identity_key(model, entity_id))
    out.append((entity, UPDATED, entity_id, None if held is None else held.workspace_id, None))


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    out: list[Change] = []
    for obj in session.new:
        watched = WATCHED.get(type(obj))
        if watched is None:
            _links(session, out, obj)
        elif watched[0] not in _NO_CREATED:
            out.append((watched[0], CREATED, obj.id, obj.workspace_id, None))
    for obj in session.dirty:
        watched = WATCHED.get(type(obj))
        if watched is not None:
            _dirty(out, watched[0], watched[1], obj)
    for obj in session.deleted:
        watched = WATCHED.get(type(obj))
        if watched is None:
            _links(session, out, obj)
        elif watched[0] in REMOVED_COLUMNS:
            out.append((watched[0], DELETED, obj.id, obj.workspace_id, _last(watched[0], obj)))
    if out:
        pending(session).extend(out)


# -- savepoints and rollbacks ---------------------------------------------------------------------

def _after_transaction_create(session: Session, transaction: SessionTransaction) -> None:
    """A savepoint remembers how much was recorded before it, to forget its own records on rollback."""
    if transaction.nested:
        marks: dict[SessionTransaction, int] = session.info.setdefault(_MARKS, {})
        marks[transaction] = len(session.info.get(KEY) or ())


def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.nested:
        mark = (session.info.get(_MARKS) or {}).pop(previous_transaction, None)
        if mark is not None:
            del pending(session)[mark:]


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """The outer transaction ended (committed: the outbox took the changes; else: they never happened)."""
    if transaction.parent is None:
        forget(session)


def install() -> None:
    """Register the listeners once per process (``outbox.install`` calls it)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_transaction_create", _after_transaction_create)
    event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
    _installed = True
