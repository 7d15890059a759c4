"""API v9 project users (40-catalog §5)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.domain import access, project_users, projects
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import op
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_array, body_object, member, parse
from punchclock.http.v9.docs import project_users as docs
from punchclock.http.v9.docs.projects import DELETED_ID, V9BulkResult, V9PatchDocument, WorkspaceId
from punchclock.http.v9.schemas.project_users import ProjectUserIn, patch_changes, project_user_out
from punchclock.http.v9.schemas.projects import bulk
from punchclock.http.wire import json_response

router = APIRouter(route_class=V9Route, tags=["v9 project users"])
MAX_PROJECT_IDS = 200


def _in_workspace(db: Session, actor: Actor, workspace_id: int, project_user_id: int) -> None:
    """Project users of another workspace than the path's are unknown (404, V-6)."""
    if project_users.get(db, actor, project_user_id).workspace_id != workspace_id:
        raise NotFound("project_user_not_found")


def _answer(db: Session, actor: Actor, workspace_id: int, project_user_id: int) -> Response:
    pm = project_users.get(db, actor, project_user_id)
    return json_response(project_user_out(pm, access.views(db, actor)[workspace_id]))


@router.get("/workspaces/{workspace_id}/project_users", summary="Project users of a workspace",
            **op(list[docs.V9ProjectUser]))
async def list_project_users(request: Request, workspace_id: WorkspaceId, project_ids: docs.ProjectIds = None,
                             user_id: docs.UserId = None, with_group_members: docs.WithGroupMembers = None
                             ) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    pids = params.id_array(request, "project_ids", maximum=MAX_PROJECT_IDS)
    uid = params.integer(request, "user_id", minimum=1)
    rows = project_users.list_rows(db, actor, wid, pids, uid)
    view = access.views(db, actor)[wid]
    return json_response([project_user_out(r, view) for r in rows])


@router.post("/workspaces/{workspace_id}/project_users", summary="Add a user to a project",
             **op(docs.V9ProjectUser, docs.V9ProjectUserBody))
async def create_project_user(request: Request, workspace_id: WorkspaceId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    changes = parse(await body_object(request), ProjectUserIn).create()
    if changes.project_id is not None and projects.get(db, actor, changes.project_id).workspace_id != wid:
        raise NotFound("project_not_found")
    created = project_users.create(db, actor, changes)
    return _answer(db, actor, wid, created[0].id)


@router.put("/workspaces/{workspace_id}/project_users/{project_user_id}", summary="Change a project user",
            **op(docs.V9ProjectUser, docs.V9ProjectUserBody))
async def update_project_user(request: Request, workspace_id: WorkspaceId, project_user_id: docs.ProjectUserId
                              ) -> Response:
    wid, pu_id = params.path_id(workspace_id), params.path_id(project_user_id)
    actor, db = await member(request, wid)
    changes = parse(await body_object(request), ProjectUserIn).changes()
    _in_workspace(db, actor, wid, pu_id)
    project_users.update_many(db, actor, [pu_id], changes)
    return _answer(db, actor, wid, pu_id)


@router.patch("/workspaces/{workspace_id}/project_users/{project_user_ids}", summary="Change several project users",
              **op(V9BulkResult, V9PatchDocument))
async def patch_project_users(request: Request, workspace_id: WorkspaceId, project_user_ids: docs.ProjectUserIds
                              ) -> Response:
    wid = params.path_id(workspace_id)
    ids = params.path_ids(project_user_ids)
    actor, db = await member(request, wid)
    changes = patch_changes(await body_array(request))

    def apply(pu_id: int) -> None:
        _in_workspace(db, actor, wid, pu_id)
        project_users.update_many(db, actor, [pu_id], changes)

    return json_response(bulk(db, ids, apply))


@router.delete("/workspaces/{workspace_id}/project_users/{project_user_id}", summary="Remove a project user",
               **op(**DELETED_ID))
async def delete_project_user(request: Request, workspace_id: WorkspaceId, project_user_id: docs.ProjectUserId
                              ) -> Response:
    wid, pu_id = params.path_id(workspace_id), params.path_id(project_user_id)
    actor, db = await member(request, wid)
    _in_workspace(db, actor, wid, pu_id)
    project_users.delete_many(db, actor, [pu_id])
    return json_response(pu_id)
