"""v9 workspace object (30- §3.1), its update/create body (§3.2, §1.2) and the small workspace answers (§3.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import access, dashboard, workspaces
from punchclock.domain.access import View
from punchclock.domain.actor import Actor
from punchclock.domain.timekeeping import wire_duration
from punchclock.domain.workspaces import Statistics, WorkspaceChanges, WorkspaceRow
from punchclock.http.v8.schemas import WireId, WireRate, inputs
from punchclock.http.v9.render import money, utc
from punchclock.models import Workspace


class WorkspaceIn(BaseModel):
    """``PUT /workspaces/{id}`` and ``POST /organizations/{id}/workspaces``. ``rate_change_mode``,
    ``reports_collapse``, ``projects_enforce_billable``, ``limit_public_project_data``,
    ``initial_pricing_plan`` and every read-only key are ignored (no rate history, O-85)."""

    model_config = ConfigDict(extra="ignore")

    name: StrictStr | None = None
    default_currency: StrictStr | None = None
    default_hourly_rate: WireRate | None = None
    only_admins_may_create_projects: StrictBool | None = None
    only_admins_may_create_tags: StrictBool | None = None
    only_admins_see_billable_rates: StrictBool | None = None
    only_admins_see_team_dashboard: StrictBool | None = None
    projects_billable_by_default: StrictBool | None = None
    projects_private_by_default: StrictBool | None = None
    rounding: StrictInt | None = None
    rounding_minutes: StrictInt | None = None
    #: The complete admin set (V-25); ids as numbers or numeric strings.
    admins: list[WireId] | None = None

    def changes(self) -> WorkspaceChanges:
        return inputs(self, WorkspaceChanges)


def workspace_out(w: Workspace | WorkspaceRow, view: View) -> dict[str, Any]:
    """30- §3.1: every key, in the contract's order; the rate is null where the caller may not see rates."""
    return {
        "id": w.id,
        "name": w.name,
        "organization_id": w.organization_id,
        "premium": w.premium,
        "business_ws": w.premium,
        "admin": view.admin,
        "role": "admin" if view.admin else "user",
        "default_currency": w.default_currency,
        "rounding": w.rounding,
        "rounding_minutes": w.rounding_minutes,
        "only_admins_may_create_projects": w.only_admins_may_create_projects,
        "only_admins_see_team_dashboard": w.only_admins_see_team_dashboard,
        "projects_billable_by_default": w.projects_billable_by_default,
        "default_hourly_rate": money(w.default_hourly_rate) if view.show_rates else None,
        "only_admins_may_create_tags": w.only_admins_may_create_tags,
        "projects_private_by_default": w.projects_private_by_default,
        "only_admins_see_billable_rates": w.only_admins_see_billable_rates,
        "logo_url": w.logo_url or "",
        "reports_collapse": True,
        **CONSTANT_FALSE,
        **CONSTANT_NULL,
        "at": utc(w.updated_at),
        "last_modified": utc(w.updated_at),
    }


CONSTANT_FALSE = dict.fromkeys((
    "projects_enforce_billable", "limit_public_project_data", "hide_start_end_times", "ical_enabled",
    "disable_approvals", "disable_expenses", "disable_timesheet_view"), False)
CONSTANT_NULL = dict.fromkeys((
    "ical_url", "csv_upload", "rate_last_updated", "suspended_at", "server_deleted_at", "working_hours_in_minutes",
    "max_data_retention_days", "te_constraints", "subscription", "api_token", "permissions"))


def related(db: Session, actor: Actor, settings: Settings, since: datetime | None = None) -> list[dict[str, Any]]:
    """The ``/me/workspaces`` answer (also ``GET /workspaces`` and ``/me?with_related_data``): the caller's
    workspaces by id, each with ``active_project_count``; ``since`` (an aware datetime) keeps ``at > since``."""
    views = access.views(db, actor)
    return [{**workspace_out(row, views[row.id]), "active_project_count": count}
            for row, count in workspaces.list_mine_counted(db, actor, since)]


def statistics_out(s: Statistics) -> dict[str, Any]:
    return {"admins": [{"user_id": uid, "name": name} for uid, name in s.admins],
            "groups_count": s.groups_count, "members_count": s.members_count}


#: 30- §3.3: no constraint is ever enforced.
TIME_ENTRY_CONSTRAINTS = {"description_present": False, "project_present": False, "tag_present": False,
                          "task_present": False, "time_entry_constraints_enabled": False}


def activity_out(a: dashboard.Activity) -> dict[str, Any]:
    """A dashboard item: ``project_id`` null without project; running: ``stop`` null, ``-epoch(start)``."""
    return {"user_id": a.user_id, "project_id": a.project_id, "tid": a.task_id, "description": a.description,
            "duration": wire_duration(a.start, a.stop, a.duration), "stop": utc(a.stop)}


def active_user_out(u: dashboard.ActiveUser, admin: bool) -> dict[str, Any]:
    """v8 ``most_active_user`` plus the name; the e-mail only for admins."""
    return {"user_id": u.user_id, "duration": u.seconds, "fullname": u.fullname,
            "email": u.email if admin else None, "avatar_file_name": None}
