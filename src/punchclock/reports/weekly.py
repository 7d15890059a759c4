"""The weekly report (50-reports §6): seven local-day columns and a total, by project or by user.

One grouped query does the work: every matching entry lands in a (project, owner, day, currency)
bucket, the day being the local day of its start in the owner's zone (``OwnerZones.day_index``).
Python then folds those few buckets into rows, details, per-day totals and the report totals, and
sorts the rows (§3.6, O-84). The result objects carry seconds and ``Decimal`` amounts for both
modes, so JSON, CSV and PDF renderers read the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, User
from punchclock.reports import query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Money, Totals
from punchclock.reports.totals import cents

DAYS = 7
GROUPINGS = ("projects", "users")
CALCULATIONS = ("time", "earnings")
#: ``title``, ``day1`` … ``day7``, ``week_total``.
ORDER_FIELDS = ("title", *(f"day{i}" for i in range(1, DAYS + 1)), "week_total")

Grouping = Literal["projects", "users"]


# -- results -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProjectSubject:
    """A project (``id`` None: entries without project) with what its title shows."""

    id: int | None
    name: str | None
    color: int | None
    client_name: str | None


@dataclass(frozen=True, slots=True)
class UserSubject:
    id: int
    name: str


Subject = ProjectSubject | UserSubject


@dataclass(frozen=True, slots=True)
class CurrencyWeek:
    """Billed amounts in one currency: ``days`` is None where no billable entry in it started."""

    currency: str
    days: tuple[Decimal | None, ...]
    total: Decimal


@dataclass(frozen=True, slots=True)
class Week:
    """The figures of one line (a row, a detail or the whole report) over the seven days.

    ``days`` holds seconds, None for a day on which no entry started; ``total`` is their sum.
    ``money`` has one element per currency with billable entries, ordered by currency code.
    """

    days: tuple[int | None, ...]
    total: int
    money: tuple[CurrencyWeek, ...]

    @property
    def billable(self) -> bool:
        return bool(self.money)


@dataclass(frozen=True, slots=True)
class WeeklyDetail:
    subject: Subject
    week: Week


@dataclass(frozen=True, slots=True)
class WeeklyRow:
    subject: Subject
    week: Week
    #: The other grouping, ordered by title.
    details: list[WeeklyDetail]


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    totals: Totals
    grouping: Grouping
    earnings: bool
    #: The seven local dates, ``since`` first (column headings of the exports).
    dates: tuple[date, ...]
    rows: list[WeeklyRow]
    #: Over every row; ``days`` None for a day with nothing. In earnings mode only ``money`` counts.
    week: Week

    @property
    def has_entries(self) -> bool:
        """At least one entry matched (``week.total`` is then meaningful, even when 0)."""
        return self.totals.count > 0


# -- folding grouped rows ------------------------------------------------------------------------

@dataclass(slots=True)
class _Acc:
    """Running sums of one line while the grouped rows are folded."""

    seconds: list[int | None] = field(default_factory=lambda: [None] * DAYS)
    #: currency -> per-day cents (None = no billable entry that day).
    cents: dict[str, list[int | None]] = field(default_factory=dict)

    def add(self, day: int, seconds: int, currency: str, amount_cents: int, billable: bool) -> None:
        self.seconds[day] = (self.seconds[day] or 0) + seconds
        if billable:
            days = self.cents.setdefault(currency, [None] * DAYS)
            days[day] = (days[day] or 0) + amount_cents

    def week(self) -> Week:
        money = tuple(
            CurrencyWeek(cur, tuple(None if c is None else cents(c) for c in days),
                         cents(sum(c or 0 for c in days)))
            for cur, days in sorted(self.cents.items())
        )
        return Week(tuple(self.seconds), sum(s or 0 for s in self.seconds), money)


def _grouped(db: Session, ctx: ReportContext, filters: ReportFilters) -> Sequence[Any]:
    """One row per (project, owner, local day, currency) with its sums: the only pass over entries."""
    base = query.entries(db, ctx, filters).subquery()
    day = ctx.zones.day_index(base.c.start, base.c.user_id, filters.since, DAYS).label("day")
    is_billable = case((base.c.billable.is_(True), 1), else_=0)
    stmt = (
        select(
            base.c.project_id, base.c.user_id, day, base.c.currency,
            func.count().label("count"),
            func.sum(base.c.seconds).label("seconds"),
            func.sum(case((base.c.billable.is_(True), base.c.seconds), else_=0)).label("billable_seconds"),
            func.sum(base.c.amount_cents).label("amount_cents"),
            # max over an integer: PostgreSQL has no max(boolean).
            func.max(is_billable).label("billable"),
        )
        .group_by(base.c.project_id, base.c.user_id, day, base.c.currency)
    )
    return db.execute(stmt).all()


def _projects(db: Session, ids: Iterable[int | None]) -> dict[int | None, ProjectSubject]:
    wanted = sorted(i for i in set(ids) if i is not None)
    out: dict[int | None, ProjectSubject] = {None: ProjectSubject(None, None, None, None)}
    if wanted:
        rows = db.execute(
            select(Project.id, Project.name, Project.color, Client.name)
            .outerjoin(Client, Client.id == Project.client_id)
            .where(Project.id.in_(wanted))
        )
        out.update({pid: ProjectSubject(pid, name, color, client) for pid, name, color, client in rows})
    return out


def _users(db: Session, ids: Iterable[int]) -> dict[int, UserSubject]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.execute(select(User.id, User.fullname).where(User.id.in_(wanted)))
    return {uid: UserSubject(uid, name) for uid, name in rows}


# -- ordering (§3.6, O-84) -----------------------------------------------------------------------

def _title(subject: Subject) -> tuple[str, ...] | None:
    """The case-insensitive title key; None for a null title (no project)."""
    if isinstance(subject, UserSubject):
        return (subject.name.casefold(),)
    if subject.id is None:
        return None
    # A project without client sorts after every client name of the same project name.
    client = subject.client_name
    return (
        (subject.name or "").casefold(),
        "1" if client is None else "0",
        (client or "").casefold(),
    )


def _id_key(subject: Subject) -> tuple[bool, int]:
    return subject.id is None, subject.id or 0


def _by_title(items: list[Any], subject: Callable[[Any], Subject], descending: bool) -> list[Any]:
    """Title order; null titles last in both directions; equal titles by id ascending (null id last)."""
    titled = sorted((x for x in items if _title(subject(x)) is not None), key=lambda x: _id_key(subject(x)))
    titled.sort(key=lambda x: _title(subject(x)) or (), reverse=descending)  # stable: ids stay ascending
    untitled = sorted((x for x in items if _title(subject(x)) is None), key=lambda x: _id_key(subject(x)))
    return titled + untitled


def _column(week: Week, index: int, earnings: bool, currency: str, show_money: bool) -> Decimal | int:
    """The value sorted on for column ``index`` (0…6 days, 7 the week total)."""
    if not earnings:
        return week.total if index == DAYS else (week.days[index] or 0)
    if not show_money:
        return 0
    money = next((m for m in week.money if m.currency == currency), None)
    if money is None:
        return 0
    value = money.total if index == DAYS else money.days[index]
    return value or 0


def order_rows(rows: list[WeeklyRow], order: str, descending: bool, *, earnings: bool, currency: str,
               show_money: bool) -> list[WeeklyRow]:
    """Rows by ``order`` (§3.6): time columns tie by id; money columns by title, then id."""
    if order == "title":
        return _by_title(rows, lambda r: r.subject, descending)
    index = DAYS if order == "week_total" else int(order.removeprefix("day")) - 1
    if earnings:
        ordered = _by_title(rows, lambda r: r.subject, False)
    else:
        ordered = sorted(rows, key=lambda r: _id_key(r.subject))
    ordered.sort(key=lambda r: _column(r.week, index, earnings, currency, show_money), reverse=descending)
    return ordered


# -- the report ----------------------------------------------------------------------------------

def report(db: Session, ctx: ReportContext, filters: ReportFilters, *, grouping: Grouping = "projects",
           earnings: bool = False, order: str = "title", descending: bool = False) -> WeeklyReport:
    grouped = _grouped(db, ctx, filters)
    by_project = grouping == "projects"

    rows: dict[Any, _Acc] = {}
    details: dict[Any, dict[Any, _Acc]] = {}
    week = _Acc()
    count = seconds = billable_seconds = 0
    billed: dict[str, int] = {}
    for g in grouped:
        amount, secs, flag = int(g.amount_cents or 0), int(g.seconds or 0), bool(g.billable)
        row_key, detail_key = (g.project_id, g.user_id) if by_project else (g.user_id, g.project_id)
        rows.setdefault(row_key, _Acc()).add(g.day, secs, g.currency, amount, flag)
        details.setdefault(row_key, {}).setdefault(detail_key, _Acc()).add(g.day, secs, g.currency, amount, flag)
        week.add(g.day, secs, g.currency, amount, flag)
        count += int(g.count)
        seconds += secs
        billable_seconds += int(g.billable_seconds or 0)
        if flag:
            billed[g.currency] = billed.get(g.currency, 0) + amount

    project_ids = [g.project_id for g in grouped]
    projects = _projects(db, project_ids)
    users = _users(db, [g.user_id for g in grouped])

    def subject(key: Any, is_project: bool) -> Subject:
        return projects[key] if is_project else users[key]

    built: list[WeeklyRow] = []
    for row_key, acc in rows.items():
        row_week = acc.week()
        if earnings and not row_week.billable:
            continue  # earnings: rows (and details) without billable entries are left out (§6.3)
        lines = [WeeklyDetail(subject(k, not by_project), d.week()) for k, d in details[row_key].items()]
        if earnings:
            lines = [d for d in lines if d.week.billable]
        built.append(WeeklyRow(subject(row_key, by_project), row_week,
                               _by_title(lines, lambda d: d.subject, False)))

    totals = Totals(count=count, seconds=seconds, billable_seconds=billable_seconds,
                    currencies=[Money(cur, cents(c)) for cur, c in sorted(billed.items())])
    return WeeklyReport(
        totals=totals,
        grouping=grouping,
        earnings=earnings,
        dates=tuple(filters.since + timedelta(days=i) for i in range(DAYS)),
        rows=order_rows(built, order, descending, earnings=earnings, currency=ctx.workspace.default_currency,
                        show_money=ctx.show_money),
        week=week.week(),
    )
