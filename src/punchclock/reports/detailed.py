"""The detailed report (50-reports §7): one row per entry, ordered, paged by 50; exports get every row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Row, Select, Subquery, bindparam, select
from sqlalchemy.orm import Session, aliased

from punchclock.db.functions import NAME_SEPARATOR, TagNames, UtcText, lower_text
from punchclock.domain.actor import zone
from punchclock.domain.time_entries import tag_names
from punchclock.domain.time_entries.queries import sort_names
from punchclock.models import Client, Project, Tag, Task, TimeEntry, TimeEntryTag, User
from punchclock.reports import prepared, query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.money import cents
from punchclock.reports.query import ReportContext
from punchclock.reports.results import DetailedReport, DetailedRow
from punchclock.reports.totals import from_rows as totals_from_rows
from punchclock.reports.totals import statement as totals_statement

PER_PAGE = 50
ORDER_FIELDS = ("date", "description", "duration", "user")
#: Rows fetched per round trip when an export walks every entry.
EXPORT_CHUNK = 2000


def _tags_of(entry_id: Any) -> Any:
    """The live tag names of the entry, as one ``TagNames`` value (NULL without tags)."""
    return (select(TagNames(Tag.name)).join_from(TimeEntryTag, Tag, Tag.id == TimeEntryTag.tag_id)
            .where(TimeEntryTag.time_entry_id == entry_id, Tag.deleted_at.is_(None)).scalar_subquery())


def _tag_list(names: str | None) -> list[str]:
    if not names:
        return []
    return sort_names(names.split(NAME_SEPARATOR)) if NAME_SEPARATOR in names else [names]


def _key(base: Subquery, owner: Any, order: str) -> Any:
    return {
        "date": base.c.start,
        "description": lower_text(base.c.description),
        "duration": base.c.seconds,
        "user": lower_text(owner.fullname),
        # Not a v2 order field: Reports v3's exports sort by the entry's ``at`` too (60-reports-v3 §4.1, §9).
        "last_update": base.c.updated_at,
    }[order]


def _page_ids(entries: Select[Any], order: str, descending: bool) -> Select[Any]:
    """The ids of one page (offset ``rb_offset``), in order: the sort walks narrow rows, the joins are
    made for 50 rows only."""
    base = entries.subquery()
    owner = aliased(User)
    key = _key(base, owner, order)
    stmt = select(base.c.id).select_from(base)
    if order == "user":
        stmt = stmt.join(owner, owner.id == base.c.user_id)
    return (stmt.order_by(key.desc() if descending else key.asc(), base.c.id.asc())
            .limit(PER_PAGE).offset(bindparam("rb_offset", type_=Integer)))


def _rows(entries: Select[Any], order: str, descending: bool, *, lines: bool = False) -> Select[Any]:
    """The report's rows in order; ``lines``: only the ``LINE_FIELDS`` the CSV export writes."""
    base = entries.subquery()
    owner = aliased(User)
    key = _key(base, owner, order)
    project, client, task = Project.name.label("project_name"), Client.name.label("client_name"), \
        Task.name.label("task_name")
    columns: list[Any] = [
        owner.fullname, owner.email, client, project, task, base.c.description, base.c.billable,
        # UTC as text (``UtcText``): the export writes local cells from it without a datetime per row.
        UtcText(base.c.start), UtcText(base.c.stop),
        base.c.seconds, base.c.amount_cents, base.c.currency, owner.timezone, _tags_of(base.c.id),
    ] if lines else [base, owner.fullname, owner.email, owner.timezone, owner.store_start_and_stop_time, project,
                     Project.color.label("project_color"), client, task]
    return (
        select(*columns)
        .select_from(base)
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


@dataclass(frozen=True, slots=True)
class _PageStatements:
    """What a page of the detailed report runs: totals, the page's ids, its rows (``rb_ids``)."""

    totals: Select[Any]
    ids: Select[Any]
    rows: Select[Any]


def _page_statements(ctx: ReportContext, filters: ReportFilters, resolved: query.Resolved, order: str,
                     descending: bool) -> _PageStatements:
    entries = query.entries(ctx, filters, resolved)
    return _PageStatements(
        totals_statement(entries), _page_ids(entries, order, descending),
        _rows(entries.where(TimeEntry.id.in_(bindparam("rb_ids", expanding=True))), order, descending),
    )


def report(db: Session, ctx: ReportContext, filters: ReportFilters, *, order: str = "date",
           descending: bool = True, page: int = 1) -> DetailedReport:
    """One page; the statements are kept per shape of request (``prepared``), the dates bound."""
    resolved = query.resolve(db, filters)
    stmts = prepared.statement(("details", prepared.shape(ctx, filters, resolved), order, descending),
                               lambda: _page_statements(ctx, filters, resolved, order, descending))
    values: dict[str, Any] = ctx.zones.range_values(filters.since, filters.until)
    total = totals_from_rows(db.connection().execute(stmts.totals, values).all())
    rows: list[DetailedRow] = []
    if (page - 1) * PER_PAGE < total.count:
        conn = db.connection()
        ids = list(conn.execute(stmts.ids, {**values, "rb_offset": (page - 1) * PER_PAGE}).scalars())
        found = conn.execute(stmts.rows, {**values, "rb_ids": ids}).all()
        rows = _build(found, tag_names(db, [r.id for r in found]))
    return DetailedReport(totals=total, page=page, per_page=PER_PAGE, rows=rows)


#: What ``every_line`` yields, in this order: the CSV export's fields, as read (no per-row object).
LINE_FIELDS = ("fullname", "email", "client_name", "project_name", "task_name", "description", "billable",
               "start", "stop", "seconds", "amount_cents", "currency", "timezone", "tags")


def every_line(db: Session, ctx: ReportContext, filters: ReportFilters, *, order: str = "date",
               descending: bool = True) -> Iterator[tuple[tuple[Any, ...], list[str]]]:
    """Every matching row as a plain tuple of ``LINE_FIELDS`` with its sorted tag names, in report order.

    The tags come with the row (a correlated aggregate): no second query per chunk of rows.

    ``start`` and ``stop`` are UTC instants as text (``UtcText``): ``YYYY-MM-DD HH:MM:SS``, on SQLite
    followed by the stored microseconds. The statement is kept per shape of request (``prepared``).

    The CSV export's path: rows go from the cursor to the writer without an object each (O-70).
    """
    resolved = query.resolve(db, filters)
    stmt = prepared.statement(
        ("lines", prepared.shape(ctx, filters, resolved), order, descending),
        lambda: _rows(query.entries(ctx, filters, resolved), order, descending, lines=True))
    # A Core execution: the ORM layer would only add a cost per row.
    result = db.connection().execute(stmt, ctx.zones.range_values(filters.since, filters.until),
                                     execution_options={"yield_per": EXPORT_CHUNK})
    for chunk in result.tuples().partitions():
        for r in chunk:
            yield r, _tag_list(r[-1])


def every_row(db: Session, ctx: ReportContext, filters: ReportFilters, *, order: str = "date",
              descending: bool = True, entries: Select[Any] | None = None) -> Iterator[DetailedRow]:
    """All matching rows in report order, fetched in chunks so memory stays flat for any size (O-70).

    ``entries``: the statement of ``filters`` when the caller has built it already.
    """
    if entries is None:
        entries = query.entries(ctx, filters, query.resolve(db, filters))
    result = db.execute(_rows(entries, order, descending).execution_options(yield_per=EXPORT_CHUNK))
    for chunk in result.partitions():
        yield from _build(chunk, tag_names(db, [r.id for r in chunk]))
