"""The weekly report (50-reports §6): seven local-day columns and a total, by project or by user.

One grouped query does the work: every matching entry lands in a (project, owner, currency, day)
bucket, the day being the local day of its start in the owner's zone (``OwnerZones.day_index``).
Python then folds those rows (per-day arrays, integer cents until the end) into details, rows,
per-day totals and the report totals, and sorts the rows (§3.6, O-84). The result objects carry seconds and
``Decimal`` amounts for both modes, so JSON, CSV and PDF renderers read the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Select, case, cast, func, literal, select
from sqlalchemy.orm import Session

from punchclock.reports import prepared, query, titles
from punchclock.reports.filters import ReportFilters
from punchclock.reports.money import cents
from punchclock.reports.query import ReportContext
from punchclock.reports.results import (
    CurrencyWeek,
    Grouping,
    Money,
    ProjectSubject,
    Subject,
    Totals,
    UserSubject,
    Week,
    WeeklyDetail,
    WeeklyReport,
    WeeklyRow,
)

DAYS = 7
GROUPINGS = ("projects", "users")
CALCULATIONS = ("time", "earnings")
#: ``title``, ``day1`` … ``day7``, ``week_total``.
ORDER_FIELDS = ("title", *(f"day{i}" for i in range(1, DAYS + 1)), "week_total")

# -- folding grouped rows ------------------------------------------------------------------------

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

    def add(self, day: int, seconds: int, currency: str, billed: int | None) -> None:
        """One grouped row: ``seconds`` on ``day``, ``billed`` cents (None: nothing billable)."""
        have = self.seconds[day]
        self.seconds[day] = seconds if have is None else have + seconds
        if billed is not None:
            amounts = self.cents.get(currency)
            if amounts is None:
                amounts = self.cents[currency] = [None] * DAYS
            cents_then = amounts[day]
            amounts[day] = billed if cents_then is None else cents_then + billed

    def absorb(self, other: _Acc) -> None:
        _merge(self.seconds, other.seconds)
        for currency, amounts in other.cents.items():
            have = self.cents.get(currency)
            if have is None:
                self.cents[currency] = list(amounts)
            else:
                _merge(have, amounts)

    def week(self) -> Week:
        # ``filter(None, …)`` drops the Nones (and zeros, which add nothing): the sums stay in C.
        money = tuple([
            CurrencyWeek(cur, tuple([None if c is None else cents(c) for c in days]), cents(sum(filter(None, days))))
            for cur, days in sorted(self.cents.items())
        ]) if self.cents else ()
        return Week(tuple(self.seconds), sum(filter(None, self.seconds)), money)


def _grouped(db: Session, ctx: ReportContext, filters: ReportFilters) -> Sequence[tuple[Any, ...]]:
    """One row per (project, owner, currency, local day): the only pass over entries.

    Columns: project_id, user_id, currency, day (0…6, ``OwnerZones.day_index``, evaluated once per
    entry), count, seconds, billable seconds, billed cents (NULL: no billable entry). The same shape
    as the hand-written query; the seven days are pivoted while the rows are folded. The statement
    is kept per shape of request (``prepared``): the week's instants are its parameters.
    """
    resolved = query.resolve(db, filters)
    stmt = prepared.statement(("weekly", prepared.shape(ctx, filters, resolved)),
                              lambda: _grouped_statement(ctx, filters, resolved))
    zones = ctx.zones
    values = {**zones.range_values(filters.since, filters.until),
              **zones.bucket_values(zones.day_starts(filters.since, DAYS))}
    return db.connection().execute(stmt, values).tuples().all()  # Core: plain rows, no ORM cost per row


def _grouped_statement(ctx: ReportContext, filters: ReportFilters, resolved: query.Resolved) -> Select[Any]:
    base = query.entries(ctx, filters, resolved).subquery()
    day = ctx.zones.day_index(base.c.start, base.c.user_id, filters.since, DAYS).label("day")
    billable = base.c.billable.is_(True)
    return (
        select(
            base.c.project_id, base.c.user_id, base.c.currency, day,
            _total(literal(1)),
            _total(base.c.seconds),
            _total(case((billable, base.c.seconds), else_=0)),
            _total(case((billable, base.c.amount_cents))),
        )
        .group_by(base.c.project_id, base.c.user_id, base.c.currency, day)
    )


def _total(value: Any) -> Any:
    """``sum(value)`` as a bigint: PostgreSQL sums bigints into numeric, and the fold wants ints."""
    return cast(func.sum(value), BigInteger)


def _projects(db: Session, ids: Iterable[int | None]) -> dict[int | None, ProjectSubject]:
    out: dict[int | None, ProjectSubject] = {None: ProjectSubject(None, None, None, None)}
    out.update({pid: ProjectSubject(pid, p.name, p.color, p.client) for pid, p in titles.projects(db, ids).items()})
    return out


def _users(db: Session, ids: Iterable[int]) -> dict[int, UserSubject]:
    return {uid: UserSubject(uid, name) for uid, name in titles.names(db, titles.Kind.USERS, ids).items()}


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
    for project_id, user_id, currency, day, entries, seconds, billable, billed in grouped:
        count += entries
        billable_seconds += billable or 0
        row_key, detail_key = (project_id, user_id) if by_project else (user_id, project_id)
        accs = details.get(row_key)
        if accs is None:
            accs = details[row_key] = {}
        acc = accs.get(detail_key)
        if acc is None:
            acc = accs[detail_key] = _Acc()
        acc.add(day, seconds, currency, billed)

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
