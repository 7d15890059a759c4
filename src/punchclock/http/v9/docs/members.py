"""Published shapes of the v9 workspace-member answers and bodies (30- §4)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object


class V9WorkspaceMemberUser(V9Object):
    """`GET /workspaces/{id}/users`: a user with a membership (active or pending), by name."""

    id: Id = Field(description="The user id.")
    email: str | None = Field(description="Null unless the caller is admin (V-24).")
    fullname: str
    is_active: bool = Field(description="The membership is active (invitation accepted).")
    is_admin: bool
    inactive: Literal[False]
    role: Literal["admin", "user"]
    timezone: str


class V9WorkspaceUser(V9Object):
    """A membership (30- §4.2); `uid`/`wid` repeat `user_id`/`workspace_id`."""

    id: Id
    uid: Id
    user_id: Id
    wid: Id
    workspace_id: Id
    admin: bool
    workspace_admin: bool
    organization_admin: bool
    role: Literal["admin", "user"]
    active: bool = Field(description="False while the invitation is pending.")
    email: str | None = Field(description="Null unless the caller is admin.")
    name: str
    timezone: str
    at: Utc
    group_ids: list[Id]
    invite_url: str | None = Field(description="Pending members with a live code, for admins only.")
    inactive: Literal[False]
    is_direct: Literal[True]
    two_fa_enabled: Literal[False] = Field(alias="2fa_enabled")
    view_edit_billable_rates: Literal[False]
    view_edit_labor_costs: Literal[False]
    role_id: None
    invitation_code: None
    rate: None
    rate_last_updated: None
    labor_cost: None
    labor_cost_last_updated: None
    working_hours_in_minutes: None
    avatar_file_name: None


class V9WorkspaceUserUpdate(V9Body):
    """`PUT /workspaces/{wid}/workspace_users/{id}` (admins); other keys (`rate`, `labor_cost`, …) are ignored."""

    admin: bool | None = Field(None, description="Wins over `role` when both are sent.")
    role: Literal["admin", "user"] | None = Field(None, description="`projectlead`, `teamlead`: 400.")
    group_ids: list[Id] | None = Field(None, description="Replaces the member's groups; null empties them.")
    inactive: Literal[False] | None = Field(None, description="`true` is refused (400).")
