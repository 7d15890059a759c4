"""Published shapes of the v9 client operations (40- §1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import Field, RootModel, WithJsonSchema

from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object

_SINCE = {"type": "integer", "format": "int64", "description": "Unix seconds."}

Status = Annotated[str | None, WithJsonSchema({"type": "string", "enum": ["active", "archived", "both"],
                                               "default": "active"}),
                   Query(description="`active` (default), `archived` or `both`.")]
Name = Annotated[str | None, Query(description="Only clients whose name contains this text (any case).")]
Since = Annotated[str | None, WithJsonSchema(_SINCE), Query(
    description="Only clients changed after this instant, deleted ones included (with `server_deleted_at`).")]


class V9Client(V9Object):
    """A client (40- §1.1)."""

    id: Id
    name: str
    wid: Id = Field(description="Workspace id (v9 clients carry only the short name).")
    notes: str | None
    archived: bool
    creator_id: Id | None = Field(description="Who created it; null for clients older than API v9.")
    at: Utc
    server_deleted_at: Utc | None = Field(description="Deletion time; only on tombstones listed by `since`.")
    permissions: None


class V9ClientsArchived(V9Object):
    """What a bulk archive changed."""

    client_ids: list[Id]
    project_ids: list[Id] = Field(description="The projects archived with the clients (they were active).")


class V9ClientBody(V9Body):
    """Create or update a client; `archived` and other read-only keys are ignored."""

    name: str | None = Field(None, description="Required on create; unique in the workspace (any case).")
    notes: str | None = Field(None, description="`null` clears.")
    workspace_id: int | None = Field(None, description="Create only: must equal the path's workspace.")
    wid: int | None = Field(None, description="Short name of `workspace_id`.")


class V9ClientRestoreBody(V9Body):
    """Which archived projects of the client become active again (none by default)."""

    restore_all_projects: bool = Field(False, description="All the client's archived projects.")
    projects: list[int] = Field(default_factory=list, description="These projects (each must be the client's).")


class V9ClientIds(RootModel[list[int]]):
    """Client ids of the path's workspace (at most 100); all are changed or none."""
