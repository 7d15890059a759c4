"""The summary report (50-reports §8): durations and amounts in two levels, groups and their items.

SQL does the grouping and summing: one grouped query over the filtered entries, keyed by (group,
sub-group, currency[, rate]). Every grouped row is one item; Python only nests the rows into groups,
fetches the titles of the ids present (one small query per object kind) and orders the result
(§3.6, O-84). The result dataclasses below carry seconds and ``Decimal`` money; JSON, CSV and PDF
renderers shape them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, SQLColumnExpression, String, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from punchclock.domain.errors import Malformed
from punchclock.models import Client, Project, Task, User
from punchclock.reports import query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Money, Totals
from punchclock.reports.totals import cents


class Dimension(StrEnum):
    """What entries are grouped by: a group level or a sub-group level."""

    PROJECTS = "projects"
    CLIENTS = "clients"
    USERS = "users"
    TASKS = "tasks"
    TIME_ENTRIES = "time_entries"


#: Allowed (grouping -> sub-groupings), the matrix of §8.1.
ALLOWED: dict[Dimension, tuple[Dimension, ...]] = {
    Dimension.PROJECTS: (Dimension.TIME_ENTRIES, Dimension.TASKS, Dimension.USERS),
    Dimension.CLIENTS: (Dimension.TIME_ENTRIES, Dimension.TASKS, Dimension.PROJECTS, Dimension.USERS),
    Dimension.USERS: (Dimension.TIME_ENTRIES, Dimension.TASKS, Dimension.PROJECTS, Dimension.CLIENTS),
}
GROUPINGS = tuple(ALLOWED)
SUBGROUPINGS = tuple(Dimension)
ORDER_FIELDS = ("title", "duration", "amount")


# -- results ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Title:
    """The label of a group or item."""

    dimension: Dimension
    #: Project name, client name, user full name, task name or entry description; None for
    #: "no project / client / task" (a description is never None: empty is ``""``).
    name: str | None
    #: Project titles only: the project's client name.
    client: str | None = None
    #: Project titles only: the colour id, None when there is no project.
    color: int | None = None


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One sub-group of a group, in one currency (and with ``distinct_rates`` at one rate)."""

    title: Title
    #: Id of the sub-group object (project / client / user / task); None for "none" and for time entries.
    object_id: int | None
    seconds: int
    currency: str
    #: Billed amount of the item's billable entries; 0 when none is billable.
    amount: Decimal
    #: Hourly rate shared by all the item's entries, billable or not; None when they differ (O-65).
    rate: Decimal | None
    #: Smallest entry id of the item (its sort tie-breaker for time-entry items).
    first_entry_id: int
    #: Ids of the item's entries, ascending; None unless they were asked for.
    entry_ids: tuple[int, ...] | None = None

    @property
    def object_ids(self) -> tuple[int, ...] | None:
        """Ids of the sub-group objects (O-67): the entries for time entries, else the one object id."""
        if self.title.dimension is Dimension.TIME_ENTRIES:
            return self.entry_ids
        return () if self.object_id is None else (self.object_id,)


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    #: Id of the project / client / user; None for "no project / client".
    id: int | None
    title: Title
    seconds: int
    #: Per currency of the group's entries (billable or not), ordered by code, holding the billable
    #: sum (possibly 0); empty for the group with a null id (O-80).
    currencies: list[Money]
    items: list[SummaryItem]


@dataclass(frozen=True, slots=True)
class SummaryReport:
    totals: Totals
    grouping: Dimension
    subgrouping: Dimension
    groups: list[SummaryGroup]


# -- SQL ----------------------------------------------------------------------------------------------

class IdList(FunctionElement[str]):
    """Comma-separated ids of the grouped rows, ascending (string_agg / group_concat per dialect)."""

    type = String()
    inherit_cache = True


@compiles(IdList, "postgresql")
def _id_list_pg(element: IdList, compiler: SQLCompiler, **kw: Any) -> str:
    col = compiler.process(element.clauses, **kw)
    return f"string_agg(CAST({col} AS TEXT), ',' ORDER BY {col})"


