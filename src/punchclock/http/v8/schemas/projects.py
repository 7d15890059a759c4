from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from punchclock.domain.access import View
from punchclock.domain.colors import hex_color
from punchclock.http.wire import compact, render_ts
from punchclock.models import Project


def project_out(p: Project, view: View, tz: ZoneInfo, *, actual_hours: int | None = None,
                estimated_hours: int | None = None, deleted: bool = False) -> dict[str, Any]:
    return compact({
        "id": p.id,
        "wid": p.workspace_id,
        "cid": p.client_id,
        "name": p.name,
        "billable": p.billable,
        "is_private": p.is_private,
        "active": p.active,
        "template": p.template,
        "template_id": p.template_id,
        "auto_estimates": p.auto_estimates,
        "estimated_hours": estimated_hours if estimated_hours is not None else p.estimated_hours,
        "rate": p.rate if view.show_rates else None,
        "currency": p.currency,
        "color": str(p.color),
        "hex_color": hex_color(p.color),
        "at": render_ts(p.updated_at, tz),
        "created_at": render_ts(p.created_at, tz),
        "actual_hours": actual_hours,
        "server_deleted_at": render_ts(p.deleted_at, tz) if deleted else None,
    })
