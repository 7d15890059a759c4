"""The Reports v3 detailed report (60- §4): rows of entries, grouped or not, totally ordered and paged.

Every row is built over ``query.entries`` (the v2 builder), so its seconds and cents are the v2 detailed
report's. A page is the ordered rows cut by offset and limit (one row more tells whether another page
follows): without a window function the database keeps only the top rows while sorting. Only a page asked
for by ``first_id`` numbers the rows first (``row_number()``) to find its start. Two small queries then read
the page rows' entries and tags.
A row is named by its *first* entry (earliest start, then lowest id): that id is the ``X-Next-ID`` of §4.3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Connection, Integer, Select, Subquery, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from punchclock.db.functions import IdList, lower_text
from punchclock.domain.colors import project_hex
from punchclock.domain.time_entries.queries import tag_pairs
from punchclock.models import Client, Project, Tag, Task, TimeEntryTag, User
from punchclock.reports import prepared, query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext

ORDERS = ("date", "user", "duration", "description", "last_update")
#: Newest first for the time keys (O-64), else ascending (60- §4.1).
DESCENDING_BY_DEFAULT = frozenset({"date", "last_update"})
PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
#: What equal entries share to form one row when grouped (60- §4.4), besides their tag set.
_SAME = ("user_id", "project_id", "task_id", "description", "billable", "rate_cents", "currency")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """How to cut the rows: grouping, order, and the page (``first_row_number`` decides over ``first_id``)."""

    grouped: bool = False
    order: str = "date"
    descending: bool = True
    page_size: int = PAGE_SIZE
    first_row_number: int | None = None
    first_id: int | None = None


@dataclass(frozen=True, slots=True)
class SearchEntry:
    id: int
    seconds: int
    start: datetime
    stop: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One row of 60- §4.2; money as stored (hiding it is the renderer's job)."""

    row_number: int
    user_id: int
    user_name: str
    email: str
    timezone: str
    project_id: int | None
    project_name: str | None
    project_hex: str | None
    client_name: str | None
    task_id: int | None
    task_name: str | None
    description: str
    billable: bool
    #: ``(tag id, name)`` sorted by name.
    tags: list[tuple[int, str]]
    rate_cents: int
    currency: str
    amount_cents: int
    entries: list[SearchEntry]


@dataclass(frozen=True, slots=True)
class SearchPage:
    rows: list[SearchRow]
    #: The next row's number, first entry id and start; None on the last page.
    next_row_number: int | None = None
    next_id: int | None = None
    next_start: datetime | None = None


def _tag_key(entry_id: Any) -> Any:
    """The entry's live tag ids as one ascending text: equal sets give equal keys. The ids are sorted in a
    derived table, which older SQLite's ``group_concat`` (no ``ORDER BY`` inside) keeps in order."""
    ids = (select(TimeEntryTag.tag_id.label("tag_id")).join(Tag, Tag.id == TimeEntryTag.tag_id)
           .where(TimeEntryTag.time_entry_id == entry_id, Tag.deleted_at.is_(None))
           .order_by(TimeEntryTag.tag_id).correlate_except(TimeEntryTag, Tag).subquery("tag_ids"))
    return select(IdList(ids.c.tag_id)).scalar_subquery()


def _with_first(entries: Select[Any], grouped: bool) -> Subquery:
    """The entries, each with ``first_id``: the id of the first entry of its row (itself when not grouped)."""
    base = entries.subquery("entries")
    if not grouped:
        return select(base, base.c.id.label("first_id")).subquery("placed")
    keyed = select(base, _tag_key(base.c.id).label("tag_key")).subquery("keyed")
    first = func.first_value(keyed.c.id).over(partition_by=[*(keyed.c[k] for k in _SAME), keyed.c.tag_key],
                                              order_by=(keyed.c.start, keyed.c.id))
    return select(keyed, first.label("first_id")).subquery("placed")


def _rows(placed: Subquery, grouped: bool) -> Subquery:
    """One line per row: its entries' sums and the bounds its sort keys read (60- §4.4)."""
    p = placed.c
    same = [p[k] for k in _SAME]
    if not grouped:  # one entry per row: nothing to add up
        return select(p.first_id, *same, p.seconds, p.amount_cents, p.start.label("first_start"),
                      p.start.label("last_start"), p.updated_at.label("first_at"),
                      p.updated_at.label("last_at")).subquery("rows")
    return (
        select(p.first_id, *same,
               func.sum(p.seconds).label("seconds"), func.sum(p.amount_cents).label("amount_cents"),
               func.min(p.start).label("first_start"), func.max(p.start).label("last_start"),
               func.min(p.updated_at).label("first_at"), func.max(p.updated_at).label("last_at"))
        .group_by(p.first_id, *same)
        .subquery("rows")
    )


def _order(rows: Subquery, owner: Any, order: str, descending: bool) -> list[ColumnElement[Any]]:
    """The total order of 60- §4.3: the key, then the first entry's start and id, ascending."""
    r = rows.c
    key: ColumnElement[Any] = {
        "date": r.last_start if descending else r.first_start,
        "last_update": r.last_at if descending else r.first_at,
        "duration": r.seconds,
        "description": lower_text(r.description),
        "user": lower_text(owner.fullname),
    }[order]
    return [key.desc() if descending else key.asc(), r.first_start.asc(), r.first_id.asc()]


