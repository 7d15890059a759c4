from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from punchclock.domain.access import View
from punchclock.http.wire import compact, render_ts
from punchclock.models import ProjectMember


def project_user_out(pm: ProjectMember, view: View, tz: ZoneInfo, *, fullname: str | None = None) -> dict[str, Any]:
    """A project user; ``rate`` hidden when the view hides rates, ``fullname`` only when given."""
    return compact({
        "id": pm.id,
        "pid": pm.project_id,
        "uid": pm.user_id,
        "wid": pm.workspace_id,
        "manager": pm.manager,
        "rate": pm.rate if view.show_rates else None,
        "fullname": fullname,
        "at": render_ts(pm.updated_at, tz),
    })
