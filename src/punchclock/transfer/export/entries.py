"""Time entries as the per-year CSV of "Export time entries": the columns of ``layout.ENTRY_COLUMNS``.

Read in keyset pages of ``PAGE`` entries (by start, then id) with one more query for the page's tags, and
written as they come: memory stays flat however many entries a year holds.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, Tag, Task, TimeEntry, TimeEntryTag, User, WorkspaceMember
from punchclock.transfer.files import layout

PAGE = 2000
#: Called with the number of rows just written.
Written = Callable[[int], None]


def default_timezone(db: Session, workspace_id: int) -> str:
    """The zone of the workspace's first admin (lowest membership id), Etc/UTC when it has none."""
    zone = db.scalar(select(User.timezone).join(WorkspaceMember, WorkspaceMember.user_id == User.id)
                     .where(WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.admin.is_(True))
                     .order_by(WorkspaceMember.id).limit(1))
    return zone or "Etc/UTC"


def year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the local year starts and where the next one starts."""
    return (datetime(year, 1, 1, tzinfo=zone).astimezone(UTC), datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC))


def _stopped(workspace_id: int) -> list[Any]:
    return [TimeEntry.workspace_id == workspace_id, TimeEntry.deleted_at.is_(None), TimeEntry.stop.is_not(None)]


def entry_years(db: Session, workspace_id: int, timezone: str) -> list[int]:
    """The local years (in ``timezone``) holding at least one stopped, live entry, ascending."""
    zone = ZoneInfo(timezone)
    bounds = db.execute(select(func.min(TimeEntry.start), func.max(TimeEntry.start))
                        .where(*_stopped(workspace_id))).one()
    first, last = cast("tuple[datetime | None, datetime | None]", tuple(bounds))
    if first is None or last is None:
        return []
    years = []
    for year in range(first.astimezone(zone).year, last.astimezone(zone).year + 1):
        lo, hi = year_bounds(year, zone)
        if db.scalar(select(TimeEntry.id).where(*_stopped(workspace_id), TimeEntry.start >= lo,
                                                TimeEntry.start < hi).limit(1)) is not None:
            years.append(year)
    return years


def count_entries(db: Session, workspace_id: int, year: int, timezone: str) -> int:
    lo, hi = year_bounds(year, ZoneInfo(timezone))
    return db.scalar(select(func.count()).select_from(TimeEntry)
                     .where(*_stopped(workspace_id), TimeEntry.start >= lo, TimeEntry.start < hi)) or 0


def _page(db: Session, workspace_id: int, lo: datetime, hi: datetime, after: tuple[datetime, int] | None
          ) -> Sequence[Row[*tuple[Any, ...]]]:
    query = (select(TimeEntry.id, TimeEntry.start, TimeEntry.stop, TimeEntry.duration, TimeEntry.description,
                    TimeEntry.billable, User.fullname, User.email, Client.name, Project.name, Task.name)
             .join(User, User.id == TimeEntry.user_id)
             .outerjoin(Project, Project.id == TimeEntry.project_id)
             .outerjoin(Client, Client.id == Project.client_id)
             .outerjoin(Task, Task.id == TimeEntry.task_id)
             .where(*_stopped(workspace_id), TimeEntry.start >= lo, TimeEntry.start < hi)
             .order_by(TimeEntry.start, TimeEntry.id).limit(PAGE))
    if after is not None:
        query = query.where(or_(TimeEntry.start > after[0], and_(TimeEntry.start == after[0], TimeEntry.id > after[1])))
    return db.execute(query).all()


def _tags(db: Session, entry_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.execute(select(TimeEntryTag.time_entry_id, Tag.name).join(Tag, Tag.id == TimeEntryTag.tag_id)
                      .where(TimeEntryTag.time_entry_id.in_(entry_ids), Tag.deleted_at.is_(None)))
    for entry_id, name in rows:
        found[entry_id].append(name)
    return found


def duration(seconds: int) -> str:
    """``HH:MM:SS``; the hours may exceed 24."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _line(row: Row[*tuple[Any, ...]], tags: list[str], zone: ZoneInfo) -> list[str]:
    _id, start, stop, seconds, description, billable, fullname, email, client, project, task = row
    start, stop = start.astimezone(zone), stop.astimezone(zone)
    return [fullname, email, client or "", project or "", task or "", description,
            "Yes" if billable else "No", start.strftime(layout.DATE_FORMAT), start.strftime(layout.TIME_FORMAT),
            stop.strftime(layout.DATE_FORMAT), stop.strftime(layout.TIME_FORMAT), duration(seconds),
            layout.TAG_SEPARATOR.join(sorted(tags, key=lambda n: (n.casefold(), n)))]


def write_entries_csv(db: Session, workspace_id: int, year: int, timezone: str, out: BinaryIO,
                      progress: Written | None = None) -> int:
    """One local year's stopped, live entries of every member, ordered by start; returns the row count."""
    zone = ZoneInfo(timezone)
    lo, hi = year_bounds(year, zone)
    text = io.TextIOWrapper(out, encoding=layout.CSV_ENCODING, newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(layout.ENTRY_COLUMNS)
        written, after = 0, None
        while rows := _page(db, workspace_id, lo, hi, after):
            tags = _tags(db, [r[0] for r in rows])
            writer.writerows(_line(r, tags.get(r[0], []), zone) for r in rows)
            written += len(rows)
            after = (rows[-1][1], rows[-1][0])
            if progress is not None:
                progress(len(rows))
        text.flush()
    finally:
        text.detach()
    return written
