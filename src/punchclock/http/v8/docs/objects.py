"""v8 resources as the server renders them (``http/v8/schemas/*_out``).

v8 omits null fields, so a field that can be null is optional and never ``null`` (``Opt``): the
schema says "absent or a value". ``extra="forbid"`` publishes ``additionalProperties: false``, so a
field added to an ``*_out`` function without being documented here fails tests/api/test_openapi_v8.py.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

T = TypeVar("T")

#: Optional, never null: absent when the server has no value.
Opt: TypeAlias = T | SkipJsonSchema[None]

Id = Annotated[int, Field(ge=1, json_schema_extra={"format": "int64"})]
Timestamp = Annotated[str, Field(
    pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$",
    json_schema_extra={"format": "date-time", "examples": ["2026-11-26T11:35:26+00:00"]},
    description="Seconds precision, in the caller's time zone (UTC is +00:00).",
)]
Amount = Annotated[float, Field(description="A money amount (integral amounts are sent as integers).")]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class V8Client(Wire):
    """A client (30-clients-projects-tags-tasks §1)."""

    id: Id
    wid: Id
    name: str
    notes: Opt[str] = None
    hrate: Opt[Amount] = Field(None, description="Hidden from non-admins when rates are hidden.")
    cur: Opt[str] = None
    at: Timestamp
    server_deleted_at: Opt[Timestamp] = Field(None, description="Only in `GET /me?since=` answers.")


class V8Project(Wire):
    """A project (30- §2)."""

    id: Id
    wid: Id
    cid: Opt[Id] = None
    name: str
    billable: bool
    is_private: bool
    active: bool
    template: bool
    template_id: Opt[Id] = None
    auto_estimates: bool
    estimated_hours: Opt[int] = None
    rate: Opt[Amount] = Field(None, description="Hidden from non-admins when rates are hidden.")
    currency: Opt[str] = None
    color: str = Field(pattern=r"^[0-9]+$", description='Palette id "0"…"14".')
    hex_color: str = Field(pattern=r"^#[0-9a-f]{6}$")
    at: Timestamp
    created_at: Timestamp
    actual_hours: Opt[int] = Field(None, description="Only in lists asked with `actual_hours=true`.")
    server_deleted_at: Opt[Timestamp] = Field(None, description="Only in `GET /me?since=` answers.")


class V8Tag(Wire):
    """A tag (30- §4)."""

    id: Id
    wid: Id
    name: str
    at: Timestamp
    server_deleted_at: Opt[Timestamp] = Field(None, description="Only in `GET /me?since=` answers.")


class V8Task(Wire):
    """A task (30- §5)."""

    id: Id
    name: str
    wid: Id
    pid: Id
    uid: Opt[Id] = None
    active: bool
    estimated_seconds: int
    tracked_seconds: int
    done_seconds: Opt[int] = Field(None, description="Only with `fields=done_seconds`.")
    uname: Opt[str] = Field(None, description="Only with `fields=uname`, for an assigned task.")
    at: Opt[Timestamp] = Field(None, description="Absent from the create answer.")
    server_deleted_at: Opt[Timestamp] = Field(None, description="Only in `GET /me?since=` answers.")


class V8ProjectUser(Wire):
    """A user's membership of a project (30- §3)."""

    id: Id
    pid: Id
    uid: Id
    wid: Id
    manager: bool
    rate: Opt[Amount] = Field(None, description="Hidden from non-admins when rates are hidden.")
    fullname: Opt[str] = Field(None, description="Only with `fields=fullname`.")
    at: Timestamp


class V8TimeEntry(Wire):
    """A time entry (40-time-entries §2)."""

    id: Id
    guid: str
    wid: Id
    pid: Opt[Id] = None
    tid: Opt[Id] = None
    uid: Id
    billable: bool
    start: Timestamp
    stop: Opt[Timestamp] = Field(None, description="Absent while running.")
    duration: int = Field(description="Seconds; `-epoch(start)` while running.")
    description: Opt[str] = None
    tags: Opt[list[str]] = Field(None, description="Tag names; absent when none.")
    duronly: bool
    at: Timestamp
    server_deleted_at: Opt[Timestamp] = Field(None, description="Only on deleted entries.")


class V8Workspace(Wire):
    """A workspace as the caller sees it (20-workspaces §1)."""

    id: Id
    name: str
    premium: bool
    admin: bool = Field(description="Whether the caller is an admin of it.")
    default_hourly_rate: Opt[Amount] = None
    default_currency: str
    only_admins_may_create_projects: bool
    only_admins_see_billable_rates: bool
    only_admins_see_team_dashboard: bool
    projects_billable_by_default: bool
    rounding: int
    rounding_minutes: int
    at: Timestamp
    logo_url: Opt[str] = None
    api_token: Opt[str] = Field(None, description="Admins only.")
    ical_enabled: bool


class V8WorkspaceUser(Wire):
    """A membership of a workspace (20-workspaces §6)."""

    id: Id
    uid: Id
    wid: Id
    admin: bool
    active: bool = Field(description="false while the invitation is pending.")
    email: str
    name: Opt[str] = None
    at: Timestamp
    invite_url: Opt[str] = Field(None, description="Admins only, pending members with a live invitation.")
    group_ids: Opt[list[Id]] = None


class V8Group(Wire):
    """A group of workspace users (20-workspaces §8)."""

    id: Id
    wid: Id
    name: str
    at: Timestamp


class _Profile(Wire):
    """Fields of a user shown to the user and to workspace colleagues."""

    id: Id
    default_wid: Opt[Id] = None
    email: str
    fullname: str
    jquery_timeofday_format: str
    jquery_date_format: str
    timeofday_format: str
    date_format: str
    store_start_and_stop_time: bool
    beginning_of_week: int
    language: str
    image_url: str
    sidebar_piechart: bool
    at: Timestamp
    created_at: Timestamp
    retention: int
    record_timeline: bool
    render_timeline: bool
    timeline_enabled: bool
    timeline_experiment: bool
    should_upgrade: bool
    new_blog_post: dict[str, Any]
    invitation: dict[str, Any]
    timezone: str


class V8User(_Profile):
    """A user of a workspace (20-workspaces §5.1): no token, no mail preferences."""


class V8Me(_Profile):
    """The caller (10-users-and-auth §1); the lists only with ``with_related_data=true``."""

    api_token: str
    send_product_emails: bool
    send_weekly_report: bool
    send_timer_notifications: bool
    openid_enabled: bool
    duration_format: str
    workspaces: Opt[list[V8Workspace]] = None
    clients: Opt[list[V8Client]] = None
    projects: Opt[list[V8Project]] = None
    tasks: Opt[list[V8Task]] = None
    tags: Opt[list[V8Tag]] = None
    time_entries: Opt[list[V8TimeEntry]] = None


class V8MostActive(Wire):
    user_id: Id
    duration: int = Field(description="Seconds tracked.")


class V8Activity(Wire):
    """A recent time entry of the workspace (20-workspaces §9)."""

    user_id: Id
    project_id: int = Field(ge=0, description="0 without project.")
    duration: int
    description: Opt[str] = None
    tid: Opt[Id] = None
    stop: Opt[Timestamp] = None


class V8Dashboard(Wire):
    """Each list is null rather than empty."""

    most_active_user: list[V8MostActive] | None
    activity: list[V8Activity] | None
