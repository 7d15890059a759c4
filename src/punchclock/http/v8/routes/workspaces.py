from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import access, workspaces
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession, caller, settings_of
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import op
from punchclock.http.v8.docs.params import WorkspaceId
from punchclock.http.v8.schemas.users import image_url, member_out
from punchclock.http.v8.schemas.workspaces import WorkspaceIn, workspace_out
from punchclock.http.wire import json_response

router = APIRouter(route_class=V8Route, tags=["workspaces"])


@router.get("/workspaces", summary="The caller's workspaces", **op(list[objects.V8Workspace]))
async def list_workspaces(request: Request) -> Response:
    actor, db = await caller(request)  # a hot path: no FastAPI dependency (deps.caller)
    rows = workspaces.list_mine(db, actor)
    views, tz = access.views(db, actor), actor.tz
    return json_response([workspace_out(w, views[w.id], tz) for w in rows])


@router.get("/workspaces/{workspace_id}", summary="Get a workspace", **op(answers.V8WorkspaceData))
async def get_workspace(workspace_id: WorkspaceId, actor: CurrentActor, db: DbSession) -> Response:
    ws = workspaces.get(db, actor, params.single_id(workspace_id))
    return json_response({"data": workspace_out(ws, access.view_for(actor, ws), actor.tz)})


@router.put("/workspaces/{workspace_id}", summary="Update a workspace",
            **op(answers.V8WorkspaceData, bodies.WorkspaceUpdate))
async def update_workspace(workspace_id: WorkspaceId, actor: CurrentActor, db: DbSession, body: Body) -> Response:
    wid = params.single_id(workspace_id)
    access.require_admin(actor, wid)  # 404 / 403 before the body is judged
    data, _ = params.unwrap(body, "workspace", WorkspaceIn)
    ws = workspaces.update(db, actor, wid, data.changes())
    return json_response({"data": workspace_out(ws, access.view_for(actor, ws), actor.tz)})


@router.get("/workspaces/{workspace_id}/users", summary="Users of a workspace", **op(list[objects.V8User]))
async def workspace_users(workspace_id: WorkspaceId, request: Request) -> Response:
    actor, db = await caller(request)
    wid = params.single_id(workspace_id)
    rows = workspaces.users(db, actor, wid)
    avatar, tz = image_url(settings_of(request).public_url), actor.tz
    return json_response([member_out(u, wid, tz, avatar) for u in rows])
