"""v9 user wire format (20-me-and-users): the user object, preferences, features, and their inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import users
from punchclock.domain.actor import Actor, UserRecord
from punchclock.domain.time_entries import EntryStamps
from punchclock.domain.users_inputs import UserChanges, UserCreate
from punchclock.http.ids import MAX_ID
from punchclock.http.v9 import render
from punchclock.http.v9.schemas import clients, projects, tags, tasks, time_entries, workspaces
from punchclock.models import User

T = TypeVar("T")
#: Ids may arrive as JSON numbers or numeric strings (10- §2).
WireId = Annotated[int, Field(ge=1, le=MAX_ID, strict=False)]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")

    def _sent(self, cls: type[T], **renamed: str) -> T:
        """``cls`` (a domain input dataclass) from the keys that were sent; ``renamed`` maps domain <- wire."""
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        sent = {name: getattr(self, name) for name in self.model_fields_set if name in names}
        sent |= {name: getattr(self, wire) for name, wire in renamed.items() if wire in self.model_fields_set}
        return cls(**sent)


class MeIn(_In):
    """``PUT /me`` (20- §3): ``country_id`` is accepted and ignored."""

    fullname: StrictStr | None = None
    email: StrictStr | None = None
    timezone: StrictStr | None = None
    beginning_of_week: StrictInt | None = None
    default_workspace_id: WireId | None = None
    current_password: StrictStr | None = None
    password: StrictStr | None = None

    def changes(self) -> UserChanges:
        return self._sent(UserChanges)


class PreferencesIn(_In):
    """``POST /me/preferences`` (20- §6.2): the swagger's ``beginningOfWeek`` wins over toggl_python's spelling."""

    date_format: StrictStr | None = None
    timeofday_format: StrictStr | None = None
    duration_format: StrictStr | None = None
    send_product_emails: StrictBool | None = None
    send_weekly_report: StrictBool | None = None
    send_timer_notifications: StrictBool | None = None
    beginningOfWeek: StrictInt | None = None
    BeginningOfWeek: StrictInt | None = None

    def changes(self) -> UserChanges:
        week = "beginningOfWeek" if "beginningOfWeek" in self.model_fields_set else "BeginningOfWeek"
        return self._sent(UserChanges, beginning_of_week=week)


class SignupIn(_In):
    """The inner object of ``POST /signup`` (v8 body, 20- §10); ``created_with`` is not required."""

    email: StrictStr | None = None
    password: StrictStr | None = None
    timezone: StrictStr | None = None
    fullname: StrictStr | None = None
    created_with: Any = None

    def create(self) -> UserCreate:
        return self._sent(UserCreate)


def image_url(public_url: str, u: User | UserRecord) -> str:
    """The v8 avatar of the user (``http/avatar.py``), as an absolute URL (toggl_python validates it)."""
    return render.image_url(public_url, u.fullname, u.email, u.id)


def user_out(u: User | UserRecord, active_workspaces: Iterable[int], public_url: str) -> dict[str, Any]:
    """The caller's user object (20- §1), every key present, in the contract's order."""
    updated = render.utc(u.updated_at)
    return {
        "id": u.id,
        "api_token": u.api_token,
        "email": u.email,
        "fullname": u.fullname,
        "timezone": u.timezone,
        "default_workspace_id": users.default_workspace(u.default_workspace_id, active_workspaces),
        "beginning_of_week": u.beginning_of_week,
        "image_url": image_url(public_url, u),
        "country_id": None,
        "has_password": u.password_hash is not None,
        "openid_enabled": False,
        "openid_email": None,
        "2fa_enabled": False,
        "toggl_accounts_id": render.accounts_id(u.id),
        "created_at": render.utc(u.created_at),
        "updated_at": updated,
        "at": updated,
        "authorization_updated_at": updated,
        "toggl_accounts_updated_at": updated,
    }


def preferences_out(u: User | UserRecord) -> dict[str, Any]:
    """``GET /me/preferences`` (20- §6.1, V-27)."""
    return {
        "date_format": u.date_format,
        "timeofday_format": u.timeofday_format,
        "duration_format": u.duration_format,
        "BeginningOfWeek": u.beginning_of_week,
        "beginningOfWeek": u.beginning_of_week,
        "pg_time_zone_name": u.timezone,
        "record_timeline": False,
        "send_product_emails": u.send_product_emails,
        "send_weekly_report": u.send_weekly_report,
        "send_timer_notifications": u.send_timer_notifications,
        "alpha_features": [],
    }


#: punchclock's own feature numbering (V-28): ``True`` = follows the workspace's premium flag.
FEATURES = ((1, "tasks", True), (2, "billable_rates", True), (3, "project_dashboard", True),
            (4, "time_estimates", True), (5, "webhooks", False), (6, "groups", False))


def features_out(premium: Iterable[tuple[int, bool]]) -> list[dict[str, Any]]:
    """``GET /me/features`` (20- §7): one element per active membership."""
    return [{"workspace_id": wid,
             "features": [{"feature_id": fid, "name": name, "enabled": is_premium or not gated}
                          for fid, name, gated in FEATURES]}
            for wid, is_premium in premium]


#: ``GET /me?with_related_data=true`` (20- §2): each collection is its ``/me/<x>`` answer with default parameters.
RELATED: dict[str, Callable[[Session, Actor, Settings], list[dict[str, Any]]]] = {
    "clients": clients.related,
    "projects": projects.related,
    "tags": tags.related,
    "tasks": tasks.related,
    "time_entries": time_entries.related,
    "workspaces": workspaces.related,
}


def related_out(db: Session, actor: Actor, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    return {key: collection(db, actor, settings) for key, collection in RELATED.items()}


def web_timer_entry_out(e: EntryStamps, pairs: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """An entry of ``/me/web-timer`` (20- §9): toggl_python's own shape, always stopped."""
    return {
        "id": e.id,
        "workspace_id": e.workspace_id,
        "project_id": e.project_id,
        "task_id": e.task_id,
        "user_id": e.user_id,
        "billable": e.billable,
        "description": e.description,
        "tag_ids": [tag_id for tag_id, _ in pairs],
        "planned_task_id": None,
        "deleted": None,
        "updated_at": render.utc_epoch(e.updated_at),
        "utc_start": render.utc_epoch(e.start),
        "utc_stop": render.utc_epoch(e.stop),
        "duration_in_seconds": e.duration,
        "ignore_start_and_stop": False,
    }


def web_timer_out(db: Session, actor: Actor, settings: Settings, now: datetime) -> dict[str, Any]:
    """``GET /me/web-timer``: the related-data selection of clients, projects and tags, and recent entries."""
    found = users.recent_stopped_entries(db, actor, now)
    return {
        **{key: RELATED[key](db, actor, settings) for key in ("clients", "projects", "tags")},
        "time_entries": [web_timer_entry_out(e, found.tags[e.id]) for e in found.entries],
    }
