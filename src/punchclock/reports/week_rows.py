"""The Reports v3 weekly report (60- §7, V-34): rows per (owner, project, hourly rate, currency), seven days each.

One grouped query does all the summing: the counted entries (``query.entries``, so v2's seconds and
cents) get their day of the week in their owner's zone (``OwnerZones.day_index``, O-56), and the
outer query pivots the seven days into columns. Python only looks the titles up and orders the rows.
Days after the filters' ``until`` (an ``end_date`` inside the week) hold no entry and read 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Select, and_, case, cast, func, select
from sqlalchemy.orm import Session

from punchclock.reports import prepared, query, titles
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.titles import ProjectTitle

DAYS = 7
Days = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class WeekRow:
    user_id: int
    user_name: str
    #: None for entries without project.
    project: ProjectTitle | None
    #: The entries' hourly rate and currency (50-reports §4.1, §4.2); None when money is hidden.
    rate_cents: int | None
    currency: str | None
    #: Seven values each, day 1 … day 7 of the week.
    seconds: Days
    billable_seconds: Days
    amount_cents: Days


def _total(value: Any) -> Any:
    """``sum(value)`` as a bigint: PostgreSQL sums bigints into numeric."""
    return cast(func.sum(value), BigInteger)


def _statement(ctx: ReportContext, filters: ReportFilters, resolved: query.Resolved, by_rate: bool) -> Select[Any]:
    """One row per (owner, project[, rate, currency]): seven seconds, billable seconds and cents columns.

    Without ``by_rate`` (hidden money) the rates and currencies of a project fold into one row: split rows
    would tell the caller where rates differ.
    """
    base = query.entries(ctx, filters, resolved).subquery()
    day = ctx.zones.day_index(base.c.start, base.c.user_id, filters.since, DAYS)
    dated = select(base.c.user_id, base.c.project_id, base.c.rate_cents, base.c.currency, base.c.billable,
                   base.c.seconds, base.c.amount_cents, day.label("day")).subquery()
    keys = [dated.c.user_id, dated.c.project_id] + ([dated.c.rate_cents, dated.c.currency] if by_rate else [])
    billable = dated.c.billable.is_(True)
    on_day = [dated.c.day == k for k in range(DAYS)]
    return select(
        *keys,
        *(_total(case((d, dated.c.seconds), else_=0)) for d in on_day),
        *(_total(case((and_(d, billable), dated.c.seconds), else_=0)) for d in on_day),
        # ``amount_cents`` is 0 for non-billable entries (``query._columns``).
        *(_total(case((d, dated.c.amount_cents), else_=0)) for d in on_day),
    ).group_by(*keys)


def _grouped(db: Session, ctx: ReportContext, filters: ReportFilters, by_rate: bool) -> Sequence[Any]:
    """The grouped rows; the statement is kept per shape of request (``prepared``), the week's instants bound."""
    resolved = query.resolve(db, filters)
    stmt = prepared.statement(("week_rows", prepared.shape(ctx, filters, resolved), by_rate),
                              lambda: _statement(ctx, filters, resolved, by_rate))
    zones = ctx.zones
    values = {**zones.range_values(filters.since, filters.until),
              **zones.bucket_values(zones.day_starts(filters.since, DAYS))}
    return db.connection().execute(stmt, values).tuples().all()


def _days(values: Sequence[Any]) -> Days:
    return tuple(int(v or 0) for v in values)


def _order_key(row: WeekRow) -> tuple[Any, ...]:
    """User name (any case), project name then client (no project last, 50-reports §3.6), rate, currency."""
    p = row.project
    project = (True, "", True, "", 0) if p is None else (
        False, p.name.casefold(), p.client is None, (p.client or "").casefold(), p.id)
    return (row.user_name.casefold(), row.user_id, project, row.rate_cents or 0, row.currency or "")


def report(db: Session, ctx: ReportContext, filters: ReportFilters) -> list[WeekRow]:
    """The rows of the week starting on ``filters.since`` (counting entries up to ``filters.until``)."""
    by_rate = ctx.show_money
    grouped = _grouped(db, ctx, filters, by_rate)
    projects = titles.projects(db, (r[1] for r in grouped))
    users = titles.names(db, titles.Kind.USERS, (r[0] for r in grouped))
    width = 4 if by_rate else 2
    rows = [
        WeekRow(
            user_id=r[0], user_name=users.get(r[0], ""), project=None if r[1] is None else projects[r[1]],
            rate_cents=int(r[2]) if by_rate else None, currency=r[3] if by_rate else None,
            seconds=_days(r[width:width + DAYS]), billable_seconds=_days(r[width + DAYS:width + 2 * DAYS]),
            amount_cents=_days(r[width + 2 * DAYS:width + 3 * DAYS]),
        )
        for r in grouped
    ]
    return sorted(rows, key=_order_key)

