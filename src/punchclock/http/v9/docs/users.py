"""Published shapes of the v9 user answers (20-me-and-users): the user object, preferences, features."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from punchclock.http.v9.docs.clients import V9Client
from punchclock.http.v9.docs.projects import V9Project
from punchclock.http.v9.docs.tags import V9Tag
from punchclock.http.v9.docs.tasks import V9Task
from punchclock.http.v9.docs.time_entries import V9TimeEntry
from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object
from punchclock.http.v9.docs.workspaces import V9MyWorkspace

Weekday = Annotated[int, Field(ge=0, le=6, description="0 = Sunday … 6 = Saturday.")]


class V9User(V9Object):
    """The caller (20- §1); ``api_token`` is only ever shown to its owner."""

    id: Id
    api_token: str = Field(pattern=r"^[0-9a-f]{32}$")
    email: str
    fullname: str
    timezone: str = Field(description="IANA zone name.")
    default_workspace_id: Id | None = Field(
        description="The stored default when still an active membership, else the lowest-id active one (V-49).")
    beginning_of_week: Weekday
    image_url: str = Field(json_schema_extra={"format": "uri"})
    country_id: None
    has_password: bool
    openid_enabled: bool
    openid_email: None
    two_fa_enabled: bool = Field(alias="2fa_enabled")
    toggl_accounts_id: str = Field(pattern=r"^[0-9]{22}$", description="The user id padded to 22 digits (V-26).")
    created_at: Utc
    updated_at: Utc
    at: Utc
    authorization_updated_at: Utc
    toggl_accounts_updated_at: Utc


class V9UserWithRelatedData(V9User):
    """``GET /me?with_related_data=true``: the user object plus the caller's data (20- §2)."""

    clients: list[V9Client]
    projects: list[V9Project]
    tags: list[V9Tag]
    tasks: list[V9Task]
    time_entries: list[V9TimeEntry] = Field(description="The last nine days and the running entry.")
    workspaces: list[V9MyWorkspace]


class V9Preferences(V9Object):
    """``GET /me/preferences`` (20- §6.1): both spellings of the week start (V-27)."""

    date_format: str
    timeofday_format: str
    duration_format: str
    BeginningOfWeek: Weekday
    beginningOfWeek: Weekday
    pg_time_zone_name: str
    record_timeline: bool
    send_product_emails: bool
    send_weekly_report: bool
    send_timer_notifications: bool
    alpha_features: list[Any]


class V9Feature(V9Object):
    feature_id: int
    name: str
    enabled: bool


class V9WorkspaceFeatures(V9Object):
    """One workspace's features (20- §7, V-28): ids 1-4 follow ``premium``, 5-6 are always on."""

    workspace_id: Id
    features: list[V9Feature]


class V9Status(V9Object):
    status: str = Field(examples=["OK"])


class V9MeUpdate(V9Body):
    """``PUT /me`` (20- §3): every key optional; a password change needs both passwords."""

    fullname: str | None = None
    email: str | None = None
    timezone: str | None = None
    beginning_of_week: Weekday | None = None
    default_workspace_id: Id | None = Field(None, description="An active membership of the caller.")
    country_id: int | None = Field(None, description="Accepted, ignored.")
    current_password: str | None = None
    password: str | None = Field(None, min_length=6)


class V9PreferencesUpdate(V9Body):
    """``POST /me/preferences`` (20- §6.2); other keys are ignored."""

    date_format: str | None = Field(None, examples=["YYYY-MM-DD"])
    timeofday_format: str | None = Field(None, json_schema_extra={"enum": ["H:mm", "h:mm A"]})
    duration_format: str | None = Field(None, json_schema_extra={"enum": ["classic", "improved", "decimal"]})
    send_product_emails: bool | None = None
    send_weekly_report: bool | None = None
    send_timer_notifications: bool | None = None
    beginningOfWeek: Weekday | None = Field(None, description="Wins over `BeginningOfWeek` when both are sent.")
    BeginningOfWeek: Weekday | None = None


class V9SignupUser(V9Body):
    email: str
    password: str = Field(min_length=6)
    timezone: str | None = Field(None, description="IANA zone; default Etc/UTC.")
    fullname: str | None = Field(None, description="Default: from the e-mail's local part.")
    created_with: str | None = None


class V9Signup(V9Body):
    """``POST /signup`` (20- §10): the v8 sign-up body, ``{"user": {...}}``."""

    user: V9SignupUser


class V9WebTimerEntry(V9Object):
    """A stopped entry as toggl_python's web-timer model reads it (20- §9)."""

    id: Id
    workspace_id: Id
    project_id: Id | None
    task_id: Id | None
    user_id: Id
    billable: bool
    description: str
    tag_ids: list[Id]
    planned_task_id: None
    deleted: None
    updated_at: Utc
    utc_start: Utc
    utc_stop: Utc
    duration_in_seconds: int = Field(ge=0)
    ignore_start_and_stop: bool


class V9WebTimer(V9Object):
    """``GET /me/web-timer``: the ``with_related_data`` selection; the running entry is left out."""

    clients: list[V9Client]
    projects: list[V9Project]
    tags: list[V9Tag]
    time_entries: list[V9WebTimerEntry]
