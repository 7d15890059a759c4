"""Report-wide totals: one grouped query over the same filtered entries as the rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from punchclock.reports.money import cents
from punchclock.reports.results import Money, Totals


def totals(db: Session, entries: Select[Any]) -> Totals:
    """Count, seconds, billable seconds and billable amounts per currency (50-reports §5)."""
    return from_rows(db.execute(statement(entries)).all())


def statement(entries: Select[Any]) -> Select[Any]:
    """One row per currency of ``entries``: ``from_rows`` reads them."""
    base = entries.subquery()
    billable_seconds = func.sum(case((base.c.billable.is_(True), base.c.seconds), else_=0))
    return select(
        base.c.currency,
        func.count(),
        func.coalesce(func.sum(base.c.seconds), 0),
        func.coalesce(billable_seconds, 0),
        func.coalesce(func.sum(base.c.amount_cents), 0),
        func.max(case((base.c.billable.is_(True), 1), else_=0)),
    ).group_by(base.c.currency).order_by(base.c.currency)


def from_rows(rows: Sequence[Any]) -> Totals:
    return Totals(
        count=sum(r[1] for r in rows),
        seconds=sum(int(r[2]) for r in rows),
        billable_seconds=sum(int(r[3]) for r in rows),
        currencies=[Money(r[0], cents(r[4])) for r in rows if r[5]],
    )
