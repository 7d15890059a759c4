from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import access, clients, projects
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession, caller
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import Active, ClientId, WorkspaceId
from punchclock.http.v8.schemas.clients import ClientIn, client_out
from punchclock.http.v8.schemas.projects import project_out
from punchclock.http.wire import json_response

router = APIRouter(route_class=V8Route, tags=["clients"])


@router.post("/clients", summary="Create a client", **op(answers.V8ClientData, bodies.ClientCreate))
async def create_client(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, "client", ClientIn)
    client = clients.create(db, actor, data.create())
    view = access.views(db, actor)[client.workspace_id]
    return json_response({"data": client_out(client, view, actor.tz)})


@router.get("/clients", summary="Clients of all the caller's workspaces",
            **op(list[objects.V8Client]))
async def list_clients(request: Request) -> Response:
    actor, db = await caller(request)  # a hot path: no FastAPI dependency (deps.caller)
    rows = clients.list_visible(db, actor)
    views, tz = access.views(db, actor), actor.tz
    return json_response([client_out(c, views[c.workspace_id], tz) for c in rows])


@router.get("/clients/{client_id}", summary="Get a client", **op(answers.V8ClientData))
async def get_client(client_id: ClientId, actor: CurrentActor, db: DbSession) -> Response:
    client = clients.get(db, actor, params.single_id(client_id))
    view = access.views(db, actor)[client.workspace_id]
    return json_response({"data": client_out(client, view, actor.tz)})


@router.put("/clients/{client_id}", summary="Update a client", **op(answers.V8ClientData, bodies.ClientUpdate))
async def update_client(client_id: ClientId, actor: CurrentActor, db: DbSession, body: Body) -> Response:
    cid = params.single_id(client_id)
    data, _ = params.unwrap(body, "client", ClientIn)
    client = clients.update_client(db, actor, cid, data.changes())
    view = access.views(db, actor)[client.workspace_id]
    return json_response({"data": client_out(client, view, actor.tz)})


@router.delete("/clients/{client_id}", summary="Delete a client", **op(**DELETED))
async def delete_client(client_id: ClientId, actor: CurrentActor, db: DbSession) -> Response:
    return json_response([clients.delete(db, actor, params.single_id(client_id))])


@router.get("/clients/{client_id}/projects", summary="Projects of a client", **op(list[objects.V8Project]))
async def client_projects(
    client_id: ClientId, actor: CurrentActor, db: DbSession, active: Active = None
) -> Response:
    client = clients.get(db, actor, params.single_id(client_id))
    only_active = params.tristate(active, "active", True)
    rows = projects.list_for_client(db, actor, client.id, only_active)
    views, tz = access.views(db, actor), actor.tz
    return json_response([project_out(p, views[p.workspace_id], tz) for p in rows])


@router.get("/workspaces/{workspace_id}/clients", summary="Clients of a workspace",
            **op(list[objects.V8Client]))
async def workspace_clients(workspace_id: WorkspaceId, request: Request) -> Response:
    actor, db = await caller(request)
    wid = params.single_id(workspace_id)
    rows = clients.list_workspace(db, actor, wid)
    view, tz = access.views(db, actor)[wid], actor.tz
    return json_response([client_out(c, view, tz) for c in rows])
