"""What reports return: integer seconds, ``Decimal`` money, aware datetimes. The edge picks units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Money:
    currency: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """Over every matching entry (all pages)."""

    count: int
    seconds: int
    billable_seconds: int
    #: One per currency with billable entries, ordered by currency code.
    currencies: list[Money] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DetailedRow:
    id: int
    user_id: int
    user_name: str
    user_email: str
    project_id: int | None
    project_name: str | None
    project_color: int | None
    client_name: str | None
    task_id: int | None
    task_name: str | None
    description: str
    #: In the owner's time zone.
    start: datetime
    stop: datetime
    updated_at: datetime
    seconds: int
    use_stop: bool
    billable: bool
    #: The entry's amount when billable, else None.
    amount: Decimal | None
    #: The entry's currency when billable, else None.
    currency: str | None
    tags: list[str]


@dataclass(frozen=True, slots=True)
class DetailedReport:
    totals: Totals
    page: int
    per_page: int
    rows: list[DetailedRow]