@compiles(IdList)
def _id_list_sqlite(element: IdList, compiler: SQLCompiler, **kw: Any) -> str:
    col = compiler.process(element.clauses, **kw)
    # ORDER BY inside an aggregate needs SQLite 3.44; older versions concatenate in any order and
    # the ids are sorted when read (``_split``).
    if tuple(compiler.dialect.server_version_info or ()) >= (3, 44):
        return f"group_concat({col}, ',' ORDER BY {col})"
    return f"group_concat({col}, ',')"


def _split(text: str | None) -> tuple[int, ...]:
    return tuple(sorted(int(part) for part in text.split(","))) if text else ()


def check_pair(grouping: Dimension, subgrouping: Dimension) -> None:
    if subgrouping not in ALLOWED.get(grouping, ()):
        raise Malformed("grouping_pair", grouping=grouping.value, subgrouping=subgrouping.value)


def _grouped_rows(db: Session, entries: Select[Any], grouping: Dimension, subgrouping: Dimension,
                  distinct_rates: bool, with_entry_ids: bool) -> Sequence[Any]:
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
        func.sum(base.c.seconds).label("seconds"),
        func.sum(base.c.amount_cents).label("amount_cents"),
        func.min(base.c.id).label("first_id"),
        # Equal minimum and maximum: every entry of the item shares one rate (§3.8, O-65).
        func.min(base.c.rate_cents).label("min_rate"),
        func.max(base.c.rate_cents).label("max_rate"),
        # For the report totals, so they need no second pass over the entries.
        func.count().label("count"),
        func.sum(case((base.c.billable.is_(True), base.c.seconds), else_=0)).label("billable_seconds"),
        # max over an integer: PostgreSQL has no max(boolean).
        func.max(case((base.c.billable.is_(True), 1), else_=0)).label("any_billable"),
    ]
    if with_entry_ids:
        columns.append(IdList(base.c.id).label("entry_ids"))
    stmt = select(*columns).select_from(base)
    if Dimension.CLIENTS in (grouping, subgrouping):
        stmt = stmt.outerjoin(Project, Project.id == base.c.project_id)
    return db.execute(stmt.group_by(*by)).all()


def _titles(db: Session, dimension: Dimension, ids: set[Any]) -> dict[Any, Title]:
    """Titles of the objects present (one query per kind); None maps to the "none" title."""
    if dimension is Dimension.TIME_ENTRIES:
        return {d: Title(dimension, d) for d in ids}
    titles: dict[Any, Title] = {None: Title(dimension, None)}
    present = sorted(i for i in ids if i is not None)
    if not present:
        return titles
    if dimension is Dimension.PROJECTS:
        rows = db.execute(
            select(Project.id, Project.name, Project.color, Client.name)
            .outerjoin(Client, Client.id == Project.client_id).where(Project.id.in_(present))
        )
        titles.update({pid: Title(dimension, name, client, color) for pid, name, color, client in rows})
        return titles
    model: Any = {Dimension.CLIENTS: Client, Dimension.USERS: User, Dimension.TASKS: Task}[dimension]
    label = User.fullname if dimension is Dimension.USERS else model.name
    titles.update({oid: Title(dimension, name) for oid, name in db.execute(select(model.id, label)
                                                                          .where(model.id.in_(present)))})
    return titles


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
    """Stable sorts from the last tie-breaker to the primary key; null titles last in both directions."""
    out = sorted(rows, key=tie)
    if order == "title":
        named = [r for r in out if _title_key(title(r)) is not None]
        named.sort(key=lambda r: _title_key(title(r)) or (), reverse=descending)
        return named + [r for r in out if _title_key(title(r)) is None]
    if order == "amount":
        # Equal amounts follow the title, ascending, before the id.
        out.sort(key=lambda r: (_title_key(title(r)) is None, _title_key(title(r)) or ()))
        out.sort(key=amount, reverse=descending)
        return out
    out.sort(key=seconds, reverse=descending)
    return out


