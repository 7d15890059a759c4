"""Groups (20-workspaces §8)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import groups
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession, caller
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import GroupId, WorkspaceId
from punchclock.http.v8.schemas.groups import GroupIn, group_out
from punchclock.http.wire import json_response

router = APIRouter(route_class=V8Route, tags=["groups"])


@router.post("/groups", summary="Create a group", **op(answers.V8GroupData, bodies.GroupCreate))
async def create_group(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, "group", GroupIn)
    group = groups.create(db, actor, data.create())
    return json_response({"data": group_out(group, actor.tz)})


@router.put("/groups/{group_id}", summary="Rename a group", **op(answers.V8GroupData, bodies.GroupUpdate))
async def update_group(group_id: GroupId, actor: CurrentActor, db: DbSession, body: Body) -> Response:
    gid = params.single_id(group_id)
    data, _ = params.unwrap(body, "group", GroupIn)
    group = groups.update(db, actor, gid, data.changes())
    return json_response({"data": group_out(group, actor.tz)})


@router.delete("/groups/{group_id}", summary="Delete a group", **op(**DELETED))
async def delete_group(group_id: GroupId, actor: CurrentActor, db: DbSession) -> Response:
    return json_response([groups.delete_group(db, actor, params.single_id(group_id))])


@router.get("/workspaces/{workspace_id}/groups", summary="Groups of a workspace",
            **op(list[objects.V8Group]))
async def workspace_groups(workspace_id: WorkspaceId, request: Request) -> Response:
    actor, db = await caller(request)  # a hot path: no FastAPI dependency (deps.caller)
    rows = groups.list_workspace(db, actor, params.single_id(workspace_id))
    tz = actor.tz
    return json_response([group_out(g, tz) for g in rows])
