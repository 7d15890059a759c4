from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Response

from punchclock.domain import dashboard
from punchclock.domain.timekeeping import wire_duration
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import CurrentActor, DbSession
from punchclock.http.v8.docs.objects import V8Dashboard
from punchclock.http.v8.docs.ops import op
from punchclock.http.v8.docs.params import WorkspaceId
from punchclock.http.wire import compact, json_response, render_ts

router = APIRouter(route_class=V8Route, tags=["dashboard"])


def activity_out(item: dashboard.Activity, tz: ZoneInfo) -> dict[str, Any]:
    """``project_id`` 0 without project (O-36); empty description, running ``stop`` and no task omitted."""
    return compact({
        "user_id": item.user_id,
        "project_id": item.project_id or 0,
        "duration": wire_duration(item.start, item.stop, item.duration),
        "description": item.description or None,
        "tid": item.task_id,
        "stop": render_ts(item.stop, tz),
    })


@router.get("/dashboard/{workspace_id}", summary="Team dashboard of a workspace", **op(V8Dashboard))
async def get_dashboard(workspace_id: WorkspaceId, actor: CurrentActor, db: DbSession) -> Response:
    """A bare object; each key is ``null`` rather than ``[]`` when empty (20-workspaces §9, O-36)."""
    board = dashboard.dashboard(db, actor, params.single_id(workspace_id))
    most_active = [{"user_id": uid, "duration": seconds} for uid, seconds in board.most_active]
    activity = [activity_out(a, actor.tz) for a in board.activity]
    return json_response({"most_active_user": most_active or None, "activity": activity or None})
