"""The detailed report (50-reports §7): one row per entry, ordered, paged by 50; exports get every row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

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


def _build(rows: Sequence[Row[Any]], tags: dict[int, list[str]]) -> list[DetailedRow]:
    out = []
    for r in rows:
        tz = zone(r.timezone)
        out.append(DetailedRow(
            id=r.id, user_id=r.user_id, user_name=r.fullname, user_email=r.email,
            project_id=r.project_id, project_name=r.project_name, project_color=r.project_color,
            client_name=r.client_name, task_id=r.task_id, task_name=r.task_name, description=r.description,
            start=r.start.astimezone(tz), stop=r.stop.astimezone(tz), updated_at=r.updated_at.astimezone(tz),
            seconds=int(r.seconds), use_stop=r.store_start_and_stop_time, billable=r.billable,
            amount=cents(r.amount_cents) if r.billable else None,
            currency=r.currency if r.billable else None,
            tags=tags.get(r.id, []),
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
