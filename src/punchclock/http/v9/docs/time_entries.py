"""Published shapes of the v9 time-entry operations (50-)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import Field, RootModel, WithJsonSchema

from punchclock.http.ids import MAX_ID
from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object

_FLAG = {"type": "boolean"}
_WHEN = {"type": "string", "examples": ["2024-05-02", "2024-05-02T09:00:00Z"]}
_ID = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
_IDS = {"type": "string", "pattern": "^[0-9]{1,19}(,[0-9]{1,19})*$", "examples": ["12", "12,13,14"]}
_META = "Add the names of project, client, task and owner to each entry (50- §1)."
_SINCE = "Unix seconds: entries changed after it, deleted ones included (with `server_deleted_at`)."
_BEFORE = "Date or RFC 3339: entries that started before it (a date is midnight in the caller's zone)."
_START_DATE = "Date or RFC 3339: entries that started at or after it."
_END_DATE = "RFC 3339: entries that started before it; a date includes that whole day (V-23)."

Meta = Annotated[str | None, WithJsonSchema(_FLAG), Query(description=_META)]
IncludeSharing = Annotated[str | None, WithJsonSchema(_FLAG), Query(description="Accepted and ignored.")]
TimeEntryIds = Annotated[str, WithJsonSchema(_IDS), Path(
    description="Up to 100 comma-separated ids (no spaces); each entry is changed on its own.")]


def _param(name: str, where: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": schema, "description": description}


#: The hot routes read their parameters from the request themselves: FastAPI's per-parameter validation
#: costs more than the rest of a start or stop answer (see bench/api.py). These describe them instead.
WORKSPACE_ID = _param("workspace_id", "path", _ID, "Id of the workspace.")
TIME_ENTRY_ID = _param("time_entry_id", "path", _ID, "Id of the time entry.")
META = _param("meta", "query", _FLAG, _META)
LIST_PARAMS = [
    _param("since", "query", {"type": "integer", "format": "int64"}, _SINCE),
    _param("before", "query", _WHEN, _BEFORE),
    _param("start_date", "query", _WHEN, _START_DATE),
    _param("end_date", "query", _WHEN, _END_DATE),
    META,
    _param("include_sharing", "query", _FLAG, "Accepted and ignored."),
]


def with_params(kwargs: dict[str, Any], *params: dict[str, Any]) -> dict[str, Any]:
    """``op(...)`` decorator arguments plus parameters the handler does not declare."""
    extra = dict(kwargs.get("openapi_extra") or {})
    extra["parameters"] = list(params)
    return {**kwargs, "openapi_extra": extra}


class V9TimeEntry(V9Object):
    """A time entry (50- §1). Long names and their short aliases carry the same value."""

    id: Id
    workspace_id: Id
    wid: Id
    project_id: Id | None
    pid: Id | None
    task_id: Id | None
    tid: Id | None
    user_id: Id = Field(description="The owner.")
    uid: Id
    billable: bool
    start: Utc
    stop: Utc | None = Field(description="null while running.")
    duration: int = Field(description="Seconds; while running `-epoch(start)` (V-7).")
    description: str
    tags: list[str] = Field(description="Tag names, sorted case-insensitively (V-9).")
    tag_ids: list[Id] = Field(description="The tags' ids, in the order of `tags`.")
    duronly: bool
    at: Utc = Field(description="Last change.")
    server_deleted_at: Utc | None = Field(description="Deletion time of a deleted entry, else null.")
    shared_with: None
    permissions: None
    expense_ids: list[int]


class V9TimeEntryWithMeta(V9TimeEntry):
    """A time entry with ``meta=true`` (50- §1)."""

    client_id: Id | None
    client_name: str | None
    project_name: str | None
    project_color: str | None = Field(description="`#rrggbb`.")
    project_active: bool | None
    project_billable: bool | None
    task_name: str | None
    user_name: str
    user_avatar_url: str


Entry = V9TimeEntry | V9TimeEntryWithMeta


class V9TimeEntryFields(V9Body):
    """Fields of a create or an update (50- §3, §4); short names (`wid`, `pid`, `tid`, `uid`) are accepted too,
    the long name wins when both are sent."""

    workspace_id: int | None = Field(None, description="Create: must equal the path. Update: moves the entry.")
    project_id: int | None = Field(None, description="null clears the project (and the task).")
    task_id: int | None = None
    billable: bool | None = None
    start: str | None = Field(None, description="RFC 3339.")
    stop: str | None = Field(None, description="RFC 3339; wins over `duration`.")
    duration: int | None = Field(None, description="Seconds; any negative value = running.")
    description: str | None = Field(None, description="Update: null is ignored; send \"\" to clear.")
    tags: list[str] | None = Field(None, description="Tag names; unknown names create tags.")
    tag_ids: list[int] | None = Field(None, description="Ids of the workspace's tags; one set with `tags`.")


class V9TimeEntryCreate(V9TimeEntryFields):
    """A new time entry (50- §3)."""

    created_with: str = Field(description="The client's name (required).")
    start: str = Field(description="RFC 3339 (required).")
    start_date: str | None = Field(None, description="YYYY-MM-DD: replaces the date of `start`, keeps its time.")
    user_id: int | None = Field(None, description="Admins: file the entry for another active member.")


class V9TimeEntryUpdate(V9TimeEntryFields):
    """Changes to a time entry (50- §4); only the keys sent change."""

    tag_action: Literal["add", "delete", "remove"] | None = Field(
        None, description="Absent: `tags` and `tag_ids` (one set) replace the entry's tags.")


class V9TimeEntryPatchOperation(V9Body):
    """One RFC 6902 operation (50- §5)."""

    op: Literal["add", "remove", "replace"]
    path: Literal["/description", "/billable", "/project_id", "/task_id", "/tags", "/tag_ids", "/start", "/stop",
                  "/duration", "/user_id"]
    value: Any = Field(None, description="`/start`, `/stop`: RFC 3339, or a date that keeps the time of day.")


class V9TimeEntryPatch(RootModel[list[V9TimeEntryPatchOperation]]):
    """A patch document, applied to every listed entry on its own."""


class V9TimeEntryPatchFailure(V9Object):
    id: Id
    message: str


class V9TimeEntryPatchResult(V9Object):
    """Which entries changed and why the others did not."""

    success: list[Id]
    failure: list[V9TimeEntryPatchFailure]
