"""Published shapes of the v9 task answers and bodies (40- §3), and the tasks routes' parameters."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import Field, RootModel, WithJsonSchema

from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object

_ID = {"type": "integer", "format": "int64", "minimum": 1}
_IDS = {"type": "string", "pattern": "^[0-9]{1,19}(,[0-9]{1,19})*$", "examples": ["12", "12,13,14"]}
_FLAG = {"type": "boolean"}
_INT = {"type": "integer", "minimum": 0}

WorkspaceId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the workspace.")]
ProjectId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the project.")]
TaskId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the task.")]
TaskIds = Annotated[str, WithJsonSchema(_IDS), Path(
    description="Comma-separated task ids (at most 100); each is changed on its own.")]

ProjectActive = Annotated[str | None, WithJsonSchema(_FLAG), Query(
    description="`true`: active tasks only; `false` or absent: all tasks.")]
Active = Annotated[str | None, WithJsonSchema({"type": "string", "enum": ["true", "false", "both"]}), Query(
    description="`true`: active only; `false`: done only; `both` or absent: all (V-16).")]
Since = Annotated[str | None, WithJsonSchema({"type": "integer", "format": "int64"}), Query(
    description="Unix seconds: only tasks changed later, deleted ones included (`server_deleted_at`).")]
IncludeNotActive = Annotated[str | None, WithJsonSchema(_FLAG), Query(
    description="Also list done tasks (default `false`).")]
Meta = Annotated[str | None, WithJsonSchema(_FLAG), Query(
    description="Ignored: task objects always carry project and client names.")]
Offset = Annotated[str | None, WithJsonSchema(_INT), Query(description="Tasks to skip (default 0).")]
PerPageAll = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1}), Query(
    description="At most this many tasks (default: all).")]
Page = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1}), Query(
    description="1-based page (default 1).")]
PerPage = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 200}), Query(
    description="Tasks per page (default 50, at most 200; more is clamped).")]
SortField = Annotated[str | None, WithJsonSchema({"type": "string", "enum": ["name", "created_at"]}), Query(
    description="`name` (default, case-insensitive) or `created_at`; ties by id.")]
SortOrder = Annotated[str | None, WithJsonSchema({"type": "string", "enum": ["ASC", "DESC"]}), Query(
    description="`ASC` (default) or `DESC`.")]
Pid = Annotated[str | None, WithJsonSchema(_ID), Query(description="Only tasks of this project.")]
Search = Annotated[str | None, Query(description="Name contains this (case-insensitive).")]
IgnoredDate = Annotated[str | None, WithJsonSchema({"type": "string", "format": "date"}), Query(
    description="Accepted and ignored.")]


class V9Task(V9Object):
    """A task (40- §3.1); tasks are a premium feature (O-23)."""

    id: Id
    name: str
    workspace_id: Id
    wid: Id = Field(description="Same as `workspace_id`.")
    project_id: Id
    pid: Id = Field(description="Same as `project_id` (togglCli reads it).")
    user_id: Id | None = Field(description="The assignee (V-22).")
    uid: Id | None = Field(description="Same as `user_id` (togglCli reads it).")
    user_name: str | None = Field(description="The assignee's full name.")
    toggl_accounts_id: str | None = Field(pattern=r"^[0-9]{22}$", description="The assignee's accounts id.")
    active: bool = Field(description="`false` = done.")
    estimated_seconds: int = Field(ge=0)
    tracked_seconds: int = Field(ge=0, description="Time tracked on the task (stopped entries) in **milliseconds**.")
    project_name: str
    project_color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    project_billable: bool
    project_is_private: bool
    client_id: Id | None
    client_name: str | None
    at: Utc
    server_deleted_at: Utc | None = Field(description="Set on tombstones listed through `since`.")
    recurring: bool
    rate: None
    rate_last_updated: None
    avatar_url: None
    permissions: None


class V9TaskPage(V9Object):
    """``GET /workspaces/{id}/tasks``: one page of tasks in an envelope (40- §3.3)."""

    data: list[V9Task]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=200)
    total_count: int = Field(ge=0)
    sort_field: Literal["name", "created_at"]
    sort_order: Literal["ASC", "DESC"]


class V9TaskPatchFailure(V9Object):
    id: int
    message: str


class V9TaskPatchResult(V9Object):
    """Per-id outcome of a bulk PATCH: each id changed on its own (V-20)."""

    success: list[Id]
    failure: list[V9TaskPatchFailure]


class V9TaskBody(V9Body):
    """Task keys, all optional on update; `null` is ignored except for `user_id` (unassigns)."""

    name: str | None = Field(None, description="Required on create; unique per project, case-insensitive.")
    active: bool | None = Field(None, description="Default `true`.")
    estimated_seconds: int | None = Field(None, ge=0, description="Default 0.")
    user_id: int | None = Field(None, description="Assignee: a member of the workspace.")


class V9TaskCompatBody(V9TaskBody):
    """togglCli's ``POST /workspaces/{id}/tasks``: the project comes from the body (40- §3.4)."""

    project_id: int | None = Field(None, description="Required (or `pid`).")
    pid: int | None = Field(None, description="Alias of `project_id`.")
    uid: int | None = Field(None, description="Alias of `user_id`.")


class V9TaskPatchOperation(V9Body):
    op: Literal["add", "replace", "remove"]
    path: Literal["/name", "/active", "/estimated_seconds", "/user_id"]
    value: str | bool | int | None = Field(None, description="Not used by `remove` (only `/user_id`).")


class V9TaskPatchDocument(RootModel[list[V9TaskPatchOperation]]):
    """RFC 6902 subset: the same change for every id of the path."""
