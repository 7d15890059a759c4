from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, StrictInt, StrictStr

from punchclock.domain import users
from punchclock.domain.access import View
from punchclock.domain.actor import UserRecord
from punchclock.domain.sync import Related
from punchclock.domain.users_inputs import UserChanges, UserCreate
from punchclock.http.avatar import path_for as avatar_path
from punchclock.http.v8.schemas import Bool, WireId, WireIn, inputs
from punchclock.http.v8.schemas.clients import client_out
from punchclock.http.v8.schemas.projects import project_out
from punchclock.http.v8.schemas.tags import tag_out
from punchclock.http.v8.schemas.tasks import task_out
from punchclock.http.v8.schemas.time_entries import time_entry_out
from punchclock.http.v8.schemas.workspaces import workspace_out
from punchclock.http.wire import compact, render_ts
from punchclock.models import User

Text = StrictStr
#: The jQuery spelling of each time-of-day and date format, which v8 user objects carry alongside.
JQUERY_TIMEOFDAY_FORMATS = {"H:mm": "H:i", "h:mm A": "h:i A"}
JQUERY_DATE_FORMATS = {
    "YYYY-MM-DD": "Y-m-d",
    "DD.MM.YYYY": "d.m.Y",
    "DD-MM-YYYY": "d-m-Y",
    "MM/DD/YYYY": "m/d/Y",
    "DD/MM/YYYY": "d/m/Y",
    "MM-DD-YYYY": "m-d-Y",
}


def jquery_timeofday_format(fmt: str) -> str:
    return JQUERY_TIMEOFDAY_FORMATS.get(fmt, "H:i")


def jquery_date_format(fmt: str) -> str:
    return JQUERY_DATE_FORMATS.get(fmt, "Y-m-d")


class UserIn(WireIn):
    """``PUT /me`` (10-users-and-auth §3); other keys are ignored."""

    fullname: Text | None = None
    email: Text | None = None
    send_product_emails: Bool | None = None
    send_weekly_report: Bool | None = None
    send_timer_notifications: Bool | None = None
    store_start_and_stop_time: Bool | None = None
    sidebar_piechart: Bool | None = None
    beginning_of_week: StrictInt | None = None
    timezone: Text | None = None
    timeofday_format: Text | None = None
    date_format: Text | None = None
    duration_format: Text | None = None
    default_workspace_id: WireId | None = Field(None, validation_alias="default_wid")
    language: Text | None = None
    current_password: Text | None = None
    password: Text | None = None

    def changes(self) -> UserChanges:
        return inputs(self, UserChanges)


class SignupIn(WireIn):
    """``POST /signups`` (10-users-and-auth §5); ``created_with`` is accepted and not required (O-38)."""

    email: Text | None = None
    password: Text | None = None
    timezone: Text | None = None
    fullname: Text | None = None
    created_with: Any = None

    def create(self) -> UserCreate:
        return inputs(self, UserCreate)


class LoginIn(WireIn):
    """``POST /sessions`` body extension (O-8)."""

    email: Text
    password: Text


def image_url(public_url: str) -> str:
    """The server's base URL; ``_profile`` appends the user's avatar path (served by ``http/avatar.py``)."""
    return public_url.rstrip("/")


def _profile(u: User | UserRecord, tz: ZoneInfo, avatar: str) -> dict[str, Any]:
    return {
        "email": u.email,
        "fullname": u.fullname,
        "jquery_timeofday_format": jquery_timeofday_format(u.timeofday_format),
        "jquery_date_format": jquery_date_format(u.date_format),
        "timeofday_format": u.timeofday_format,
        "date_format": u.date_format,
        "store_start_and_stop_time": u.store_start_and_stop_time,
        "beginning_of_week": u.beginning_of_week,
        "language": u.language,
        "image_url": avatar + avatar_path(u.fullname, u.email, u.id),
        "sidebar_piechart": u.sidebar_piechart,
        "at": render_ts(u.updated_at, tz),
        "created_at": render_ts(u.created_at, tz),
        "retention": users.RETENTION_DAYS,
        "record_timeline": False,
        "render_timeline": False,
        "timeline_enabled": False,
        "timeline_experiment": False,
        "should_upgrade": False,
        "new_blog_post": {},
        "invitation": {},
    }


def me_out(u: User | UserRecord, tz: ZoneInfo, avatar: str) -> dict[str, Any]:
    """The caller's own user object (10-users-and-auth §1), with ``api_token``."""
    return compact({
        "id": u.id,
        "api_token": u.api_token,
        "default_wid": u.default_workspace_id,
        **_profile(u, tz, avatar),
        "send_product_emails": u.send_product_emails,
        "send_weekly_report": u.send_weekly_report,
        "send_timer_notifications": u.send_timer_notifications,
        "openid_enabled": False,
        "timezone": u.timezone,
        "duration_format": u.duration_format,
    })


def member_out(u: User | UserRecord, workspace_id: int, tz: ZoneInfo, avatar: str) -> dict[str, Any]:
    """An item of ``GET /workspaces/{id}/users`` (20-workspaces §5.1): no token, no mail preferences."""
    return compact({
        "id": u.id,
        "default_wid": u.default_workspace_id if u.default_workspace_id == workspace_id else None,
        **_profile(u, tz, avatar),
        "timezone": u.timezone,
    })


def related_out(rel: Related, views: Mapping[int, View], tz: ZoneInfo) -> dict[str, list[dict[str, Any]]]:
    """The collections ``GET /me?with_related_data=true`` adds (10-users-and-auth §2.1).

    ``server_deleted_at`` is shown only in the ``since`` form, the only one that lists tombstones.
    """
    deleted = rel.since is not None
    return {
        "workspaces": [workspace_out(w, views[w.id], tz) for w in rel.workspaces],
        "clients": [client_out(c, views[c.workspace_id], tz, deleted=deleted) for c in rel.clients],
        "projects": [project_out(p, views[p.workspace_id], tz, deleted=deleted) for p in rel.projects],
        "tasks": [task_out(t, tz, tracked_seconds=rel.tracked_seconds.get(t.id, 0), deleted=deleted)
                  for t in rel.tasks],
        "tags": [tag_out(t, tz, deleted=deleted) for t in rel.tags],
        "time_entries": [time_entry_out(e, rel.tag_names.get(e.id, []), tz, deleted=deleted)
                         for e in rel.time_entries],
    }
