"""API v9 groups: workspace groups (30- §2.1) and organization groups (30- §2.2, V-47)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import access, groups, organizations
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import ok, op
from punchclock.http.v8.docs.params import GroupId, WorkspaceId
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_array, body_object, caller, member, parse
from punchclock.http.v9.docs.groups import (
    NameContains,
    V9Group,
    V9GroupBody,
    V9GroupPatches,
    V9GroupPatchResult,
    V9OrgGroup,
    V9OrgGroupBody,
    WorkspaceFilter,
)
from punchclock.http.v9.docs.organizations import OrganizationId
from punchclock.http.v9.errors import message
from punchclock.http.v9.schemas.groups import GroupIn, OrgGroupIn, group_out, org_group_out, patches
from punchclock.http.wire import NO_STORE, json_response

router = APIRouter(route_class=V9Route, tags=["v9 groups"])

#: Status-only answers (10- §3, V-10): 200 with no body at all.
EMPTY = ok(schema={}, description="Empty body")


def _empty() -> Response:
    return Response(status_code=200, headers=NO_STORE)


# -- workspace groups -----------------------------------------------------------------------------------

@router.get("/workspaces/{workspace_id}/groups", summary="Groups of a workspace, by name", **op(list[V9Group]))
async def list_groups(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    return json_response([group_out(g) for g in groups.list_views(db, actor, wid)])


@router.post("/workspaces/{workspace_id}/groups", summary="Create a group (admins)", **op(V9Group, V9GroupBody))
async def create_group(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    access.require_admin(actor, wid)  # 403 before the body is judged
    data = parse(await body_object(request), GroupIn)
    return json_response(group_out(groups.create_in_workspace(db, actor, wid, data.name)))


@router.put("/workspaces/{workspace_id}/groups/{group_id}", summary="Rename a group (admins)",
            **op(V9Group, V9GroupBody))
async def update_group(workspace_id: WorkspaceId, group_id: GroupId, request: Request) -> Response:
    wid, gid = params.path_id(workspace_id), params.path_id(group_id)
    actor, db = await member(request, wid)
    access.require_admin(actor, wid)
    data = parse(await body_object(request), GroupIn)
    return json_response(group_out(groups.rename_in_workspace(db, actor, wid, gid, data.changes())))


@router.delete("/workspaces/{workspace_id}/groups/{group_id}", summary="Delete a group (admins)", responses=EMPTY)
async def delete_group(workspace_id: WorkspaceId, group_id: GroupId, request: Request) -> Response:
    wid, gid = params.path_id(workspace_id), params.path_id(group_id)
    actor, db = await member(request, wid)
    groups.delete_in_workspace(db, actor, wid, gid)
    return _empty()


# -- organization groups --------------------------------------------------------------------------------

@router.get("/organizations/{organization_id}/groups", summary="Groups of an organization's workspaces, by name",
            **op(list[V9OrgGroup]))
async def list_org_groups(organization_id: OrganizationId, request: Request, name: NameContains = None,
                          workspace: WorkspaceFilter = None) -> Response:
    actor, db = await caller(request)
    org = organizations.reach(db, actor, params.path_id(organization_id))
    text = (request.query_params.get("name") or "").strip() or None
    rows = groups.org_groups(db, org.workspace_ids, text=text, workspace_id=params.integer(request, "workspace"))
    public_url = request.app.state.settings.public_url
    return json_response([org_group_out(g, public_url) for g in rows])


@router.post("/organizations/{organization_id}/groups", summary="Create a group in a workspace of the organization",
             **op(V9OrgGroup, V9OrgGroupBody))
async def create_org_group(organization_id: OrganizationId, request: Request) -> Response:
    actor, db = await caller(request)
    org = organizations.reach(db, actor, params.path_id(organization_id))
    data = parse(await body_object(request), OrgGroupIn)
    group = groups.create_in_org(db, actor, org.workspace_ids, data.data())
    return json_response(org_group_out(group, request.app.state.settings.public_url))


@router.put("/organizations/{organization_id}/groups/{group_id}", summary="Change an organization group",
            **op(V9OrgGroup, V9OrgGroupBody))
async def update_org_group(organization_id: OrganizationId, group_id: GroupId, request: Request) -> Response:
    actor, db = await caller(request)
    org = organizations.reach(db, actor, params.path_id(organization_id))
    gid = params.path_id(group_id)
    data = parse(await body_object(request), OrgGroupIn)
    group = groups.update_in_org(db, actor, org.workspace_ids, gid, data.data())
    return json_response(org_group_out(group, request.app.state.settings.public_url))


@router.patch("/organizations/{organization_id}/groups/{group_id}", summary="Add or remove users of a group",
              **op(V9GroupPatchResult, V9GroupPatches))
async def patch_org_group(organization_id: OrganizationId, group_id: GroupId, request: Request) -> Response:
    actor, db = await caller(request)
    org = organizations.reach(db, actor, params.path_id(organization_id))
    gid = params.path_id(group_id)
    document = await body_array(request)
    outcomes = groups.patch_in_org(db, actor, org.workspace_ids, gid, patches(document))
    success = [raw for raw, outcome in zip(document, outcomes, strict=True) if outcome is None]
    failure = [{"patch": raw, "message": message(*outcome)}
               for raw, outcome in zip(document, outcomes, strict=True) if outcome is not None]
    return json_response({"success": success, "failure": failure})


@router.delete("/organizations/{organization_id}/groups/{group_id}", summary="Delete an organization group",
               responses=EMPTY)
async def delete_org_group(organization_id: OrganizationId, group_id: GroupId, request: Request) -> Response:
    actor, db = await caller(request)
    org = organizations.reach(db, actor, params.path_id(organization_id))
    groups.delete_in_org(db, actor, org.workspace_ids, params.path_id(group_id))
    return _empty()
