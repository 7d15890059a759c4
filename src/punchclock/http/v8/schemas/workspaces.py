from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import StrictInt, StrictStr

from punchclock.domain.access import View
from punchclock.domain.workspaces import WorkspaceChanges
from punchclock.http.v8.schemas import Bool, WireIn, inputs
from punchclock.http.wire import compact, render_ts
from punchclock.models import Workspace


class WorkspaceIn(WireIn):
    """``PUT /workspaces/{id}``; ``premium``, ``admin``, ``api_token``, ``logo_url`` are read-only (ignored)."""

    name: StrictStr | None = None
    default_hourly_rate: Decimal | None = None
    default_currency: StrictStr | None = None
    only_admins_may_create_projects: Bool | None = None
    only_admins_see_billable_rates: Bool | None = None
    only_admins_see_team_dashboard: Bool | None = None
    projects_billable_by_default: Bool | None = None
    rounding: StrictInt | None = None
    rounding_minutes: StrictInt | None = None

    def changes(self) -> WorkspaceChanges:
        return inputs(self, WorkspaceChanges)


def workspace_out(w: Workspace, view: View, tz: ZoneInfo) -> dict[str, Any]:
    """20-workspaces §1: ``admin`` is the caller's role; rate and token hidden as the view says."""
    return compact({
        "id": w.id,
        "name": w.name,
        "premium": w.premium,
        "admin": view.admin,
        "default_hourly_rate": w.default_hourly_rate if view.show_rates else None,
        "default_currency": w.default_currency,
        "only_admins_may_create_projects": w.only_admins_may_create_projects,
        "only_admins_see_billable_rates": w.only_admins_see_billable_rates,
        "only_admins_see_team_dashboard": w.only_admins_see_team_dashboard,
        "projects_billable_by_default": w.projects_billable_by_default,
        "rounding": w.rounding,
        "rounding_minutes": w.rounding_minutes,
        "at": render_ts(w.updated_at, tz),
        "logo_url": w.logo_url or None,
        "api_token": w.api_token if view.admin else None,
        "ical_enabled": False,
    })
