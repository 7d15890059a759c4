"""What a source holds, independent of its format: the contract between readers and ``apply``.

External ids are strings in the source's id space (``ImportLink.origin``); None where the source has none
(a CSV line). Entries name their client, project, task, tags and user instead of pointing at ids: names are
unique in their scope (project per client, task per project), so they identify the target rows, and the
same entry read from a CSV or from an API resolves alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Location:
    """Where a record came from, for messages: a file name (or API path) and a 1-based line (or 0)."""

    file: str
    line: int = 0


@dataclass(frozen=True)
class WorkspaceRecord:
    external_id: str | None
    name: str
    default_hourly_rate: Decimal | None = None
    default_currency: str | None = None
    rounding: int | None = None
    rounding_minutes: int | None = None
    only_admins_may_create_projects: bool | None = None
    only_admins_may_create_tags: bool | None = None
    only_admins_see_billable_rates: bool | None = None
    projects_billable_by_default: bool | None = None
    projects_private_by_default: bool | None = None


@dataclass(frozen=True)
class MemberRecord:
    """A workspace member; matched to a user by e-mail (case-insensitive)."""

    external_id: str | None
    email: str
    name: str = ""
    admin: bool = False
    active: bool = True
    rate: Decimal | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class GroupRecord:
    external_id: str | None
    name: str
    #: E-mails of its members.
    member_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientRecord:
    external_id: str | None
    name: str
    archived: bool = False
    notes: str | None = None
    rate: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class ProjectRecord:
    external_id: str | None
    name: str
    client: str | None = None
    active: bool = True
    is_private: bool = True
    billable: bool = False
    color: str | None = None  # "#rrggbb"
    rate: Decimal | None = None
    currency: str | None = None
    estimated_hours: int | None = None
    template: bool = False
    auto_estimates: bool = False


@dataclass(frozen=True)
class ProjectUserRecord:
    """A project member: the project by (client, name), the user by e-mail."""

    project: str
    client: str | None
    email: str
    manager: bool = False
    rate: Decimal | None = None


@dataclass(frozen=True)
class TaskRecord:
    external_id: str | None
    name: str
    project: str
    client: str | None = None
    active: bool = True
    estimated_seconds: int = 0
    assignee_email: str | None = None


@dataclass(frozen=True)
class TagRecord:
    external_id: str | None
    name: str


@dataclass(frozen=True)
class EntryRecord:
    """One stopped time entry; ``start`` and ``stop`` are aware UTC datetimes, ``stop`` > ``start``."""

    where: Location
    user_email: str
    start: datetime
    stop: datetime
    user_name: str = ""
    description: str = ""
    client: str | None = None
    project: str | None = None
    task: str | None = None
    billable: bool = False
    tags: tuple[str, ...] = ()
    external_id: str | None = None


@dataclass(frozen=True)
class Rejection:
    """A line (or object) that cannot be imported, and why, in words a person can act on."""

    where: Location
    reason: str


@dataclass
class WorkspaceSource:
    """Everything one source workspace holds. Entries are streamed (readers yield them lazily), mixed with
    the rejections of lines that could not be read, in file order."""

    origin: str
    workspace: WorkspaceRecord | None = None
    members: list[MemberRecord] = field(default_factory=list)
    groups: list[GroupRecord] = field(default_factory=list)
    clients: list[ClientRecord] = field(default_factory=list)
    projects: list[ProjectRecord] = field(default_factory=list)
    project_users: list[ProjectUserRecord] = field(default_factory=list)
    tasks: list[TaskRecord] = field(default_factory=list)
    tags: list[TagRecord] = field(default_factory=list)
    entries: Iterable[EntryRecord | Rejection] = ()
    #: Rejections found while reading the catalog files (a bad JSON object, an unknown reference).
    rejections: list[Rejection] = field(default_factory=list)
