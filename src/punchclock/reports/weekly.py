"""The weekly report (50-reports §6): seven local-day columns and a total, by project or by user.

One grouped query does the work: every matching entry lands in a (project, owner, day, currency)
bucket, the day being the local day of its start in the owner's zone (``OwnerZones.day_index``),
and the seven days are pivoted into columns of one row per (project, owner, currency). Python then
folds those rows (per-day arrays, integer cents until the end) into rows, details, per-day totals
and the report totals, and sorts the rows (§3.6, O-84). The result objects carry seconds and
``Decimal`` amounts for both modes, so JSON, CSV and PDF renderers read the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import BigInteger, and_, case, cast, func, select
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, User
from punchclock.reports import query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Money, Totals

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

def _cents(value: int) -> Decimal:
    """``totals.cents`` for an int, without the division and quantize (same digits and exponent)."""
    return Decimal(value).scaleb(-2)


def _merge(into: list[int | None], days: Sequence[int | None]) -> None:
    """Adds per-day sums; None (nothing that day) stays None only where both sides are None."""
    for i, v in enumerate(days):
        if v is not None:
            have = into[i]
            into[i] = v if have is None else have + v


@dataclass(slots=True)
class _Acc:
    """Running sums of one line while the grouped rows are folded."""

    seconds: list[int | None] = field(default_factory=lambda: [None] * DAYS)
    #: currency -> per-day cents (None = no billable entry that day).
    cents: dict[str, list[int | None]] = field(default_factory=dict)

    def add(self, seconds: Sequence[int | None], currency: str, amounts: Sequence[int | None]) -> None:
        _merge(self.seconds, seconds)
        if amounts.count(None) != DAYS:
            have = self.cents.get(currency)
            if have is None:
                self.cents[currency] = list(amounts)
            else:
                _merge(have, amounts)

    def absorb(self, other: _Acc) -> None:
        _merge(self.seconds, other.seconds)
        for currency, amounts in other.cents.items():
            have = self.cents.get(currency)
            if have is None:
                self.cents[currency] = list(amounts)
            else:
                _merge(have, amounts)

    def week(self) -> Week:
        money = []
        for cur in sorted(self.cents):
            days = self.cents[cur]
            amounts = tuple([None if c is None else _cents(c) for c in days])
            money.append(CurrencyWeek(cur, amounts, _cents(sum([c for c in days if c is not None]))))
        seconds = self.seconds
        return Week(tuple(seconds), sum([s for s in seconds if s is not None]), tuple(money))


def _grouped(db: Session, ctx: ReportContext, filters: ReportFilters) -> Sequence[tuple[Any, ...]]:
    """One row per (project, owner, currency) with the seven days pivoted: the only pass over entries.

    Columns: project_id, user_id, currency, count, billable seconds, seven per-day seconds (NULL: no
    entry that day), seven per-day billed cents (NULL: no billable entry that day).
    """
    base = query.entries(db, ctx, filters).subquery()
    day = ctx.zones.day_index(base.c.start, base.c.user_id, filters.since, DAYS).label("day")
    # Per local day first (the day expression is evaluated once per entry), then pivoted.
    daily = (
        select(
            base.c.project_id, base.c.user_id, base.c.currency, day,
            func.count().label("count"),
            func.sum(base.c.seconds).label("seconds"),
            func.sum(case((base.c.billable.is_(True), base.c.seconds), else_=0)).label("billable_seconds"),
            func.sum(base.c.amount_cents).label("amount_cents"),
            # max over an integer: PostgreSQL has no max(boolean).
            func.max(case((base.c.billable.is_(True), 1), else_=0)).label("billable"),
        )
        .group_by(base.c.project_id, base.c.user_id, base.c.currency, day)
        .subquery()
    )

    def total(value: Any) -> Any:
        # PostgreSQL sums bigints into numeric; the fold wants ints.
        return cast(func.sum(value), BigInteger)

    stmt = (
        select(
            daily.c.project_id, daily.c.user_id, daily.c.currency,
            total(daily.c.count),
            total(daily.c.billable_seconds),
            *(total(case((daily.c.day == i, daily.c.seconds))) for i in range(DAYS)),
            *(total(case((and_(daily.c.day == i, daily.c.billable == 1), daily.c.amount_cents)))
              for i in range(DAYS)),
        )
        .group_by(daily.c.project_id, daily.c.user_id, daily.c.currency)
    )
    return db.execute(stmt).tuples().all()


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

    # Fold into details first (mostly one grouped row each), then details into rows, rows into the week.
    details: dict[Any, dict[Any, _Acc]] = {}
    count = billable_seconds = 0
    for g in grouped:
        project_id, user_id, currency = g[0], g[1], g[2]
        count += g[3]
        billable_seconds += g[4] or 0
        row_key, detail_key = (project_id, user_id) if by_project else (user_id, project_id)
        accs = details.get(row_key)
        if accs is None:
            accs = details[row_key] = {}
        acc = accs.get(detail_key)
        if acc is None:
            acc = accs[detail_key] = _Acc()
        acc.add(g[5:12], currency, g[12:19])

    rows: dict[Any, _Acc] = {}
    week = _Acc()
    for row_key, accs in details.items():
        row = rows[row_key] = _Acc()
        for acc in accs.values():
            row.absorb(acc)
        week.absorb(row)
    seconds = sum(s for s in week.seconds if s is not None)
    billed = {cur: sum(c for c in days if c is not None) for cur, days in week.cents.items()}

    projects = _projects(db, (g[0] for g in grouped))
    users = _users(db, (g[1] for g in grouped))

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
                    currencies=[Money(cur, _cents(c)) for cur, c in sorted(billed.items())])
    return WeeklyReport(
        totals=totals,
        grouping=grouping,
        earnings=earnings,
        dates=tuple(filters.since + timedelta(days=i) for i in range(DAYS)),
        rows=order_rows(built, order, descending, earnings=earnings, currency=ctx.workspace.default_currency,
                        show_money=ctx.show_money),
        week=week.week(),
    )
