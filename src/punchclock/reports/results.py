"""What reports return: integer seconds, ``Decimal`` money, aware datetimes. The edge picks units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal


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


# -- summary (§8) ------------------------------------------------------------------------------------

class Dimension(StrEnum):
    """What entries are grouped by: a group level or a sub-group level."""

    PROJECTS = "projects"
    CLIENTS = "clients"
    USERS = "users"
    TASKS = "tasks"
    TIME_ENTRIES = "time_entries"


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
    #: Smallest entry id of a time-entry item (its sort tie-breaker); 0 for other items.
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


# -- weekly (§6) -------------------------------------------------------------------------------------

Grouping = Literal["projects", "users"]


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
