from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from punchclock.domain import tasks
from punchclock.domain.actor import Actor
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession
from punchclock.http.v8.docs import answers, bodies
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import TaskFields, TaskId, TaskIds
from punchclock.http.v8.schemas.tasks import TaskIn, task_out
from punchclock.http.wire import json_response
from punchclock.models import Task

router = APIRouter(route_class=V8Route, tags=["tasks"])
WRAPPER = "task"


def _out(db: Session, actor: Actor, items: Sequence[Task], fields: frozenset[str], *,
         with_at: bool = True) -> list[dict[str, Any]]:
    """Tasks with tracked seconds and (when asked) assignee names, one query each."""
    tracked = tasks.tracked_seconds(db, [t.id for t in items])
    names = tasks.user_names(db, [t.user_id for t in items]) if "uname" in fields else {}
    return [
        task_out(t, actor.tz, tracked_seconds=tracked.get(t.id, 0), fields=fields,
                 uname=names.get(t.user_id) if t.user_id is not None else None, with_at=with_at)
        for t in items
    ]


@router.post("/tasks", summary="Create a task", **op(answers.V8TaskData, bodies.TaskCreate))
async def create_task(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, WRAPPER, TaskIn)
    task = tasks.create(db, actor, data.create())
    return json_response({"data": _out(db, actor, [task], params.fields_set(data.fields), with_at=False)[0]})


@router.get("/tasks/{task_id}", summary="Get a task", **op(answers.V8TaskData))
async def get_task(task_id: TaskId, actor: CurrentActor, db: DbSession, fields: TaskFields = None) -> Response:
    task = tasks.get(db, actor, params.single_id(task_id))
    return json_response({"data": _out(db, actor, [task], params.fields_set(fields))[0]})


@router.put("/tasks/{task_ids}", summary="Update tasks", **op(answers.V8TasksData, bodies.TaskUpdate))
async def update_tasks(task_ids: TaskIds, actor: CurrentActor, db: DbSession, body: Body) -> Response:
    ids, is_list = params.parse_ids(task_ids)
    data, _ = params.unwrap(body, WRAPPER, TaskIn)
    updated = tasks.update_many(db, actor, ids, data.changes(), name_ids=is_list)
    rows = _out(db, actor, updated, params.fields_set(data.fields))
    return json_response({"data": rows if is_list else rows[0]})


@router.delete("/tasks/{task_ids}", summary="Delete tasks", **op(**DELETED))
async def delete_tasks(task_ids: TaskIds, actor: CurrentActor, db: DbSession) -> Response:
    ids, is_list = params.parse_ids(task_ids)
    return json_response(tasks.delete_many(db, actor, ids, name_ids=is_list))
