"""The caller's own entries under any mix of filters, newest first, with no count limit (v9
``GET /me/time_entries``, 50- §2.1), with their tags as ``(id, name)`` pairs.

The statements are built once per filter combination (eight at most) and cached; tags come in one
more query that repeats the list's filter, so a list of any length costs two statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from punchclock.db.functions import epoch_seconds
from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.domain.time_entries import queries
from punchclock.domain.time_entries.queries import EntryStamps, T


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """``start >= lower``, ``start < upper``, changed after ``changed_after`` (deleted entries
    included then, as tombstones); None = no such bound. ``with_running`` adds the caller's running
    entry even when it started outside the bounds."""

    lower: datetime | None = None
    upper: datetime | None = None
    changed_after: datetime | None = None
    with_running: bool = False


class History(NamedTuple):
    entries: list[EntryStamps]
    #: ``(tag id, name)`` pairs by entry id, for every listed entry, in name order (V-9).
    tags: dict[int, list[tuple[int, str]]]


_STAMPED = ("start", "stop", "updated_at", "deleted_at")
_ALL_COLUMNS = tuple(epoch_seconds(T[name]).label(name) if name in _STAMPED else T[name]
                     for name in EntryStamps._fields)


@lru_cache(maxsize=8)
def _statements(changed: bool, lower: bool, upper: bool) -> tuple[Select[Any], Select[Any]]:
    """(entries, their tags) for one combination of filters."""
    where = [access.TIME_ENTRY_VISIBLE, T.user_id == bindparam("owner_id")]
    where.append(T.updated_at > bindparam("changed_after") if changed else access.TIME_ENTRY_LIVE)
    if lower:
        where.append(T.start >= bindparam("lower"))
    if upper:
        where.append(T.start < bindparam("upper"))
    columns = _ALL_COLUMNS if changed else queries.STAMP_COLUMNS
    entries = select(*columns).where(*where).order_by(T.start.desc(), T.id.desc())
    ids = select(T.id).where(*where).scalar_subquery()
    return entries, queries.TAG_PAIRS.where(queries.TT.time_entry_id.in_(ids))


def list_filtered(db: Session, actor: Actor, flt: EntryFilter) -> History:
    """The caller's own entries (admins too, O-87) matching ``flt``, by ``start`` then id, newest first."""
    if flt.lower is not None and flt.upper is not None and flt.upper <= flt.lower:
        return History([], {})
    params: dict[str, Any] = {**access.time_entry_params(actor), "owner_id": actor.id}
    for name in ("lower", "upper", "changed_after"):
        if getattr(flt, name) is not None:
            params[name] = getattr(flt, name)
    entries_stmt, tags_stmt = _statements(flt.changed_after is not None, flt.lower is not None,
                                          flt.upper is not None)
    conn = db.connection()
    entries = cast(list[EntryStamps], conn.execute(entries_stmt, params).all())
    tags: dict[int, list[tuple[int, str]]] = {e[0]: [] for e in entries}
    if entries:
        queries.collect_pairs(tags, conn.execute(tags_stmt, params).all())
    if flt.with_running:
        _add_running(db, actor, entries, tags)
    return History(entries, tags)


def _add_running(db: Session, actor: Actor, entries: list[EntryStamps],
                 tags: dict[int, list[tuple[int, str]]]) -> None:
    """The running entry joins the list when the bounds left it out (it started before them)."""
    running = queries.current(db, actor)
    if running is None or running.id in tags:
        return
    entries.append(queries.stamps(running))
    entries.sort(key=lambda e: (e[7], e[0]), reverse=True)
    tags.update(queries.tag_pairs(db, [running.id]))


#: How far back "recent" entries reach: v8 ``/me`` related data, v9 ``/me/time_entries`` without filters,
#: ``/me?with_related_data`` and ``/me/web-timer`` (v8 10-users-and-auth §2.1).
RECENT_DAYS = 9


def recent(db: Session, actor: Actor, now: datetime, *, with_running: bool) -> History:
    """The caller's entries started in the last ``RECENT_DAYS`` days, newest first; and the running one."""
    upper = now + timedelta(seconds=1)  # an entry started during this second has started
    return list_filtered(db, actor, EntryFilter(upper - timedelta(days=RECENT_DAYS), upper,
                                                with_running=with_running))