def _position(rows: Subquery, order: str, descending: bool) -> Select[Any]:
    """The row number of the row whose first entry is ``sr_first_id`` (no row: nothing)."""
    owner = aliased(User)
    number = func.row_number().over(order_by=_order(rows, owner, order, descending)).label("row_number")
    stmt = select(rows.c.first_id, number).select_from(rows)
    if order == "user":
        stmt = stmt.join(owner, owner.id == rows.c.user_id)
    numbered = stmt.subquery("numbered")
    return select(numbered.c.row_number).where(numbered.c.first_id == bindparam("sr_first_id", type_=BigInteger))


def _page(rows: Subquery, order: str, descending: bool) -> Select[Any]:
    """``sr_limit`` rows from offset ``sr_offset`` in order, with what the answer names. Without a window
    function the database keeps only the top rows while sorting; the numbers are offset + position."""
    r = rows.c
    return (
        select(rows, User.fullname, User.email, User.timezone, Project.name, Project.color, Project.color_hex,
               Client.name, Task.name)
        .join(User, User.id == r.user_id)
        .outerjoin(Project, Project.id == r.project_id)
        .outerjoin(Client, Client.id == Project.client_id)
        .outerjoin(Task, Task.id == r.task_id)
        .order_by(*_order(rows, User, order, descending))
        .limit(bindparam("sr_limit", type_=Integer)).offset(bindparam("sr_offset", type_=BigInteger))
    )


@dataclass(frozen=True, slots=True)
class _Statements:
    page: Select[Any]
    position: Select[Any]
    entries: Select[Any]


def _statements(ctx: ReportContext, filters: ReportFilters, resolved: query.Resolved, q: SearchQuery) -> _Statements:
    placed = _with_first(query.entries(ctx, filters, resolved), q.grouped)
    p = placed.c
    entries = (select(p.first_id, p.id, p.seconds, p.start, p.stop, p.updated_at)
               .where(p.first_id.in_(bindparam("sr_ids", expanding=True))).order_by(p.start, p.id))
    rows = _rows(placed, q.grouped)
    return _Statements(_page(rows, q.order, q.descending), _position(rows, q.order, q.descending), entries)


def _row(r: Any, row_number: int, entries: list[SearchEntry], tags: list[tuple[int, str]]) -> SearchRow:
    (_first, user_id, project_id, task_id, description, billable, rate_cents, currency, _seconds, amount_cents,
     _fs, _ls, _fa, _la, user_name, email, timezone, project_name, color, color_hex, client_name, task_name) = r
    return SearchRow(
        row_number=row_number, user_id=user_id, user_name=user_name, email=email, timezone=timezone,
        project_id=project_id, project_name=project_name,
        project_hex=None if project_id is None else project_hex(color, color_hex),
        client_name=client_name, task_id=task_id, task_name=task_name, description=description or "",
        billable=bool(billable), tags=tags, rate_cents=int(rate_cents), currency=currency,
        amount_cents=int(amount_cents or 0), entries=entries,
    )


def _first_row(conn: Connection, stmts: _Statements, values: dict[str, Any], q: SearchQuery) -> int | None:
    """``first_row_number`` decides; only ``first_id``: its row (None when there is none) (60- §4.3)."""
    if q.first_row_number is not None or q.first_id is None:
        return q.first_row_number or 1
    found = conn.execute(stmts.position, {**values, "sr_first_id": q.first_id}).scalar()
    return None if found is None else int(found)


def search(db: Session, ctx: ReportContext, filters: ReportFilters, q: SearchQuery) -> SearchPage:
    """One page of rows (60- §4.2, §4.3); the statements are kept per shape of request (``prepared``)."""
    resolved = query.resolve(db, filters)
    key = ("v3search", prepared.shape(ctx, filters, resolved), q.grouped, q.order, q.descending)
    stmts = prepared.statement(key, lambda: _statements(ctx, filters, resolved, q))
    values: dict[str, Any] = ctx.zones.range_values(filters.since, filters.until)
    conn = db.connection()
    first = _first_row(conn, stmts, values, q)
    if first is None:
        return SearchPage([])
    found = conn.execute(stmts.page, {**values, "sr_limit": q.page_size + 1, "sr_offset": first - 1}).all()
    shown, following = found[:q.page_size], found[q.page_size:]
    if not shown:
        return SearchPage([])
    first_ids = [r[0] for r in shown]
    entries: dict[int, list[SearchEntry]] = {i: [] for i in first_ids}
    for first_id, entry_id, seconds, start, stop, updated_at in conn.execute(stmts.entries,
                                                                              {**values, "sr_ids": first_ids}):
        entries[first_id].append(SearchEntry(entry_id, int(seconds), start, stop, updated_at))
    tags = tag_pairs(db, first_ids)
    rows = [_row(r, first + i, entries[r[0]], tags[r[0]]) for i, r in enumerate(shown)]
    if not following:
        return SearchPage(rows)
    after = following[0]
    return SearchPage(rows, first + len(shown), after.first_id, after.first_start)
