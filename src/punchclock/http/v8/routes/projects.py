from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.domain import access, projects, tasks
from punchclock.domain.actor import Actor
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession, caller
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import (
    Active,
    ActualHours,
    OnlyTemplates,
    ProjectId,
    ProjectIds,
    ProjectUserFields,
    TaskFields,
    WorkspaceId,
)
from punchclock.http.v8.schemas.project_users import project_user_out
from punchclock.http.v8.schemas.projects import ProjectIn, project_out
from punchclock.http.v8.schemas.tasks import task_out
from punchclock.http.wire import json_response
from punchclock.models import Task

router = APIRouter(route_class=V8Route, tags=["projects"])


def _project(db: Session, actor: Actor, project_id: int) -> dict[str, Any]:
    """``{"data": project}`` read back on the list statement, so every answer has one shape."""
    row = projects.read(db, actor, project_id)
    return {"data": project_out(row, access.views(db, actor)[row.workspace_id], actor.tz)}


def _tasks(db: Session, actor: Actor, items: Sequence[Task], fields: frozenset[str]) -> list[dict[str, Any]]:
    """Task list items with tracked seconds and assignee names fetched in one query each."""
    tracked = tasks.tracked_seconds(db, [t.id for t in items])
    names = tasks.user_names(db, [t.user_id for t in items]) if "uname" in fields else {}
    return [
        task_out(t, actor.tz, tracked_seconds=tracked.get(t.id, 0), fields=fields,
                 uname=names.get(t.user_id) if t.user_id is not None else None)
        for t in items
    ]


@router.post("/projects", summary="Create a project", **op(answers.V8ProjectData, bodies.ProjectCreate))
async def create_project(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, "project", ProjectIn)
    project = projects.create(db, actor, data.create())
    return json_response(_project(db, actor, project.id))


@router.get("/projects/{project_id}", summary="Get a project", **op(answers.V8ProjectData))
async def get_project(project_id: ProjectId, actor: CurrentActor, db: DbSession) -> Response:
    return json_response(_project(db, actor, params.single_id(project_id)))


@router.put("/projects/{project_id}", summary="Update a project",
            **op(answers.V8ProjectData, bodies.ProjectUpdate))
async def update_project(project_id: ProjectId, actor: CurrentActor, db: DbSession, body: Body) -> Response:
    pid = params.single_id(project_id)
    data, _ = params.unwrap(body, "project", ProjectIn)
    project = projects.update_project(db, actor, pid, data.changes())
    return json_response(_project(db, actor, project.id))


@router.delete("/projects/{project_ids}", summary="Delete projects", **op(**DELETED))
async def delete_projects(project_ids: ProjectIds, actor: CurrentActor, db: DbSession) -> Response:
    ids, is_list = params.parse_ids(project_ids)
    return json_response(projects.delete_many(db, actor, ids, name_ids=is_list))


@router.get("/projects/{project_id}/project_users", summary="Users of a project",
            **op(list[objects.V8ProjectUser]))
async def project_users(project_id: ProjectId, actor: CurrentActor, db: DbSession,
                        fields: ProjectUserFields = None) -> Response:
    project, members = projects.project_users(db, actor, params.single_id(project_id))
    wanted = params.fields_set(fields)
    names = tasks.user_names(db, [m.user_id for m in members]) if "fullname" in wanted else {}
    view = access.views(db, actor)[project.workspace_id]
    return json_response([project_user_out(m, view, actor.tz, fullname=names.get(m.user_id)) for m in members])


@router.get("/projects/{project_id}/tasks", summary="Tasks of a project", **op(list[objects.V8Task]))
async def project_tasks(project_id: ProjectId, actor: CurrentActor, db: DbSession, active: Active = None,
                        fields: TaskFields = None) -> Response:
    pid = params.single_id(project_id)
    items = tasks.list_for_project(db, actor, pid, params.tristate(active, "active", True))
    return json_response(_tasks(db, actor, items, params.fields_set(fields)))


@router.get("/workspaces/{workspace_id}/projects", summary="Projects of a workspace",
            **op(list[objects.V8Project]))
async def workspace_projects(workspace_id: WorkspaceId, request: Request, active: Active = None,
                             actual_hours: ActualHours = None, only_templates: OnlyTemplates = None) -> Response:
    actor, db = await caller(request)  # a hot path: no FastAPI dependency (deps.caller)
    wid = params.single_id(workspace_id)
    only_active = params.tristate(active, "active", True)
    with_hours = params.flag(actual_hours, "actual_hours", False)
    templates = params.flag(only_templates, "only_templates", False)
    rows = projects.list_workspace(db, actor, wid, only_active, templates, with_hours)
    view, tz = access.views(db, actor)[wid], actor.tz
    return json_response([project_out(p, view, tz) for p in rows])


@router.get("/workspaces/{workspace_id}/tasks", summary="Tasks of a workspace", **op(list[objects.V8Task]))
async def workspace_tasks(workspace_id: WorkspaceId, request: Request, active: Active = None,
                          fields: TaskFields = None) -> Response:
    actor, db = await caller(request)  # a hot path: rows with tracked time and assignee name (domain/tasks.py)
    wid = params.single_id(workspace_id)
    rows = tasks.list_workspace(db, actor, wid, params.tristate(active, "active", True))
    wanted, tz = params.fields_set(fields), actor.tz
    return json_response([task_out(t, tz, tracked_seconds=t.tracked_seconds, fields=wanted, uname=t.uname)
                          for t in rows])
