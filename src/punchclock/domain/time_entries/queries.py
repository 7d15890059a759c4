"""Reading time entries: prebuilt Core statements, rows as ``EntryRow`` (lists: ``EntryStamps``), the
tags of any number of entries in one query.

Every statement is built once at import and carries the visibility rule of ``domain/access.py``
(``TIME_ENTRY_VISIBLE``, whose parameters ``access.time_entry_params`` fills in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Select, bindparam, null, select
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.db.functions import epoch_seconds
from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.domain.timekeeping import epoch
from punchclock.models import Tag, TimeEntry, TimeEntryTag
from punchclock.models._common import utcnow

#: ``GET /time_entries`` returns at most this many entries (§9).
LIST_LIMIT = 1000
#: Default window of ``GET /time_entries`` (§9).
DEFAULT_WINDOW = timedelta(days=9)
#: Ids per ``IN (...)`` in ``tag_names`` (well below SQLite's and PostgreSQL's parameter limits).
_CHUNK = 10_000


class EntryRow(NamedTuple):
    """What the API shows of an entry; ``COLUMNS`` selects exactly these, in this order."""

    id: int
    guid: str
    workspace_id: int
    project_id: int | None
    task_id: int | None
    user_id: int
    billable: bool
    start: datetime
    stop: datetime | None
    duration: int
    description: str
    duronly: bool
    updated_at: datetime
    deleted_at: datetime | None


def entry_row(entry: TimeEntry) -> EntryRow:
    """The ``EntryRow`` of an ORM entry (callers that still load whole entries)."""
    return EntryRow(entry.id, entry.guid, entry.workspace_id, entry.project_id, entry.task_id, entry.user_id,
                    entry.billable, entry.start, entry.stop, entry.duration, entry.description, entry.duronly,
                    entry.updated_at, entry.deleted_at)


class EntryStamps(NamedTuple):
    """``EntryRow`` with its instants as whole seconds since the epoch: how lists select entries, as
    converting hundreds of timestamps into datetimes costs more than the rest of a row together."""

    id: int
    guid: str
    workspace_id: int
    project_id: int | None
    task_id: int | None
    user_id: int
    billable: bool
    start: int
    stop: int | None
    duration: int
    description: str
    duronly: bool
    updated_at: int
    deleted_at: int | None


def _seconds(value: datetime | None) -> int | None:
    return None if value is None else epoch(value)


def stamps(entry: EntryRow) -> EntryStamps:
    """The ``EntryStamps`` of one entry (single-entry answers render through the list's code)."""
    return EntryStamps(*entry[:7], epoch(entry.start), _seconds(entry.stop), entry.duration, entry.description,
                       entry.duronly, epoch(entry.updated_at), _seconds(entry.deleted_at))


T = table(TimeEntry).c
COLUMNS = tuple(T[name] for name in EntryRow._fields)
#: ``EntryStamps`` of live entries (their ``deleted_at`` is NULL by definition).
_STAMP_COLUMNS = (
    *(epoch_seconds(T[name]).label(name) if name in ("start", "stop", "updated_at") else T[name]
      for name in EntryStamps._fields[:-1]),
    null().label("deleted_at"),
)

STAMP_COLUMNS = _STAMP_COLUMNS

_READABLE = select(*COLUMNS).where(access.TIME_ENTRY_VISIBLE)
#: Live entries' ``deleted_at`` is NULL by definition: a constant saves converting it on every row.
_LIVE = select(*COLUMNS[:-1], null().label("deleted_at")).where(access.TIME_ENTRY_VISIBLE, access.TIME_ENTRY_LIVE)
BY_ID = _LIVE.where(T.id == bindparam("entry_id"))
BY_ID_WITH_DELETED = _READABLE.where(T.id == bindparam("entry_id"))
_OWNER = T.user_id == bindparam("owner_id")
_OWN = _LIVE.where(_OWNER)
CURRENT = _OWN.where(T.stop.is_(None))
#: A live entry of the owner with this guid (§3.7).
BY_GUID = _OWN.where(T.guid == bindparam("guid")).order_by(T.id).limit(1)


def _listed(*where: ColumnElement[bool]) -> Select[Any]:
    return (select(*_STAMP_COLUMNS).where(access.TIME_ENTRY_VISIBLE, access.TIME_ENTRY_LIVE, _OWNER, *where)
            .order_by(T.start, T.id).limit(LIST_LIMIT))


_IN_WINDOW = (T.start >= bindparam("lower"), T.start < bindparam("upper"))
_CHANGED = T.updated_at > bindparam("changed_after")
LIST_WINDOW = _listed(*_IN_WINDOW)
LIST_CHANGED = _listed(_CHANGED)
LIST_CHANGED_IN_WINDOW = _listed(_CHANGED, *_IN_WINDOW)

_TT = table(TimeEntryTag).c
_TAG = table(Tag).c
_LIVE_TAGS = (
    select(_TT.time_entry_id, _TAG.name)
    .join_from(table(TimeEntryTag), table(Tag), _TAG.id == _TT.tag_id)
    .where(_TAG.deleted_at.is_(None))
)
TAGS_OF = _LIVE_TAGS.where(_TT.time_entry_id.in_(bindparam("entry_ids", expanding=True)))
#: ``(entry id, tag name, tag id)``: v9 shows tag ids beside the names (v8 reads only ``TAGS_OF``).
TAG_PAIRS = _LIVE_TAGS.add_columns(_TAG.id)
TAG_PAIRS_OF = TAG_PAIRS.where(_TT.time_entry_id.in_(bindparam("entry_ids", expanding=True)))
TT = _TT


def _tags_of_listed(listed: Select[Any]) -> Select[Any]:
    """The tags of the entries a list statement selects, with the list's own parameters."""
    return _LIVE_TAGS.where(_TT.time_entry_id.in_(select(listed.with_only_columns(T.id).subquery().c.id)))


#: list statement -> the statement for its entries' tags (one query, however long the list).
_TAGS_OF_LISTED = {stmt: _tags_of_listed(stmt) for stmt in (LIST_WINDOW, LIST_CHANGED, LIST_CHANGED_IN_WINDOW)}


def sort_names(names: Iterable[str]) -> list[str]:
    """Tag names case-insensitively (ties: the exact spelling)."""
    return sorted(names, key=lambda n: (n.lower(), n))


def tag_names(db: Session, entry_ids: Sequence[int]) -> dict[int, list[str]]:
    """Names of the live tags of each entry, sorted case-insensitively; every requested id is a key.

    One query per 10,000 ids (one for any v8 response), so lists never do N+1 queries.
    """
    result: dict[int, list[str]] = {i: [] for i in entry_ids}
    ids = list(result)
    conn = db.connection()
    for offset in range(0, len(ids), _CHUNK):
        _collect(result, conn.execute(TAGS_OF, {"entry_ids": ids[offset:offset + _CHUNK]}).all())
    return result


def sort_pairs(pairs: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """``(tag id, name)`` pairs in the order of ``sort_names`` (V-9: ids follow their names)."""
    return sorted(pairs, key=lambda p: (p[1].lower(), p[1]))


def tag_pairs(db: Session, entry_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """``tag_names`` with each name's tag id: ``(id, name)`` pairs, sorted by name; every id is a key."""
    result: dict[int, list[tuple[int, str]]] = {i: [] for i in entry_ids}
    ids = list(result)
    conn = db.connection()
    for offset in range(0, len(ids), _CHUNK):
        collect_pairs(result, conn.execute(TAG_PAIRS_OF, {"entry_ids": ids[offset:offset + _CHUNK]}).all())
    return result


def collect_pairs(result: dict[int, list[tuple[int, str]]], rows: Iterable[Any]) -> None:
    """Add ``(entry id, tag name, tag id)`` rows to ``result``, then sort each entry's pairs."""
    for entry_id, name, tag_id in rows:
        result[entry_id].append((tag_id, name))
    for entry_id, pairs in result.items():
        if len(pairs) > 1:
            result[entry_id] = sort_pairs(pairs)


def _collect(result: dict[int, list[str]], rows: Iterable[Any]) -> None:
    """Add ``(entry id, tag name)`` rows to ``result``, then sort each entry's names."""
    for entry_id, name in rows:
        result[entry_id].append(name)
    for entry_id, names in result.items():
        if len(names) > 1:
            result[entry_id] = sort_names(names)


def _rows(db: Session, stmt: Select[Any], actor: Actor, **params: Any) -> Sequence[EntryRow]:
    # Core rows are tuples in ``EntryRow`` order (``COLUMNS``), with the same attribute names.
    rows = db.connection().execute(stmt, {**access.time_entry_params(actor), **params}).all()
    return cast(Sequence[EntryRow], rows)


def get(db: Session, actor: Actor, entry_id: int, *, with_deleted: bool = False) -> EntryRow:
    """An entry the caller may read (own, or in a workspace they administer); 404 otherwise."""
    rows = _rows(db, BY_ID_WITH_DELETED if with_deleted else BY_ID, actor, entry_id=entry_id)
    if not rows:
        raise NotFound("time_entry_not_found")
    return EntryRow._make(rows[0])


def current(db: Session, actor: Actor) -> EntryRow | None:
    """The caller's own running entry (§6.2), admins included."""
    rows = _rows(db, CURRENT, actor, owner_id=actor.id)
    return EntryRow._make(rows[0]) if rows else None


def by_guid(db: Session, actor: Actor, owner_id: int, guid: str) -> EntryRow | None:
    rows = _rows(db, BY_GUID, actor, owner_id=owner_id, guid=guid)
    return EntryRow._make(rows[0]) if rows else None


class Listing(NamedTuple):
    entries: Sequence[EntryStamps]
    #: Tag names by entry id, for every listed entry.
    tag_names: dict[int, list[str]]


def list_range(db: Session, actor: Actor, start: datetime | None, end: datetime | None, *,
               changed_after: datetime | None = None, now: datetime | None = None) -> Listing:
    """§9: the caller's own live entries with ``start <= entry.start < end``, by start then id, max 1000.

    Defaults: ``end`` = now (an entry started during the current second counts: it has started),
    ``start`` = ``end`` - 9 days. With ``changed_after`` (the ``at=`` extra) entries changed after
    that instant, and the date window only applies when a bound was given.
    """
    params: dict[str, Any] = {**access.time_entry_params(actor), "owner_id": actor.id}
    if changed_after is not None:
        params["changed_after"] = changed_after
    if changed_after is not None and start is None and end is None:
        stmt = LIST_CHANGED
    else:
        base = end if end is not None else (now or utcnow())
        params["upper"] = end if end is not None else base + timedelta(seconds=1)
        params["lower"] = start if start is not None else base - DEFAULT_WINDOW
        if params["upper"] <= params["lower"]:
            return Listing([], {})
        stmt = LIST_WINDOW if changed_after is None else LIST_CHANGED_IN_WINDOW
    conn = db.connection()
    entries = cast(Sequence[EntryStamps], conn.execute(stmt, params).all())
    names: dict[int, list[str]] = {e[0]: [] for e in entries}
    if entries:
        _collect(names, conn.execute(_TAGS_OF_LISTED[stmt], params).all())
    return Listing(entries, names)
