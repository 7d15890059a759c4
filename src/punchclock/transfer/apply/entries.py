"""Time entries of an import, in batches of Core statements: no ORM object and no SELECT per row.

Each entry has an external key: the source's id, else a digest of the line's content. A key linked before
this import is "matched"; a key this import already wrote (an earlier line or batch: its link is newer
than ``mark``) is "skipped" as a duplicate. Existing links are looked up per batch with ``IN (...)``, so
memory stays flat however many entries stream by.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from punchclock.db.base import table
from punchclock.models import ImportLink, TimeEntry, TimeEntryTag
from punchclock.models._common import utcnow
from punchclock.transfer.apply.people import preload_users, user_id
from punchclock.transfer.apply.target import Target
from punchclock.transfer.records import EntryRecord, Rejection

BATCH = 2000
CREATED_WITH = "punchclock import"
_GUIDS = uuid.UUID("5b0f5a52-8c1e-4f61-9d3e-2f7a0c1d6e42")  # the uuid5 namespace of imported entries' guids
_L, _E, _ET = table(ImportLink), table(TimeEntry), table(TimeEntryTag)


def entry_key(e: EntryRecord) -> str:
    """The source's id, else a digest (40 hex) of everything that makes the line what it is."""
    if e.external_id is not None:
        return e.external_id
    parts = (e.user_email.strip().lower(), _utc(e.start).isoformat(), _utc(e.stop).isoformat(), e.description,
             e.client or "", e.project or "", e.task or "", "1" if e.billable else "0", "\x1e".join(sorted(e.tags)))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is UTC and not moment.microsecond:  # what the CSV reader gives: nothing to do
        return moment
    return moment.astimezone(UTC).replace(microsecond=0)


def link_mark(t: Target) -> int:
    """The newest link id before this import: links above it were written by this import."""
    return int(t.conn.execute(select(func.coalesce(func.max(_L.c.id), 0))).scalar_one())


class EntryWriter:
    def __init__(self, t: Target, mark: int) -> None:
        self.t = t
        self.mark = mark
        self.first_id: int | None = None

    def write(self, batch: list[EntryRecord]) -> None:
        t = self.t
        keyed: dict[str, EntryRecord] = {}
        for e in batch:
            k = entry_key(e)
            if k in keyed:
                t.outcome.count("time_entries", "skipped")
            else:
                keyed[k] = e
        for k, link_id in self._linked(list(keyed)):
            del keyed[k]
            t.outcome.count("time_entries", "skipped" if link_id > self.mark else "matched")
        if keyed:
            self._insert(keyed)

    def _linked(self, keys: list[str]) -> list[tuple[str, int]]:
        c = _L.c
        return [(k, i) for k, i in self.t.conn.execute(select(c.external_id, c.id).where(
            c.workspace_id == self.t.workspace_id, c.origin == self.t.origin, c.kind == "time_entry",
            c.external_id.in_(keys)))]

    def _row(self, k: str, e: EntryRecord, now: datetime) -> dict[str, Any]:
        t = self.t
        project_id = t.project_id(e.project, e.client)
        if e.project is None:
            t.client_id(e.client)  # a client named without a project is still brought in
        start, stop = _utc(e.start), _utc(e.stop)
        return {"guid": str(uuid.uuid5(_GUIDS, f"{t.origin}\n{k}")), "workspace_id": t.workspace_id,
                "user_id": user_id(t, e.user_email, e.user_name), "project_id": project_id,
                "task_id": t.task_id(e.task, project_id), "billable": e.billable, "start": start, "stop": stop,
                "duration": int((stop - start).total_seconds()), "description": e.description, "duronly": False,
                "created_with": CREATED_WITH, "created_at": now, "updated_at": now, "rate": 0,
                "currency": "USD"}

    def _insert(self, keyed: dict[str, EntryRecord]) -> None:
        t, now = self.t, utcnow()
        preload_users(t, (e.user_email for e in keyed.values()))
        rows = [self._row(k, e, now) for k, e in keyed.items()]
        # RETURNING in parameter order makes SQLite insert row by row: map the ids back by guid instead.
        by_guid: dict[str, int] = dict(t.conn.execute(insert(_E).returning(_E.c.guid, _E.c.id), rows).tuples().all())
        ids = [by_guid[r["guid"]] for r in rows]
        if self.first_id is None:
            self.first_id = min(ids)
        tag_rows = [{"time_entry_id": i, "tag_id": tid} for i, e in zip(ids, keyed.values(), strict=True)
                    for tid in sorted({t.tag_id(name) for name in e.tags})]
        if tag_rows:
            t.conn.execute(insert(_ET), tag_rows)
        t.conn.execute(insert(_L), [{"workspace_id": t.workspace_id, "origin": t.origin, "kind": "time_entry",
                                     "external_id": k, "local_id": i} for k, i in zip(keyed, ids, strict=True)])
        t.outcome.count("time_entries", "created", len(ids))


def write_entries(t: Target, entries: Iterable[EntryRecord | Rejection], progress: Callable[[int], None]) -> int | None:
    """Stream the entries into the workspace; rejections go to the outcome. The first new entry id, if any."""
    writer = EntryWriter(t, link_mark(t))
    batch: list[EntryRecord] = []
    done = 0
    for item in entries:
        if isinstance(item, Rejection):
            t.outcome.reject(item)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            writer.write(batch)
            done += len(batch)
            batch = []
            progress(done)
    if batch:
        writer.write(batch)
        done += len(batch)
        progress(done)
    return writer.first_id
