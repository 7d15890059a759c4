"""API v9 workspaces (30- §3, §1.2): the caller's list, one workspace, settings, new workspaces of an
organization, statistics, time-entry constraints and the team dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import WithJsonSchema

from punchclock.config import Settings
from punchclock.domain import access, dashboard, organizations, workspaces
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import op
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_object, caller, member, parse
from punchclock.http.v9.docs.workspaces import (
    V9Activity,
    V9MostActive,
    V9MyWorkspace,
    V9TimeEntryConstraints,
    V9Workspace,
    V9WorkspaceCreate,
    V9WorkspaceStatistics,
    V9WorkspaceUpdate,
)
from punchclock.http.v9.schemas.workspaces import (
    TIME_ENTRY_CONSTRAINTS,
    WorkspaceIn,
    active_user_out,
    activity_out,
    related,
    statistics_out,
    workspace_out,
)
from punchclock.http.wire import json_response

router = APIRouter(route_class=V9Route, tags=["v9 workspaces"])

_ID = {"type": "integer", "format": "int64", "minimum": 1}
WorkspaceId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the workspace.")]
OrganizationId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the organization.")]
Since = Annotated[str | None, WithJsonSchema({"type": "integer", "format": "int64"}), Query(
    description="Unix seconds: only what changed after then.")]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


@router.get("/me/workspaces", summary="The caller's workspaces", **op(list[V9MyWorkspace]))
async def my_workspaces(request: Request, since: Since = None) -> Response:
    actor, db = await caller(request)
    return json_response(related(db, actor, _settings(request), params.since(request)))


@router.get("/workspaces", summary="The caller's workspaces (compatibility: = /me/workspaces)",
            **op(list[V9MyWorkspace]))
async def list_workspaces(request: Request, since: Since = None) -> Response:
    actor, db = await caller(request)
    return json_response(related(db, actor, _settings(request), params.since(request)))


@router.post("/organizations/{organization_id}/workspaces", summary="Create a workspace in an organization",
             **op(V9Workspace, V9WorkspaceCreate))
async def create_workspace(organization_id: OrganizationId, request: Request) -> Response:
    actor, db = await caller(request)
    oid = params.path_id(organization_id)
    organizations.require_admin(db, actor, oid)  # 403 before the body is judged
    data = parse(await body_object(request), WorkspaceIn)
    ws = workspaces.create_in_organization(db, actor, oid, data.changes())
    return json_response(workspace_out(ws, access.view_for(actor, ws)))


@router.get("/workspaces/{workspace_id}", summary="Get a workspace", **op(V9Workspace))
async def get_workspace(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    ws = workspaces.get(db, actor, wid)
    return json_response(workspace_out(ws, access.view_for(actor, ws)))


@router.put("/workspaces/{workspace_id}", summary="Change a workspace's settings or its admins",
            **op(V9Workspace, V9WorkspaceUpdate))
async def update_workspace(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    access.require_admin(actor, wid)  # 403 before the body is judged
    data = parse(await body_object(request), WorkspaceIn)
    ws = workspaces.update(db, actor, wid, data.changes())
    return json_response(workspace_out(ws, access.view_for(actor, ws)))


@router.get("/workspaces/{workspace_id}/statistics", summary="Admins, group and member counts",
            **op(V9WorkspaceStatistics))
async def statistics(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    return json_response(statistics_out(workspaces.statistics(db, actor, wid)))


@router.get("/workspaces/{workspace_id}/time_entry_constraints", summary="Time-entry constraints (none)",
            **op(V9TimeEntryConstraints))
async def time_entry_constraints(workspace_id: WorkspaceId, request: Request) -> Response:
    await member(request, params.path_id(workspace_id))
    return json_response(TIME_ENTRY_CONSTRAINTS)


@router.get("/workspaces/{workspace_id}/dashboard/top_activity", summary="The 20 entries changed last",
            **op(list[V9Activity]))
async def top_activity(workspace_id: WorkspaceId, request: Request, since: Since = None) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    return json_response([activity_out(a) for a in dashboard.top_activity(db, actor, wid, params.since(request))])


@router.get("/workspaces/{workspace_id}/dashboard/all_activity", summary="Each member's entry changed last",
            **op(list[V9Activity]))
async def all_activity(workspace_id: WorkspaceId, request: Request, since: Since = None) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    return json_response([activity_out(a) for a in dashboard.all_activity(db, actor, wid, params.since(request))])


@router.get("/workspaces/{workspace_id}/dashboard/most_active", summary="Who tracked most in the last 7 days",
            **op(list[V9MostActive]))
async def most_active(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    admin = actor.is_admin(wid)
    return json_response([active_user_out(u, admin) for u in dashboard.most_active(db, actor, wid)])
