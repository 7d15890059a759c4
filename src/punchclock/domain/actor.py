"""The authenticated caller: user plus workspace memberships, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class UserRecord:
    """The caller's ``users`` row as read when authenticating: a snapshot, never written through.

    Authentication reads it with one Core statement (no ORM object on the hot path); a service that
    changes the user loads the ORM object itself (``domain/users.load_user``).
    """

    id: int
    email: str
    password_hash: str | None
    api_token: str
    fullname: str
    timezone: str
    timeofday_format: str
    date_format: str
    beginning_of_week: int
    language: str
    store_start_and_stop_time: bool
    sidebar_piechart: bool
    send_product_emails: bool
    send_weekly_report: bool
    send_timer_notifications: bool
    duration_format: str
    default_workspace_id: int | None
    disabled_at: datetime | None
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Actor:
    user: UserRecord
    #: workspace id -> is admin, for active memberships only.
    workspaces: dict[int, bool] = field(default_factory=dict)
    #: How the caller authenticated: "token", "password" or "session".
    method: str = "token"
    #: workspace id -> ``only_admins_see_billable_rates``, loaded with the memberships (saves a query).
    rates_hidden: dict[int, bool] | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.user.timezone)

    def is_member(self, workspace_id: int) -> bool:
        return workspace_id in self.workspaces

    def is_admin(self, workspace_id: int) -> bool:
        return self.workspaces.get(workspace_id, False)
