from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field

from punchclock.domain.tasks import TaskChanges, TaskCreate, TaskRow
from punchclock.http.v8.schemas import Bool, WireId, WireIn, inputs
from punchclock.http.wire import render_ts
from punchclock.models import Task

MAX_INT32 = 2**31 - 1


def _lenient_seconds(value: Any) -> Any:
    """``null`` and ``false`` read as 0 (30- §5.1); ``true`` is not a number."""
    if value is None or value is False:
        return 0
    if value is True:
        raise ValueError("boolean is not a number")
    return value


#: Negative values pass here so that the domain can answer "Estimated seconds can't be negative".
EstimatedSeconds = Annotated[int, BeforeValidator(_lenient_seconds), Field(ge=-MAX_INT32, le=MAX_INT32)]


class TaskIn(WireIn):
    """``pid`` and ``wid`` only count on create; an update ignores them (O-17)."""

    name: str | None = None
    project_id: WireId | None = Field(None, validation_alias="pid")
    workspace_id: WireId | None = Field(None, validation_alias="wid")
    user_id: WireId | None = Field(None, validation_alias="uid")
    #: Absent stays absent; an explicit null becomes 0 (validators do not run on defaults).
    estimated_seconds: EstimatedSeconds = None  # type: ignore[assignment]
    active: Bool | None = None
    fields: Any = None

    def create(self) -> TaskCreate:
        return inputs(self, TaskCreate)

    def changes(self) -> TaskChanges:
        return inputs(self, TaskChanges)


def task_out(task: Task | TaskRow, tz: ZoneInfo, *, tracked_seconds: int, fields: frozenset[str] = frozenset(),
             uname: str | None = None, with_at: bool = True, deleted: bool = False) -> dict[str, Any]:
    """A task (a row of the workspace list or a model); ``done_seconds`` / ``uname`` only when named in
    ``fields`` (00-conventions §12). ``at`` is left out of create responses (``with_at=False``, O-48).

    v8 omits null fields (``wire.compact``); done inline, the tests name the nullable ones.
    """
    out: dict[str, Any] = {"id": task.id, "name": task.name, "wid": task.workspace_id, "pid": task.project_id}
    if task.user_id is not None:
        out["uid"] = task.user_id
    out["active"] = task.active
    out["estimated_seconds"] = task.estimated_seconds
    out["tracked_seconds"] = tracked_seconds
    if "done_seconds" in fields:
        out["done_seconds"] = tracked_seconds
    if uname and "uname" in fields:
        out["uname"] = uname
    if with_at:
        out["at"] = render_ts(task.updated_at, tz)
    if deleted and task.deleted_at is not None:
        out["server_deleted_at"] = render_ts(task.deleted_at, tz)
    return out
