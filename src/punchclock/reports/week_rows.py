"""The Reports v3 weekly report (60- §7, V-34): rows per (owner, project, hourly rate, currency), seven days each.

One grouped query does all the summing: the counted entries (``query.entries``, so v2's seconds and
cents) are summed per row key and day of the week in their owner's zone (``OwnerZones.day_index``,
O-56), as v2's weekly does; Python spreads those sums into the seven columns (pivoting 21 conditional
sums in SQL cost three times the grouping), looks the titles up and orders the rows.
Days after the filters' ``until`` (an ``end_date`` inside the week) hold no entry and read 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Select, case, cast, func, select
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
    """One row per (project, owner[, currency, rate], day): seconds, billable seconds and cents.

    Without ``by_rate`` (hidden money) the rates and currencies of a project fold into one row: split rows
    would tell the caller where rates differ.
    """
    base = query.entries(ctx, filters, resolved).subquery()
    day = ctx.zones.day_index(base.c.start, base.c.user_id, filters.since, DAYS).label("day")
    # v2's key order (projects are the most varied key): SQLite's sort compares fewer fields.
    keys = [base.c.project_id, base.c.user_id] + ([base.c.currency, base.c.rate_cents] if by_rate else [])
    return select(
        *keys, day,
        _total(base.c.seconds),
        _total(case((base.c.billable.is_(True), base.c.seconds), else_=0)),
        # ``amount_cents`` is 0 for non-billable entries (``query._columns``).
        _total(base.c.amount_cents),
    ).group_by(*keys, day)


def _grouped(db: Session, ctx: ReportContext, filters: ReportFilters, by_rate: bool) -> Sequence[Any]:
    """The grouped rows; the statement is kept per shape of request (``prepared``), the week's instants bound."""
    resolved = query.resolve(db, filters)
    stmt = prepared.statement(("week_rows", prepared.shape(ctx, filters, resolved), by_rate),
                              lambda: _statement(ctx, filters, resolved, by_rate))
    zones = ctx.zones
    values = {**zones.range_values(filters.since, filters.until),
              **zones.bucket_values(zones.day_starts(filters.since, DAYS))}
    return db.connection().execute(stmt, values).tuples().all()


def _spread(grouped: Sequence[Any], width: int) -> dict[tuple[Any, ...], list[list[int]]]:
    """Row key (the first ``width`` columns) -> its seconds, billable seconds and cents, seven days each."""
    rows: dict[tuple[Any, ...], list[list[int]]] = {}
    for r in grouped:
        key = r[:width]
        days = rows.get(key)
        if days is None:
            days = rows[key] = [[0] * DAYS, [0] * DAYS, [0] * DAYS]
        day = r[width]
        # Bigint sums (``_total``): ints on both databases.
        days[0][day] += r[width + 1]
        days[1][day] += r[width + 2]
        days[2][day] += r[width + 3]
    return rows


def _order_key(row: WeekRow) -> tuple[Any, ...]:
    """User name (any case), project name then client (no project last, 50-reports §3.6), rate, currency."""
    p = row.project
    project = (True, "", True, "", 0) if p is None else (
        False, p.name.casefold(), p.client is None, (p.client or "").casefold(), p.id)
    return (row.user_name.casefold(), row.user_id, project, row.rate_cents or 0, row.currency or "")


def report(db: Session, ctx: ReportContext, filters: ReportFilters) -> list[WeekRow]:
    """The rows of the week starting on ``filters.since`` (counting entries up to ``filters.until``)."""
    by_rate = ctx.show_money
    spread = _spread(_grouped(db, ctx, filters, by_rate), 4 if by_rate else 2)
    projects = titles.projects(db, (k[0] for k in spread))
    users = titles.names(db, titles.Kind.USERS, (k[1] for k in spread))
    rows = [
        WeekRow(
            user_id=k[1], user_name=users.get(k[1], ""), project=None if k[0] is None else projects[k[0]],
            rate_cents=int(k[3]) if by_rate else None, currency=k[2] if by_rate else None,
            seconds=tuple(seconds), billable_seconds=tuple(billable), amount_cents=tuple(amounts),
        )
        for k, (seconds, billable, amounts) in spread.items()
    ]
    return sorted(rows, key=_order_key)
