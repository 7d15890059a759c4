"""Undoing a delete (the web app's "Undo"): a soft-deleted entry comes back as it was.

``service.delete`` only stamps ``deleted_at`` (tags, times and rate stay on the row), so restoring clears
the stamp. Webhook subscribers saw ``deleted``; they now see ``created`` with the entry's state. A running
entry that comes back stops the owner's other running entry first, as starting a timer does (§3.4).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.domain import access, locks, rates
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.domain.time_entries import queries, writes
from punchclock.domain.time_entries.queries import COLUMNS, EntryRow, T
from punchclock.domain.time_entries.service import Saved
from punchclock.models import TimeEntry
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

_DELETED = select(*COLUMNS).where(access.TIME_ENTRY_VISIBLE, T.deleted_at.is_not(None),
                                  T.id == bindparam("entry_id"))
#: Lock order (``writes``): the rate locks and the owner first, then the entry row.
_LOCKED = locks.locking(_DELETED, T.id)
_UNDELETE = update(table(TimeEntry)).where(T.id == bindparam("entry_id")).values(
    deleted_at=None, updated_at=bindparam("b_updated_at", type_=T.updated_at.type))


def restore(db: Session, actor: Actor, entry_id: int, *, workspace_id: int | None = None) -> Saved:
    """Bring back a deleted entry the caller may change (in ``workspace_id`` when given), else 404."""
    conn = db.connection()
    params = {**access.time_entry_params(actor), "entry_id": entry_id}
    found = conn.execute(_DELETED, params).first()
    if found is None or (workspace_id is not None and found.workspace_id != workspace_id):
        raise NotFound("time_entry_not_found")
    access.require_member(actor, found.workspace_id)
    rates.lock_for_entries(db, [found.workspace_id])
    if found.stop is None:
        writes.lock_user(db, found.user_id)
    locked = conn.execute(_LOCKED, params).first()
    if locked is None:  # restored by a concurrent request
        raise NotFound("time_entry_not_found")
    entry = EntryRow._make(locked)
    now = utcnow()
    if entry.stop is None:
        writes.stop_running(db, entry.user_id, entry.start, now, exclude_id=entry.id)
    conn.execute(_UNDELETE, {"entry_id": entry.id, "b_updated_at": now})
    conn.execute(writes.REFRESH_RATE, {"entry_id": entry.id})  # rates may have changed while it was gone
    webhook_changes.record(db, "time_entry", "created", [entry.id], entry.workspace_id)
    entry = entry._replace(deleted_at=None, updated_at=now)
    return Saved.of(entry, queries.tag_pairs(db, [entry.id])[entry.id])
