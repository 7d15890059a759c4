from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from punchclock.http.wire import compact, render_ts
from punchclock.models import Task


def task_out(task: Task, tz: ZoneInfo, *, tracked_seconds: int, fields: frozenset[str] = frozenset(),
             uname: str | None = None, with_at: bool = True, deleted: bool = False) -> dict[str, Any]:
    """A task; ``done_seconds`` / ``uname`` only when named in ``fields`` (00-conventions §12).

    ``at`` is left out of create responses (``with_at=False``, O-48).
    """
    return compact({
        "id": task.id,
        "name": task.name,
        "wid": task.workspace_id,
        "pid": task.project_id,
        "uid": task.user_id,
        "active": task.active,
        "estimated_seconds": task.estimated_seconds,
        "tracked_seconds": tracked_seconds,
        "done_seconds": tracked_seconds if "done_seconds" in fields else None,
        "uname": (uname or None) if "uname" in fields else None,
        "at": render_ts(task.updated_at, tz) if with_at else None,
        "server_deleted_at": render_ts(task.deleted_at, tz) if deleted else None,
    })
