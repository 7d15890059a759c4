"""API v9 tasks (40- §3, 20- §8): project tasks, the workspace list, togglCli's routes without project.

Tasks are premium (O-23, V-45): every write is 402 on a free workspace, lists answer empty there, and a
single task can still be read. Lists are one Core statement each, tracked time summed by the database.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.domain import tasks
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Malformed
from punchclock.domain.tasks import TaskQuery
from punchclock.http import wire
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import op
from punchclock.http.v9 import errors, params
from punchclock.http.v9.deps import body_array, body_object, caller, member, parse
from punchclock.http.v9.docs import tasks as docs
from punchclock.http.v9.schemas.tasks import TaskIn, patch_changes, task_out

router = APIRouter(route_class=V9Route, tags=["v9 tasks"])

#: Status-only answers (10- §3, V-10): 200 with no body at all.
EMPTY: dict[str, Any] = {"response_class": Response, "responses": {200: {"description": "Empty body."}}}
PROJECT_TASKS = "/workspaces/{workspace_id}/projects/{project_id}/tasks"
WORKSPACE_TASKS = "/workspaces/{workspace_id}/tasks"
SORT_FIELDS = ("name", "created_at")


def _one(db: Session, actor: Actor, task_id: int) -> Response:
    return wire.json_response(task_out(tasks.detail(db, actor, task_id)))


def _empty() -> Response:
    return Response(status_code=200, headers=wire.NO_STORE)


# -- the caller's tasks (20- §8) --------------------------------------------------------------------------

@router.get("/me/tasks", summary="Tasks of the caller's workspaces", **op(list[docs.V9Task]))
async def my_tasks(request: Request, since: docs.Since = None, include_not_active: docs.IncludeNotActive = None,
                   meta: docs.Meta = None, offset: docs.Offset = None, per_page: docs.PerPageAll = None) -> Response:
    actor, db = await caller(request)
    query = TaskQuery(active=None if params.flag(request, "include_not_active", False) else True,
                      since=params.since(request), offset=params.integer(request, "offset", 0) or 0,
                      limit=params.integer(request, "per_page", minimum=1))
    return wire.json_response([task_out(row) for row in tasks.details(db, actor, query)])


# -- project tasks (40- §3.2) ----------------------------------------------------------------------------

@router.get(PROJECT_TASKS, summary="Tasks of a project", **op(list[docs.V9Task]))
async def project_tasks(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId,
                        active: docs.ProjectActive = None) -> Response:
    actor, db = await member(request, params.path_id(workspace_id))
    project = tasks.project_in_workspace(db, actor, params.path_id(project_id), params.path_id(workspace_id))
    query = TaskQuery(project_id=project.id, active=True if params.flag(request, "active") else None, sort="name")
    return wire.json_response([task_out(row) for row in tasks.details(db, actor, query)])


@router.post(PROJECT_TASKS, summary="Create a task", **op(docs.V9Task, docs.V9TaskBody))
async def create_project_task(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId
                              ) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    project = tasks.project_in_workspace(db, actor, params.path_id(project_id), wid)
    data = parse(await body_object(request), TaskIn)
    return _one(db, actor, tasks.create(db, actor, data.create(wid, project.id)).id)


@router.patch(PROJECT_TASKS + "/{task_ids}", summary="Change several tasks of a project",
              **op(docs.V9TaskPatchResult, docs.V9TaskPatchDocument))
async def patch_project_tasks(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId,
                              task_ids: docs.TaskIds) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    project = tasks.project_in_workspace(db, actor, params.path_id(project_id), wid)
    ids = params.path_ids(task_ids)
    changes = patch_changes(await body_array(request))
    success, failure = tasks.update_each(db, actor, project, ids, changes)
    return wire.json_response({"success": success, "failure": [
        {"id": task_id, "message": errors.render(err)[1]} for task_id, err in failure]})


@router.get(PROJECT_TASKS + "/{task_id}", summary="Get a task of a project", **op(docs.V9Task))
async def get_project_task(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId,
                           task_id: docs.TaskId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    project = tasks.project_in_workspace(db, actor, params.path_id(project_id), wid)
    return wire.json_response(task_out(tasks.detail(db, actor, params.path_id(task_id), project_id=project.id)))


@router.put(PROJECT_TASKS + "/{task_id}", summary="Change a task of a project", **op(docs.V9Task, docs.V9TaskBody))
async def update_project_task(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId,
                              task_id: docs.TaskId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    project = tasks.project_in_workspace(db, actor, params.path_id(project_id), wid)
    task = tasks.detail(db, actor, params.path_id(task_id), project_id=project.id)
    return await _update(request, db, actor, task.id)


@router.delete(PROJECT_TASKS + "/{task_id}", summary="Delete a task of a project", **EMPTY)
async def delete_project_task(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId,
                              task_id: docs.TaskId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    project = tasks.project_in_workspace(db, actor, params.path_id(project_id), wid)
    task = tasks.detail(db, actor, params.path_id(task_id), project_id=project.id)
    tasks.delete_many(db, actor, [task.id])
    return _empty()


async def _update(request: Request, db: Session, actor: Actor, task_id: int) -> Response:
    data = parse(await body_object(request), TaskIn)
    tasks.update_many(db, actor, [task_id], data.changes())
    return _one(db, actor, task_id)


# -- the workspace list (40- §3.3) and togglCli's routes without project (§3.4, V-13) --------------------

def _sorting(request: Request) -> tuple[str, str]:
    field = (request.query_params.get("sort_field") or "name").strip().lower() or "name"
    order = (request.query_params.get("sort_order") or "ASC").strip().upper() or "ASC"
    if field not in SORT_FIELDS:
        raise Malformed("invalid_param", name="sort_field")
    if order not in ("ASC", "DESC"):
        raise Malformed("invalid_param", name="sort_order")
    return field, order


@router.get(WORKSPACE_TASKS, summary="Tasks of a workspace, one page", **op(docs.V9TaskPage))
async def workspace_tasks(request: Request, workspace_id: docs.WorkspaceId, page: docs.Page = None,
                          per_page: docs.PerPage = None, sort_field: docs.SortField = None,
                          sort_order: docs.SortOrder = None, active: docs.Active = None, pid: docs.Pid = None,
                          search: docs.Search = None, since: docs.Since = None, start_date: docs.IgnoredDate = None,
                          end_date: docs.IgnoredDate = None) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    paging = params.page(request, default_per_page=50, maximum=200, always=True)
    assert paging is not None  # always=True
    field, order = _sorting(request)
    query = TaskQuery(workspace_id=wid, project_id=params.integer(request, "pid", minimum=1),
                      active=params.tristate(request, "active"), since=params.since(request),
                      search=(request.query_params.get("search") or "").strip() or None,
                      sort="name" if field == "name" else "created_at", descending=order == "DESC",
                      offset=paging.offset, limit=paging.per_page)
    rows = tasks.details(db, actor, query)
    # A short page that is not past the end tells the total without counting.
    short = len(rows) < paging.per_page and (bool(rows) or paging.page == 1)
    total = paging.offset + len(rows) if short else tasks.count(db, actor, query)
    return wire.json_response({"data": [task_out(row) for row in rows], "page": paging.page,
                               "per_page": paging.per_page, "total_count": total, "sort_field": field,
                               "sort_order": order})


@router.post(WORKSPACE_TASKS, summary="Create a task (project in the body; togglCli)",
             **op(docs.V9Task, docs.V9TaskCompatBody))
async def create_task(request: Request, workspace_id: docs.WorkspaceId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), TaskIn)
    project_id = None
    if data.project_id is not None:
        project_id = tasks.project_in_workspace(db, actor, data.project_id, wid).id
    return _one(db, actor, tasks.create(db, actor, data.create(wid, project_id)).id)


@router.get(WORKSPACE_TASKS + "/{task_id}", summary="Get a task (togglCli)", **op(docs.V9Task))
async def get_task(request: Request, workspace_id: docs.WorkspaceId, task_id: docs.TaskId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    return wire.json_response(task_out(tasks.detail(db, actor, params.path_id(task_id), workspace_id=wid)))


@router.put(WORKSPACE_TASKS + "/{task_id}", summary="Change a task (togglCli)", **op(docs.V9Task, docs.V9TaskBody))
async def update_task(request: Request, workspace_id: docs.WorkspaceId, task_id: docs.TaskId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    task = tasks.detail(db, actor, params.path_id(task_id), workspace_id=wid)
    return await _update(request, db, actor, task.id)


@router.delete(WORKSPACE_TASKS + "/{task_id}", summary="Delete a task (togglCli)", **EMPTY)
async def delete_task(request: Request, workspace_id: docs.WorkspaceId, task_id: docs.TaskId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    task = tasks.detail(db, actor, params.path_id(task_id), workspace_id=wid)
    tasks.delete_many(db, actor, [task.id])
    return _empty()
