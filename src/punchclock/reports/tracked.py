"""The Reports v3 totals (60- §5): seconds, tracked days, amounts, rates and the graph, summed by SQL.

Every figure aggregates ``query.entries`` (the v2 builder), so the seconds and cents equal the v2
detailed report's totals for the same filters.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, case, distinct, func, literal, select
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry
from punchclock.reports import prepared, query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext

RESOLUTIONS = ("day", "week", "month")
#: Longest span (days) still drawn per day, then per week (60- §5); longer spans per month.
DAYS_BY_DAY, DAYS_BY_WEEK = 31, 183


@dataclass(frozen=True, slots=True)
class RateLine:
    """Billable seconds at one (rate, currency)."""

    rate_cents: int
    currency: str
    billable_seconds: int


@dataclass(frozen=True, slots=True)
class Bucket:
    seconds: int
    amount_cents: int
    #: ``(rate in cents, billable seconds)`` ascending by rate.
    by_rate: list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Tracked:
    seconds: int
    tracked_days: int
    amount_cents: int
    resolution: str
    rates: list[RateLine]
    #: None unless asked for.
    graph: list[Bucket] | None


def default_resolution(since: date, until: date) -> str:
    days = (until - since).days + 1
    return "day" if days <= DAYS_BY_DAY else "week" if days <= DAYS_BY_WEEK else "month"


def bucket_starts(since: date, until: date, resolution: str, beginning_of_week: int) -> list[date]:
    """First days of the buckets covering ``since`` … ``until``: the first one starts at ``since``, later ones on
    each day, on the caller's week start (0 = Sunday … 6 = Saturday) or on the 1st of a month."""
    if resolution == "day":
        return [since + timedelta(days=i) for i in range((until - since).days + 1)]
    starts = [since]
    if resolution == "week":
        day = since + timedelta(days=(beginning_of_week - since.isoweekday()) % 7 or 7)
        while day <= until:
            starts.append(day)
            day += timedelta(days=7)
        return starts
    day = since.replace(day=1) + timedelta(days=monthrange(since.year, since.month)[1])
    while day <= until:
        starts.append(day)
        day = day + timedelta(days=monthrange(day.year, day.month)[1])
    return starts


def _by_rate(entries: Select[Any]) -> Select[Any]:
    """Seconds and cents per (billable, rate, currency): the totals and the ``rates`` list in one pass."""
    e = entries.subquery()
    return (select(e.c.billable, e.c.rate_cents, e.c.currency, func.sum(e.c.seconds), func.sum(e.c.amount_cents))
            .group_by(e.c.billable, e.c.rate_cents, e.c.currency))


def _halving(start: Any, edges: list[Any], low: int, high: int) -> Any:
    """The bucket ``low`` … ``high`` holding ``start``, by halving (``edges[k]`` opens bucket k+1)."""
    if low == high:
        return literal(low)
    middle = (low + high + 1) // 2
    return case((start < edges[middle - 1], _halving(start, edges, low, middle - 1)),
                else_=_halving(start, edges, middle, high))


def _day_of(ctx: ReportContext, start: Any, user_id: Any, days: int) -> Any:
    """0 … ``days``-1: the owner-local day of ``start`` (rows in range). ``OwnerZones.day_index`` with its
    bind parameters (``bucket_values``), but about log2(days) comparisons per entry instead of up to ``days``:
    a year's CASE tried one day after another cost most of the totals' time."""
    names = ctx.zones.names

    def one(i: int) -> Any:
        return _halving(start, [bindparam(f"rb_b{i}_{k}", type_=TimeEntry.start.type) for k in range(days - 1)],
                        0, days - 1)

    if len(names) == 1:
        return one(0)
    whens = [(user_id.in_(list(ctx.zones.zones[z])), one(i)) for i, z in enumerate(names[:-1])]
    return case(*whens, else_=one(len(names) - 1))


def _days(ctx: ReportContext, entries: Select[Any], days: int) -> Select[Any]:
    """The number of distinct owner-local dates with entries."""
    e = entries.subquery()
    # select_from: over a single day the expression is a constant that names no column of ``e``.
    return select(func.count(distinct(_day_of(ctx, e.c.start, e.c.user_id, days)))).select_from(e)


def _graph(ctx: ReportContext, entries: Select[Any], starts: list[date]) -> Select[Any]:
    """Seconds, cents and billable seconds per (bucket, rate): one row per pair that has entries."""
    e = entries.subquery()
    bucket = ctx.zones.bucket_index(e.c.start, e.c.user_id, starts).label("bucket")
    billable = func.sum(case((e.c.billable.is_(True), e.c.seconds), else_=literal(0)))
    return (select(bucket, e.c.rate_cents, func.sum(e.c.seconds), func.sum(e.c.amount_cents), billable)
            .group_by(bucket, e.c.rate_cents).order_by(bucket, e.c.rate_cents))


def _buckets(rows: list[Any], count: int) -> list[Bucket]:
    seconds, cents = [0] * count, [0] * count
    rates: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for index, rate, s, amount, billable in rows:
        seconds[index] += int(s)
        cents[index] += int(amount)
        if billable:
            rates[index].append((int(rate), int(billable)))
    return [Bucket(seconds[i], cents[i], rates[i]) for i in range(count)]


def tracked(db: Session, ctx: ReportContext, filters: ReportFilters, *, resolution: str | None = None,
            with_graph: bool = False, beginning_of_week: int = 1) -> Tracked:
    """The §5 object for ``filters``; ``resolution`` None: by the span."""
    resolution = resolution or default_resolution(filters.since, filters.until)
    resolved = query.resolve(db, filters)
    days = (filters.until - filters.since).days + 1
    key = ("v3totals", prepared.shape(ctx, filters, resolved), days)

    def build() -> tuple[Select[Any], Select[Any]]:
        entries = query.entries(ctx, filters, resolved)
        return _by_rate(entries), _days(ctx, entries, days)

    by_rate, tracked_days = prepared.statement(key, build)
    values: dict[str, Any] = ctx.zones.range_values(filters.since, filters.until)
    conn = db.connection()
    sums = conn.execute(by_rate, values).all()
    day_values = {**values, **ctx.zones.bucket_values(ctx.zones.day_starts(filters.since, days))}
    rates = sorted((RateLine(int(rate), currency, int(s)) for billable, rate, currency, s, _ in sums if billable),
                   key=lambda r: (r.currency, r.rate_cents))
    graph = None
    if with_graph:
        starts = bucket_starts(filters.since, filters.until, resolution, beginning_of_week)
        stmt = _graph(ctx, query.entries(ctx, filters, resolved), starts)
        found = conn.execute(stmt, {**values, **ctx.zones.bucket_values(starts)}).all()
        graph = _buckets(list(found), len(starts))
    return Tracked(
        seconds=sum(int(r[3]) for r in sums),
        tracked_days=int(conn.execute(tracked_days, day_values).scalar_one()),
        amount_cents=sum(int(r[4]) for r in sums),
        resolution=resolution,
        rates=rates,
        graph=graph,
    )
