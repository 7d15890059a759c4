"""API v9 clients (40- §1.2) and ``GET /me/clients`` (20- §8)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import clients
from punchclock.domain.errors import Malformed
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import ok, op, request_body
from punchclock.http.v8.docs.params import ClientId, WorkspaceId
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_array, body_object, caller, member, parse
from punchclock.http.v9.docs.clients import (
    Name,
    Since,
    Status,
    V9Client,
    V9ClientBody,
    V9ClientIds,
    V9ClientRestoreBody,
    V9ClientsArchived,
)
from punchclock.http.v9.schemas.clients import ClientIn, RestoreIn, client_ids, client_out
from punchclock.http.wire import NO_STORE, json_response

router = APIRouter(route_class=V9Route, tags=["v9 clients"])

_ID = {"type": "integer", "format": "int64", "minimum": 1}
_STATUS = {"active": False, "archived": True, "both": None}


@router.get("/me/clients", summary="Clients of all the caller's workspaces", **op(list[V9Client]))
async def my_clients(request: Request, since: Since = None) -> Response:
    actor, db = await caller(request)
    changed = params.since(request)
    rows = clients.list_visible(db, actor) if changed is None else clients.list_changed(db, actor, changed)
    return json_response([client_out(c) for c in rows])


@router.get("/workspaces/{workspace_id}/clients", summary="Clients of a workspace, by name",
            **op(list[V9Client]))
async def list_clients(workspace_id: WorkspaceId, request: Request, status: Status = None, name: Name = None
                       ) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    wanted = (request.query_params.get("status") or "").strip().lower() or "active"
    if wanted not in _STATUS:
        raise Malformed("invalid_param", name="status")
    text = (request.query_params.get("name") or "").strip() or None
    rows = clients.list_filtered(db, actor, wid, archived=_STATUS[wanted], name=text)
    return json_response([client_out(c) for c in rows])


@router.post("/workspaces/{workspace_id}/clients", summary="Create a client", **op(V9Client, V9ClientBody))
async def create_client(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), ClientIn)
    return json_response(client_out(clients.create(db, actor, data.create(wid))))


@router.post("/workspaces/{workspace_id}/clients/archive", summary="Archive several clients (all or none)",
             **op(list[V9ClientsArchived], V9ClientIds))
async def archive_clients(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    ids = client_ids(await body_array(request))
    done, projects = clients.archive_many(db, actor, wid, ids)
    return json_response([{"client_ids": done, "project_ids": projects}])


@router.post("/workspaces/{workspace_id}/clients/delete", summary="Delete several clients (all or none)",
             # The body component is published by the bulk archive above (``op`` cannot pair it with a literal).
             responses=ok(schema={}, description="Empty body"), openapi_extra=request_body(V9ClientIds))
async def delete_clients(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    clients.delete_many(db, actor, wid, client_ids(await body_array(request)))
    return Response(status_code=200, headers=NO_STORE)


@router.get("/workspaces/{workspace_id}/clients/{client_id}", summary="Get a client", **op(V9Client))
async def get_client(workspace_id: WorkspaceId, client_id: ClientId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    return json_response(client_out(clients.get(db, actor, params.path_id(client_id), wid)))


@router.put("/workspaces/{workspace_id}/clients/{client_id}", summary="Update a client",
            **op(V9Client, V9ClientBody))
async def update_client(workspace_id: WorkspaceId, client_id: ClientId, request: Request) -> Response:
    wid, cid = params.path_id(workspace_id), params.path_id(client_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), ClientIn)
    return json_response(client_out(clients.update_client(db, actor, cid, data.changes(), wid)))


@router.delete("/workspaces/{workspace_id}/clients/{client_id}", summary="Delete a client",
               **op(schema=_ID, description="The id of the deleted client."))
async def delete_client(workspace_id: WorkspaceId, client_id: ClientId, request: Request) -> Response:
    wid, cid = params.path_id(workspace_id), params.path_id(client_id)
    actor, db = await member(request, wid)
    return json_response(clients.delete(db, actor, cid, wid))


@router.post("/workspaces/{workspace_id}/clients/{client_id}/archive",
             summary="Archive a client and its active projects",
             **op(schema={"type": "array", "items": _ID}, description="The ids of the projects archived."))
async def archive_client(workspace_id: WorkspaceId, client_id: ClientId, request: Request) -> Response:
    wid, cid = params.path_id(workspace_id), params.path_id(client_id)
    actor, db = await member(request, wid)
    return json_response(clients.archive(db, actor, wid, cid))


@router.post("/workspaces/{workspace_id}/clients/{client_id}/restore",
             summary="Restore an archived client (and, if asked, its projects)",
             **op(V9Client, V9ClientRestoreBody, body_required=False))
async def restore_client(workspace_id: WorkspaceId, client_id: ClientId, request: Request) -> Response:
    wid, cid = params.path_id(workspace_id), params.path_id(client_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), RestoreIn)
    client = clients.restore(db, actor, wid, cid, all_projects=data.restore_all_projects, project_ids=data.projects)
    return json_response(client_out(client))
