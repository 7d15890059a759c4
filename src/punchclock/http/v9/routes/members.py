"""API v9 workspace members (30- §4, §1.2): the user list, workspace users (also through the organization),
changing and removing a membership."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import WithJsonSchema
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import access, members, organizations, workspaces
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.domain.members import MemberRow
from punchclock.http import wire
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import ok, op, request_body
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_object, caller, member, parse
from punchclock.http.v9.docs.members import V9WorkspaceMemberUser, V9WorkspaceUser, V9WorkspaceUserUpdate
from punchclock.http.v9.schemas.members import WorkspaceUserIn, user_out, workspace_user_out

router = APIRouter(route_class=V9Route, tags=["v9 workspace members"])

_ID = {"type": "integer", "format": "int64", "minimum": 1}
_FLAG = {"type": "boolean"}
WorkspaceId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the workspace.")]
OrganizationId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the organization.")]
WorkspaceUserId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the workspace user (membership).")]
Ignored = Annotated[str | None, WithJsonSchema(_FLAG), Query(description="Accepted and ignored.")]
Active = Annotated[str | None, WithJsonSchema(_FLAG), Query(description="Only active (true) or pending (false).")]
Search = Annotated[str | None, Query(description="Name (or, for admins, e-mail) contains, case-insensitive.")]
PageNumber = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1}), Query(
    description="1-based page; paging applies only when `page` or `per_page` is given.")]
PerPage = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 200}), Query(
    description="Page size (default 50, at most 200).")]
#: Status-only answers (10- §3, V-10): 200 with no body at all.
EMPTY: dict[str, Any] = {"response_class": Response, "responses": {200: {"description": "Empty body."}}}


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _render(db: Session, actor: Actor, wid: int, rows: list[MemberRow], settings: Settings) -> list[dict[str, Any]]:
    admin = actor.is_admin(wid)
    org_admins = workspaces.organization_admins(db, workspaces.organization_of(db, wid)) if rows else set()
    out = []
    for r in rows:
        url = None
        if (access.sees_invite_urls(actor, wid) and r.invite_code is not None
                and members.invite_live(r, settings.invite_days)):
            url = members.invite_url(settings.public_url, r.invite_code)
        out.append(workspace_user_out(r, caller_admin=admin, organization_admin=r.user_id in org_admins,
                                      invite_url=url))
    return out


@router.get("/workspaces/{workspace_id}/users", summary="Users of a workspace (e-mails for admins only)",
            **op(list[V9WorkspaceMemberUser]))
async def workspace_users(workspace_id: WorkspaceId, request: Request, exclude_deleted: Ignored = None
                          ) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    admin = actor.is_admin(wid)
    return wire.json_response([user_out(u, caller_admin=admin) for u in workspaces.member_users(db, actor, wid)])


# The list's answer publishes the update body: the update answers an empty body, which cannot.
@router.get("/workspaces/{workspace_id}/workspace_users", summary="Memberships of a workspace",
            responses=ok(list[V9WorkspaceUser], body=V9WorkspaceUserUpdate))
async def list_workspace_users(workspace_id: WorkspaceId, request: Request,
                               includeIndirect: Ignored = None) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    rows = members.list_workspace(db, actor, wid)
    return wire.json_response(_render(db, actor, wid, rows, _settings(request)))


@router.get("/organizations/{organization_id}/workspaces/{workspace_id}/workspace_users",
            summary="Memberships of a workspace of an organization", **op(list[V9WorkspaceUser]))
async def organization_workspace_users(organization_id: OrganizationId, workspace_id: WorkspaceId, request: Request,
                                       page: PageNumber = None, per_page: PerPage = None, active: Active = None,
                                       name: Search = None, search: Search = None) -> Response:
    oid, wid = params.path_id(organization_id), params.path_id(workspace_id)
    actor, db = await caller(request)
    if wid not in organizations.reach(db, actor, oid).workspace_ids:
        raise NotFound("workspace_not_found")
    access.require_member(actor, wid)
    rows = _filtered(request, actor.is_admin(wid), members.list_workspace(db, actor, wid))
    paging = params.page(request, default_per_page=50, maximum=200)
    if paging is not None:
        rows = rows[paging.offset:paging.offset + paging.per_page]
    return wire.json_response(_render(db, actor, wid, rows, _settings(request)))


def _filtered(request: Request, admin: bool, rows: list[MemberRow]) -> list[MemberRow]:
    """``active`` and ``name``/``search`` (name contains; e-mail too for admins, who may see e-mails)."""
    active = params.flag(request, "active")
    text = (request.query_params.get("name") or request.query_params.get("search") or "").strip().casefold()
    return [r for r in rows
            if (active is None or r.active == active)
            and (not text or text in r.fullname.casefold() or (admin and text in r.email.casefold()))]


@router.put("/workspaces/{workspace_id}/workspace_users/{workspace_user_id}", summary="Change a membership",
            **EMPTY, openapi_extra=request_body(V9WorkspaceUserUpdate, required=False))
async def update_workspace_user(workspace_id: WorkspaceId, workspace_user_id: WorkspaceUserId,
                                request: Request) -> Response:
    wid, member_id = params.path_id(workspace_id), params.path_id(workspace_user_id)
    actor, db = await member(request, wid)
    access.require_admin(actor, wid)  # 403 before the body is judged
    data = parse(await body_object(request), WorkspaceUserIn)
    members.update(db, actor, member_id, data.changes(), workspace_id=wid)
    return Response(status_code=200, headers=wire.NO_STORE)


@router.delete("/workspaces/{workspace_id}/workspace_users/{workspace_user_id}", summary="Remove a member",
               **EMPTY)
async def delete_workspace_user(workspace_id: WorkspaceId, workspace_user_id: WorkspaceUserId,
                                request: Request) -> Response:
    wid, member_id = params.path_id(workspace_id), params.path_id(workspace_user_id)
    actor, db = await member(request, wid)
    access.require_admin(actor, wid)
    members.remove(db, actor, member_id, workspace_id=wid)
    return Response(status_code=200, headers=wire.NO_STORE)
