"""The detailed report (50-reports §7): one row per entry, ordered, paged by 50; exports get every row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session, aliased

from punchclock.domain.actor import zone
from punchclock.domain.time_entries import tag_names
from punchclock.models import Client, Project, Task, User
from punchclock.reports import query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.results import DetailedReport, DetailedRow
from punchclock.reports.totals import cents, totals

PER_PAGE = 50
ORDER_FIELDS = ("date", "description", "duration", "user")
#: Rows fetched per round trip when an export walks every entry.
EXPORT_CHUNK = 2000


def _rows(db: Session, ctx: ReportContext, filters: ReportFilters, order: str, descending: bool) -> Select[Any]:
    base = query.entries(db, ctx, filters).subquery()
    owner = aliased(User)
    key = {
        "date": base.c.start,
        "description": query.lower_text(base.c.description),
        "duration": base.c.seconds,
        "user": query.lower_text(owner.fullname),
    }[order]
    return (
        select(base, owner.fullname, owner.email, owner.timezone, owner.store_start_and_stop_time,
               Project.name.label("project_name"), Project.color.label("project_color"),
               Client.name.label("client_name"), Task.name.label("task_name"))
        .join(owner, owner.id == base.c.user_id)
        .outerjoin(Project, Project.id == base.c.project_id)
        .outerjoin(Client, Client.id == Project.client_id)
        .outerjoin(Task, Task.id == base.c.task_id)
        # Equal keys are ordered by entry id, ascending, so pages never overlap (§3.6).
        .order_by(key.desc() if descending else key.asc(), base.c.id.asc())
    )


#: The columns ``_build`` reads, in the order it unpacks them.
_FIELDS = ("id", "user_id", "fullname", "email", "project_id", "project_name", "project_color", "client_name",
           "task_id", "task_name", "description", "start", "stop", "updated_at", "seconds",
           "store_start_and_stop_time", "billable", "amount_cents", "currency", "timezone")


def _build(rows: Sequence[Row[Any]], tags: dict[int, list[str]]) -> list[DetailedRow]:
    if not rows:
        return []
    # Positional access in one C call: exports build every row, and named access per cell adds up.
    names = rows[0]._fields
    fields = itemgetter(*(names.index(f) for f in _FIELDS))
    zones: dict[str, ZoneInfo] = {}
    out = []
    for r in rows:
        (entry_id, user_id, user_name, email, project_id, project_name, project_color, client_name, task_id,
         task_name, description, start, stop, updated_at, seconds, use_stop, billable, amount_cents, currency,
         tz_name) = fields(r)
        tz = zones.get(tz_name)
        if tz is None:
            tz = zones[tz_name] = zone(tz_name)
        out.append(DetailedRow(
            id=entry_id, user_id=user_id, user_name=user_name, user_email=email,
            project_id=project_id, project_name=project_name, project_color=project_color,
            client_name=client_name, task_id=task_id, task_name=task_name, description=description,
            start=start.astimezone(tz), stop=stop.astimezone(tz), updated_at=updated_at.astimezone(tz),
            seconds=int(seconds), use_stop=use_stop, billable=billable,
            amount=cents(amount_cents) if billable else None,
            currency=currency if billable else None,
            tags=tags.get(entry_id, []),
        ))
    return out


def report(db: Session, ctx: ReportContext, filters: ReportFilters, *, order: str = "date",
           descending: bool = True, page: int = 1) -> DetailedReport:
    entries = query.entries(db, ctx, filters)
    total = totals(db, entries)
    rows: list[DetailedRow] = []
    if (page - 1) * PER_PAGE < total.count:
        found = db.execute(
            _rows(db, ctx, filters, order, descending).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        ).all()
        rows = _build(found, tag_names(db, [r.id for r in found]))
    return DetailedReport(totals=total, page=page, per_page=PER_PAGE, rows=rows)


def every_row(db: Session, ctx: ReportContext, filters: ReportFilters, *, order: str = "date",
              descending: bool = True) -> Iterator[DetailedRow]:
    """All matching rows in report order, fetched in chunks so memory stays flat for any size (O-70)."""
    result = db.execute(_rows(db, ctx, filters, order, descending).execution_options(yield_per=EXPORT_CHUNK))
    for chunk in result.partitions():
        yield from _build(chunk, tag_names(db, [r.id for r in chunk]))
