"""The authenticated caller: user plus workspace memberships, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from punchclock.models import User


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(slots=True)
class Actor:
    user: User
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