def _id_tie(value: int | None) -> tuple[bool, int]:
    return (value is None, value or 0)


# -- the report ---------------------------------------------------------------------------------------

def report(db: Session, ctx: ReportContext, filters: ReportFilters, *, grouping: Dimension = Dimension.PROJECTS,
           subgrouping: Dimension = Dimension.TIME_ENTRIES, distinct_rates: bool = False,
           with_entry_ids: bool = False, order: str = "title", descending: bool = False) -> SummaryReport:
    """The summary of ``filters``; ``with_entry_ids`` fills ``SummaryItem.entry_ids``."""
    check_pair(grouping, subgrouping)
    entries = query.entries(db, ctx, filters)
    rows = _grouped_rows(db, entries, grouping, subgrouping, distinct_rates, with_entry_ids)
    group_titles = _titles(db, grouping, {r.group_key for r in rows})
    sub_titles = _titles(db, subgrouping, {r.sub_key for r in rows})

    items: dict[Any, list[SummaryItem]] = {}
    for r in rows:
        items.setdefault(r.group_key, []).append(SummaryItem(
            title=sub_titles[r.sub_key],
            object_id=None if subgrouping is Dimension.TIME_ENTRIES else r.sub_key,
            seconds=int(r.seconds),
            currency=r.currency,
            amount=cents(r.amount_cents),
            rate=cents(int(r.min_rate)) if r.min_rate == r.max_rate else None,
            first_entry_id=int(r.first_id),
            entry_ids=_split(r.entry_ids) if with_entry_ids else None,
        ))

    # Money sorts compare the amount in the workspace's default currency; hidden money sorts as 0.
    default = ctx.workspace.default_currency if ctx.show_money else None

    def item_amount(i: SummaryItem) -> Decimal:
        return i.amount if i.currency == default else Decimal(0)

    def group_amount(g: SummaryGroup) -> Decimal:
        return sum((item_amount(i) for i in g.items), Decimal(0))

    groups = []
    for key, members in items.items():
        per_currency: dict[str, Decimal] = {}
        for i in members:
            per_currency[i.currency] = per_currency.get(i.currency, Decimal(0)) + i.amount
        groups.append(SummaryGroup(
            id=key,
            title=group_titles[key],
            seconds=sum(i.seconds for i in members),
            currencies=[] if key is None else [Money(c, per_currency[c]) for c in sorted(per_currency)],
            items=_ordered(
                members, order=order, descending=descending, title=lambda i: i.title,
                # Time-entry items have no object id: their smallest entry id stands in (§3.6).
                tie=lambda i: (_id_tie(i.first_entry_id if subgrouping is Dimension.TIME_ENTRIES else i.object_id),
                               i.currency, i.rate is None, i.rate or 0),
                seconds=lambda i: i.seconds, amount=item_amount,
            ),
        ))
    ordered = _ordered(groups, order=order, descending=descending, title=lambda g: g.title,
                       tie=lambda g: _id_tie(g.id), seconds=lambda g: g.seconds, amount=group_amount)
    return SummaryReport(_totals(rows), grouping, subgrouping, ordered)


def _totals(rows: Sequence[Any]) -> Totals:
    """``totals.totals`` of the same entries, summed from the grouped rows (each entry is in one row)."""
    count = seconds = billable_seconds = 0
    billed: dict[str, int] = {}
    billing: set[str] = set()
    for r in rows:
        count += r.count
        seconds += r.seconds or 0
        billable_seconds += r.billable_seconds or 0
        billed[r.currency] = billed.get(r.currency, 0) + (r.amount_cents or 0)
        if r.any_billable:
            billing.add(r.currency)
    return Totals(count=int(count), seconds=int(seconds), billable_seconds=int(billable_seconds),
                  currencies=[Money(c, cents(billed[c])) for c in sorted(billing)])
