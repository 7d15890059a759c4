from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import tags
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession, caller
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import TagId, WorkspaceId
from punchclock.http.v8.schemas.tags import TagIn, tag_out
from punchclock.http.wire import json_response

router = APIRouter(route_class=V8Route, tags=["tags"])


@router.post("/tags", summary="Create a tag", **op(answers.V8TagData, bodies.TagCreate))
async def create_tag(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, "tag", TagIn)
    tag = tags.create(db, actor, data.create())
    return json_response({"data": tag_out(tag, actor.tz)})


@router.put("/tags/{tag_id}", summary="Rename a tag", **op(answers.V8TagData, bodies.TagUpdate))
async def update_tag(tag_id: TagId, actor: CurrentActor, db: DbSession, body: Body) -> Response:
    tid = params.single_id(tag_id)
    data, _ = params.unwrap(body, "tag", TagIn)
    return json_response({"data": tag_out(tags.update_tag(db, actor, tid, data.changes()), actor.tz)})


@router.delete("/tags/{tag_id}", summary="Delete a tag", **op(**DELETED))
async def delete_tag(tag_id: TagId, actor: CurrentActor, db: DbSession) -> Response:
    return json_response([tags.delete(db, actor, params.single_id(tag_id))])


@router.get("/workspaces/{workspace_id}/tags", summary="Tags of a workspace", **op(list[objects.V8Tag]))
async def workspace_tags(workspace_id: WorkspaceId, request: Request) -> Response:
    actor, db = await caller(request)  # a hot path: no FastAPI dependency (deps.caller)
    rows = tags.list_workspace(db, actor, params.single_id(workspace_id))
    tz = actor.tz
    return json_response([tag_out(t, tz) for t in rows])
