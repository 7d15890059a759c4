"""The summary report (50-reports §8): durations and amounts in two levels, groups and their items.

SQL does the grouping and summing: one grouped query over the filtered entries, keyed by (group,
sub-group, currency[, rate]). Every grouped row is one item; Python only nests the rows into groups,
fetches the titles of the ids present (one small query per object kind) and orders the result
(§3.6, O-84). The result dataclasses (``results``) carry seconds and ``Decimal`` money; JSON, CSV
and PDF renderers shape them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Select, SQLColumnExpression, case, cast, func, literal, select
from sqlalchemy.orm import Session

from punchclock.db.functions import IdList
from punchclock.domain.errors import Malformed
from punchclock.models import Project
from punchclock.reports import money, prepared, query, titles
from punchclock.reports.filters import ReportFilters
from punchclock.reports.money import cents, from_cents
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Dimension, Money, SummaryGroup, SummaryItem, SummaryReport, Title, Totals

#: Allowed (grouping -> sub-groupings), the matrix of §8.1.
ALLOWED: dict[Dimension, tuple[Dimension, ...]] = {
    Dimension.PROJECTS: (Dimension.TIME_ENTRIES, Dimension.TASKS, Dimension.USERS),
    Dimension.CLIENTS: (Dimension.TIME_ENTRIES, Dimension.TASKS, Dimension.PROJECTS, Dimension.USERS),
    Dimension.USERS: (Dimension.TIME_ENTRIES, Dimension.TASKS, Dimension.PROJECTS, Dimension.CLIENTS),
}
GROUPINGS = tuple(ALLOWED)
SUBGROUPINGS = tuple(Dimension)
ORDER_FIELDS = ("title", "duration", "amount")


# -- SQL ----------------------------------------------------------------------------------------------

def _split(text: str | None) -> tuple[int, ...]:
    return tuple(sorted(int(part) for part in text.split(","))) if text else ()


def check_pair(grouping: Dimension, subgrouping: Dimension) -> None:
    if subgrouping not in ALLOWED.get(grouping, ()):
        raise Malformed("grouping_pair", grouping=grouping.value, subgrouping=subgrouping.value)


def _total(value: Any) -> Any:
    """``sum(value)`` as a bigint: PostgreSQL sums bigints into numeric, read back as slow Decimals."""
    return cast(func.sum(value), BigInteger)


def _grouped_statement(entries: Select[Any], grouping: Dimension, subgrouping: Dimension,
                       distinct_rates: bool, with_entry_ids: bool) -> Select[Any]:
    base = entries.subquery()
    keys: dict[Dimension, SQLColumnExpression[Any]] = {
        Dimension.PROJECTS: base.c.project_id,
        Dimension.CLIENTS: Project.client_id,
        Dimension.USERS: base.c.user_id,
        Dimension.TASKS: base.c.task_id,
        Dimension.TIME_ENTRIES: base.c.description,
    }
    group_key, sub_key = keys[grouping], keys[subgrouping]
    by = [group_key, sub_key, base.c.currency] + ([base.c.rate_cents] if distinct_rates else [])
    columns: list[Any] = [
        group_key.label("group_key"),
        sub_key.label("sub_key"),
        base.c.currency.label("currency"),
        _total(base.c.seconds).label("seconds"),
        _total(base.c.amount_cents).label("amount_cents"),
        # Only time-entry items sort by it; elsewhere it would cost PostgreSQL its index-only scan.
        (func.min(base.c.id) if subgrouping is Dimension.TIME_ENTRIES else literal(0)).label("first_id"),
        # Equal minimum and maximum: every entry of the item shares one rate (§3.8, O-65).
        func.min(base.c.rate_cents).label("min_rate"),
        func.max(base.c.rate_cents).label("max_rate"),
        # For the report totals, so they need no second pass over the entries.
        func.count().label("count"),
        _total(case((base.c.billable.is_(True), base.c.seconds), else_=0)).label("billable_seconds"),
        # max over an integer: PostgreSQL has no max(boolean).
        func.max(case((base.c.billable.is_(True), 1), else_=0)).label("any_billable"),
    ]
    if with_entry_ids:
        columns.append(IdList(base.c.id).label("entry_ids"))
    stmt = select(*columns).select_from(base)
    if Dimension.CLIENTS in (grouping, subgrouping):
        stmt = stmt.outerjoin(Project, Project.id == base.c.project_id)
    return stmt.group_by(*by)


def _grouped_rows(db: Session, ctx: ReportContext, filters: ReportFilters, grouping: Dimension,
                  subgrouping: Dimension, distinct_rates: bool, with_entry_ids: bool) -> Sequence[Any]:
    """The grouped rows; the statement is kept per shape of request (``prepared``), the dates bound."""
    resolved = query.resolve(db, filters)
    key = ("summary", prepared.shape(ctx, filters, resolved), grouping, subgrouping, distinct_rates, with_entry_ids)
    stmt = prepared.statement(key, lambda: _grouped_statement(query.entries(ctx, filters, resolved), grouping,
                                                              subgrouping, distinct_rates, with_entry_ids))
    # A Core execution: the rows are plain values, the ORM layer would only add a cost per row.
    return db.connection().execute(stmt, ctx.zones.range_values(filters.since, filters.until)).tuples().all()


_KINDS = {Dimension.CLIENTS: titles.Kind.CLIENTS, Dimension.USERS: titles.Kind.USERS,
          Dimension.TASKS: titles.Kind.TASKS}


def _titles(db: Session, dimension: Dimension, ids: set[Any]) -> dict[Any, Title]:
    """Titles of the objects present (one query per kind); None maps to the "none" title."""
    if dimension is Dimension.TIME_ENTRIES:
        return {d: Title(dimension, d) for d in ids}
    found: dict[Any, Title] = {None: Title(dimension, None)}
    if dimension is Dimension.PROJECTS:
        found.update({pid: Title(dimension, p.name, p.client, p.color)
                      for pid, p in titles.projects(db, ids).items()})
        return found
    found.update({oid: Title(dimension, name) for oid, name in titles.names(db, _KINDS[dimension], ids).items()})
    return found


# -- ordering (§3.6, O-84) ----------------------------------------------------------------------------

def _title_key(t: Title) -> tuple[Any, ...] | None:
    """Case-insensitive text; a project compares its name, then its client (none after any name)."""
    if t.name is None:
        return None
    if t.dimension is Dimension.PROJECTS:
        return (t.name.casefold(), t.client is None, (t.client or "").casefold())
    return (t.name.casefold(),)


T = TypeVar("T")


def _ordered(rows: Iterable[T], *, order: str, descending: bool, title: Callable[[T], Title],
             tie: Callable[[T], tuple[Any, ...]], seconds: Callable[[T], int],
             amount: Callable[[T], Decimal]) -> list[T]:
    """Stable sorts from the last tie-breaker to the primary key; null titles last in both directions.

    Each row's title key is computed once (titles repeat across groups: memoised per title object).
    """
    out = sorted(rows, key=tie)
    if order == "duration":
        out.sort(key=seconds, reverse=descending)
        return out
    memo: dict[int, tuple[Any, ...] | None] = {}

    def key(r: T) -> tuple[Any, ...] | None:
        t = title(r)
        k = id(t)
        if k not in memo:
            memo[k] = _title_key(t)
        return memo[k]

    keys = [key(r) for r in out]
    if order == "title":
        named = sorted((i for i, k in enumerate(keys) if k is not None), key=lambda i: keys[i] or (),
                       reverse=descending)
        return [out[i] for i in named] + [out[i] for i, k in enumerate(keys) if k is None]
    # Amount: equal amounts follow the title, ascending, before the id.
    by_title = sorted(range(len(out)), key=lambda i: (keys[i] is None, keys[i] or ()))
    out = [out[i] for i in by_title]
    out.sort(key=amount, reverse=descending)
    return out


def _id_tie(value: int | None) -> tuple[bool, int]:
    return (value is None, value or 0)


# -- the report ---------------------------------------------------------------------------------------

#: Positions in the grouped rows (``_grouped_rows``): read by index, the rows are many.
(_GROUP, _SUB, _CURRENCY, _SECONDS, _AMOUNT, _FIRST_ID, _MIN_RATE, _MAX_RATE, _COUNT, _BILLABLE_SECONDS,
 _ANY_BILLABLE, _ENTRY_IDS) = range(12)


def _items(rows: Sequence[Any], subgrouping: Dimension, sub_titles: dict[Any, Title],
           with_entry_ids: bool) -> dict[Any, list[SummaryItem]]:
    """The grouped rows as items, per group key, in row order."""
    items: dict[Any, list[SummaryItem]] = {}
    entries_items = subgrouping is Dimension.TIME_ENTRIES
    for r in rows:
        members = items.get(r[_GROUP])
        if members is None:
            members = items[r[_GROUP]] = []
        min_rate = r[_MIN_RATE]
        members.append(SummaryItem(
            sub_titles[r[_SUB]], None if entries_items else r[_SUB], int(r[_SECONDS]), r[_CURRENCY],
            cents(r[_AMOUNT]), cents(int(min_rate)) if min_rate == r[_MAX_RATE] else None, int(r[_FIRST_ID]),
            _split(r[_ENTRY_IDS]) if with_entry_ids else None,
        ))
    return items


def report(db: Session, ctx: ReportContext, filters: ReportFilters, *, grouping: Dimension = Dimension.PROJECTS,
           subgrouping: Dimension = Dimension.TIME_ENTRIES, distinct_rates: bool = False,
           with_entry_ids: bool = False, order: str = "title", descending: bool = False) -> SummaryReport:
    """The summary of ``filters``; ``with_entry_ids`` fills ``SummaryItem.entry_ids``."""
    check_pair(grouping, subgrouping)
    rows = _grouped_rows(db, ctx, filters, grouping, subgrouping, distinct_rates, with_entry_ids)
    group_titles = _titles(db, grouping, {r[_GROUP] for r in rows})
    items = _items(rows, subgrouping, _titles(db, subgrouping, {r[_SUB] for r in rows}), with_entry_ids)

    # Money sorts compare the amount in the workspace's default currency; hidden money sorts as 0.
    default = ctx.workspace.default_currency if ctx.show_money else None
    zero = Decimal(0)

    def item_amount(i: SummaryItem) -> Decimal:
        return i.amount if i.currency == default else zero

    def group_amount(g: SummaryGroup) -> Decimal:
        return sum((item_amount(i) for i in g.items), zero)

    # Time-entry items have no object id: their smallest entry id stands in (§3.6).
    by_entry = subgrouping is Dimension.TIME_ENTRIES

    def item_tie(i: SummaryItem) -> tuple[Any, ...]:
        return (_id_tie(i.first_entry_id if by_entry else i.object_id), i.currency, i.rate is None, i.rate or 0)

    groups = [
        SummaryGroup(
            id=key, title=group_titles[key], seconds=sum(i.seconds for i in members),
            currencies=[] if key is None else _per_currency(members),
            items=_ordered(members, order=order, descending=descending, title=lambda i: i.title, tie=item_tie,
                           seconds=lambda i: i.seconds, amount=item_amount),
        )
        for key, members in items.items()
    ]
    ordered = _ordered(groups, order=order, descending=descending, title=lambda g: g.title,
                       tie=lambda g: _id_tie(g.id), seconds=lambda g: g.seconds, amount=group_amount)
    return SummaryReport(_totals(rows), grouping, subgrouping, ordered)


def _per_currency(items: list[SummaryItem]) -> list[Money]:
    """What the items billed, per currency, ordered by code (``money.per_currency`` without an object each)."""
    sums: dict[str, Decimal] = {}
    for i in items:
        money.add(sums, i.currency, i.amount)
    return [Money(c, sums[c]) for c in sorted(sums)]


def _totals(rows: Sequence[Any]) -> Totals:
    """``totals.totals`` of the same entries, summed from the grouped rows (each entry is in one row)."""
    count = seconds = billable_seconds = 0
    billed: dict[str, int] = {}
    for r in rows:
        count += r[_COUNT]
        seconds += r[_SECONDS] or 0
        billable_seconds += r[_BILLABLE_SECONDS] or 0
        if r[_ANY_BILLABLE]:
            currency = r[_CURRENCY]
            billed[currency] = billed.get(currency, 0) + (r[_AMOUNT] or 0)
    return Totals(count=int(count), seconds=int(seconds), billable_seconds=int(billable_seconds),
                  currencies=from_cents(billed))
