from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from punchclock.domain import access, project_users, tasks
from punchclock.domain.actor import Actor
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import ProjectUserIds, WorkspaceId
from punchclock.http.v8.schemas.project_users import ProjectUserIn, project_user_out
from punchclock.http.wire import json_response
from punchclock.models import ProjectMember

router = APIRouter(route_class=V8Route, tags=["project_users"])
WRAPPER = "project_user"


def _out(db: Session, actor: Actor, members: Sequence[ProjectMember], fields: frozenset[str]) -> list[dict[str, Any]]:
    """Project users with ``fullname`` (when asked) fetched in one query."""
    names = tasks.user_names(db, [m.user_id for m in members]) if "fullname" in fields else {}
    views = access.views(db, actor)
    return [project_user_out(m, views[m.workspace_id], actor.tz, fullname=names.get(m.user_id)) for m in members]


@router.post("/project_users", summary="Add users to a project",
             **op(answers.V8ProjectUsersData, bodies.ProjectUserCreate))
async def create_project_users(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, WRAPPER, ProjectUserIn)
    changes, is_list = data.create()
    created = project_users.create(db, actor, changes, name_ids=is_list)
    rows = _out(db, actor, created, params.fields_set(data.fields))
    return json_response({"data": rows if is_list else rows[0]})


@router.put("/project_users/{project_user_ids}", summary="Update project users",
            **op(answers.V8ProjectUsersData, bodies.ProjectUserUpdate))
async def update_project_users(project_user_ids: ProjectUserIds, actor: CurrentActor, db: DbSession, body: Body
                               ) -> Response:
    ids, is_list = params.parse_ids(project_user_ids)
    data, _ = params.unwrap(body, WRAPPER, ProjectUserIn)
    updated = project_users.update_many(db, actor, ids, data.changes(), name_ids=is_list)
    rows = _out(db, actor, updated, params.fields_set(data.fields))
    return json_response({"data": rows if is_list else rows[0]})


@router.delete("/project_users/{project_user_ids}", summary="Remove users from projects", **op(**DELETED))
async def delete_project_users(project_user_ids: ProjectUserIds, actor: CurrentActor, db: DbSession) -> Response:
    ids, is_list = params.parse_ids(project_user_ids)
    return json_response(project_users.delete_many(db, actor, ids, name_ids=is_list))


@router.get("/workspaces/{workspace_id}/project_users", summary="Project users of a workspace",
            **op(list[objects.V8ProjectUser]))
async def workspace_project_users(workspace_id: WorkspaceId, actor: CurrentActor, db: DbSession) -> Response:
    """``fields`` is not supported here (documented), so no ``fullname``."""
    wid = params.single_id(workspace_id)
    return json_response(_out(db, actor, project_users.list_workspace(db, actor, wid), frozenset()))
