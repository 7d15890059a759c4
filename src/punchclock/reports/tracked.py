"""The Reports v3 totals (60- §5): seconds, tracked days, amounts, rates and the graph, summed by SQL.

Every figure aggregates ``query.entries`` (the v2 builder), so the seconds and cents equal the v2
detailed report's totals for the same filters.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, TimeEntry
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


def _by_code(entries: Select[Any], currencies: int) -> Select[Any]:
    """``_by_rate`` keyed by one integer, ``(rate * currencies + currency's index) * 2 + billable``.

    SQLite groups by sorting every entry, and a single integer key takes its sorter's fast comparison: three
    keys (ties on the first compared field by field) cost half as much again as v2's totals. The currencies
    are the workspace's (``_currencies``, bound as ``rt_c{i}``); an entry in any other one gets a NULL key,
    which sends the caller to ``_by_rate``. Rates (at most 10^11 cents, validation.MAX_RATE) keep it in 64 bits.
    """
    e = entries.subquery()
    index = case(*((e.c.currency == bindparam(f"rt_c{i}", type_=String), literal_column(str(i)))
                   for i in range(currencies)))
    key = ((e.c.rate_cents * literal_column(str(currencies)) + index) * literal_column("2")
           + cast(e.c.billable, Integer)).label("rate_key")
    return select(key, func.sum(e.c.seconds), func.sum(e.c.amount_cents)).group_by(key)


def _currencies(db: Session, ctx: ReportContext) -> list[str]:
    """The currencies the rate chain can give the workspace's entries (50-reports §4.2), the default first."""
    wid = ctx.workspace_id
    found = db.connection().execute(union(
        select(Project.currency).where(Project.workspace_id == wid, Project.currency.is_not(None)),
        select(Client.currency).where(Client.workspace_id == wid, Client.currency.is_not(None)),
    )).scalars()
    default = ctx.workspace.default_currency
    return [default, *sorted({c for c in found if c is not None} - {default})]


def _decoded(rows: list[Any], currencies: list[str]) -> list[tuple[bool, int, str, int, int]] | None:
    """``_by_code`` rows as ``_by_rate`` rows; None when an entry's currency was not among ``currencies``."""
    out = []
    for key, seconds, amount in rows:
        if key is None:
            return None
        rate, index = divmod(int(key) >> 1, len(currencies))
        out.append((bool(int(key) & 1), rate, currencies[index], int(seconds), int(amount)))
    return out


def _days(ctx: ReportContext, entries: Select[Any], days: int) -> Select[Any]:
    """The number of distinct owner-local dates with entries: per date, an index probe (``EXISTS`` stops at
    the first entry) instead of reading every entry and sorting their dates out.

    Date k runs from edge k to edge k+1 of its owners' zone (``bucket_values`` between ``range_values``' bounds).
    The date's bounds come first in the probe's WHERE: SQLite seeks the index with the first range it reads,
    and ``entries`` holds the whole span's.
    """
    dates = select(literal_column("0").label("k")).cte("rd", recursive=True)
    dates = dates.union_all(select(dates.c.k + 1).where(dates.c.k < days - 1))
    zones, found = ctx.zones, []
    for i, zone in enumerate(zones.names):
        names = [f"rb_lo_{i}", *(f"rb_b{i}_{k}" for k in range(days - 1)), f"rb_hi_{i}"]
        edges = [bindparam(name, type_=TimeEntry.start.type) for name in names]
        conditions = [TimeEntry.start >= _edge(dates.c.k, edges), TimeEntry.start < _edge(dates.c.k + 1, edges)]
        if entries.whereclause is not None:
            conditions.append(entries.whereclause)
        if len(zones.names) > 1:
            conditions.append(TimeEntry.user_id.in_(list(zones.zones[zone])))
        found.append(select(literal_column("1")).where(*conditions).exists())
    return select(func.count()).select_from(dates).where(or_(*found))


def _edge(at: Any, edges: list[Any]) -> Any:
    """``edges[at]``: the ``at``-th edge of a zone's dates."""
    return case(*((at == literal_column(str(j)), e) for j, e in enumerate(edges)))


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


def _sums(db: Session, ctx: ReportContext, key: Any, entries: Callable[[], Select[Any]],
          values: dict[str, Any]) -> list[tuple[bool, int, str, int, int]]:
    """(billable, rate, currency, seconds, cents) per (billable, rate, currency): ``_by_code``, else ``_by_rate``."""
    currencies = _currencies(db, ctx)
    conn = db.connection()
    by_code = prepared.statement((*key, len(currencies)), lambda: _by_code(entries(), len(currencies)))
    coded = {**values, **{f"rt_c{i}": c for i, c in enumerate(currencies)}}
    decoded = _decoded(list(conn.execute(by_code, coded).all()), currencies)
    if decoded is not None:
        return decoded
    by_rate = prepared.statement((*key, "by_rate"), lambda: _by_rate(entries()))
    return [(bool(b), int(r), c, int(s), int(a)) for b, r, c, s, a in conn.execute(by_rate, values).all()]


def tracked(db: Session, ctx: ReportContext, filters: ReportFilters, *, resolution: str | None = None,
            with_graph: bool = False, beginning_of_week: int = 1) -> Tracked:
    """The §5 object for ``filters``; ``resolution`` None: by the span."""
    resolution = resolution or default_resolution(filters.since, filters.until)
    resolved = query.resolve(db, filters)
    days = (filters.until - filters.since).days + 1
    key = ("v3totals", prepared.shape(ctx, filters, resolved), days)

    def entries() -> Select[Any]:
        return query.entries(ctx, filters, resolved)

    values: dict[str, Any] = ctx.zones.range_values(filters.since, filters.until)
    sums = _sums(db, ctx, key, entries, values)
    tracked_days = prepared.statement((*key, "days"), lambda: _days(ctx, entries(), days))
    day_values = {**values, **ctx.zones.bucket_values(ctx.zones.day_starts(filters.since, days))}
    conn = db.connection()
    rates = sorted((RateLine(rate, currency, s) for billable, rate, currency, s, _ in sums if billable),
                   key=lambda r: (r.currency, r.rate_cents))
    graph = None
    if with_graph:
        starts = bucket_starts(filters.since, filters.until, resolution, beginning_of_week)
        stmt = _graph(ctx, entries(), starts)
        found = conn.execute(stmt, {**values, **ctx.zones.bucket_values(starts)}).all()
        graph = _buckets(list(found), len(starts))
    return Tracked(
        seconds=sum(r[3] for r in sums),
        tracked_days=int(conn.execute(tracked_days, day_values).scalar_one()),
        amount_cents=sum(r[4] for r in sums),
        resolution=resolution,
        rates=rates,
        graph=graph,
    )
