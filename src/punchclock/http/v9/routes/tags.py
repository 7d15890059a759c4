"""API v9 tags (40- §4.2) and ``GET /me/tags`` (20- §8)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import tags
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import op
from punchclock.http.v8.docs.params import TagId, WorkspaceId
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_object, caller, member, parse
from punchclock.http.v9.docs.tags import Page, PerPage, Search, Since, V9Tag, V9TagBody
from punchclock.http.v9.schemas.tags import TagIn, tag_out
from punchclock.http.wire import NO_STORE, json_response

router = APIRouter(route_class=V9Route, tags=["v9 tags"])

#: ``per_page`` of ``GET /tags`` when only ``page`` is given, and its maximum (10- §10).
PER_PAGE, MAX_PER_PAGE = 50, 200


@router.get("/me/tags", summary="Tags of all the caller's workspaces", **op(list[V9Tag]))
async def my_tags(request: Request, since: Since = None) -> Response:
    actor, db = await caller(request)
    changed = params.since(request)
    rows = tags.list_visible(db, actor) if changed is None else tags.list_changed(db, actor, changed)
    return json_response([tag_out(t) for t in rows])


@router.get("/workspaces/{workspace_id}/tags", summary="Tags of a workspace, by name", **op(list[V9Tag]))
async def list_tags(workspace_id: WorkspaceId, request: Request, search: Search = None, page: Page = None,
                    per_page: PerPage = None) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    paging = params.page(request, default_per_page=PER_PAGE, maximum=MAX_PER_PAGE)
    text = (request.query_params.get("search") or "").strip() or None
    if paging is None:
        rows = tags.list_searched(db, actor, wid, search=text)
    else:
        rows = tags.list_searched(db, actor, wid, search=text, limit=paging.per_page, offset=paging.offset)
    return json_response([tag_out(t) for t in rows])


@router.post("/workspaces/{workspace_id}/tags", summary="Create a tag", **op(V9Tag, V9TagBody))
async def create_tag(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), TagIn)
    return json_response(tag_out(tags.create(db, actor, data.create(wid))))


@router.put("/workspaces/{workspace_id}/tags/{tag_id}", summary="Rename a tag", **op(V9Tag, V9TagBody))
async def update_tag(workspace_id: WorkspaceId, tag_id: TagId, request: Request) -> Response:
    wid, tid = params.path_id(workspace_id), params.path_id(tag_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), TagIn)
    return json_response(tag_out(tags.update_tag(db, actor, tid, data.changes(), wid)))


@router.delete("/workspaces/{workspace_id}/tags/{tag_id}", summary="Delete a tag (taken off its entries)",
               **op(schema={}, description="Empty body"))
async def delete_tag(workspace_id: WorkspaceId, tag_id: TagId, request: Request) -> Response:
    wid, tid = params.path_id(workspace_id), params.path_id(tag_id)
    actor, db = await member(request, wid)
    tags.delete(db, actor, tid, wid)
    return Response(status_code=200, headers=NO_STORE)
