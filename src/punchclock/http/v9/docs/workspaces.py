"""Published shapes of the v9 workspace answers and bodies (30- §3, §1.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from punchclock.http.v9.docs.types import Amount, Id, Utc, V9Body, V9Object


class V9Workspace(V9Object):
    """A workspace (30- §3.1); ``admin``/``role`` are the caller's."""

    id: Id
    name: str = Field(min_length=1)
    organization_id: Id
    premium: bool
    business_ws: bool = Field(description="Equals `premium`.")
    admin: bool
    role: Literal["admin", "user"]
    default_currency: str
    rounding: Literal[-1, 0, 1]
    rounding_minutes: int
    only_admins_may_create_projects: bool
    only_admins_see_team_dashboard: bool
    projects_billable_by_default: bool
    default_hourly_rate: Amount | None = Field(description="Null for non-admins when only admins see rates.")
    only_admins_may_create_tags: bool
    projects_private_by_default: bool
    only_admins_see_billable_rates: bool
    logo_url: str = Field(description='The stored URL or "".')
    reports_collapse: Literal[True]
    projects_enforce_billable: Literal[False]
    limit_public_project_data: Literal[False]
    hide_start_end_times: Literal[False]
    ical_enabled: Literal[False]
    disable_approvals: Literal[False]
    disable_expenses: Literal[False]
    disable_timesheet_view: Literal[False]
    ical_url: None
    csv_upload: None
    rate_last_updated: None
    suspended_at: None
    server_deleted_at: None
    working_hours_in_minutes: None
    max_data_retention_days: None
    te_constraints: None
    subscription: None
    api_token: None
    permissions: None
    at: Utc
    last_modified: Utc


class V9MyWorkspace(V9Workspace):
    """An element of `GET /me/workspaces` and `GET /workspaces`."""

    active_project_count: int = Field(ge=0, description="Live active projects of the workspace.")


class V9WorkspaceUpdate(V9Body):
    """`PUT /workspaces/{id}` (admins): only the keys sent change; other keys are ignored."""

    name: str | None = Field(None, min_length=1, max_length=140)
    default_currency: str | None = None
    default_hourly_rate: float | None = Field(None, description="Stored only on premium workspaces (O-23).")
    only_admins_may_create_projects: bool | None = None
    only_admins_may_create_tags: bool | None = None
    only_admins_see_billable_rates: bool | None = None
    only_admins_see_team_dashboard: bool | None = None
    projects_billable_by_default: bool | None = None
    projects_private_by_default: bool | None = None
    rounding: Literal[-1, 0, 1] | None = None
    rounding_minutes: int | None = None
    admins: list[Id] | None = Field(None, description="The complete admin set: user ids of active members (V-25).")


class V9WorkspaceCreate(V9WorkspaceUpdate):
    """`POST /organizations/{id}/workspaces`: settings as the update, `name` required; `admins` must be
    members of the organization (the caller is always admin)."""

    name: str = Field(min_length=1, max_length=140)


class V9AdminName(V9Object):
    user_id: Id
    name: str


class V9WorkspaceStatistics(V9Object):
    """`GET /workspaces/{id}/statistics`: members are active memberships."""

    admins: list[V9AdminName]
    groups_count: int = Field(ge=0)
    members_count: int = Field(ge=0)


class V9TimeEntryConstraints(V9Object):
    """Constant: punchclock enforces no time-entry constraint."""

    description_present: Literal[False]
    project_present: Literal[False]
    tag_present: Literal[False]
    task_present: Literal[False]
    time_entry_constraints_enabled: Literal[False]


class V9Activity(V9Object):
    """A dashboard entry; a running one has `stop` null and `duration` = -epoch(start)."""

    user_id: Id
    project_id: Id | None
    tid: Id | None
    description: str
    duration: int
    stop: Utc | None


class V9MostActive(V9Object):
    """Seconds tracked in the last 7 days, largest first (at most 5 users)."""

    user_id: Id
    duration: int
    fullname: str
    email: str | None = Field(description="Null unless the caller is admin.")
    avatar_file_name: None
