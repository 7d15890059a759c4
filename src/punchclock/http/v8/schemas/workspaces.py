from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import StrictInt, StrictStr

from punchclock.domain.access import View
from punchclock.domain.workspaces import WorkspaceChanges, WorkspaceRow
from punchclock.http.v8.schemas import Bool, WireIn, inputs
from punchclock.http.wire import render_ts
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


def workspace_out(w: Workspace | WorkspaceRow, view: View, tz: ZoneInfo) -> dict[str, Any]:
    """20-workspaces §1: ``admin`` is the caller's role; rate and token hidden as the view says.

    A row of the list or a model (one workspace, ``/me`` related data). v8 omits null fields
    (``wire.compact``); done inline, the tests name the fields that can be null.
    """
    out: dict[str, Any] = {"id": w.id, "name": w.name, "premium": w.premium, "admin": view.admin}
    if view.show_rates and w.default_hourly_rate is not None:
        out["default_hourly_rate"] = w.default_hourly_rate
    if w.default_currency is not None:
        out["default_currency"] = w.default_currency
    out["only_admins_may_create_projects"] = w.only_admins_may_create_projects
    out["only_admins_see_billable_rates"] = w.only_admins_see_billable_rates
    out["only_admins_see_team_dashboard"] = w.only_admins_see_team_dashboard
    out["projects_billable_by_default"] = w.projects_billable_by_default
    out["rounding"] = w.rounding
    out["rounding_minutes"] = w.rounding_minutes
    out["at"] = render_ts(w.updated_at, tz)
    if w.logo_url:
        out["logo_url"] = w.logo_url
    if view.admin and w.api_token is not None:
        out["api_token"] = w.api_token
    out["ical_enabled"] = False
    return out
