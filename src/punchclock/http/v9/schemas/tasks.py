"""v9 task objects (40- §3.1) and task inputs: bodies of create/update and the bulk PATCH document."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictStr, model_validator
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import colors, tasks
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid
from punchclock.domain.tasks import TaskChanges, TaskCreate, TaskDetail, TaskQuery
from punchclock.http.ids import MAX_ID, id_value
from punchclock.http.v9 import render

MAX_INT32 = 2**31 - 1


def _id(value: Any) -> Any:
    """Ids arrive as JSON numbers or numeric strings (10- §2); a boolean is neither."""
    if isinstance(value, bool):
        raise ValueError("not an id")
    if isinstance(value, str):
        number = id_value(value.strip())
        if number is None:
            raise ValueError("not an id")
        return number
    return value


def _whole(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("not a number")
    return value


WireId = Annotated[int, BeforeValidator(_id), Field(ge=1, le=MAX_ID)]
#: Negative values pass so that the domain answers "Estimated seconds can't be negative".
Seconds = Annotated[int, BeforeValidator(_whole), Field(ge=-MAX_INT32, le=MAX_INT32)]


class TaskIn(BaseModel):
    """Create/update keys (40- §3.2); ``pid``/``uid`` are the togglCli spellings (§3.4), the long name wins."""

    model_config = ConfigDict(extra="ignore")

    name: StrictStr | None = None
    active: StrictBool | None = None
    estimated_seconds: Seconds | None = None
    user_id: WireId | None = None
    project_id: WireId | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for long, short in (("user_id", "uid"), ("project_id", "pid")):
                if long not in data and short in data:
                    data = {**data, long: data[short]}
        return data

    def _sent(self) -> dict[str, Any]:
        """Sent keys; an explicit null counts only for ``user_id`` (unassigns, 10- §2)."""
        return {k: getattr(self, k) for k in self.model_fields_set
                if k in ("name", "active", "estimated_seconds", "user_id")
                and (getattr(self, k) is not None or k == "user_id")}

    def changes(self) -> TaskChanges:
        return TaskChanges(**self._sent())

    def create(self, workspace_id: int, project_id: int | None) -> TaskCreate:
        return TaskCreate(**self._sent(), project_id=project_id, workspace_id=workspace_id)


# -- bulk PATCH: RFC 6902 subset (40- §2.7 rules, paths of §3.2) ------------------------------------------

#: path -> (field, accepted type check, nullable)
_PATHS: dict[str, tuple[str, Any, bool]] = {
    "/name": ("name", lambda v: isinstance(v, str), False),
    "/active": ("active", lambda v: isinstance(v, bool), False),
    "/estimated_seconds": ("estimated_seconds",
                           lambda v: isinstance(v, int) and not isinstance(v, bool) and abs(v) <= MAX_INT32, False),
    "/user_id": ("user_id", lambda v: v is None or _is_id(v), True),
}


def _is_id(value: Any) -> bool:
    try:
        number = _id(value)
    except ValueError:
        return False
    return isinstance(number, int) and 1 <= number <= MAX_ID


def patch_changes(document: list[Any]) -> TaskChanges:
    """The one change a PATCH document asks for; anything malformed is 400 for the whole request."""
    values: dict[str, Any] = {}
    for item in document:
        if not isinstance(item, dict) or item.get("op") not in ("add", "replace", "remove"):
            raise Invalid("task_patch_op")
        target = _PATHS.get(item.get("path"))  # type: ignore[arg-type]
        if target is None:
            raise Invalid("task_patch_path", path=item.get("path"))
        field, accepts, nullable = target
        if item["op"] == "remove":
            if not nullable:
                raise Invalid("task_patch_path", path=item["path"])
            values[field] = None
            continue
        if "value" not in item or not accepts(item["value"]):
            raise Invalid("invalid_field", field=field)
        value = item["value"]
        values[field] = _id(value) if field == "user_id" and value is not None else value
    if not values:
        raise Invalid("task_patch_empty")
    return TaskChanges(**values)


# -- output ---------------------------------------------------------------------------------------------

def task_out(row: TaskDetail) -> dict[str, Any]:
    """Every key of 40- §3.1, in its order; ``tracked_seconds`` in milliseconds (V-22).

    Also ``wid``/``pid``/``uid``, the short names: togglCli 4 reads a task's project from ``pid`` and its
    assignee from ``uid`` (without them ``toggl tasks ls`` shows no project and saving a task fails in the
    client). The contract lists only the long names; the client wins.
    """
    return {
        "id": row.id,
        "name": row.name,
        "workspace_id": row.workspace_id,
        "wid": row.workspace_id,
        "project_id": row.project_id,
        "pid": row.project_id,
        "user_id": row.user_id,
        "uid": row.user_id,
        "user_name": row.user_name,
        "toggl_accounts_id": None if row.user_id is None else render.accounts_id(row.user_id),
        "active": row.active,
        "estimated_seconds": row.estimated_seconds,
        "tracked_seconds": row.tracked_seconds * 1000,
        "project_name": row.project_name,
        "project_color": colors.project_hex(row.project_color, row.project_color_hex),
        "project_billable": row.project_billable,
        "project_is_private": row.project_is_private,
        "client_id": row.client_id,
        "client_name": row.client_name,
        "at": render.utc(row.updated_at),
        "server_deleted_at": render.utc(row.deleted_at),
        "recurring": False,
        "rate": None,
        "rate_last_updated": None,
        "avatar_url": None,
        "permissions": None,
    }


def related(db: Session, actor: Actor, settings: Settings) -> list[dict[str, Any]]:
    """``tasks`` of ``GET /me?with_related_data=true`` (20- §2): what ``/me/tasks`` answers by default —
    active tasks of visible live projects on premium workspaces, by id."""
    del settings  # the task object needs no public URL; the signature is shared by every resource
    return [task_out(row) for row in tasks.details(db, actor, TaskQuery(active=True))]

