"""A project's tasks on its page: list (with tracked time, one statement), create, edit, archive, restore.

Tasks are a premium feature (O-23): on a free workspace the list is empty and writes are refused by
``domain/tasks.py`` with its message.
"""

from __future__ import annotations

from typing import NamedTuple

from fastapi import APIRouter, Request, Response

from punchclock.domain import tasks
from punchclock.domain.tasks import TaskChanges, TaskCreate, TaskDetail, TaskQuery
from punchclock.http.web import catalog_forms as forms
from punchclock.http.web.catalog_forms import CatalogRoute
from punchclock.http.web.common import Form, Viewer, see_other, signed_in
from punchclock.models import Workspace

router = APIRouter(route_class=CatalogRoute, include_in_schema=False)
#: A project page lists at most this many tasks (by name); a longer list says so.
SHOWN = 200


class TaskList(NamedTuple):
    rows: list[TaskDetail]
    more: bool
    premium: bool


def task_list(viewer: Viewer, ws: Workspace, project_id: int) -> TaskList:
    if not ws.premium:
        return TaskList([], False, False)
    query = TaskQuery(workspace_id=ws.id, project_id=project_id, sort="name", limit=SHOWN + 1)
    rows = tasks.details(viewer.db, viewer.actor, query)
    return TaskList(rows[:SHOWN], len(rows) > SHOWN, True)


def _task(viewer: Viewer, project_id: int, task_id: int) -> TaskDetail:
    """A task of this project of the current workspace; any other id is unknown (404)."""
    return tasks.detail(viewer.db, viewer.actor, task_id, project_id=project_id, workspace_id=viewer.workspace_id)


@router.post("/projects/{project_id}/tasks")
async def create_task(request: Request, project_id: int) -> Response:
    viewer = await signed_in(request)
    project = tasks.project_in_workspace(viewer.db, viewer.actor, project_id, viewer.workspace_id)
    form = await Form.read(request)
    task = tasks.create(viewer.db, viewer.actor, TaskCreate(
        project_id=project.id, workspace_id=project.workspace_id, name=form.text("name"),
        estimated_seconds=forms.estimate(form)))
    return see_other(request, f"/projects/{project.id}#tasks", ok=f"Task “{task.name}” added.")


@router.post("/projects/{project_id}/tasks/{task_id}")
async def update_task(request: Request, project_id: int, task_id: int) -> Response:
    viewer = await signed_in(request)
    task, form = _task(viewer, project_id, task_id), await Form.read(request)
    changes = TaskChanges(name=form.text("name"), estimated_seconds=forms.estimate(form),
                          active=form.checkbox("active"))
    changed = tasks.update_many(viewer.db, viewer.actor, [task.id], changes)[0]
    return see_other(request, f"/projects/{project_id}#tasks", ok=f"Task “{changed.name}” saved.")


@router.post("/projects/{project_id}/tasks/{task_id}/archive")
async def archive_task(request: Request, project_id: int, task_id: int) -> Response:
    return await _set_active(request, project_id, task_id, False)


@router.post("/projects/{project_id}/tasks/{task_id}/restore")
async def restore_task(request: Request, project_id: int, task_id: int) -> Response:
    return await _set_active(request, project_id, task_id, True)


async def _set_active(request: Request, project_id: int, task_id: int, active: bool) -> Response:
    viewer = await signed_in(request)
    task = _task(viewer, project_id, task_id)
    tasks.update_many(viewer.db, viewer.actor, [task.id], TaskChanges(active=active))
    done = "restored" if active else "archived"
    return see_other(request, f"/projects/{project_id}#tasks", ok=f"Task “{task.name}” {done}.")
